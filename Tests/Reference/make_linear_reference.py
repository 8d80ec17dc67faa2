#!/usr/bin/env python3
"""Reference values for the numeric core (LinearAlgebra) tests.

Writes three JSON files into Tests/LinearAlgebraTests/Reference/:

  ols.json            OLS fits (statsmodels ``OLS(y, X).fit()``): params, bse, t, p,
                      R² (uncentered without a constant, as statsmodels does), ssr,
                      df, information criteria, covariance, F test, and predictions
                      (``get_prediction(x0).summary_frame(alpha)`` for alpha 0.05 and
                      0.10); plus degenerate designs expected to be refused
                      (``{"error": "rankDeficient"}`` / ``{"error": "tooFewObservations"}``).
  fixed_effects.json  Panel regressions with team (one-way) or team + period (two-way)
                      fixed effects, checked against statsmodels OLS with dummies
                      (METHODS.md, Lead-lag, "Fixed effects").
  trend.json          Batched trend lines: y on [1, t], t = 0..P-1, over the present
                      values of each series (METHODS.md, Trend).

Besides statsmodels' numbers, most cases carry an ``exact`` block computed in exact
rational arithmetic (fractions.Fraction on the binary values of the inputs; square
roots and distribution functions then in double precision). Where statsmodels itself
loses digits (ill-conditioned designs, huge offsets) the ``exact`` block is the truth
and ``statsmodels_vs_exact_max_rel`` says how far statsmodels is from it.

Fields besides the ones the tests compare (all optional): ``note`` (why the case is
there), ``has_constant`` (statsmodels' detection, implicit constants included),
``exact_fit`` / ``perfect_fit`` (residuals are rounding noise: statsmodels' standard
errors, t, p, F, llf, ... are noise too; compare coefficients and R² only),
``implicit_constant``, ``exact`` and ``statsmodels_vs_exact_max_rel`` (see above),
``reference_transform`` / ``reference_y_shift`` / ``reference_shift`` with
``statsmodels_direct*`` (cases where statsmodels applied to the data as given is wrong
or inexact, so ``expected`` is statsmodels on an exactly equivalent, well-conditioned
problem, mapped back; the direct numbers are kept for the record),
``naive_double_demean_slopes``, ``design_columns`` / ``design_rank`` (rank of
statsmodels' dummy design for rank-deficient panels), and ``kind`` for trend series.

Everything is deterministic (numpy ``default_rng`` with fixed seeds); running the
script twice gives byte-identical files. Numbers are written with full precision
(shortest round-trip repr); NaN / inf never appear: an undefined number is null.

Run from the repository root:

    python3 Tests/Reference/make_linear_reference.py

Needs Python 3 with numpy, scipy, pandas and statsmodels
(``pip install numpy scipy pandas statsmodels``).
"""

import json
import math
import sys
import warnings
from fractions import Fraction
from pathlib import Path

import numpy as np
import scipy.stats as st
import statsmodels.api as sm

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scorecard_reference import num  # noqa: E402  (a JSON number: full precision, None when not finite)

warnings.simplefilter("ignore")  # statsmodels warns on exact fits / tiny samples

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "Tests" / "LinearAlgebraTests" / "Reference"
MAX_BYTES = 1_500_000


# ----------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------

def flist(a):
    return [num(v) for v in np.asarray(a, dtype=float).ravel()]


def fmat(a):
    return [flist(row) for row in np.asarray(a, dtype=float)]


def write_json(name, obj):
    OUT.mkdir(parents=True, exist_ok=True)
    text = json.dumps(obj, indent=1, allow_nan=False) + "\n"
    size = len(text.encode())
    assert size < MAX_BYTES, f"{name} is {size} bytes"
    (OUT / name).write_text(text)
    return size


def rel_dev(a, b, floor=1e-300):
    """Max relative deviation of a from b over finite entries (b the truth)."""
    a = np.atleast_1d(np.asarray(a, dtype=float))
    b = np.atleast_1d(np.asarray(b, dtype=float))
    m = np.isfinite(a) & np.isfinite(b)
    if not m.any():
        return 0.0
    return float(np.max(np.abs(a[m] - b[m]) / np.maximum(np.abs(b[m]), floor)))


# ----------------------------------------------------------------------------
# exact least squares in rational arithmetic
# ----------------------------------------------------------------------------

def _solve_exact(A, B):
    """Solve A Z = B exactly (A k×k, B k×m, lists of Fractions). None if singular."""
    k = len(A)
    M = [list(A[i]) + list(B[i]) for i in range(k)]
    w = len(M[0])
    for c in range(k):
        p = next((r for r in range(c, k) if M[r][c] != 0), None)
        if p is None:
            return None
        M[c], M[p] = M[p], M[c]
        piv = M[c][c]
        M[c] = [v / piv for v in M[c]]
        for r in range(k):
            if r != c and M[r][c] != 0:
                f = M[r][c]
                M[r] = [M[r][j] - f * M[c][j] for j in range(w)]
    return [row[k:] for row in M]


