#!/usr/bin/env python3
"""Independent reference values for the forecast of METHODS.md "Forecast" (issue #13).

Written from METHODS.md alone, the plain way: for every fit an explicit dense design

    X = [one dummy per team with a training row | team dummy x t for each team with at
         least 3 rows (when trends are on) | season dummies (slots of the training rows'
         target periods, the smallest slot the base) | lag columns z_lag0..z_lag{p-1},
         <d1>_lag0.., <d2>_lag0..]

fitted with ``statsmodels`` ``sm.OLS(z, X).fit()``; a prediction's mean and variance from
``res.get_prediction(x0)`` (``predicted_mean``, ``se_obs``); the organisation figure's V
from ``res.cov_params()``, ``res.resid`` and ``res.scale`` in numpy; the scale elasticity
from ``sm.OLS(ln d, [1, ln m])``. A design whose rank (numpy ``matrix_rank``) is below its
width, or with no residual df, is an undefined fit. Everything else (the scale decision,
the calibration window, the trend choice, the split-conformal q, kappa^2, the backtest) is
coded again here from the text of METHODS.md, sharing no code with the engine. The model
(``Model``: scale, fits, predictions, organisation figure, calibration window) lives in
scorecard_reference.py, where the scenario script uses it too; this script writes the goldens.

Readings where METHODS.md leaves room (also in docs/DECISIONS.md):

* "forecast better" for ``auto`` trends compares the mean of |y - forecast| / s_ic on the
  level scale (the point forecast, exp(zhat + v/2) on the log scale), s_ic team i's mean
  absolute one-step change up to the window origin c.
* The season base is the smallest slot number present (January, Q1, Monday).
* Backtest ``total``: its MASE scale is the mean absolute one-step change of the same
  teams' aggregate over the periods up to o where all of them have a value.
* ``snaive`` uses S = 12 (monthly), 4 (quarterly), 52 (weekly), 7 (daily).

Usage (from the repository root):

    python3 Tests/Reference/make_forecast_v2_reference.py DATASET_DIR OUT.json \\
        [--target revenue] [--drivers a,b] [--horizon 3] [--lags 2] [--backtest 6] \\
        [--transform auto|log|none] [--team-trends auto|on|off] [--calibration auto|none] \\
        [--seasonal auto|none]

The goldens of Tests/AnalysisTests/ForecastTests.swift are written by
``Tests/Reference/make_forecast_v2_goldens.sh``. Needs numpy, scipy, pandas, statsmodels,
PyYAML. Deterministic.
"""

import argparse
import json
import math
import sys
from pathlib import Path

import numpy as np
import scipy.stats as st

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scorecard_reference import SEASON_LENGTH, clean, load_model, organisation_df, write_json  # noqa: E402  (the model of METHODS.md)


