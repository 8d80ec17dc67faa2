#!/usr/bin/env python3
"""The forecast race of issue #13: Scorecard against per-team ETS and auto.arima (R's `forecast`
package), the naive and the seasonal naive forecast, on the backtest of METHODS.md "Forecast".

    python3 Benchmarks/forecast_race.py [--dataset DIR ...] [--organisations N] [--noise multiplicative,additive]
                                        [--backtest 6] [--horizon 3] [--json OUT.json]

Every model is judged on the same rows: origins o = L-B .. L-1, the teams Scorecard forecasts from
o (regressors complete at o), horizons h with o + h <= L and an actual at o + h (METHODS.md's `arx`
rows). Scorecard's forecasts at each origin come from `scorecard forecast DIR --to PERIOD(o)` (the
data up to o, so scale, trends, season and calibration are decided there, as the backtest does); the
script recomputes n, MAPE, MASE and coverage of `arx`, `naive` and `snaive` from them and checks they
equal `scorecard forecast DIR --backtest B --format csv` before it reports anything. MASE divides each
row's |error| by s_io, team i's mean absolute one-step change up to o (rows without one are left out);
MAPE is over rows with actual != 0; coverage is the share of actuals inside the 95% interval.
ETS (`ets()`) and ARIMA (`auto.arima()`) are fitted per team and origin on the team's target series
up to o (monthly, frequency 12; leading gaps dropped, inner gaps filled by `na.interp`), all of them
in one `Rscript Benchmarks/forecast_race.R` call per dataset. Times: Scorecard's is the wall time of
the `--backtest` command (every refit included); ETS's and ARIMA's the R time spent in fitting and
forecasting (process start and I/O excluded); the naive forecasts take no measurable time.

Without --dataset it runs datasets/b2b-73; --organisations N adds N organisations of each noise kind
(`scorecard generate --noise KIND --seed S --teams 73 --periods 36`, S = F..F+N-1, F = --first-seed, 1);
the table pools their rows. --jobs J races J organisations at once. R's fits are cached per organisation in
$XDG_CACHE_HOME/scorecard-forecast-race (~/.cache by default), keyed by the organisation (noise, seed) and a
hash of its target series, so a rerun after a change to Scorecard refits only Scorecard; run it under
`nice -n 19` on a shared machine. Needs numpy, pandas,
PyYAML, .build/release/scorecard and Rscript with the `forecast` package (installed with apt-get,
Debian's r-cran-forecast, when missing).
"""
import argparse
import concurrent.futures
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np
import pandas as pd
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CLI = os.path.join(ROOT, ".build", "release", "scorecard")
CACHE = os.path.join(os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "scorecard-forecast-race")
MODELS = ["scorecard", "ets", "arima", "naive", "snaive"]


def setup():
    ok = shutil.which("Rscript") and subprocess.run(
        ["Rscript", "-e", "suppressMessages(library(forecast))"], capture_output=True).returncode == 0
    if not ok:
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        subprocess.run(sudo + ["apt-get", "update", "-qq"], check=True)
        subprocess.run(sudo + ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "r-cran-forecast"], check=True)
    if not os.path.exists(CLI):
        sys.exit(f"{CLI} is missing: build it with `swift build -c release`")


def month(label):
    y, m = label.split("-")
    return int(y) * 12 + int(m) - 1


def label(m):
    return f"{m // 12:04d}-{m % 12 + 1:02d}"


def csv_rows(args):
    out = subprocess.run([CLI] + args + ["--format", "csv"], capture_output=True, text=True, check=True).stdout
    return pd.read_csv(pd.io.common.StringIO(out), keep_default_na=False, na_values=[""])


def r_fits(series, jobs, first, work, cache_name):
    """ETS and auto.arima forecasts for `jobs` (team, origin, hmax) on `series`, through a cache keyed by the
    organisation's name (seed, noise) and a hash of its target series and first month: a rerun after a
    Scorecard change refits nothing in R. Returns the forecast rows and the jobs' R times (ets_s, arima_s)."""
    text = series.to_csv(index=False)
    key = f"{cache_name}-{hashlib.sha256((str(first) + text).encode()).hexdigest()[:16]}"
    os.makedirs(CACHE, exist_ok=True)
    fc_path, jobs_path = os.path.join(CACHE, key + ".csv"), os.path.join(CACHE, key + ".jobs.csv")
    cols = ["team", "origin", "hmax"]
    if os.path.exists(jobs_path):
        r = pd.read_csv(fc_path, dtype={"team": str})
        done = pd.read_csv(jobs_path, dtype={"team": str})
    else:
        r = pd.DataFrame(columns=["team", "origin", "horizon", "model", "forecast", "lower", "upper"])
        done = pd.DataFrame(columns=cols + ["ets_s", "arima_s"])
    todo = jobs.merge(done[cols], on=cols, how="left", indicator=True)
    todo = todo[todo._merge == "left_only"][cols]
    if len(todo):
        tag = f"{work}/{key}"
        with open(f"{tag}-series.csv", "w") as f:
            f.write(text)
        todo.to_csv(f"{tag}-jobs.csv", index=False)
        subprocess.run(["Rscript", os.path.join(HERE, "forecast_race.R"), f"{tag}-series.csv", f"{tag}-jobs.csv",
                        f"{tag}-r.csv", str(first)], check=True, env=dict(os.environ, OPENBLAS_NUM_THREADS="1"))
        new = pd.read_csv(f"{tag}-r.csv", dtype={"team": str})
        r = new if r.empty else pd.concat([r, new], ignore_index=True)
        newdone = pd.read_csv(f"{tag}-r.csv.jobs", dtype={"team": str})
        done = newdone if done.empty else pd.concat([done, newdone], ignore_index=True)
        r.to_csv(fc_path + ".tmp", index=False)
        done.to_csv(jobs_path + ".tmp", index=False)
        os.replace(fc_path + ".tmp", fc_path)  # forecasts first: a job is cached only once its rows are
        os.replace(jobs_path + ".tmp", jobs_path)
    used = done.merge(jobs, on=cols)
    r = r.merge(used[["team", "origin"]], on=["team", "origin"]).drop_duplicates(
        ["team", "origin", "horizon", "model"], keep="last")
    return r, used