def exact_ols(X, y, has_constant, x0=None):
    """Exact OLS on the binary values of X, y. Returns floats (correctly rounded
    where possible: params, ssr, rsquared; bse = sqrt of the correctly rounded
    variance)."""
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    n, k = X.shape
    Xf = [[Fraction(float(v)) for v in row] for row in X]
    yf = [Fraction(float(v)) for v in y]
    A = [[sum(Xf[r][i] * Xf[r][j] for r in range(n)) for j in range(k)] for i in range(k)]
    b = [sum(Xf[r][i] * yf[r] for r in range(n)) for i in range(k)]
    eye = [[Fraction(int(i == j)) for j in range(k)] for i in range(k)]
    Z = _solve_exact(A, [eye[i] + [b[i]] for i in range(k)])
    assert Z is not None, "exact_ols: singular"
    inv = [row[:k] for row in Z]
    beta = [row[k] for row in Z]
    resid = [yf[r] - sum(Xf[r][j] * beta[j] for j in range(k)) for r in range(n)]
    ssr = sum(e * e for e in resid)
    df = n - k
    scale = ssr / df
    ybar = sum(yf) / n
    tss_c = sum((v - ybar) ** 2 for v in yf)
    tss_u = sum(v * v for v in yf)
    tss = tss_c if has_constant else tss_u
    r2 = (1 - ssr / tss) if tss != 0 else None
    bse = [math.sqrt(float(scale * inv[j][j])) for j in range(k)]
    params = [float(v) for v in beta]
    tvals = [p / s if s > 0 else None for p, s in zip(params, bse)]
    extra = {}
    if x0 is not None:
        x0f = [[Fraction(float(v)) for v in row] for row in np.asarray(x0, dtype=float)]
        extra["prediction_mean_se"] = [
            math.sqrt(float(scale * sum(r[i] * inv[i][j] * r[j] for i in range(k) for j in range(k))))
            for r in x0f]
    return {
        **extra,
        "params": params,
        "bse": bse,
        "tvalues": [num(v) for v in tvals],
        "ssr": float(ssr),
        "scale": float(scale),
        "rsquared": None if r2 is None else float(r2),
    }


# ----------------------------------------------------------------------------
# 1. OLS
# ----------------------------------------------------------------------------

def summary(frame, c=0.0):
    return {
        "mean": flist(frame["mean"] + c),
        "mean_se": flist(frame["mean_se"]),
        "mean_ci_lower": flist(frame["mean_ci_lower"] + c),
        "mean_ci_upper": flist(frame["mean_ci_upper"] + c),
        "obs_ci_lower": flist(frame["obs_ci_lower"] + c),
        "obs_ci_upper": flist(frame["obs_ci_upper"] + c),
    }


def ols_expected(X, y, x0, T=None, y_shift=None):
    """statsmodels OLS results. With T (k×k, invertible), fit on the equivalent
    design X @ T (parameters T^-1 beta) and map the results back: params = T b,
    cov = T C T', t and p from those; ssr, R², llf, F and predictions (x0 @ T) are
    invariant. Used where statsmodels on X itself is wrong: pinv's relative cutoff
    1e-15 silently drops directions of tiny scale (column equilibration) or of a
    huge common offset (centering). With y_shift c (X[:, 0] must be the constant 1),
    fit y - c (exact by Sterbenz) and add c to the intercept and predictions."""
    X = np.asarray(X, dtype=float)
    x0 = np.asarray(x0, dtype=float)
    c = 0.0
    if T is None:
        res = sm.OLS(y, X).fit()
        params, cov = np.asarray(res.params), np.asarray(res.cov_params())
        bse, tvals, pvals = res.bse, res.tvalues, res.pvalues
        pred = res.get_prediction(x0)
    else:
        c = 0.0 if y_shift is None else float(y_shift)
        if y_shift is not None:
            assert np.all(X[:, 0] == 1.0) and np.all((y - c) + c == y)
        res = sm.OLS(y - c, X @ T).fit()
        params = T @ np.asarray(res.params)
        params[0] += c
        cov = T @ np.asarray(res.cov_params()) @ T.T
        bse = np.sqrt(np.diag(cov))
        tvals = params / bse
        pvals = 2 * st.t.sf(np.abs(tvals), res.df_resid)
        pred = res.get_prediction(x0 @ T)
    has_const = bool(res.model.k_constant > 0)
    exp = {
        "params": flist(params),
        "bse": flist(bse),
        "tvalues": flist(tvals),
        "pvalues": flist(pvals),
        "rsquared": num(res.rsquared),
        "rsquared_adj": num(res.rsquared_adj),
        "ssr": num(res.ssr),
        "df_resid": num(res.df_resid),
        "df_model": num(res.df_model),
        "bic": num(res.bic),
        "aic": num(res.aic),
        "llf": num(res.llf),
        "scale": num(res.scale),
        "cov_params": fmat(cov),
        "centered_tss": num(res.centered_tss),
        "fvalue": num(res.fvalue),
        "f_pvalue": num(res.f_pvalue),
        "prediction": summary(pred.summary_frame(alpha=0.05), c),
        "prediction_90": summary(pred.summary_frame(alpha=0.10), c),
    }
    return exp, has_const, res


def ols_case(name, X, y, x0, note=None, T=None, y_shift=None, **flags):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    x0 = np.asarray(x0, dtype=float)
    n, k = X.shape
    assert np.linalg.matrix_rank(X / np.linalg.norm(X, axis=0)) == k, name
    assert n > k, name
    exp, has_const, res = ols_expected(X, y, x0, T, y_shift)
    ex = exact_ols(X, y, has_const, x0)
    pred_dev = rel_dev(exp["prediction"]["mean_se"], ex["prediction_mean_se"])
    if pred_dev > 1e-9 and not flags.get("exact_fit"):
        # statsmodels forms x0 (X'X)^-1 x0' from pinv and loses digits on nearly collinear
        # designs; rebuild its summary_frame columns from the exact mean_se.
        flags["prediction_reference"] = "exact mean_se (statsmodels off by %.1e relative)" % pred_dev
        from scipy import stats as _st
        for key, alpha in (("prediction", 0.05), ("prediction_90", 0.10)):
            fr = exp[key]
            q = _st.t.ppf(1 - alpha / 2, exp["df_resid"])
            se = np.array(ex["prediction_mean_se"])
            mean = np.array(fr["mean"])
            obs = np.sqrt(se ** 2 + exp["scale"])
            fr.update({"mean_se": flist(se), "mean_ci_lower": flist(mean - q * se), "mean_ci_upper": flist(mean + q * se),
                       "obs_ci_lower": flist(mean - q * obs), "obs_ci_upper": flist(mean + q * obs)})
    dev = rel_dev(exp["params"], ex["params"])
    if not flags.get("exact_fit"):
        dev = max(dev, rel_dev(exp["bse"], ex["bse"]))
    case = {"name": name}
    if note:
        case["note"] = note
    case["has_constant"] = has_const
    case.update(flags)
    case.update({"X": fmat(X), "y": flist(y), "x0": fmat(x0), "expected": exp,
                 "exact": ex, "statsmodels_vs_exact_max_rel": dev})
    if T is not None:
        raw = sm.OLS(y, X).fit()
        case["reference_transform"] = fmat(T)
        case["reference_y_shift"] = num(y_shift or 0.0)
        case["statsmodels_direct"] = {"params": flist(raw.params), "bse": flist(raw.bse),
                                      "rsquared": num(raw.rsquared),
                                      "df_resid": num(raw.df_resid),
                                      "matrix_rank": int(np.linalg.matrix_rank(X))}
    # independent cross-check with numpy lstsq (column-scaled)
    d = np.linalg.norm(X, axis=0)
    beta = np.linalg.lstsq(X / d, y, rcond=None)[0] / d
    if not flags.get("exact_fit"):
        assert rel_dev(beta, ex["params"]) < 1e-5, (name, beta, ex["params"])
    return case


