#!/usr/bin/env python3
"""Independent reference values for `scorecard forecast --scenario` (issue #13, item 3).

The definition (docs/DECISIONS.md "Forecast scenarios"), coded here from its text on top of
the statsmodels model of scorecard_reference.py (explicit dummy design, ``sm.OLS``):

* A scenario changes each named driver's value at the origin period L (``+N``/``-N`` adds,
  ``+N%``/``-N%`` multiplies by 1 + N/100, ``N`` sets), for the scenario's teams (all, or
  ``--teams``); lags 1..p-1 are the observed history. On the log scale a logged driver's
  regressor is the log of the changed value.
* Per team and horizon: the baseline x0 is the team's prediction row; x1 is x0 with the
  changed lag-0 columns. ``res.get_prediction`` on both gives (zhat, se_obs^2); baseline and
  scenario are the point forecasts (zhat on the level scale; exp(zhat + v/2) on the log scale).
* The difference D = scenario - baseline; Var(D) = g' cov_params() g with g = x1 - x0 (levels:
  exactly (x1 - x0)' Cov(beta) (x1 - x0)) or g = S x1 - B x0 (log: the delta method for the
  difference of the back-transformed means, on the full dummy design); the interval
  D -+ t(1 - alpha/2, df_resid) sqrt(Var(D)), not calibrated.
* The organisation figure over the m teams with a forecast, c = 1 (sum) or 1/m: baseline T as
  the forecast's, D_T = c sum_i D_i over the scenario's teams, g_T = c sum_i g_i,
  Var(D_T) = g_T' cov_params() g_T.

Also written: the model-scale difference delta = (x1 - x0)' params and its standard error
sqrt((x1 - x0)' cov_params() (x1 - x0)) per team (what the log scale's ratio rests on).

Usage (from the repository root):

    python3 Tests/Reference/make_forecast_scenario_reference.py DATASET_DIR OUT.json \\
        --scenario customer_satisfaction=+2 [--scenario win_rate=-5%] [--teams "A,B"] \\
        [--drivers a,b] [--transform ...] [--team-trends ...] [--calibration ...]

Written by Tests/Reference/make_forecast_v2_goldens.sh. Deterministic.
"""

import argparse
import json
import math
import sys
from pathlib import Path

import numpy as np
import scipy.stats as st

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_forecast_v2_reference import driver_list, model_arguments  # noqa: E402  (the forecast's options)
from scorecard_reference import clean, load_model, write_json  # noqa: E402  (the statsmodels model)


def parse_change(text):
    """(measure, function of x) from MEASURE=+N | =-N | =+N% | =-N% | =N."""
    measure, _, change = text.rpartition("=")
    if change.endswith("%"):
        r = float(change[:-1]) / 100
        return measure, change, lambda x: x * (1 + r)
    a = float(change)
    if change[0] in "+-":
        return measure, change, lambda x: x + a
    return measure, change, lambda x: a


def run(dataset, scenario, teams=None, drivers=None, H=3, p=2, transform="auto", trends="auto", calibration="auto",
        seasonal="auto", confidence=0.95):
    M, panel, target, drivers, aggregation = load_model(dataset, None, drivers, p, transform, trends, calibration, seasonal, confidence)
    alpha = 1 - confidence
    L = panel.P - 1
    logs = M.decide_scale(L)
    changes = [parse_change(s) for s in scenario]
    chosen = set(teams) if teams else set(panel.teams)
    rows, totals = [], []
    for h in range(1, H + 1):
        w = M.window(logs, L, h)
        f = M.fit(logs, L, h, w["trends"])
        res = f["res"]
        cov = np.asarray(res.cov_params())
        params = np.asarray(res.params)
        tq = float(st.t.ppf(1 - alpha / 2, res.df_resid))
        preds = M.predict(f, L, panel.teams)
        m = len(preds)
        c = 1.0 if aggregation == "sum" else 1.0 / m
        first_lag = len(preds[0]["x0"]) - f["nlag"]
        gT = np.zeros(len(params))
        DT = 0.0
        for q in preds:
            if q["team"] not in chosen:
                continue
            x0 = q["x0"]
            x1 = x0.copy()
            for measure, _, fn in changes:
                k = M.measures.index(measure)
                new = fn(M.series[measure][q["team"]][L])
                x1[first_lag + k * p] = math.log(new) if logs[k] else new
            pr1 = res.get_prediction(x1[None, :])
            z1, v1 = float(pr1.predicted_mean[0]), float(pr1.se_obs[0] ** 2)
            B, S = M.level(logs, q["z"], q["v"]), M.level(logs, z1, v1)
            g = S * x1 - B * x0 if logs[0] else x1 - x0
            sd = math.sqrt(g @ cov @ g)
            D = S - B
            dx = x1 - x0
            rows.append(dict(team=q["team"], period=panel.label(L + h), horizon=h, baseline=B, scenario=S, difference=D,
                             lower=D - tq * sd, upper=D + tq * sd, delta=float(dx @ params), delta_se=math.sqrt(dx @ cov @ dx)))
            gT += c * g
            DT += c * D
        T, _ = M.organisation(f, preds)
        sdT = math.sqrt(gT @ cov @ gT)
        totals.append(dict(team="(total)", period=panel.label(L + h), horizon=h, baseline=T, scenario=T + DT, difference=DT,
                           lower=DT - tq * sdT, upper=DT + tq * sdT))
    return clean(dict(dataset=str(dataset), drivers=drivers, scenario=scenario, teams=teams, transform="log" if logs[0] else "none",
                      logs=list(logs), options=dict(transform=transform, team_trends=trends, calibration=calibration, seasonal=seasonal),
                      horizon=H, lags=p, rows=rows, totals=totals))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    model_arguments(ap)
    ap.add_argument("--scenario", action="append", required=True)
    ap.add_argument("--teams")
    a = ap.parse_args(argv)
    teams = None if a.teams is None else a.teams.split(",")
    out = run(a.dataset, a.scenario, teams, driver_list(a), a.horizon, a.lags, a.transform, a.team_trends, a.calibration, a.seasonal)
    write_json(a.out, out)
    print(json.dumps({k: len(v) for k, v in out.items() if isinstance(v, list)}), file=sys.stderr)


if __name__ == "__main__":
    main()
