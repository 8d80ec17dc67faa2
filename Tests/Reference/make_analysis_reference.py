#!/usr/bin/env python3
"""Independent reference values for the analyses (trend, lead-lag, rank, quartiles).

Every number follows /work/shared/METHODS.md and is computed with the public reference
that METHODS.md names: statsmodels OLS with explicit team and period dummy columns,
statsmodels ``grangercausalitytests`` (single-team cross-check), ``multipletests``
(fdr_bh), scipy ``ttest_ind`` (Welch) and ``mannwhitneyu``, ``numpy.percentile`` and
pandas ``rank``. It is written from METHODS.md alone, not from the Swift sources. Reading
the data, the fixed-effects OLS and the Granger test come from scorecard_reference.py, the
one home of what the reference scripts share.

Usage (from the repository root):

    python3 Tests/Reference/make_analysis_reference.py DATASET_DIR OUT.json [--max-lag K] [--last N]

    python3 Tests/Reference/make_analysis_reference.py Tests/Fixtures/awkward \\
        Tests/AnalysisTests/Reference/awkward.json
    python3 Tests/Reference/make_analysis_reference.py datasets/b2b-73 \\
        Tests/AnalysisTests/Reference/b2b-73.json
    python3 Tests/Reference/make_analysis_reference.py Tests/Fixtures/yearly-panel \\
        Tests/AnalysisTests/Reference/yearly-panel.json --max-lag 16

DATASET_DIR holds ``measurements.csv`` (tidy: team,period,measure,value; or wide:
team,period,<one column per measure>) and ``scorecard.yml``. ``--max-lag`` defaults to
the frequency's K (12 months, 4 quarters, 13 weeks, 3 years, 7 days); ``--last``
(default 12) is the window used for the ``windowed`` block.

The JSON holds, for the whole dataset (no window):

  trend          per (team, measure), METHODS.md "Trend"
  trend_org      the same on the organisation series (team "(organisation)")
  leadlag_lags   per scorecard link and lag 0..K (the ``--per-lag`` table)
  leadlag        per link summary (best lag, Granger, BH q, verdict)
  rank           ROI ranking with quartiles
  quartiles      top (Q1) vs bottom (Q4) quartile comparison
  windowed       {"last": N, "from": P, "to": P, "rank": [...], "quartiles": [...]}
  meta           frequency, periods, K, the Granger single-team cross-check, notes

Each analysis is a list of row objects with exactly the METHODS.md columns, in the
METHODS.md order. Numbers are full-precision doubles (shortest round-trip repr), null
when undefined, never NaN. Deterministic: the same input gives a byte-identical file.

Needs Python 3 with numpy, scipy, pandas, statsmodels and PyYAML.
"""

import argparse
import json
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.stats as st
import statsmodels.api as sm
from statsmodels.stats.multitest import multipletests
from statsmodels.tsa.stattools import grangercausalitytests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scorecard_reference import (  # noqa: E402  (input, panel OLS, Granger, JSON: shared with the forecast scripts)
    Panel, clean, fe_ols, granger, granger_f, num, read_dataset, write_json)

DEFAULT_K = {"month": 12, "quarter": 4, "week": 13, "year": 3, "day": 7}

TREND_COLS = ["team", "measure", "n", "slope", "intercept", "slope_se", "t", "p_value",
              "ci_low", "ci_high", "r2", "direction"]
LAG_COLS = ["leader", "lagger", "lag", "n", "r", "t", "p_value"]
LEADLAG_COLS = ["leader", "lagger", "best_lag", "r", "p_value", "granger_lags", "granger_f",
                "granger_p", "granger_q", "reverse_f", "reverse_p", "reverse_q", "verdict"]
RANK_COLS = ["rank", "team", "roi", "return", "cost", "quartile", "note"]
QUART_COLS = ["measure", "top_n", "bottom_n", "top_mean", "bottom_mean", "ratio", "difference",
              "cohens_d", "welch_t", "welch_df", "p_value", "mw_u", "mw_p", "q_value"]


# ----------------------------------------------------------------------------- trend