def ols_error(name, X, y, x0, error, note=None):
    X = np.asarray(X, dtype=float)
    n, k = X.shape
    if error == "rankDeficient":
        assert n > k and np.linalg.matrix_rank(X) < k, name
    else:
        assert n <= k, name
    case = {"name": name}
    if note:
        case["note"] = note
    case.update({"X": fmat(X), "y": flist(y), "x0": fmat(x0),
                 "expected": {"error": error}})
    return case


def make_ols():
    cases = []

    # Longley (NIST StRD): notoriously ill-conditioned (cond ~ 5e9).
    data = sm.datasets.longley.load_pandas()
    X = sm.add_constant(data.exog.to_numpy(dtype=float), prepend=True)
    y = data.endog.to_numpy(dtype=float)
    x0 = np.vstack([X.mean(axis=0), X[0], X[-1] * np.array([1, 1.01, 1.02, 1, 1, 1.01, 1])])
    x0[2, 6] = 1963.0  # extrapolate one year
    cases.append(ols_case("longley", X, y, x0,
                          note="statsmodels longley dataset, constant prepended; "
                               "NIST StRD certifies these params"))

    rng = np.random.default_rng(20240101)
    n, k = 20, 3
    Z = rng.normal(size=(n, k - 1))
    X = sm.add_constant(Z)
    y = X @ np.array([1.5, -2.0, 0.75]) + rng.normal(scale=0.8, size=n)
    x0 = sm.add_constant(rng.normal(size=(4, k - 1)), has_constant="add")
    cases.append(ols_case("random_n20_k3", X, y, x0))

    rng = np.random.default_rng(20240102)
    n, k = 200, 6
    Z = rng.normal(size=(n, k - 1)) * np.array([1, 10, 0.1, 5, 2])
    X = sm.add_constant(Z)
    y = X @ rng.normal(size=k) + rng.standard_t(5, size=n)
    x0 = sm.add_constant(rng.normal(size=(5, k - 1)) * 3, has_constant="add")
    cases.append(ols_case("random_n200_k6", X, y, x0))

    rng = np.random.default_rng(20240103)
    X = sm.add_constant(rng.uniform(0, 10, size=5))
    y = 3 + 0.5 * X[:, 1] + rng.normal(size=5)
    x0 = sm.add_constant(np.array([0.0, 5.0, 20.0]), has_constant="add")
    cases.append(ols_case("tiny_n5_k2", X, y, x0))

    rng = np.random.default_rng(20240104)
    X = sm.add_constant(rng.integers(-5, 6, size=(10, 2)).astype(float))
    y = X @ np.array([1.0, 2.0, -3.0])  # exact in binary: integers
    x0 = sm.add_constant(np.array([[0.0, 0.0], [10.0, -10.0]]), has_constant="add")
    cases.append(ols_case("exact_fit", X, y, x0, exact_fit=True,
                          note="y = 1 + 2 x1 - 3 x2 exactly (integers). Exact ssr is 0, so "
                               "bse/tvalues/pvalues/llf/aic/bic/fvalue/scale and the "
                               "prediction intervals are rounding noise in statsmodels "
                               "(ssr ~ 3e-28, bse ~ 1e-15, t ~ 1e15, p ~ 1e-105, F ~ 1e31; "
                               "even the params are off by ~4e-16); "
                               "compare params, rsquared (1) and prediction mean only; the "
                               "exact block has ssr 0, bse 0, t null"))

    rng = np.random.default_rng(20240105)
    n = 30
    x = 1e9 + rng.uniform(0, 100, size=n)
    X = sm.add_constant(x)
    y = 1e9 + 2.0 * (x - 1e9) + rng.normal(scale=3.0, size=n)
    x0 = sm.add_constant(np.array([1e9, 1e9 + 50, 1e9 + 200]), has_constant="add")
    cases.append(ols_case("large_offset_1e9", X, y, x0,
                          T=np.array([[1.0, -1e9], [0.0, 1.0]]), y_shift=1e9,
                          note="x and y around 1e9 with variation ~100: singular values "
                               "of [1, x] span ~3e16, so statsmodels on X directly (pinv, "
                               "rcond 1e-15) drops a direction and is wrong (params "
                               "[1e-9, 1.00000006] instead of [-1.03e9, 2.027], R^2 0.74 "
                               "instead of 0.996: statsmodels_direct). expected is "
                               "statsmodels of y - 1e9 on the exactly centered design "
                               "[1, x - 1e9] mapped back (reference_transform T: X @ T; "
                               "reference_y_shift added to the intercept), which agrees "
                               "with exact; an engine solving [1, x] by unpivoted QR "
                               "will lose ~7 digits here unless it centers"))

    rng = np.random.default_rng(20240106)
    n = 30
    X = np.column_stack([np.ones(n), rng.normal(size=n) * 1e12, rng.normal(size=n) * 1e-12])
    y = X @ np.array([1.0, 2e-12, 3e12]) + rng.normal(size=n)
    x0 = np.array([[1.0, 0.0, 0.0], [1.0, 1e12, 1e-12], [1.0, -5e11, 2e-12]])
    cases.append(ols_case("mixed_scale_columns_1e12_1e-12", X, y, x0,
                          T=np.diag(1 / np.linalg.norm(X, axis=0)),
                          note="columns of scale 1, 1e12 and 1e-12: full rank once columns "
                               "are equilibrated. Plain statsmodels (pinv, rcond 1e-15 "
                               "relative to the largest singular value) silently drops the "
                               "1e-12 column (matrix_rank 2, df_resid 28, wrong params: "
                               "statsmodels_direct); expected is statsmodels on X/||X_j|| "
                               "mapped back (reference_transform), which matches exact"))

    rng = np.random.default_rng(20240107)
    n = 25
    x = 10.0 ** rng.uniform(-12, 12, size=n)
    X = sm.add_constant(x)
    y = 1e-12 * rng.normal(size=n) + 1e12 * (rng.uniform(size=n) < 0.3) + 4e-13 * x
    x0 = sm.add_constant(np.array([1e-12, 1.0, 1e12]), has_constant="add")
    cases.append(ols_case("mixed_magnitudes_within_column", X, y, x0,
                          note="x log-uniform over 1e-12..1e12, y mixes ~1e-12 values with "
                               "1e12 spikes"))

    rng = np.random.default_rng(20240108)
    x = rng.uniform(1, 10, size=15)
    y = 2.5 * x + rng.normal(size=15)
    cases.append(ols_case("single_regressor_no_constant", x[:, None], y,
                          np.array([[0.0], [5.0], [12.0]]),
                          note="no constant: rsquared, rsquared_adj, fvalue and df_model "
                               "are uncentered (statsmodels: 1 - ssr / sum(y^2), "
                               "df_model = k); centered_tss is still the centered one"))

    rng = np.random.default_rng(20240109)
    X = rng.normal(size=(40, 3)) + np.array([1.0, 0.0, -2.0])
    y = 50 + X @ np.array([1.0, -1.0, 0.5]) + rng.normal(size=40)
    cases.append(ols_case("no_constant_k3_nonzero_mean", X, y,
                          rng.normal(size=(3, 3)),
                          note="no constant, y mean ~50: uncentered R^2 is near 1 while the "
                               "centered one would be poor"))

    rng = np.random.default_rng(20240110)
    g = (rng.uniform(size=30) < 0.5).astype(float)
    x = rng.normal(size=30)
    X = np.column_stack([g, 1 - g, x])
    y = 2 * g - 1 * (1 - g) + 0.8 * x + rng.normal(size=30)
    cases.append(ols_case("implicit_constant_dummies", X, y,
                          np.array([[1.0, 0.0, 0.5], [0.0, 1.0, -0.5]]),
                          implicit_constant=True,
                          note="no explicit constant column but two dummies summing to 1: "
                               "statsmodels detects an implicit constant (augmented-rank "
                               "check), so has_constant is true and R^2 / df_model / F are "
                               "centered (df_model = 2)"))

    rng = np.random.default_rng(20240111)
    X = sm.add_constant(rng.normal(size=(4, 2)))
    y = X @ np.array([1.0, 2.0, 3.0]) + rng.normal(size=4)
    cases.append(ols_case("n_equals_k_plus_1", X, y,
                          sm.add_constant(np.array([[0.0, 0.0], [1.0, 1.0]]), has_constant="add"),
                          note="df_resid = 1"))

    rng = np.random.default_rng(20240112)
    x = rng.normal(size=(12, 2))
    X = np.column_stack([x, np.full(12, 5.0)])
    y = x @ np.array([1.0, -1.0]) + 10 + rng.normal(size=12)
    cases.append(ols_case("constant_column_last_value_5", X, y,
                          np.array([[0.0, 0.0, 5.0], [1.0, 2.0, 5.0]]),
                          note="the constant is the last column and equals 5, not 1: "
                               "statsmodels counts any nonzero constant column"))

    rng = np.random.default_rng(20240113)
    x1 = rng.normal(size=50)
    x2 = x1 + 1e-6 * rng.normal(size=50)
    X = sm.add_constant(np.column_stack([x1, x2]))
    y = 1 + x1 + x2 + rng.normal(size=50)
    cases.append(ols_case("near_collinear_1e-6", X, y,
                          sm.add_constant(np.array([[0.0, 0.0], [1.0, 1.0]]), has_constant="add"),
                          note="x2 = x1 + 1e-6 noise: cond ~ 1e7 but full rank; must not be "
                               "refused"))

    rng = np.random.default_rng(20240114)
    X = sm.add_constant(rng.integers(0, 20, size=(60, 2)).astype(float))
    y = rng.poisson(5, size=60).astype(float) + 0.3 * X[:, 1]
    cases.append(ols_case("integer_data_n60", X, y,
                          sm.add_constant(np.array([[10.0, 10.0]]), has_constant="add")))

    # ---- degenerate -------------------------------------------------------------
    rng = np.random.default_rng(20240201)
    x = rng.normal(size=(15, 2))
    x0d = np.array([[1.0, 0.0, 0.0, 3.0]])
    cases.append(ols_error("rank_constant_regressor_besides_intercept",
                           np.column_stack([np.ones(15), x, np.full(15, 3.0)]),
                           rng.normal(size=15), x0d, "rankDeficient",
                           note="column 3 is constant (3.0) beside the intercept"))
    x = rng.normal(size=(15, 2))
    cases.append(ols_error("rank_identical_columns",
                           np.column_stack([np.ones(15), x, x[:, 1]]),
                           rng.normal(size=15), x0d, "rankDeficient"))
    xi = rng.integers(-9, 10, size=(15, 2)).astype(float)
    cases.append(ols_error("rank_exact_linear_combination",
                           np.column_stack([np.ones(15), xi, xi[:, 0] - 2 * xi[:, 1]]),
                           rng.normal(size=15), x0d, "rankDeficient",
                           note="x3 = x1 - 2 x2 exactly (integer data)"))
    cases.append(ols_error("rank_zero_column",
                           np.column_stack([np.ones(15), rng.normal(size=15), np.zeros(15)]),
                           rng.normal(size=15), np.array([[1.0, 0.0, 0.0]]), "rankDeficient"))
    xi = rng.integers(-9, 10, size=(15, 2)).astype(float)
    cases.append(ols_error("rank_no_constant_implicit_collinear",
                           np.column_stack([xi, 3 * xi[:, 0] + xi[:, 1]]),
                           rng.normal(size=15), np.array([[1.0, 1.0, 4.0]]), "rankDeficient"))
    cases.append(ols_error("too_few_n_equals_k", sm.add_constant(rng.normal(size=(3, 2))),
                           rng.normal(size=3), np.array([[1.0, 0.0, 0.0]]), "tooFewObservations",
                           note="n = k = 3: statsmodels fits exactly with df_resid 0"))
    cases.append(ols_error("too_few_n_less_than_k", sm.add_constant(rng.normal(size=(2, 3))),
                           rng.normal(size=2), np.array([[1.0, 0.0, 0.0, 0.0]]),
                           "tooFewObservations",
                           note="n = 2 < k = 4 (also rank-deficient: tooFewObservations wins)"))
    cases.append(ols_error("too_few_single_row_no_constant", np.array([[2.0]]),
                           np.array([4.0]), np.array([[1.0]]), "tooFewObservations"))
    return cases


