#!/usr/bin/env python3
"""Check what a generated Scorecard dataset folder shows an analyst.

Loads `measurements.csv`, `scorecard.yml` and `truth.json` from a dataset folder (as
written by `scorecard generate`, module SampleData) and prints, for every link in
truth.json (planted, null and reversed):

* the pooled partial correlation by lag 0..12 with two-way fixed effects
  (OLS of y[i,t+k] on x[i,t] plus team and period-of-y dummies; r = t/sqrt(t^2+df)),
* the panel Granger F test both ways (y on team + period dummies + own lags + x lags,
  lag order chosen by BIC over 1..6 on the common sample of p = 6), as METHODS.md
  ("Lead-lag") defines it,

and the ROI top/bottom quartile mean ratio (METHODS.md, "rank").

This is an independent reference written with numpy/pandas/statsmodels, so the
generator's claims can be checked without the Swift engine.

Usage: python3 check_generated.py DATASET_DIR [DATASET_DIR ...]
Needs: pip install numpy pandas statsmodels
"""
import json
import os
import sys

try:
    import numpy as np
    import pandas as pd
    import statsmodels.api as sm
    from scipy import stats
except ImportError:  # pragma: no cover - a hint, not a fallback
    sys.exit("needs numpy, pandas, scipy and statsmodels: pip install pandas statsmodels")

MAX_LAG = 12
MAX_GRANGER_LAG = 6


def load_panel(folder):
    """Wide panel: a row per (team, calendar month) from the first to the last period
    seen, a column per measure; absent rows and empty cells are NaN."""
    df = pd.read_csv(
        os.path.join(folder, "measurements.csv"),
        dtype={"team": str, "period": str, "measure": str},
        keep_default_na=False,
        na_values={"value": ["", "NA", "NaN", "null"]},
    )
    df["value"] = df["value"].astype(float)
    if df.duplicated(["team", "period", "measure"]).any():
        raise SystemExit("duplicate (team, period, measure) keys")
    periods = pd.PeriodIndex(df["period"], freq="M")
    df["t"] = (periods - periods.min()).map(lambda d: d.n)
    n_periods = int(df["t"].max()) + 1
    wide = df.pivot_table(index=["team", "t"], columns="measure", values="value", aggfunc="first", dropna=False)
    teams = sorted(df["team"].unique())
    full = pd.MultiIndex.from_product([teams, range(n_periods)], names=["team", "t"])
    return df, wide.reindex(full)


def fe_ols(y, X, team, period):
    """OLS of y on X plus team and period dummies (one period dummy dropped): the
    statsmodels fit, or None when the design is rank-deficient."""
    td = pd.get_dummies(pd.Categorical(team), dtype=float)
    pdm = pd.get_dummies(pd.Categorical(period), drop_first=True, dtype=float)
    design = np.column_stack([np.asarray(X, float).reshape(len(y), -1), td.values, pdm.values])
    if np.linalg.matrix_rank(design) < design.shape[1]:
        return None
    return sm.OLS(np.asarray(y, float), design).fit()


def lag_frame(wide, measure, k):
    """Series of `measure` shifted so that row (i, t) holds value at t-k (k > 0) within team."""
    return wide[measure].groupby(level="team").shift(k)


def pooled_lag_correlation(wide, x, y, k):
    xs = lag_frame(wide, x, k)  # x[i, t-k] next to y[i, t]
    d = pd.DataFrame({"x": xs, "y": wide[y]}).dropna()
    if len(d) < 3:
        return None
    team = d.index.get_level_values("team")
    period = d.index.get_level_values("t")
    fit = fe_ols(d["y"].values, d["x"].values, team, period)
    if fit is None or fit.df_resid < 1:
        return None
    t = fit.tvalues[0]
    return {"lag": k, "n": len(d), "r": t / np.sqrt(t * t + fit.df_resid), "t": t, "p": fit.pvalues[0]}


def granger_design(wide, x, y, p):
    cols = {"y": wide[y]}
    for j in range(1, p + 1):
        cols[f"y{j}"] = lag_frame(wide, y, j)
    for j in range(1, p + 1):
        cols[f"x{j}"] = lag_frame(wide, x, j)
    return pd.DataFrame(cols)


def granger(wide, x, y, p_max=MAX_GRANGER_LAG):
    """Panel Granger test x -> y as METHODS.md defines it; returns (p, F, pvalue)."""
    full = granger_design(wide, x, y, p_max).dropna()
    best = None
    for p in range(1, p_max + 1):
        cols = ["y"] + [f"y{j}" for j in range(1, p + 1)] + [f"x{j}" for j in range(1, p + 1)]
        d = full[cols]
        fit = fe_ols(d["y"].values, d[cols[1:]].values, d.index.get_level_values("team"), d.index.get_level_values("t"))
        if fit is None:
            return None
        if best is None or fit.bic < best[1]:
            best = (p, fit.bic)
    return granger_at(wide, x, y, best[0])


def granger_at(wide, x, y, p):
    d = granger_design(wide, x, y, p).dropna()
    team = d.index.get_level_values("team")
    period = d.index.get_level_values("t")
    ycols = [f"y{j}" for j in range(1, p + 1)]
    xcols = [f"x{j}" for j in range(1, p + 1)]
    u = fe_ols(d["y"].values, d[ycols + xcols].values, team, period)
    r = fe_ols(d["y"].values, d[ycols].values, team, period)
    f = ((r.ssr - u.ssr) / p) / (u.ssr / u.df_resid)
    return p, f, stats.f.sf(f, p, u.df_resid)


def roi_quartile_ratio(df, ret, cost):
    sums = df.pivot_table(index="team", columns="measure", values="value", aggfunc="sum")
    roi = ((sums[ret] - sums[cost]) / sums[cost])[sums[cost] > 0].values
    q25, q50, q75 = np.percentile(roi, [25, 50, 75])
    top = roi[roi > q75]
    bottom = roi[roi <= q25]
    return top.mean(), bottom.mean(), top.mean() / bottom.mean()


def check(folder):
    truth = json.load(open(os.path.join(folder, "truth.json")))
    df, wide = load_panel(folder)
    print(f"== {folder}: {df['team'].nunique()} teams, {wide.index.get_level_values('t').max() + 1} periods, "
          f"{len(df)} rows, {df['value'].isna().sum()} missing values")
    summary = []
    for link in truth["links"]:
        x, y = link["from"], link["to"]
        rows = [pooled_lag_correlation(wide, x, y, k) for k in range(0, MAX_LAG + 1)]
        rs = [row["r"] if row else float("nan") for row in rows]
        best = max(range(1, MAX_LAG + 1), key=lambda k: (abs(rs[k]), -k))
        fwd = granger(wide, x, y)
        rev = granger_at(wide, y, x, fwd[0])
        print(f"  {x} -> {y} [{link['truth']}]")
        print("    r by lag 0..12: " + " ".join(f"{r:+.3f}" for r in rs))
        print(f"    best lag {best} (r {rs[best]:+.3f}); Granger p={fwd[0]}: forward F {fwd[1]:.2f} p {fwd[2]:.3g}; "
              f"reverse F {rev[1]:.2f} p {rev[2]:.3g}")
        summary.append((x, y, link["truth"], best, rs[best], fwd[2], rev[2]))
    roi = truth.get("roi", {})
    top, bottom, ratio = roi_quartile_ratio(df, roi.get("return", "revenue"), roi.get("cost", "sales_cost"))
    print(f"  ROI top quartile mean {top:.3f}, bottom {bottom:.3f}, ratio {ratio:.3f}")
    return summary, ratio


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    for folder in sys.argv[1:]:
        check(folder)