def trend_row(team, measure, y_full, direction):
    present = ~np.isnan(y_full)
    n = int(present.sum())
    if n < 3:
        return None
    t = np.arange(len(y_full), dtype=float)[present]
    y = y_full[present]
    row = dict.fromkeys(TREND_COLS)
    row.update(team=team, measure=measure, n=n)
    if np.all(y == y[0]):
        row.update(slope=0.0, intercept=float(y[0]), slope_se=0.0, ci_low=0.0, ci_high=0.0,
                   direction="flat")
        return row
    res = sm.OLS(y, sm.add_constant(t, has_constant="add")).fit()
    ci = res.conf_int(alpha=0.05)
    p = num(res.pvalues[1])
    slope = float(res.params[1])
    row.update(slope=slope, intercept=float(res.params[0]), slope_se=num(res.bse[1]),
               t=num(res.tvalues[1]), p_value=p, ci_low=num(ci[1][0]), ci_high=num(ci[1][1]),
               r2=num(res.rsquared))
    good = slope > 0 if direction == "higher" else slope < 0
    bad = slope < 0 if direction == "higher" else slope > 0
    row["direction"] = "improving" if (p is not None and p < 0.05 and good) else \
        "declining" if (p is not None and p < 0.05 and bad) else "flat"
    return row


def trend_team(panel):
    rows = []
    for team in panel.teams:
        for m in panel.measures:
            r = trend_row(team, m, panel.series(team, m), panel.direction(m))
            if r:
                rows.append(r)
    return rows


def org_series(panel, m):
    block = np.vstack([panel.series(team, m) for team in panel.teams])
    out = np.full(panel.P, np.nan)
    for j in range(panel.P):
        col = block[:, j][~np.isnan(block[:, j])]
        if len(col):
            out[j] = col.sum() if panel.aggregation(m) == "sum" else col.mean()
    return out


def trend_org(panel):
    rows = []
    for m in panel.measures:
        r = trend_row("(organisation)", m, org_series(panel, m), panel.direction(m))
        if r:
            rows.append(r)
    return rows


# ----------------------------------------------------------------------------- panel OLS

def lag_frame(panel, leader, lagger, k):
    """pairs (x[i,t], y[i,t+k]) with both present; period = that of y."""
    recs = []
    for team in panel.teams:
        x = panel.series(team, leader)
        y = panel.series(team, lagger)
        for t in range(panel.P - k):
            if not np.isnan(x[t]) and not np.isnan(y[t + k]):
                recs.append((team, t + k, x[t], y[t + k]))
    return pd.DataFrame(recs, columns=["team", "period", "x", "y"])


def pooled_lag_rows(panel, leader, lagger, K):
    rows = []
    for k in range(K + 1):
        fr = lag_frame(panel, leader, lagger, k)
        row = dict(leader=leader, lagger=lagger, lag=k, n=len(fr), r=None, t=None, p_value=None)
        res = fe_ols(fr, "y", ["x"])
        if res is not None:
            tv, df = float(res.tvalues[0]), float(res.df_resid)
            row.update(t=num(tv), p_value=num(res.pvalues[0]), r=num(tv / math.sqrt(tv * tv + df)))
        rows.append(row)
    return rows