# ----------------------------------------------------------------------------
# 2. fixed effects
# ----------------------------------------------------------------------------

def dummies(ids, drop_first):
    levels = sorted(set(int(v) for v in ids))
    if drop_first:
        levels = levels[1:]
    ids = np.asarray(ids)
    return np.column_stack([(ids == l).astype(float) for l in levels]) if levels else \
        np.empty((len(ids), 0))


def fe_design(X, team, period, effects):
    n_teams = len(set(team))
    if effects == "team":
        return np.column_stack([X, dummies(team, False)])
    if n_teams == 1:  # METHODS.md: with a single team in the sample, just a constant
        return np.column_stack([X, np.ones(len(team))])
    return np.column_stack([X, np.ones(len(team)), dummies(team, True), dummies(period, True)])


def fwl_two_way(X, y, team, period):
    """Independent two-way solution: demean every column (period dummies included)
    within team, then OLS without constant (Frisch-Waugh-Lovell)."""
    team = np.asarray(team)
    P = dummies(period, True)
    M = np.column_stack([X, P, y])
    for t in set(team.tolist()):
        m = team == t
        M[m] -= M[m].mean(axis=0)
    k = X.shape[1]
    return np.linalg.lstsq(M[:, :-1], M[:, -1], rcond=None)[0][:k]


