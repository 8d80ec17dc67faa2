#!/usr/bin/env python3
"""Prototype (not the engine): the organisation figure's interval under a common shock.

METHODS.md "Forecast": T ± t(1-a/2, df)·sqrt(κ²V), V = s²[Σw² + ρ((Σw)² − Σw²)] + w'X0·cov_params·X0'w.
`cov_params` is OLS's, which assumes errors independent across teams. A shock common to all teams
in a period makes every month dummy (fitted on the 2–3 periods of its month) carry those periods'
shocks, and that error is common to every team's forecast, so it adds fully to the total: the
Moulton effect. This script reruns METHODS' backtest with the independent statsmodels
implementation that `scorecard export notebook --analysis forecast` writes (its code cells,
executed here), once as METHODS says and once with cov_params replaced by statsmodels'
cluster-robust covariance by target period (`get_robustcov_results(cov_type="cluster")`), κ²
recomputed with the same V in the window. It prints the organisation figure's coverage (pooled over
horizons and organisations; METHODS' `total` rows) for each, checking the METHODS run against
the CLI's own backtest row.

    python3 Tests/Reference/org_figure_prototype.py [--seeds 20] [--first-seed 1] [--bin .build/release/scorecard]
                                                    [--flags "--common-shock 0.03"] [--variants methods,cluster]

About 2–5 minutes per organisation on the shared 2-core machine (the notebook's dense statsmodels fits).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np


def cells(path):
    nb = json.loads(Path(path).read_text())
    return {c.get("id"): "".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--first-seed", type=int, default=1)
    ap.add_argument("--bin", default=".build/release/scorecard")
    ap.add_argument("--flags", default="--common-shock 0.03")
    ap.add_argument("--variants", default="methods,cluster",
                    help="methods (checked against the CLI's backtest) and/or cluster; cluster alone halves the time")
    a = ap.parse_args()
    binary = str(Path(a.bin).resolve())
    variants = a.variants.split(",")
    tally = {v: [0, 0] for v in variants}
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(a.first_seed, a.first_seed + a.seeds):
            d = Path(tmp) / f"org{seed}"
            subprocess.run([binary, "generate", "--teams", "73", "--periods", "36", "--seed", str(seed), "--output", str(d), "--quiet"]
                           + a.flags.split(), check=True, capture_output=True)
            nbpath = d / "forecast.ipynb"
            subprocess.run([binary, "export", "notebook", str(d), "--analysis", "forecast", "--backtest", "6", "--output", str(nbpath)],
                           check=True, capture_output=True)
            code = cells(nbpath)
            cli = json.loads(subprocess.run([binary, "forecast", str(d), "--backtest", "6", "--format", "json"], check=True,
                                            capture_output=True, text=True).stdout)
            cli_total = {r["horizon"]: r for r in cli["rows"] if r["model"] == "total"}
            g = {"__name__": "notebook"}
            here = os.getcwd()
            os.chdir(d)
            try:
                for cid in ("setup", "parameters", "data", "scorecard", "compare", "forecast-scorecard"):
                    exec(code[cid].replace("\n%matplotlib inline", ""), g)
                src = code["forecast-recompute"]
                head, tail = src.split("\nL = P - 1\n", 1)
                exec(head, g)
                fit0 = g["fit"]

                def fit(logs, cutoff, h, trends, fit0=fit0):
                    f = fit0(logs, cutoff, h, trends)
                    if f is not None and "cov_cl" not in f:
                        res = f["res"]
                        X = res.model.exog
                        # the target period of each training row: recover it from the fit's rows
                        rows = [(team, t) for team in g["TEAMS"] for t in range(g["LAGS"] - 1, cutoff - h + 1)
                                if not np.isnan(g["SER"][g["TARGET"]][team][t + h]) and g["lag_row"](logs, team, t) is not None]
                        rows_t = np.array([t + h for _, t in rows])
                        assert len(rows_t) == X.shape[0]
                        f["cov_cl"] = res.get_robustcov_results(cov_type="cluster", groups=rows_t).cov_params()
                    return f

                g["fit"] = fit
                org0 = g["organisation"]

                def organisation(f, preds, org0=org0):
                    T, V = org0(f, preds)
                    if g["VARIANT"] == "cluster":
                        c = 1.0 if g["AGG"] == "sum" else 1.0 / len(preds)
                        levels = np.array([g["level"](f["logs"], p["z"], p["v"]) for p in preds])
                        w = c * levels if f["logs"][0] else np.full(len(preds), c)
                        X0 = np.array([p["x0"] for p in preds])
                        V = V - w @ X0 @ f["res"].cov_params() @ X0.T @ w + w @ X0 @ f["cov_cl"] @ X0.T @ w
                    return T, V

                g["organisation"] = organisation
                for variant in variants:
                    g["VARIANT"] = variant
                    exec("L = P - 1\n" + tail, g)
                    bt = g["OURS"]["forecast_backtest"]
                    tot = bt[bt.model == "total"]
                    for r in tot.itertuples():
                        if r.n:
                            tally[variant][0] += round(r.coverage * r.n)
                            tally[variant][1] += r.n
                            if variant == "methods":
                                c = cli_total[r.horizon]
                                assert c["n"] == r.n and abs(c["coverage"] - r.coverage) < 1e-12, (seed, r, c)
            finally:
                os.chdir(here)
            print(f"seed {seed}: " + ", ".join(f"{v} {100 * c / n:.1f}% of {n}" for v, (c, n) in tally.items()), file=sys.stderr, flush=True)
    print(f"organisation figure coverage over seeds {a.first_seed}..{a.first_seed + a.seeds - 1} ({a.flags or 'no flags'}): "
          + ", ".join(f"{v} {100 * c / n:.1f}% ({c} of {n})" for v, (c, n) in tally.items()))


if __name__ == "__main__":
    main()