def run(dataset, target=None, drivers=None, H=3, p=2, B=6, transform="auto", trends="auto", calibration="auto",
        seasonal="auto", confidence=0.95):
    M, panel, target, drivers, aggregation = load_model(dataset, target, drivers, p, transform, trends, calibration, seasonal, confidence)
    alpha = 1 - confidence
    L = panel.P - 1
    logs = M.decide_scale(L)
    fc, totals, coefs, models, drivers_f = [], [], [], [], []
    for h in range(1, H + 1):
        w = M.window(logs, L, h)
        f = M.fit(logs, L, h, w["trends"])
        assert f is not None, f"horizon {h}: undefined fit"
        res = f["res"]
        tq = float(st.t.ppf(1 - alpha / 2, res.df_resid))
        q = w["q"] if w["q"] is not None else tq
        models.append(dict(horizon=h, trends=bool(w["trends"]), q=q, calibrated=bool(w["q"] is not None), window_rows=w["n"],
                           df=res.df_resid, rho=f["rho"], kappa2=w["kappa2"], total_df=organisation_df(w, res.df_resid)))
        names = [f"{m}_lag{j}" for m in M.measures for j in range(p)]
        for j, name in enumerate(names):
            col = res.params.shape[0] - len(names) + j
            coefs.append(dict(horizon=h, term=name, coef=res.params[col], bse=res.bse[col]))
        for k, d in enumerate(drivers):
            fr = M._fit(logs, L, h, w["trends"], drop=k + 1)
            F, pv, _ = res.compare_f_test(fr["res"])
            drivers_f.append(dict(horizon=h, driver=d, f=F, p_value=pv))
        preds = M.predict(f, L, panel.teams)
        for q_ in preds:
            half = q * math.sqrt(q_["v"])
            if logs[0]:
                point, lo, hi = M.level(logs, q_["z"], q_["v"]), math.exp(q_["z"] - half), math.exp(q_["z"] + half)
            else:
                point, lo, hi = q_["z"], q_["z"] - half, q_["z"] + half
            fc.append(dict(team=q_["team"], measure=target, period=panel.label(L + h), horizon=h, forecast=point, lower=lo, upper=hi))
        T, half = M.organisation_interval(f, preds, w)
        totals.append(dict(horizon=h, period=panel.label(L + h), teams=len(preds), forecast=T, lower=T - half, upper=T + half))

    # backtest
    acc = {m: {h: dict(n=0, ape=[], scaled=[], cov=0) for h in range(1, H + 1)} for m in ["arx", "naive", "snaive", "total"]}
    S = SEASON_LENGTH.get(panel.frequency) if M.seasonal else None
    for o in range(L - B, L):
        lg = M.decide_scale(o)
        for h in range(1, H + 1):
            if o + h > L:
                continue
            w = M.window(lg, o, h)
            f = M.fit(lg, o, h, w["trends"])
            if f is None:
                continue
            tq = float(st.t.ppf(1 - alpha / 2, f["res"].df_resid))
            q = w["q"] if w["q"] is not None else tq
            preds = M.predict(f, o, panel.teams)
            allin = bool(preds)
            for q_ in preds:
                team = q_["team"]
                yv = M.series[target][team][o + h]
                if np.isnan(yv):
                    allin = False
                    continue
                half = q * math.sqrt(q_["v"])
                lo, hi = (math.exp(q_["z"] - half), math.exp(q_["z"] + half)) if lg[0] else (q_["z"] - half, q_["z"] + half)
                s = M.s_scale(team, o)
                cands = [("arx", M.level(lg, q_["z"], q_["v"])), ("naive", M.series[target][team][o])]
                if S is not None and o + h - S >= 0 and not np.isnan(M.series[target][team][o + h - S]):
                    cands.append(("snaive", M.series[target][team][o + h - S]))
                for name, fcst in cands:
                    a = acc[name][h]
                    a["n"] += 1
                    e = abs(yv - fcst)
                    if yv != 0:
                        a["ape"].append(e / abs(yv) * 100)
                    if s is not None:
                        a["scaled"].append(e / s)
                    if name == "arx" and lo <= yv <= hi:
                        a["cov"] += 1
            if allin:
                T, half = M.organisation_interval(f, preds, w)
                members = [q_["team"] for q_ in preds]
                actual = [M.series[target][tm][o + h] for tm in members]
                agg = sum(actual) if aggregation == "sum" else sum(actual) / len(actual)
                series = []
                for t in range(o + 1):
                    vals = [M.series[target][tm][t] for tm in members]
                    series.append(None if any(np.isnan(vals)) else (sum(vals) if aggregation == "sum" else sum(vals) / len(vals)))
                ch = [abs(series[t] - series[t - 1]) for t in range(1, len(series)) if series[t] is not None and series[t - 1] is not None]
                a = acc["total"][h]
                a["n"] += 1
                if agg != 0:
                    a["ape"].append(abs(agg - T) / abs(agg) * 100)
                if ch and np.mean(ch) > 0:
                    a["scaled"].append(abs(agg - T) / np.mean(ch))
                if T - half <= agg <= T + half:
                    a["cov"] += 1
    backtest = []
    for name in ["arx", "naive", "snaive", "total"]:
        if name == "snaive" and S is None:
            continue
        for h in range(1, H + 1):
            a = acc[name][h]
            backtest.append(dict(model=name, horizon=h, n=a["n"], mape=np.mean(a["ape"]) if a["ape"] else None,
                                 mase=np.mean(a["scaled"]) if a["scaled"] else None,
                                 coverage=a["cov"] / a["n"] if name in ("arx", "total") and a["n"] else None))
    return clean(dict(target=target, drivers=drivers, lags=p, horizon=H, backtest_count=B,
                      transform="log" if logs[0] else "none", options=dict(transform=transform, team_trends=trends,
                      calibration=calibration, seasonal=seasonal),
                      models=models, forecast=fc, total=totals, coefficients=coefs, drivers_f=drivers_f, backtest=backtest))


def model_arguments(ap):
    """The forecast model's options, as `forecast` takes them (shared with the scenario script)."""
    ap.add_argument("dataset")
    ap.add_argument("out")
    ap.add_argument("--drivers")
    ap.add_argument("--horizon", type=int, default=3)
    ap.add_argument("--lags", type=int, default=2)
    ap.add_argument("--transform", default="auto")
    ap.add_argument("--team-trends", default="auto")
    ap.add_argument("--calibration", default="auto")
    ap.add_argument("--seasonal", default="auto")


def driver_list(a):
    return None if a.drivers is None else [d for d in a.drivers.split(",") if d]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    model_arguments(ap)
    ap.add_argument("--target")
    ap.add_argument("--backtest", type=int, default=6)
    a = ap.parse_args(argv)
    out = run(a.dataset, a.target, driver_list(a), a.horizon, a.lags, a.backtest, a.transform, a.team_trends, a.calibration, a.seasonal)
    write_json(a.out, out)
    print(json.dumps({k: len(v) for k, v in out.items() if isinstance(v, list)}), file=sys.stderr)


if __name__ == "__main__":
    main()