def naive_double_demean(X, y, team, period):
    team = np.asarray(team)
    period = np.asarray(period)
    M = np.column_stack([X, y]).astype(float)
    out = M - M.mean(axis=0)
    for t in set(team.tolist()):
        m = team == t
        out[m] -= M[m].mean(axis=0) - M.mean(axis=0)
    for p in set(period.tolist()):
        m = period == p
        out[m] -= M[m].mean(axis=0) - M.mean(axis=0)
    return np.linalg.lstsq(out[:, :-1], out[:, -1], rcond=None)[0]


def fe_case(name, effects, team, period, X, y, note=None, error=None, **flags):
    team = [int(v) for v in team]
    period = [int(v) for v in period]
    X = np.asarray(X, dtype=float).reshape(len(team), -1)
    y = np.asarray(y, dtype=float)
    n, k = X.shape
    D = fe_design(X, team, period, effects)
    rank = np.linalg.matrix_rank(D)
    n_teams, n_periods = len(set(team)), len(set(period))
    case = {"name": name}
    if note:
        case["note"] = note
    case.update(flags)
    case.update({"effects": effects, "team": team, "period": period,
                 "X": fmat(X), "y": flist(y)})
    if rank < D.shape[1]:
        assert error == "rankDeficient", (name, rank, D.shape)
        case["design_columns"] = D.shape[1]
        case["design_rank"] = int(rank)
        case["expected"] = {"error": "rankDeficient"}
        return case
    if effects == "team":
        df_formula = n - n_teams - k
    elif n_teams == 1:
        df_formula = n - 1 - k
    else:
        df_formula = n - n_teams - n_periods + 1 - k
    if df_formula < 1:
        assert error == "tooFewObservations", (name, df_formula)
        case["expected"] = {"error": "tooFewObservations"}
        return case
    assert error is None, name
    res = sm.OLS(y, D).fit()
    assert res.df_resid == df_formula, (name, res.df_resid, df_formula)
    # cross-checks: lstsq on the same design, and FWL for two-way
    beta = np.linalg.lstsq(D, y, rcond=None)[0][:k]
    assert rel_dev(res.params[:k], beta, 1e-12) < 1e-9, name
    if effects == "team+period" and n_teams > 1:
        assert rel_dev(res.params[:k], fwl_two_way(X, y, team, period), 1e-12) < 1e-9, name
    case["expected"] = {
        "params": flist(res.params[:k]),
        "bse": flist(res.bse[:k]),
        "tvalues": flist(res.tvalues[:k]),
        "pvalues": flist(res.pvalues[:k]),
        "ssr": num(res.ssr),
        "df_resid": num(res.df_resid),
        "nobs": n,
    }
    return case


