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

Per row, from the forecasts at each backtest origin o (`scorecard forecast DIR --to PERIOD(o)
--with-total --format json`, which the script first checks reproduce the CLI's pooled backtest
coverage exactly), it also reports:
- team coverage by size third: teams ranked within each organisation by the mean of their present
  target values, split into thirds (np.array_split);
- the organisation figure (METHODS.md "Forecast"): its coverage T ± t(1-a/2, df)*sqrt(k2*V), df = k where
  k2 > 1 binds and the fit's df otherwise (docs/DECISIONS.md), and the diagnostics behind it, read from the
  CLI's notes (rho, k2 and the number k of window origins it came from; the fit's df from the driver
  F-test's denominator): mean z0^2 = (actual - T)^2 / V (the variance the figure really needs relative to V;
  1 when V is right), mean k2, mean z^2 = (actual - T)^2 / (k2 V);
- two other readings of the figure's multiplier, from the same rows (not the engine): t(1-a/2, df) with the
  fit's df throughout (the engine before the df decision), and t(1-a/2, k) wherever k2 comes from k >= 3
  window origins, binding or not.

Usage (from the repository root, after `swift build -c release`):

    python3 Tests/Reference/forecast_validation.py [--seeds 20] [--bin .build/release/scorecard]
"""
import argparse
import json
import re
import subprocess
import tempfile
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import t as student_t

KINDS = [("multiplicative", [], "log"), ("additive", ["--noise", "additive"], "none"),
         ("multiplicative, common shock 0.03", ["--common-shock", "0.03"], "log")]


def run(cmd):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def month(label):
    y, m = label.split("-")
    return int(y) * 12 + int(m) - 1


def label(m):
    return f"{m // 12:04d}-{m % 12 + 1:02d}"


def per_origin(binary, d, cal, B=6, H=3):
    """Team rows and organisation-figure rows of the backtest, from the forecasts at each origin."""
    df = pd.read_csv(d / "measurements.csv", dtype={"team": str, "period": str, "measure": str},
                     keep_default_na=False, na_values=["", "NA", "NaN", "null"])
    last = max(month(p) for p in df.period.unique())
    y = df[(df.measure == "revenue") & df.value.notna()]
    actual = {(r.team, month(r.period)): r.value for r in y.itertuples()}
    means = y.groupby("team").value.mean().sort_values(kind="mergesort")
    third = {}
    for k, part in enumerate(np.array_split(means.index.to_numpy(), 3)):
        third.update({t: k for t in part})
    teams, orgs = [], []
    for o in range(last - B, last):
        f = run([binary, "forecast", str(d), "--to", label(o), "--horizon", str(H), "--with-total", "--format", "json",
                 "--calibration", cal])
        info = {}
        for n in f["notes"]:
            m = re.match(r"horizon (\d+): .*ρ = ([0-9.eE+-]+)(?:, κ² = ([0-9.]+)(?: from (\d+) window origins)?)?", n)
            if m:
                info.setdefault(int(m[1]), {}).update(rho=float(m[2]), k2=float(m[3] or 1), k=int(m[4] or 0),
                                                      binds="the figure's interval uses t with" in n)
            m = re.match(r"horizon (\d+): dropping .* F\(\d+, (\d+)\)", n)
            if m:
                info.setdefault(int(m[1]), {})["df"] = int(m[2])
        rows = [r for r in f["rows"] if o + r["horizon"] <= last]
        members = {h: [r["team"] for r in rows if r["horizon"] == h and r["team"] != "(total)"] for h in range(1, H + 1)}
        for r in rows:
            h = r["horizon"]
            if r["team"] != "(total)":
                a = actual.get((r["team"], o + h))
                if a is not None:
                    teams.append(dict(h=h, third=third[r["team"]], covered=r["lower"] <= a <= r["upper"]))
            elif all((t, o + h) in actual for t in members[h]):
                a = sum(actual[(t, o + h)] for t in members[h])
                i = info[h]
                t = student_t.ppf(0.975, i["k"] if i["binds"] else i["df"])  # the engine's df (DECISIONS.md)
                sd = (r["upper"] - r["lower"]) / 2 / t  # sqrt(k2 V)
                orgs.append(dict(h=h, err=a - r["forecast"], sd=sd, V=sd * sd / i["k2"], k2=i["k2"], k=i["k"], rho=i["rho"], df=i["df"],
                                 covered=r["lower"] <= a <= r["upper"]))
    return teams, orgs


def org_table(orgs):
    """The organisation figure's coverage (the engine's) and two other readings, and its diagnostics."""
    o = pd.DataFrame(orgs)
    z0 = o.err ** 2 / o.V
    tk = np.where(o.k >= 3, student_t.ppf(0.975, np.maximum(o.k, 1)), student_t.ppf(0.975, o.df))
    tdf = student_t.ppf(0.975, o.df)
    cov = lambda q: 100 * float((o.err.abs() <= q * o.sd).mean())
    return dict(n=len(o), methods=100 * float(o.covered.mean()), tk=cov(tk), tdf=cov(tdf), z0=float(z0.mean()),
                z0med=float(z0.median()), k2=float(o.k2.mean()), bind=100 * float((o.k2 > 1).mean()),
                z=float((o.err ** 2 / (o.k2 * o.V)).mean()), rho=float(o.rho.mean()), k=float(o.k.mean()),
                no_k2=100 * float((o.err.abs() <= tdf * np.sqrt(o.V)).mean()))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--bin", default=".build/release/scorecard")
    ap.add_argument("--first-seed", type=int, default=1)
    ap.add_argument("--kinds", default="0,1,2", help="which kinds, by position: 0 multiplicative, 1 additive, 2 common shock")
    ap.add_argument("--calibrations", default="auto,none")
    a = ap.parse_args()
    cals = a.calibrations.split(",")
    with tempfile.TemporaryDirectory() as tmp:
        for kind, flags, right in [KINDS[int(k)] for k in a.kinds.split(",")]:
            right_scale = 0
            stats = {cal: defaultdict(lambda: [0.0, 0]) for cal in ("auto", "none")}
            rows = {cal: ([], []) for cal in ("auto", "none")}
            for seed in range(a.first_seed, a.first_seed + a.seeds):
                d = Path(tmp) / f"{kind[:3]}{seed}"
                subprocess.run([a.bin, "generate", "--teams", "73", "--periods", "36", "--seed", str(seed), "--output", str(d), "--quiet"] + flags,
                               check=True, capture_output=True)
                f = run([a.bin, "forecast", str(d), "--format", "json"])
                scale = next(n for n in f["notes"] if n.startswith("scale: "))
                right_scale += scale.startswith("scale: log") == (right == "log")
                for cal in cals:
                    b = run([a.bin, "forecast", str(d), "--backtest", "6", "--format", "json", "--calibration", cal])
                    teams, orgs = per_origin(a.bin, d, cal)
                    for r in b["rows"]:  # the per-origin rows are the backtest's: same n and coverage
                        if r["model"] in ("arx", "total") and r["n"]:
                            mine = [x["covered"] for x in (teams if r["model"] == "arx" else orgs) if x["h"] == r["horizon"]]
                            assert len(mine) == r["n"] and abs(sum(mine) / len(mine) - r["coverage"]) < 1e-12, (d, cal, r, len(mine))
                    rows[cal][0].extend(teams)
                    rows[cal][1].extend(orgs)
                    for r in b["rows"]:
                        key = (r["model"], r["horizon"])
                        s = stats[cal]
                        if r["coverage"] is not None:
                            s[key + ("cov",)][0] += r["coverage"] * r["n"]
                            s[key + ("cov",)][1] += r["n"]
                        if r["mase"] is not None:
                            s[key + ("mase",)][0] += r["mase"] * r["n"]
                            s[key + ("mase",)][1] += r["n"]
            print(f"\n### {kind} ({a.seeds} organisations, seeds {a.first_seed}..{a.first_seed + a.seeds - 1}, 73 teams x 36 months)\n")
            print(f"`auto` chose the right scale ({right}) in {right_scale} of {a.seeds}.\n")
            print("| calibration | h | team coverage % | skill vs naive | skill vs snaive |")
            print("|---|---|---|---|---|")
            for cal in cals:
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
            print("\nTeam coverage % by size third (teams ranked by mean revenue within each organisation):\n")
            print("| calibration | smallest third | middle third | largest third |")
            print("|---|---|---|---|")
            for cal in cals:
                t = pd.DataFrame(rows[cal][0])
                by = t.groupby("third").covered.agg(["mean", "size"])
                print(f"| {cal} | " + " | ".join(f"{100 * by.loc[k, 'mean']:.1f} ({by.loc[k, 'size']})" for k in range(3)) + " |")
            print("\nOrganisation figure (pooled over horizons and organisations; z0² = (actual − T)² / V, z² = (actual − T)² / (κ²V)):\n")
            print("| calibration | n | coverage (engine: t(k) where κ² > 1) | t(df) throughout (before) | without κ² | with t(k) wherever k ≥ 3 "
                  "| mean z0² | median z0² | mean κ² | κ² > 1 in % | mean z² | mean ρ | mean k |")
            print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
            for cal in cals:
                g = org_table(rows[cal][1])
                print(f"| {cal} | {g['n']} | {g['methods']:.1f} | {g['tdf']:.1f} | {g['no_k2']:.1f} | {g['tk']:.1f} | {g['z0']:.2f} | {g['z0med']:.2f} | "
                      f"{g['k2']:.2f} | {g['bind']:.0f} | {g['z']:.2f} | {g['rho']:.4f} | {g['k']:.1f} |")


if __name__ == "__main__":
    main()
