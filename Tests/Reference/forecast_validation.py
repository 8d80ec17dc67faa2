#!/usr/bin/env python3
"""Validation of the forecast (issue #13) over generated organisations, through the CLI.

For each kind (multiplicative noise, additive noise, multiplicative with --common-shock 0.03)
and seeds 1..SEEDS it runs

    scorecard generate --teams 73 --periods 36 --seed S [--noise additive] [--common-shock 0.03]
    scorecard forecast DIR --format json                       (the scale `auto` chose)
    scorecard forecast DIR --backtest 6 --format json [--calibration none]

and prints, per kind and with/without calibration: how often `auto` chose the right scale
(log for multiplicative, none for additive), pooled team coverage per horizon and overall
(sum of covered rows / rows), the organisation figure's coverage pooled over horizons, and
the skill 1 - MASE_arx / MASE_benchmark per horizon against naive and snaive (MASE pooled as
the n-weighted mean over organisations). Prints Markdown.

Usage (from the repository root, after `swift build -c release`):

    python3 Tests/Reference/forecast_validation.py [--seeds 20] [--bin .build/release/scorecard]
"""
import argparse
import json
import subprocess
import tempfile
from collections import defaultdict
from pathlib import Path

KINDS = [("multiplicative", [], "log"), ("additive", ["--noise", "additive"], "none"),
         ("multiplicative, common shock 0.03", ["--common-shock", "0.03"], "log")]


def run(cmd):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--bin", default=".build/release/scorecard")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for kind, flags, right in KINDS:
            right_scale = 0
            stats = {cal: defaultdict(lambda: [0.0, 0]) for cal in ("auto", "none")}
            for seed in range(1, a.seeds + 1):
                d = Path(tmp) / f"{kind[:3]}{seed}"
                subprocess.run([a.bin, "generate", "--teams", "73", "--periods", "36", "--seed", str(seed), "--output", str(d), "--quiet"] + flags,
                               check=True, capture_output=True)
                f = run([a.bin, "forecast", str(d), "--format", "json"])
                scale = next(n for n in f["notes"] if n.startswith("scale: "))
                right_scale += scale.startswith("scale: log") == (right == "log")
                for cal in ("auto", "none"):
                    b = run([a.bin, "forecast", str(d), "--backtest", "6", "--format", "json", "--calibration", cal])
                    for r in b["rows"]:
                        key = (r["model"], r["horizon"])
                        s = stats[cal]
                        if r["coverage"] is not None:
                            s[key + ("cov",)][0] += r["coverage"] * r["n"]
                            s[key + ("cov",)][1] += r["n"]
                        if r["mase"] is not None:
                            s[key + ("mase",)][0] += r["mase"] * r["n"]
                            s[key + ("mase",)][1] += r["n"]
            print(f"\n### {kind} ({a.seeds} organisations, 73 teams x 36 months)\n")
            print(f"`auto` chose the right scale ({right}) in {right_scale} of {a.seeds}.\n")
            print("| calibration | h | team coverage % | skill vs naive | skill vs snaive |")
            print("|---|---|---|---|---|")
            for cal in ("auto", "none"):
                s = stats[cal]
                tot_c = tot_n = 0.0
                for h in (1, 2, 3):
                    c, n = s[("arx", h, "cov")]
                    tot_c += c
                    tot_n += n
                    m = s[("arx", h, "mase")]
                    mm = m[0] / m[1]
                    sk = []
                    for bench in ("naive", "snaive"):
                        bb = s[(bench, h, "mase")]
                        sk.append(f"{1 - mm / (bb[0] / bb[1]):.3f}" if bb[1] else "")
                    print(f"| {cal} | {h} | {100 * c / n:.1f} | {sk[0]} | {sk[1]} |")
                oc = sum(s[("total", h, "cov")][0] for h in (1, 2, 3))
                on = sum(s[("total", h, "cov")][1] for h in (1, 2, 3))
                print(f"| {cal} | all | {100 * tot_c / tot_n:.1f} (organisation figure: {100 * oc / on:.1f} of {int(on)}) | | |" if on else
                      f"| {cal} | all | {100 * tot_c / tot_n:.1f} (organisation figure: no origin with every actual) | | |")


if __name__ == "__main__":
    main()