def panel(rng, n_teams, n_periods, k, keep=None, team_sd=2.0, period_sd=1.5,
          noise=1.0, beta=None, x_team_corr=True):
    """Rows (team, period) with y = X beta + a_team + b_period + e. keep(team, period)
    decides which cells exist. X correlates with the team and period effects so that
    ignoring them would bias the slopes."""
    a = rng.normal(scale=team_sd, size=n_teams)
    b = rng.normal(scale=period_sd, size=n_periods)
    beta = rng.normal(size=k) if beta is None else np.asarray(beta, dtype=float)
    rows = [(i, t) for i in range(n_teams) for t in range(n_periods)
            if keep is None or keep(i, t)]
    team = np.array([r[0] for r in rows])
    period = np.array([r[1] for r in rows])
    X = rng.normal(size=(len(rows), k))
    if x_team_corr:
        X += 0.7 * a[team][:, None] + 0.5 * b[period][:, None]
    y = X @ beta + a[team] + b[period] + rng.normal(scale=noise, size=len(rows))
    return team, period, X, y


def make_fixed_effects():
    cases = []

    rng = np.random.default_rng(30001)
    team, period, X, y = panel(rng, 8, 12, 1)
    cases.append(fe_case("balanced_8x12_k1_twoway", "team+period", team, period, X, y))
    cases.append(fe_case("balanced_8x12_k1_oneway", "team", team, period, X, y))
    # on a balanced panel naive double demeaning is exact (sanity check of the check)
    assert rel_dev(naive_double_demean(X, y, team, period),
                   np.array(cases[0]["expected"]["params"])) < 1e-9

    rng = np.random.default_rng(30002)
    team, period, X, y = panel(rng, 8, 12, 3)
    cases.append(fe_case("balanced_8x12_k3_twoway", "team+period", team, period, X, y))

    # unbalanced: different spans, ~20% holes, a team in 2 periods only, a late starter,
    # a period missing from the whole sample; rows shuffled.
    rng = np.random.default_rng(30003)
    spans = {0: (0, 24), 1: (0, 24), 2: (3, 20), 3: (0, 15), 4: (10, 24), 5: (5, 18),
             6: (0, 24), 7: (18, 24), 8: (0, 24), 9: (2, 22)}
    holes = rng.uniform(size=(10, 24)) < 0.2

    def keep(i, t):
        if i == 8:
            return t in (4, 11)  # present in only 2 periods
        lo, hi = spans[i]
        return lo <= t < hi and not holes[i, t] and t != 7  # period 7 absent everywhere
    team, period, X, y = panel(rng, 10, 24, 2, keep=keep)
    perm = rng.permutation(len(team))
    team, period, X, y = team[perm], period[perm], X[perm], y[perm]
    note = ("unbalanced: team spans differ, ~20% random holes, team 8 in periods 4 and 11 "
            "only, team 7 starts at period 18, period 7 absent from the sample, rows in "
            "random order")
    cases.append(fe_case("unbalanced_k2_twoway", "team+period", team, period, X, y, note=note))
    cases.append(fe_case("unbalanced_k2_oneway", "team", team, period, X, y, note=note))

    # single team: METHODS.md says "with a single team in the sample, just a constant"
    rng = np.random.default_rng(30004)
    team, period, X, y = panel(rng, 1, 20, 1, keep=lambda i, t: t not in (3, 9, 10))
    note = ("single team: METHODS.md makes the two-way effects just a constant (period "
            "dummies would saturate the sample), so expected = OLS on [X, 1], "
            "df_resid = N - 1 - slopes")
    cases.append(fe_case("single_team_twoway_is_constant", "team+period", team, period, X, y,
                         note=note))
    cases.append(fe_case("single_team_oneway", "team", team, period, X, y,
                         note="one team dummy = a constant"))

    # one period holds a single observation
    rng = np.random.default_rng(30005)
    team, period, X, y = panel(rng, 6, 10, 1,
                               keep=lambda i, t: t != 9 or i == 2)
    cases.append(fe_case("single_observation_period_twoway", "team+period", team, period, X, y,
                         note="period 9 has one observation (team 2): its dummy fits it "
                              "exactly, residual 0"))

    # a singleton team
    rng = np.random.default_rng(30006)
    team, period, X, y = panel(rng, 7, 9, 2, keep=lambda i, t: i != 6 or t == 4)
    cases.append(fe_case("singleton_team_twoway", "team+period", team, period, X, y,
                         note="team 6 has one observation"))

    # Full-rank two-way design on an unbalanced panel where naive double demeaning
    # (x - team mean - period mean + grand mean) gives the wrong slope: the script
    # asserts the naive slope differs from statsmodels' dummy-variable slope by > 1e-6
    # (here it gives +0.47 against the right -0.43: wrong even in sign).
    rng = np.random.default_rng(30007)
    keep_ = rng.uniform(size=(6, 10)) < 0.6

    def keep2(i, t):
        return keep_[i, t] or t == i  # every team present at least once
    team, period, X, y = panel(rng, 6, 10, 1, keep=keep2, period_sd=4.0)
    c = fe_case("naive_double_demeaning_fails", "team+period", team, period, X, y,
                note="unbalanced, full-rank two-way design: naive double demeaning "
                     "(x - team mean - period mean + grand mean) is wrong here",
                naive_double_demean_slopes=None)
    right = np.array(c["expected"]["params"])
    naive = naive_double_demean(X, y, team, period)
    assert np.max(np.abs(naive - right)) > 1e-6, (naive, right)
    c["naive_double_demean_slopes"] = flist(naive)
    cases.append(c)

    # larger unbalanced panel, y at a level of 1e4
    rng = np.random.default_rng(30008)
    keep3 = rng.uniform(size=(30, 40)) >= 0.25
    team, period, X, y = panel(rng, 30, 40, 2, keep=lambda i, t: keep3[i, t])
    y = y + 1e4
    cases.append(fe_case("large_unbalanced_30x40_k2_twoway", "team+period", team, period,
                         X, y))

    # x a function of period only: fine under one-way team effects
    rng = np.random.default_rng(30009)
    team, period, X, y = panel(rng, 5, 8, 1)
    xp = rng.normal(size=8)
    Xp = xp[period][:, None]
    yp = 0.9 * Xp[:, 0] + rng.normal(size=len(team)) + team
    cases.append(fe_case("x_period_only_oneway_ok", "team", team, period, Xp, yp,
                         note="x depends on the period only: identified under team effects"))

    # ---- degenerate ---------------------------------------------------------------
    rng = np.random.default_rng(30101)
    team, period, X, y = panel(rng, 5, 8, 2)
    Xc = X.copy()
    Xc[:, 1] = rng.normal(size=5)[team]  # constant within every team
    cases.append(fe_case("rank_x_constant_within_team_oneway", "team", team, period, Xc, y,
                         error="rankDeficient",
                         note="second regressor constant within every team"))
    cases.append(fe_case("rank_x_constant_within_team_twoway", "team+period", team, period,
                         Xc, y, error="rankDeficient",
                         note="second regressor constant within every team"))
    Xq = X.copy()
    Xq[:, 0] = (period.astype(float) - 3.5) ** 2
    cases.append(fe_case("rank_x_function_of_period_twoway", "team+period", team, period,
                         Xq, y, error="rankDeficient",
                         note="first regressor = (period - 3.5)^2"))

    rng = np.random.default_rng(30102)
    team, period, X, y = panel(rng, 4, 12, 1,
                               keep=lambda i, t: (i < 2 and t < 6) or (i >= 2 and t >= 6))
    c = fe_case("rank_disconnected_team_groups_twoway", "team+period", team, period, X, y,
                error="rankDeficient",
                note="teams 0,1 only in periods 0-5, teams 2,3 only in periods 6-11: the "
                     "two groups share no period, so team and period dummies are not of "
                     "full rank (dummy design rank = columns - 1)")
    assert c["design_rank"] == c["design_columns"] - 1
    cases.append(c)

    rng = np.random.default_rng(30103)
    team, period, X, y = panel(rng, 2, 2, 1)
    cases.append(fe_case("too_few_df0_twoway", "team+period", team, period, X, y,
                         error="tooFewObservations",
                         note="2 teams x 2 periods, 1 slope: df_resid = 4 - 2 - 2 + 1 - 1 = 0"))
    return cases