def race(folder, B, H, work, cache_name=None):
    card = yaml.safe_load(open(os.path.join(folder, "scorecard.yml")))
    target = card["roi"]["return"]
    df = pd.read_csv(os.path.join(folder, "measurements.csv"), dtype={"team": str, "period": str, "measure": str},
                     keep_default_na=False, na_values=["", "NA", "NaN", "null"])
    df = df[(df.measure == target) & df.value.notna()]
    first = min(month(p) for p in df.period.unique())
    last = max(month(p) for p in pd.read_csv(os.path.join(folder, "measurements.csv"), usecols=["period"]).period.unique())
    teams = sorted(df.team.unique())
    ti = {t: i for i, t in enumerate(teams)}
    T = last - first + 1
    L = T - 1
    Y = np.full((len(teams), T), np.nan)
    Y[df.team.map(ti).to_numpy(), df.period.map(month).to_numpy() - first] = df.value.to_numpy()

    t0 = time.perf_counter()
    official = csv_rows(["forecast", folder, "--backtest", str(B)])
    t_sc = time.perf_counter() - t0

    rows = []  # (team index, origin, horizon, forecast, lower, upper)
    for o in range(L - B, L):
        fc = csv_rows(["forecast", folder, "--to", label(first + o), "--horizon", str(H)])
        for r in fc.itertuples():
            if r.horizon <= L - o and r.team in ti and not np.isnan(Y[ti[r.team], o + r.horizon]):
                rows.append((ti[r.team], o, int(r.horizon), r.forecast, r.lower, r.upper))
    rows = pd.DataFrame(rows, columns=["team", "origin", "horizon", "scorecard", "lo_scorecard", "hi_scorecard"])

    # ETS and auto.arima: one R process for every (team, origin) of the rows not in the cache yet.
    jobs = rows.groupby(["team", "origin"]).horizon.max().reset_index()
    series = pd.DataFrame([(teams[i], t, Y[i, t]) for i in range(len(teams)) for t in range(T) if not np.isnan(Y[i, t])],
                          columns=["team", "t", "value"])
    jobs = pd.DataFrame({"team": [teams[i] for i in jobs.team], "origin": jobs.origin, "hmax": jobs.horizon})
    r, done = r_fits(series, jobs, first, work, cache_name or os.path.basename(os.path.normpath(folder)))
    t_ets, t_arima = float(done.ets_s.sum()), float(done.arima_s.sum())
    r["team"] = r.team.map(ti)
    for m in ["ets", "arima"]:
        part = r[r.model == m].rename(columns={"forecast": m, "lower": f"lo_{m}", "upper": f"hi_{m}"})
        rows = rows.merge(part[["team", "origin", "horizon", m, f"lo_{m}", f"hi_{m}"]], on=["team", "origin", "horizon"], how="left")

    o, h, i = rows.origin.to_numpy(), rows.horizon.to_numpy(), rows.team.to_numpy()
    rows["actual"] = Y[i, o + h]
    rows["naive"] = Y[i, o]
    back = o + h - 12
    rows["snaive"] = np.where(back >= 0, Y[i, np.maximum(back, 0)], np.nan)
    ch = np.abs(np.diff(Y, axis=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        s = np.array([np.nanmean(ch[ii, :oo]) if (~np.isnan(ch[ii, :oo])).any() else np.nan for ii, oo in zip(i, o)])
    rows["scale"] = np.where(s > 0, s, np.nan)
    rows.attrs.update(times={"scorecard": t_sc, "ets": t_ets, "arima": t_arima}, official=official)
    check(rows, official)
    return rows


def summary(rows, model, h):
    x = rows[(rows.horizon == h) & rows[model].notna()]
    e = (x.actual - x[model]).abs()
    nz = x.actual != 0
    sc = x.scale.notna()
    cov = ((x[f"lo_{model}"] <= x.actual) & (x.actual <= x[f"hi_{model}"])).mean() if f"lo_{model}" in x else None
    return dict(n=len(x), mape=float((e[nz] / x.actual[nz].abs()).mean() * 100), mase=float((e[sc] / x.scale[sc]).mean()),
                coverage=None if cov is None else float(cov))


def check(rows, official):
    """The recomputed arx/naive/snaive rows must be the CLI's backtest rows."""
    for _, r in official.iterrows():
        if r.model == "total":
            continue
        mine = summary(rows, {"arx": "scorecard"}.get(r.model, r.model), int(r.horizon))
        for k in ["n", "mape", "mase"] + (["coverage"] if r.model == "arx" else []):
            a, b = mine[k], float(r[k])
            if not abs(a - b) <= 1e-9 * max(1.0, abs(b)):
                sys.exit(f"recomputed {r.model} h={r.horizon} {k} = {a} but the CLI's backtest says {b}")


def table(name, rows, times):
    H = int(rows.horizon.max())
    print(f"\n### {name}\n")
    print("| h | model | n | MAPE % | MASE | 95% coverage | time |")
    print("|---|---|---:|---:|---:|---:|---:|")
    out = {}
    for h in range(1, H + 1):
        for m in MODELS:
            s = summary(rows, m, h)
            out[f"{m}/{h}"] = s
            t = times.get(m)
            cov = "" if s["coverage"] is None else f"{100 * s['coverage']:.1f}"
            tt = "" if t is None or h > 1 else f"{t:.2f} s"
            print(f"| {h} | {m} | {s['n']} | {s['mape']:.2f} | {s['mase']:.3f} | {cov} | {tt} |")
    for h in range(1, H + 1):
        sc = out[f"scorecard/{h}"]["mase"]
        print(f"h={h}: Scorecard MASE {sc:.3f} vs ETS {out[f'ets/{h}']['mase']:.3f}, ARIMA {out[f'arima/{h}']['mase']:.3f}"
              f" -> {'beats both' if sc < min(out[f'ets/{h}']['mase'], out[f'arima/{h}']['mase']) else 'does NOT beat both'}")
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dataset", action="append")
    ap.add_argument("--organisations", type=int, default=0)
    ap.add_argument("--first-seed", type=int, default=1)
    ap.add_argument("--noise", default="multiplicative,additive")
    ap.add_argument("--backtest", type=int, default=6)
    ap.add_argument("--horizon", type=int, default=3)
    ap.add_argument("--json")
    ap.add_argument("--jobs", type=int, default=1, help="organisations raced at once (each one R process)")
    ap.add_argument("--binary", help="the scorecard executable (default: .build/release/scorecard)")
    a = ap.parse_args()
    global CLI
    CLI = os.path.abspath(a.binary) if a.binary else CLI
    setup()
    work = tempfile.mkdtemp(prefix="scorecard-race-")
    groups = {}  # table name -> [(folder, cache name)]
    for d in a.dataset or ([] if a.organisations else [os.path.join(ROOT, "datasets", "b2b-73")]):
        groups[os.path.basename(os.path.normpath(d))] = [(d, os.path.basename(os.path.normpath(d)))]
    kinds = a.noise.split(",") if a.organisations else []
    seeds = range(a.first_seed, a.first_seed + a.organisations)
    name = {kind: f"{kind} noise, {a.organisations} organisation(s), seeds {seeds[0]}..{seeds[-1]}, 73 teams x 36 months"
            for kind in kinds}
    for kind in kinds:
        groups[name[kind]] = []
    order = []  # seed by seed, kinds alternating: an interrupted run leaves as many of each kind done
    for seed in seeds:
        for kind in kinds:
            d = f"{work}/{kind}-{seed}"
            subprocess.run([CLI, "generate", "--noise", kind, "--seed", str(seed), "--teams", "73", "--periods", "36",
                            "--output", d, "--quiet"], check=True, capture_output=True)
            groups[name[kind]].append((d, f"{kind}-seed{seed}-73x36"))
            order.append((name[kind], d, f"{kind}-seed{seed}-73x36"))
    order = [(g, d, c) for g, members in groups.items() if g not in name.values() for d, c in members] + order

    def one(job):
        g, d, c = job
        rows = race(d, a.backtest, a.horizon, work, c)
        print(f"{d}: {len(rows)} rows; recomputed backtest equals the CLI's; times " +
              ", ".join(f"{m} {t:.2f} s" for m, t in rows.attrs["times"].items()), file=sys.stderr, flush=True)
        return rows

    with concurrent.futures.ThreadPoolExecutor(max_workers=a.jobs) as pool:
        done = dict(zip([(g, d) for g, d, _ in order], pool.map(one, order)))
    results = {}
    for g, members in groups.items():
        parts, times = [], {}
        for k, (d, _) in enumerate(members):
            rows = done[(g, d)]
            rows["dataset"] = k
            parts.append(rows)
            for m, t in rows.attrs["times"].items():
                times[m] = times.get(m, 0) + t
        results[g] = table(g, pd.concat(parts, ignore_index=True), times)
    shutil.rmtree(work, ignore_errors=True)
    if a.json:
        with open(a.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
