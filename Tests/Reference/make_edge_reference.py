#!/usr/bin/env python3
"""Reference values for numerics at the edge (issue #9), checked by
Tests/LinearAlgebraTests/EdgeNumericsTests.swift.

Writes Tests/LinearAlgebraTests/Reference/edge.json:

  trend   series of P = 8 periods (null = missing): values of 1e12 and 1e-12 in one series,
          series of exactly 3 points, a series of one point (expected null: no row), values
          all near 1e-12, values 1e12 + small steps. Expected: statsmodels
          ``OLS(y, add_constant(t)).fit()`` on the present values; for the 1e12 + steps
          series on y - 1e12 (an exactly equivalent problem that statsmodels solves without
          losing digits), with the intercept shifted back.
  ols     designs [1, x, x + eps * z]: eps = 1e-3 is ill-conditioned but of full rank
          (expected: statsmodels params and bse); eps = 1e-12 is collinear to within
          rounding, where statsmodels silently returns a pseudo-inverse solution and the
          engine must refuse with ``rankDeficient`` (expected: {"error": "rankDeficient"}).

Deterministic (numpy default_rng seed 9). Run from the repository root:
    python3 Tests/Reference/make_edge_reference.py
"""
import json
import math

import numpy as np
import statsmodels.api as sm

P = 8
NA = None


def trend_case(kind, values, shift=0.0):
    y_all = [v for v in values]
    t = np.array([i for i, v in enumerate(y_all) if v is not None], dtype=float)
    y = np.array([v for v in y_all if v is not None], dtype=float)
    case = {"kind": kind, "values": y_all}
    if len(y) < 3:
        case["expected"] = None
        return case
    res = sm.OLS(y - shift, sm.add_constant(t, has_constant="add")).fit()
    ci = res.conf_int(0.05)
    case["expected"] = {
        "n": int(len(y)),
        "slope": float(res.params[1]),
        "intercept": float(res.params[0]) + shift,
        "slope_se": float(res.bse[1]),
        "t": float(res.tvalues[1]),
        "p_value": float(res.pvalues[1]),
        "ci_low": float(ci[1][0]),
        "ci_high": float(ci[1][1]),
        "r2": float(res.rsquared),
    }
    if shift:
        case["reference_shift"] = shift
    return case


trend = [
    trend_case("mixed_1e12_1e-12", [1e12, 1e-12, 2e12, -1e-12, 3e12, 5e-13, 4e12, 1e-12]),
    trend_case("exactly_3", [NA, 1.5, NA, NA, 2.5, NA, NA, 7.25]),
    trend_case("exactly_3_extreme", [1e-12, NA, 1e12, NA, NA, 2e-12, NA, NA]),
    trend_case("one_period", [NA, NA, NA, 42.0, NA, NA, NA, NA]),
    trend_case("tiny_1e-12", [1e-12, 3e-12, 2e-12, 5e-12, 4e-12, 6e-12, 8e-12, 7e-12]),
    trend_case("huge_1e12_plus_steps", [1e12 + d for d in [1, 3, 2, 5, 4, 6, 8, 7]], shift=1e12),
]

rng = np.random.default_rng(9)
n = 40
x = rng.normal(size=n)
z = rng.normal(size=n)
ols = []
for eps in [1e-3, 1e-12]:
    X = np.column_stack([np.ones(n), x, x + eps * z])
    y = 1.0 + 2.0 * x + 0.5 * z + rng.normal(size=n) * 0.1
    case = {"name": f"near_collinear_eps_{eps:g}", "eps": eps, "columns": [list(map(float, c)) for c in X.T],
            "y": list(map(float, y))}
    if eps < 1e-9:
        case["expected"] = {"error": "rankDeficient"}
        res = sm.OLS(y, X).fit()
        case["statsmodels_pinv_rank"] = int(np.linalg.matrix_rank(X))
    else:
        res = sm.OLS(y, X).fit()
        case["expected"] = {"params": list(map(float, res.params)), "bse": list(map(float, res.bse)),
                            "pvalues": list(map(float, res.pvalues)), "ssr": float(res.ssr)}
        case["condition_number"] = float(np.linalg.cond(X))
    ols.append(case)

out = {"periods": P, "trend": trend, "ols": ols}
text = json.dumps(out, indent=1, allow_nan=False)
with open("Tests/LinearAlgebraTests/Reference/edge.json", "w") as f:
    f.write(text + "\n")
print(f"wrote {len(trend)} trend series, {len(ols)} designs")