# ----------------------------------------------------------------------------
# 3. trend
# ----------------------------------------------------------------------------

P = 24


def trend_statsmodels(values, shift=None):
    """statsmodels OLS of the present values on [1, t]. With shift c, fit y - c
    (exact: Sterbenz) and add c back to the intercept: statsmodels on y itself loses
    digits when the level dwarfs the variation (pinv of [1, t] applied to 1e9-sized
    values)."""
    t = np.arange(P, dtype=float)
    v = np.array([np.nan if x is None else x for x in values], dtype=float)
    m = np.isfinite(v)
    n = int(m.sum())
    if n < 3:
        return None
    yv = v[m]
    if np.all(yv == yv[0]):  # METHODS.md: constant series
        return {"n": n, "slope": 0.0, "intercept": float(yv[0]), "slope_se": 0.0,
                "t": None, "p_value": None, "ci_low": 0.0, "ci_high": 0.0, "r2": None}
    c = 0.0 if shift is None else float(shift)
    assert np.all((yv - c) + c == yv)
    res = sm.OLS(yv - c, sm.add_constant(t[m])).fit()
    ci = np.asarray(res.conf_int(alpha=0.05))[1]
    return {"n": n, "slope": num(res.params[1]), "intercept": num(res.params[0] + c),
            "slope_se": num(res.bse[1]), "t": num(res.tvalues[1]),
            "p_value": num(res.pvalues[1]), "ci_low": num(ci[0]), "ci_high": num(ci[1]),
            "r2": num(res.rsquared)}


def trend_exact(values):
    pts = [(Fraction(i), Fraction(float(x))) for i, x in enumerate(values) if x is not None]
    n = len(pts)
    if n < 3:
        return None
    ys = [y for _, y in pts]
    if all(y == ys[0] for y in ys):
        return {"n": n, "slope": 0.0, "intercept": float(ys[0]), "slope_se": 0.0,
                "t": None, "p_value": None, "ci_low": 0.0, "ci_high": 0.0, "r2": None}
    tb = sum(t for t, _ in pts) / n
    yb = sum(ys) / n
    stt = sum((t - tb) ** 2 for t, _ in pts)
    sty = sum((t - tb) * (y - yb) for t, y in pts)
    syy = sum((y - yb) ** 2 for y in ys)
    slope = sty / stt
    icpt = yb - slope * tb
    ssr = syy - sty * sty / stt
    var = ssr / (n - 2) / stt
    se = math.sqrt(float(var))
    df = n - 2
    if se > 0:
        tv = float(slope) / se
        p = 2 * st.t.sf(abs(tv), df)
    else:
        tv, p = None, None
    q = st.t.ppf(0.975, df)
    return {"n": n, "slope": float(slope), "intercept": float(icpt), "slope_se": se,
            "t": num(tv), "p_value": num(p),
            "ci_low": float(slope) - q * se, "ci_high": float(slope) + q * se,
            "r2": float(sty * sty / (stt * syy))}