def granger_single_team_check(panel, links, K):
    """For one team with no gaps in a link's pair, the panel code on that team alone must
    reproduce statsmodels grangercausalitytests(df[[y, x]], [p])[p][0]['ssr_ftest']."""
    for link in links:
        x_m, y_m = link["from"], link["to"]
        for team in panel.teams:
            y = panel.series(team, y_m)
            x = panel.series(team, x_m)
            both = ~np.isnan(y) & ~np.isnan(x)
            either = ~np.isnan(y) | ~np.isnan(x)
            if both.sum() < 10 or not np.array_equal(both, either):
                continue
            idx = np.flatnonzero(both)
            if idx[-1] - idx[0] + 1 != len(idx):
                continue                                  # gaps inside the span
            ys, xs = y[idx[0]:idx[-1] + 1], x[idx[0]:idx[-1] + 1]
            if np.all(xs == xs[0]) or np.all(ys == ys[0]):
                continue
            checks = []
            for p in range(1, min(K, 6, (len(ys) - 2) // 3) + 1):
                F, pv = granger_f({team: (ys, xs)}, p)
                ref = grangercausalitytests(pd.DataFrame({"y": ys, "x": xs})[["y", "x"]], [p])[p][0]["ssr_ftest"]
                assert F is not None
                assert math.isclose(F, ref[0], rel_tol=1e-9, abs_tol=1e-12), (team, p, F, ref)
                assert math.isclose(pv, ref[1], rel_tol=1e-6, abs_tol=1e-10), (team, p, pv, ref)
                assert int(ref[3]) == p
                checks.append({"p": p, "panel_f": F, "statsmodels_f": float(ref[0]),
                               "panel_p": pv, "statsmodels_p": float(ref[1]),
                               "df_denom": float(ref[2])})
            chosen = granger({team: (ys, xs)}, min(K, 6))
            return {"leader": x_m, "lagger": y_m, "team": team, "n_periods": int(len(ys)),
                    "checks": checks, "selected_p": None if chosen is None else chosen[0],
                    "result": "pass"}
    return {"result": "no team without gaps in any link's pair"}


def lag_sample_shape(panel, leader, lagger, k):
    """(periods of y, residual df) of lag k's regression, as METHODS.md counts them."""
    fr = lag_frame(panel, leader, lagger, k)
    if len(fr) == 0:
        return 0, -1
    teams, periods = fr["team"].nunique(), fr["period"].nunique()
    absorbed = 1 if teams == 1 else teams + periods - 1
    return periods, len(fr) - absorbed - 1


def eligible_lags(panel, leader, lagger, K):
    """docs/DECISIONS.md (issue #14): lag k may be the best lag when its sample spans at least
    half as many periods of y as the widest lag sample, and leaves at least 10 residual df."""
    shapes = {k: lag_sample_shape(panel, leader, lagger, k) for k in range(K + 1)}
    span = max(p for p, _ in shapes.values())
    return {k for k, (p, df) in shapes.items() if 2 * p >= span and df >= 10}


def best_lag(rows, eligible=None):
    defined = [r for r in rows if r["lag"] >= 1 and r["r"] is not None
               and (eligible is None or r["lag"] in eligible)]
    if not defined:
        return None
    top = max(abs(r["r"]) for r in defined)
    for r in defined:                                   # ascending lag
        if abs(r["r"]) >= top * (1 - 1e-10):
            return r
    return None


def leadlag(panel, links, K):
    lag_rows, summaries = [], []
    pmax = min(K, 6)
    for link in links:
        x_m, y_m = link["from"], link["to"]
        rows = pooled_lag_rows(panel, x_m, y_m, K)
        # Issue #14: a measure the same for every team is absorbed by the period effects; its
        # r is rounding noise (|r| ~ 1e-15): undefined, and no Granger test (out of the BH family).
        flat = len(panel.teams) > 1 and not all(varies_between_teams(panel, m, 0, panel.P) for m in (x_m, y_m))
        if flat:
            for r in rows:
                r.update(r=None, t=None, p_value=None)
        lag_rows.extend(rows)
        b = best_lag(rows, eligible_lags(panel, x_m, y_m, K))
        fwd_series = {tm: (panel.series(tm, y_m), panel.series(tm, x_m)) for tm in panel.teams}
        rev_series = {tm: (panel.series(tm, x_m), panel.series(tm, y_m)) for tm in panel.teams}
        g = None if flat else granger(fwd_series, pmax)
        s = dict.fromkeys(LEADLAG_COLS)
        s.update(leader=x_m, lagger=y_m)
        if b is not None:
            s.update(best_lag=b["lag"], r=b["r"], p_value=b["p_value"])
        if g is not None:
            p, F, pv, _ = g
            s.update(granger_lags=p, granger_f=F, granger_p=pv)
            rf, rp = granger_f(rev_series, p)
            s.update(reverse_f=rf, reverse_p=rp)
        summaries.append(s)
    # BH over every defined forward and reverse p of the links
    family = [(i, key) for i, s in enumerate(summaries) for key in ("granger_p", "reverse_p")
              if s[key] is not None]
    if family:
        q = multipletests([summaries[i][key] for i, key in family], method="fdr_bh")[1]
        for (i, key), qv in zip(family, q):
            summaries[i]["granger_q" if key == "granger_p" else "reverse_q"] = float(qv)
    for s, link in zip(summaries, links):
        s["verdict"] = verdict(s, link_sign(link.get("sign")))
    return lag_rows, summaries


def link_sign(sign):
    if sign is None:
        return None
    return {"positive": 1, "+": 1, "negative": -1, "-": -1}[str(sign)]


def verdict(s, sign):
    if s["granger_p"] is None:
        return "insufficient data"
    if s["granger_q"] < 0.05:
        if sign is None:
            return "supported"
        if s["r"] is None:
            return "insufficient data"
        return "supported" if s["r"] * sign > 0 else "contradicted"
    if s["reverse_q"] is not None and s["reverse_q"] < 0.05:
        return "reversed"
    return "not supported"


# ----------------------------------------------------------------------------- rank

def aggregate(values, how):
    v = values[~np.isnan(values)]
    if len(v) == 0:
        return None
    if how == "sum":
        return float(v.sum())
    if how == "mean":
        return float(v.mean())
    if how == "last":
        return float(v[-1])
    raise ValueError(how)


def rank(panel, roi_spec, lo, hi):
    ret_m, cost_m = roi_spec["return"], roi_spec["cost"]
    rows = []
    for team in panel.teams:
        r = aggregate(panel.series(team, ret_m, lo, hi), "sum")
        c = aggregate(panel.series(team, cost_m, lo, hi), "sum")
        row = dict(rank=None, team=team, roi=None, **{"return": r}, cost=c, quartile="excluded",
                   note=None)
        if r is None or c is None:
            row["note"] = "no data"
        elif c <= 0:
            row["note"] = "cost <= 0"
        else:
            row["roi"] = (r - c) / c
        rows.append(row)
    inc = [row for row in rows if row["roi"] is not None]
    if inc:
        roi = pd.Series([row["roi"] for row in inc])
        ranks = roi.rank(method="min", ascending=False)
        q25, q50, q75 = np.percentile(roi.to_numpy(), [25, 50, 75])
        for row, rk in zip(inc, ranks):
            row["rank"] = int(rk)
            v = row["roi"]
            row["quartile"] = "Q1" if v > q75 else "Q2" if v > q50 else "Q3" if v > q25 else "Q4"
        # cross-check with pandas.qcut when its edges are distinct
        edges = np.percentile(roi.to_numpy(), [0, 25, 50, 75, 100])
        if len(inc) >= 4 and len(set(edges.tolist())) == 5:
            qc = pd.qcut(roi, 4, labels=["Q4", "Q3", "Q2", "Q1"])
            assert list(qc.astype(str)) == [row["quartile"] for row in inc]
    rows.sort(key=lambda row: (row["rank"] is None, row["rank"] or 0, row["team"]))
    return [{c: row[c] for c in RANK_COLS} for row in rows]


# ----------------------------------------------------------------------------- quartiles

def compare(measure, top, bottom):
    top, bottom = np.asarray(top, float), np.asarray(bottom, float)
    n1, n2 = len(top), len(bottom)
    row = dict.fromkeys(QUART_COLS)
    row.update(measure=measure, top_n=n1, bottom_n=n2)
    m1 = float(top.mean()) if n1 else None
    m2 = float(bottom.mean()) if n2 else None
    row.update(top_mean=m1, bottom_mean=m2)
    if m1 is not None and m2 is not None:
        row["difference"] = m1 - m2
        if m2 > 0:
            row["ratio"] = m1 / m2
    if n1 >= 2 and n2 >= 2:
        v1, v2 = top.var(ddof=1), bottom.var(ddof=1)
        pooled = ((n1 - 1) * v1 + (n2 - 1) * v2) / (n1 + n2 - 2)
        if pooled > 0:
            row["cohens_d"] = num((m1 - m2) / math.sqrt(pooled))
        if v1 / n1 + v2 / n2 > 0:
            res = st.ttest_ind(top, bottom, equal_var=False)
            row.update(welch_t=num(res.statistic), welch_df=num(res.df), p_value=num(res.pvalue))
    if n1 >= 1 and n2 >= 1:
        mw = st.mannwhitneyu(top, bottom, alternative="two-sided", method="asymptotic",
                             use_continuity=True)
        row.update(mw_u=num(mw.statistic), mw_p=num(mw.pvalue))
    return row


def varies_between_teams(panel, m, lo, hi):
    """False when each period's present values are equal across teams (1e-12 relative)."""
    stack = np.array([panel.series(t, m, lo, hi) for t in panel.teams])
    for j in range(stack.shape[1]):
        col = stack[:, j]
        col = col[~np.isnan(col)]
        if len(col) and np.any(np.abs(col - col[0]) > 1e-12 * np.maximum(np.abs(col), abs(col[0]))):
            return True
    return False


def quartiles(panel, rank_rows, data_measures, lo, hi):
    top_teams = [r["team"] for r in rank_rows if r["quartile"] == "Q1"]
    bottom_teams = [r["team"] for r in rank_rows if r["quartile"] == "Q4"]
    roi = {r["team"]: r["roi"] for r in rank_rows}
    rows = [compare("roi", [roi[t] for t in top_teams], [roi[t] for t in bottom_teams])]
    for m in panel.specs:
        if m not in data_measures:
            continue
        how = panel.aggregation(m)
        def vals(teams):
            out = [aggregate(panel.series(t, m, lo, hi), how) for t in teams]
            return [v for v in out if v is not None]
        row = compare(m, vals(top_teams), vals(bottom_teams))
        if not varies_between_teams(panel, m, lo, hi):
            # Issue #14: the same value for every team in every period (a national index):
            # any t or U is rounding noise; undefined, and out of the BH family.
            row.update(cohens_d=None, welch_t=None, welch_df=None, p_value=None, mw_u=None, mw_p=None)
        rows.append(row)
    family = [i for i, r in enumerate(rows) if i > 0 and r["p_value"] is not None]
    if family:
        q = multipletests([rows[i]["p_value"] for i in family], method="fdr_bh")[1]
        for i, qv in zip(family, q):
            rows[i]["q_value"] = float(qv)
    return rows


# ----------------------------------------------------------------------------- main

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dataset")
    ap.add_argument("out")
    ap.add_argument("--max-lag", type=int, default=None)
    ap.add_argument("--last", type=int, default=12)
    args = ap.parse_args(argv)

    ddir = Path(args.dataset)
    tidy, scorecard = read_dataset(ddir)
    panel = Panel(tidy, scorecard)
    K = args.max_lag if args.max_lag is not None else DEFAULT_K[panel.frequency]
    links = scorecard.get("links") or []
    data_measures = set(tidy["measure"])

    lag_rows, summary = leadlag(panel, links, K)
    out = {
        "meta": {
            "dataset": ddir.name,
            "frequency": panel.frequency,
            "first_period": panel.labels[0],
            "last_period": panel.labels[panel.P - 1],
            "periods": panel.P,
            "teams": len(panel.teams),
            "measures": panel.measures,
            "max_lag": K,
            "granger_single_team_check": granger_single_team_check(panel, links, K),
        },
        "trend": trend_team(panel),
        "trend_org": trend_org(panel),
        "leadlag_lags": lag_rows,
        "leadlag": summary,
    }
    roi_spec = scorecard.get("roi")
    if roi_spec:
        rk = rank(panel, roi_spec, 0, panel.P)
        out["rank"] = rk
        out["quartiles"] = quartiles(panel, rk, data_measures, 0, panel.P)
        N = min(args.last, panel.P)
        lo = panel.P - N
        rkw = rank(panel, roi_spec, lo, panel.P)
        out["windowed"] = {"last": args.last, "from": panel.labels[lo],
                           "to": panel.labels[panel.P - 1], "rank": rkw,
                           "quartiles": quartiles(panel, rkw, data_measures, lo, panel.P)}
    out = clean(out)
    write_json(args.out, out)
    counts = {k: len(v) for k, v in out.items() if isinstance(v, list)}
    counts.update({f"windowed.{k}": len(v) for k, v in out.get("windowed", {}).items()
                   if isinstance(v, list)})
    print(json.dumps(counts))
    print(json.dumps(out["meta"]["granger_single_team_check"])[:400])
    for s in out["leadlag"]:
        print(f'{s["leader"]} -> {s["lagger"]}: best_lag={s["best_lag"]} r={s["r"]} '
              f'p={s["granger_lags"]} q={s["granger_q"]} rev_q={s["reverse_q"]} {s["verdict"]}')
    return 0


if __name__ == "__main__":
    sys.exit(main())