def make_trend():
    rng = np.random.default_rng(40001)
    t = np.arange(P, dtype=float)
    specs = []  # (kind, values list, flags)

    def add(kind, y, mask=None, **flags):
        vals = [None if (mask is not None and not mask[i]) else float(y[i]) for i in range(P)]
        specs.append((kind, vals, flags))

    def mask_missing(frac):
        m = rng.uniform(size=P) >= frac
        while m.sum() < 3:
            m = rng.uniform(size=P) >= frac
        return m

    def mask_exact(count):
        m = np.zeros(P, dtype=bool)
        m[rng.choice(P, size=count, replace=False)] = True
        return m

    for _ in range(55):  # full series
        y = rng.normal(100, 50) + rng.normal(0, 2) * t + rng.normal(size=P) * np.exp(rng.uniform(-2, 2))
        add("full", y)
    for _ in range(15):  # integer-valued counts
        y = np.round(rng.uniform(0, 50) + rng.uniform(-1, 1) * t + rng.normal(0, 3, size=P))
        add("full_integer", y)
    for _ in range(125):  # random gaps
        y = rng.normal(0, 1e3) + rng.normal(0, 5) * t + rng.normal(0, 10, size=P)
        add("gaps", y, mask_missing(rng.uniform(0.1, 0.6)))
    for i in range(20):  # exactly 3 present
        y = rng.normal(10, 5) + rng.normal(0, 1) * t + rng.normal(size=P)
        m = mask_exact(3)
        if i == 0:
            m = np.zeros(P, dtype=bool)
            m[[0, 1, 2]] = True
        if i == 1:
            m = np.zeros(P, dtype=bool)
            m[[0, 12, 23]] = True
        add("exactly_3", y, m)
    for _ in range(8):  # 2 present -> null
        add("exactly_2", rng.normal(size=P), mask_exact(2))
    for _ in range(4):
        add("exactly_1", rng.normal(size=P), mask_exact(1))
    for _ in range(4):
        add("all_missing", np.zeros(P), np.zeros(P, dtype=bool))
    for c in [0.0, 7.3, -2.5, 1e9, 1e-8, 0.1, 42.0, -0.0]:  # constant with gaps
        add("constant", np.full(P, c), mask_missing(rng.uniform(0.0, 0.6)))
    for c in [3.0, 0.1, 123456.789]:
        add("constant", np.full(P, c))
    add("constant", np.full(P, 5.0), mask_exact(3))
    # perfect lines (flagged): exactly representable and not
    for a, b in [(3.0, 2.0), (-1.0, 0.5), (100.0, -4.0), (0.0, 0.25), (1024.0, 1.0)]:
        add("perfect_line", a + b * t, perfect_fit=True)
        add("perfect_line", a + b * t, mask_missing(0.4), perfect_fit=True)
    for a, b in [(0.3, 0.1), (1.1, -0.7), (1e6, 0.01)]:
        add("perfect_line_rounded", a + b * t, perfect_fit=True)
    add("perfect_line", 2.0 + 3.0 * t, mask_exact(3), perfect_fit=True)
    add("perfect_line_rounded", 0.1 + 0.2 * t, mask_exact(3), perfect_fit=True)
    for i in range(20):  # huge level + small trend
        y = 1e9 + rng.choice([0.01, 0.1, 1.0, 10.0]) * t + rng.normal(0, rng.choice([0.1, 1.0]), size=P)
        add("huge_level", y, mask_missing(0.3) if i % 2 else None, reference_shift=1e9)
    for i in range(20):  # values ~ 1e-8
        y = 1e-8 * (1 + rng.normal(0, 0.1)) + 1e-10 * rng.normal() * t + 1e-10 * rng.normal(size=P)
        add("tiny_1e-8", y, mask_missing(0.3) if i % 2 else None)
    for _ in range(3):  # constant but one value differs by an ulp
        y = np.full(P, 1.0)
        y[rng.integers(P)] = np.nextafter(1.0, 2.0)
        add("near_constant_ulp", y, reference_shift=1.0)
    for _ in range(5):  # large negative, mixed sign
        y = -1e6 + rng.normal(0, 1e4) * t + rng.normal(0, 1e5, size=P)
        add("large_negative", y, mask_missing(0.2))

    series = []
    worst = {}
    fields = ("slope", "intercept", "slope_se", "r2", "ci_low", "ci_high")
    for kind, vals, flags in specs:
        exp = trend_statsmodels(vals, flags.get("reference_shift"))
        ex = trend_exact(vals)
        s = {"kind": kind}
        s.update(flags)
        if "reference_shift" in flags:
            # what statsmodels gives on y directly, for the record
            direct = trend_statsmodels(vals)
            s["statsmodels_direct_vs_exact_max_rel"] = rel_dev(
                [direct[f] for f in fields], [ex[f] for f in fields])
        s["values"] = vals
        s["expected"] = exp
        if exp is not None:
            s["exact"] = ex
            if not flags.get("perfect_fit") and exp["t"] is not None:
                d = rel_dev([exp[f] for f in fields], [ex[f] for f in fields])
                s["statsmodels_vs_exact_max_rel"] = d
                worst[kind] = max(worst.get(kind, 0.0), d)
        series.append(s)
    return {"periods": P, "series": series}, worst


# ----------------------------------------------------------------------------

def main():
    ols = make_ols()
    fe = make_fixed_effects()
    trend, worst = make_trend()
    sizes = {
        "ols.json": write_json("ols.json", ols),
        "fixed_effects.json": write_json("fixed_effects.json", fe),
        "trend.json": write_json("trend.json", trend),
    }
    print(f"wrote into {OUT.relative_to(REPO)}:")
    for name, size in sizes.items():
        print(f"  {name}: {size} bytes")
    n_err = sum("error" in c["expected"] for c in ols)
    print(f"ols: {len(ols)} cases ({len(ols) - n_err} fits, {n_err} errors)")
    for c in ols:
        if "error" not in c["expected"]:
            print(f"  {c['name']:36s} statsmodels vs exact (params, bse): "
                  f"{c['statsmodels_vs_exact_max_rel']:.2e}")
    n_err = sum("error" in c["expected"] for c in fe)
    print(f"fixed_effects: {len(fe)} cases ({len(fe) - n_err} fits, {n_err} errors)")
    n_null = sum(s["expected"] is None for s in trend["series"])
    print(f"trend: {len(trend['series'])} series ({n_null} null)")
    for kind, d in worst.items():
        print(f"  {kind:24s} statsmodels vs exact max rel: {d:.2e}")


if __name__ == "__main__":
    main()
