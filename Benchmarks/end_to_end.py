#!/usr/bin/env python3
"""One end-to-end workload three ways, in one run: Scorecard's CLI, the pandas + statsmodels +
linearmodels code an analyst writes, and the vectorised numpy a skilled user writes.

    python3 Benchmarks/end_to_end.py [--teams 5000] [--periods 60] [--measures 30] [--seed 1]
                                     [--subsample 50] [--pair-sample 12] [--leadlag-teams N]
    python3 Benchmarks/end_to_end.py --scaling 500,5000,50000   # Scorecard and numpy only

The workload, on the organisation `scorecard generate --teams T --periods P --measures M --seed S`
writes (generated into $TMPDIR/scorecard-e2e unless --data DIR names one):

  read      the tidy CSV into a teams x measures x periods panel (or frame)
  trend     an OLS line through every (team, measure) series: n, slope, intercept, SE, t, p, CI, R²
  leadlag   every cross-perspective pair (`leadlag --all-cross`): two-way fixed-effects lag
            correlations at lags 0..12, best lag, panel Granger test with BIC lag selection
            (1..6), forward and reverse, BH q-values
  rank      sales ROI per team, ranks, quartiles; then top vs bottom quartile for every measure
            (Welch t, Mann-Whitney U, BH q) — `rank` and `quartiles`
  forecast  METHODS.md "Forecast" v2: scale by the elasticity test, month dummies, team effects
            and (where the calibration window says they help) team trends, 3 horizons, the total
            (both Python ways: numpy as array algebra, pandas by groupby and statsmodels OLS)

Each way runs in its own process; its peak resident memory is that process's (Scorecard: the
largest of its commands, each of which reads the CSV itself). The pandas/statsmodels way loops
per series and per pair, as an analyst writes it; where that would take hours it is timed on a
stated subsample of teams (and of pairs) and scaled linearly — the output says which stages.
Agreement checks: every trend slope, every team's ROI rank, r and Granger F of every pair,
Welch t of every quartile row and the forecast totals, between the ways that computed them on the
same teams. METHODS.md defines every number; Benchmarks/RESULTS.md records the figures.
"""
import argparse
import json
import math
import os
import re
import resource
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CLI = os.path.join(ROOT, ".build", "release", "scorecard")
MAX_LAG = 12
MAX_GRANGER = 6


# ----------------------------------------------------------------------------------------------
# The dataset's definitions (shared by the Python ways; the CLI reads the same YAML itself)
# ----------------------------------------------------------------------------------------------

def load_card(folder):
    import yaml
    with open(os.path.join(folder, "scorecard.yml")) as f:
        card = yaml.safe_load(f)
    order = ["learning", "process", "customer", "financial"]
    measures = []  # (id, perspective, aggregation, direction) in scorecard order
    for pname, p in card["perspectives"].items():
        for o in p["objectives"]:
            for m in o["measures"]:
                measures.append((m["id"], pname, m["aggregation"], m["direction"]))
    links = [(l["from"], l["to"]) for l in card.get("links", [])]
    cross = [(a[0], b[0]) for a in measures for b in measures if order.index(a[1]) < order.index(b[1])]
    roi = card["roi"]
    return {"measures": measures, "links": links, "cross": cross, "roi": (roi["return"], roi["cost"])}


def month_index(labels):
    """'YYYY-MM' → months since year 0 (the period axis; gaps stay gaps)."""
    import numpy as np
    a = np.asarray(labels, dtype="U7")
    y = a.astype("U4").astype(int)
    m = np.char.partition(a, "-")[:, 2].astype(int)
    return y * 12 + m - 1


def rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ----------------------------------------------------------------------------------------------
# Vectorised numpy: the panel as one array, every statistic as array algebra
# ----------------------------------------------------------------------------------------------

class Panel:
    """teams x measures x periods float64, NaN = missing (the engine's layout)."""

    def __init__(self, path):
        import numpy as np
        import pandas as pd
        df = pd.read_csv(path, dtype={"team": str, "period": str, "measure": str, "value": np.float64},
                         keep_default_na=False, na_values=["", "NA", "NaN", "null"])
        tcodes, self.teams = pd.factorize(df["team"], sort=True)
        mcodes, self.measures = pd.factorize(df["measure"], sort=True)
        pcodes, plabels = pd.factorize(df["period"], sort=True)
        months = month_index(np.asarray(plabels))
        self.first = int(months.min())
        self.P = int(months.max()) - self.first + 1
        t = (months - self.first)[pcodes]
        self.v = np.full((len(self.teams), len(self.measures), self.P), np.nan)
        self.v[tcodes, mcodes, t] = df["value"].to_numpy()
        self.teams = list(self.teams)
        self.measures = list(self.measures)
        self.mi = {m: i for i, m in enumerate(self.measures)}

    def label(self, t):
        m = self.first + t
        return f"{m // 12:04d}-{m % 12 + 1:02d}"


def np_trend(panel):
    """Every series' line: closed-form OLS of value on t with missing values masked."""
    import numpy as np
    from scipy import stats
    Y = panel.v.reshape(-1, panel.P)
    M = ~np.isnan(Y)
    t = np.arange(panel.P, dtype=float)
    n = M.sum(1).astype(float)
    Yz = np.where(M, Y, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        tbar = (M * t).sum(1) / n
        ybar = Yz.sum(1) / n
        dt = np.where(M, t - tbar[:, None], 0.0)
        dy = np.where(M, Y - ybar[:, None], 0.0)
        sxx = (dt * dt).sum(1)
        sxy = (dt * dy).sum(1)
        syy = (dy * dy).sum(1)
        slope = sxy / sxx
        intercept = ybar - slope * tbar
        ssr = np.maximum(syy - slope * sxy, 0.0)
        df = n - 2
        se = np.sqrt(ssr / df / sxx)
        tv = slope / se
        p = 2 * stats.t.sf(np.abs(tv), df)
        q = stats.t.ppf(0.975, df)
        lo, hi = slope - q * se, slope + q * se
        r2 = 1 - ssr / syy
    ok = n >= 3
    return {"slope": np.where(ok, slope, np.nan), "p": np.where(ok, p, np.nan), "n": n, "intercept": intercept,
            "lo": lo, "hi": hi, "r2": r2}


def fe2(mask, y, X):
    """Two-way (team + period) fixed-effects OLS of y on the k columns of X, rows where mask:
    team effects by demeaning, period effects by Frisch-Waugh-Lovell through the small
    periods x periods Gram of the within-team-demeaned dummies (exact on unbalanced panels).
    mask (G,T) bool, y (G,T), X (G,T,k). Returns (beta, se, ssr, df, N) or None."""
    import numpy as np
    M = mask.astype(float)
    n_i = M.sum(1)
    teams = n_i > 0
    M, n_i, y, X = M[teams], n_i[teams], y[teams], X[teams]
    N = M.sum()
    if N == 0:
        return None
    G = M.shape[0]
    yz = np.where(M > 0, y, 0.0)
    Xz = np.where(M[:, :, None] > 0, X, 0.0)
    yt = (yz - (yz.sum(1) / n_i)[:, None]) * M
    Xt = (Xz - (Xz.sum(1) / n_i[:, None])[:, None, :]) * M[:, :, None]
    colsum = M.sum(0)
    per = np.nonzero(colsum > 0)[0]
    S = per[1:] if G > 1 else per[:0]  # drop the first period's dummy; one team: a constant only
    k = X.shape[2]
    Gxx = np.einsum("gtk,gtl->kl", Xt, Xt)
    gxy = np.einsum("gtk,gt->k", Xt, yt)
    yy = float((yt * yt).sum())
    if len(S):
        A = np.diag(colsum[S]) - (M[:, S] / n_i[:, None]).T @ M[:, S]
        Bx = Xt[:, S, :].sum(0)  # (|S|, k)
        By = yt[:, S].sum(0)
        L = np.linalg.cholesky(A)
        cx = np.linalg.solve(L, Bx)
        cy = np.linalg.solve(L, By)
        Gxx = Gxx - cx.T @ cx
        gxy = gxy - cx.T @ cy
        yy = yy - float(cy @ cy)
    df = N - G - len(S) - k
    if df < 1:
        return None
    beta = np.linalg.solve(Gxx, gxy)
    ssr = yy - float(gxy @ beta)
    s2 = ssr / df
    se = np.sqrt(s2 * np.diag(np.linalg.inv(Gxx)))
    return beta, se, ssr, df, N


def shift(a, lag):
    """a[..., t - lag] at t (NaN where t - lag < 0)."""
    import numpy as np
    out = np.full_like(a, np.nan)
    if lag == 0:
        return a.copy()
    out[..., lag:] = a[..., :-lag]
    return out


def lag_corr_np(x, y, k):
    """METHODS.md pooled lag correlation: y[i,t+k] ~ x[i,t] + team + period(t+k) effects."""
    import numpy as np
    from scipy import stats
    xs = shift(x, k)  # x[i, t-k] aligned with y[i, t]
    mask = ~np.isnan(xs) & ~np.isnan(y)
    f = fe2(mask, y, xs[:, :, None])
    if f is None:
        return None
    beta, se, ssr, df, N = f
    t = beta[0] / se[0]
    return {"n": int(N), "r": t / math.sqrt(t * t + df), "t": t, "p": 2 * stats.t.sf(abs(t), df)}


def granger_design(x, y, p, q):
    """Rows complete for order q (y[t] and y,x at t-1..t-q present), p lags of each."""
    import numpy as np
    ylags = [shift(y, l) for l in range(1, q + 1)]
    xlags = [shift(x, l) for l in range(1, q + 1)]
    mask = ~np.isnan(y)
    for a in ylags + xlags:
        mask &= ~np.isnan(a)
    X = np.stack(ylags[:p] + xlags[:p], axis=2)
    return mask, X


def granger_np(x, y, max_p=MAX_GRANGER):
    """BIC lag order on the common sample, then the F test at that order (METHODS.md)."""
    import numpy as np
    from scipy import stats
    p_max = 0
    for p in range(max_p, 0, -1):
        mask, X = granger_design(x, y, p, p)
        G = int((mask.sum(1) > 0).sum())
        P = int((mask.sum(0) > 0).sum())
        if mask.sum() > 0 and mask.sum() - (G + P - 1 if G > 1 else 1) - 2 * p >= 1:
            p_max = p
            break
    if p_max == 0:
        return None
    best = None
    for p in range(1, p_max + 1):
        mask, X = granger_design(x, y, p, p_max)
        f = fe2(mask, y, X)
        n = f[4]
        kk = n - f[3]
        bic = n * (math.log(2 * math.pi) + math.log(f[2] / n) + 1) + math.log(n) * kk
        if best is None or bic < best[1]:
            best = (p, bic)
    p = best[0]

    def ftest(x, y):
        mask, X = granger_design(x, y, p, p)
        u = fe2(mask, y, X)
        r = fe2(mask, y, X[:, :, :p])
        F = ((r[2] - u[2]) / p) / (u[2] / u[3])
        return {"lags": p, "f": F, "p": float(stats.f.sf(F, p, u[3]))}

    return ftest(x, y), ftest(y, x)


def bh(ps):
    """Benjamini-Hochberg q-values (statsmodels multipletests fdr_bh), None kept."""
    import numpy as np
    idx = [i for i, p in enumerate(ps) if p is not None]
    q = [None] * len(ps)
    if not idx:
        return q
    a = np.array([ps[i] for i in idx])
    order = np.argsort(a)
    m = len(a)
    ranked = a[order] * m / np.arange(1, m + 1)
    ranked = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty(m)
    out[order] = np.minimum(ranked, 1)
    for j, i in enumerate(idx):
        q[i] = float(out[j])
    return q


def np_leadlag(panel, pairs, teams=None):
    import numpy as np
    V = panel.v if teams is None else panel.v[teams]
    out = {}
    for a, b in pairs:
        x, y = V[:, panel.mi[a], :], V[:, panel.mi[b], :]
        lags = [lag_corr_np(x, y, k) for k in range(MAX_LAG + 1)]
        best = None
        for k in range(1, MAX_LAG + 1):
            r = lags[k]["r"] if lags[k] else None
            if r is not None and (best is None or abs(r) > best[1] * (1 + 1e-10)):
                best = (k, abs(r))
        g = granger_np(x, y)
        out[(a, b)] = {"lags": lags, "best": best[0] if best else None,
                       "r": lags[best[0]]["r"] if best else None,
                       "granger": g[0] if g else None, "reverse": g[1] if g else None}
    q = bh([v for pr in out.values() for v in ((pr["granger"] or {}).get("p"), (pr["reverse"] or {}).get("p"))])
    for i, pr in enumerate(out.values()):
        pr["q"], pr["rq"] = q[2 * i], q[2 * i + 1]
    return out


def roi_of(V, mi, ret, cost):
    import numpy as np
    r, c = V[:, mi[ret], :], V[:, mi[cost], :]
    with np.errstate(invalid="ignore", divide="ignore"):
        R, C = np.nansum(r, 1), np.nansum(c, 1)
        ok = (~np.isnan(r)).any(1) & (~np.isnan(c)).any(1) & (C > 0)
        roi = np.where(ok, (R - C) / C, np.nan)
    return roi


def quartile_of(roi):
    import numpy as np
    v = roi[~np.isnan(roi)]
    q25, q50, q75 = np.percentile(v, [25, 50, 75])
    quart = np.where(roi > q75, 1, np.where(roi > q50, 2, np.where(roi > q25, 3, 4)))
    return np.where(np.isnan(roi), 0, quart)


def np_rank(panel, card):
    import numpy as np
    from scipy import stats
    roi = roi_of(panel.v, panel.mi, *card["roi"])
    ranked = ~np.isnan(roi)
    rank = np.full(len(roi), np.nan)
    # 1 + number of teams with a strictly greater ROI
    s = np.sort(roi[ranked])
    rank[ranked] = 1 + len(s) - np.searchsorted(s, roi[ranked], side="right")
    quart = quartile_of(roi)
    top, bottom = quart == 1, quart == 4
    rows = [("roi", roi)]
    for mid, _, agg, _ in card["measures"]:
        if mid not in panel.mi:
            continue
        a = panel.v[:, panel.mi[mid], :]
        present = ~np.isnan(a)
        with np.errstate(invalid="ignore"):
            if agg == "sum":
                val = np.where(present.any(1), np.nansum(a, 1), np.nan)
            elif agg == "mean":
                val = np.nanmean(a, 1)
            else:  # last present value
                idx = panel.P - 1 - np.argmax(present[:, ::-1], axis=1)
                val = np.where(present.any(1), a[np.arange(len(a)), idx], np.nan)
        rows.append((mid, val))
    out = []
    for mid, val in rows:
        tv, bv = val[top & ~np.isnan(val)], val[bottom & ~np.isnan(val)]
        w = stats.ttest_ind(tv, bv, equal_var=False)
        u = stats.mannwhitneyu(tv, bv, alternative="two-sided", method="asymptotic", use_continuity=True)
        out.append({"measure": mid, "welch_t": float(w.statistic), "p": float(w.pvalue), "mw_u": float(u.statistic)})
    qs = bh([r["p"] for r in out[1:]])
    for r, q in zip(out[1:], qs):
        r["q"] = q
    return {"rank": rank, "roi": roi, "quartiles": out}


def np_forecast(panel, card, horizons=3, lags=2, window=6):
    """METHODS.md "Forecast" (v2) as array algebra, written from its text: the scale by the
    elasticity test, month-of-year dummies, team effects and (where they forecast better over the
    calibration window) team trends taken out by Frisch-Waugh-Lovell within each team, one pooled
    OLS per horizon and origin; every team forecasts from the last period L, the point on the log
    scale being exp(zhat + v/2) with v = s²(1 + x0'(X'X)⁻¹x0); the organisation figure by the
    target's aggregation. Only the point total is compared (q and κ² move the interval, not it)."""
    import numpy as np
    ret = card["roi"][0]
    drivers = [a for a, b in card["links"] if b == ret]
    agg = next(m[2] for m in card["measures"] if m[0] == ret)
    V = panel.v
    Y = V[:, panel.mi[ret], :]
    G, T = Y.shape
    L = T - 1
    tt = np.arange(T, dtype=float)
    ch = np.abs(np.diff(Y, axis=1))  # consecutive present pairs; NaN otherwise
    with np.errstate(invalid="ignore", divide="ignore"):
        # Scale: slope of ln d_i on ln m_i over teams with >= 3 changes, m_i > 0, d_i > 0.
        nch = (~np.isnan(ch)).sum(1)
        m = np.nanmean(np.where(np.isnan(Y), np.nan, Y), 1)
        d = np.where(nch > 0, np.nansum(ch, 1) / np.maximum(nch, 1), np.nan)
        ok = (nch >= 3) & (m > 0) & (d > 0)
        b = np.polyfit(np.log(m[ok]), np.log(d[ok]), 1)[0] if ok.sum() >= 5 else None
    positive = lambda a: bool((a[~np.isnan(a)] > 0).all())
    log = positive(Y) and b is not None and b >= 0.5
    tr = lambda a: np.log(a) if log and positive(a) else a
    Z = tr(Y)
    R = np.stack([shift(a, j) for a in [Z] + [tr(V[:, panel.mi[x], :]) for x in drivers] for j in range(lags)], axis=2)
    complete = ~np.isnan(R).any(2)
    cum = np.concatenate([np.zeros((G, 1)), np.nancumsum(ch, 1)], 1)
    cnt = np.concatenate([np.zeros((G, 1)), np.cumsum(~np.isnan(ch), 1)], 1)

    def scale_at(c):  # s_ic: mean |one-step change| up to c, NaN when none or 0
        with np.errstate(invalid="ignore", divide="ignore"):
            s = cum[:, c] / cnt[:, c]
        return np.where(s > 0, s, np.nan)

    def fit(c, h, trends):
        target = np.full((G, T), np.nan)
        target[:, :T - h] = Z[:, h:]
        M = complete & ~np.isnan(target) & (tt <= c - h)[None, :]
        n = M.sum(1).astype(float)
        if not M.any():
            return None
        slot = (panel.first + np.arange(T) + h) % 12
        slots = np.unique(slot[M.any(0)])
        dummies = slots[1:]
        W = np.concatenate([np.broadcast_to((slot[:, None] == dummies[None, :]).astype(float), (G, T, len(dummies))), R], 2)
        Mf = M[:, :, None]
        with np.errstate(invalid="ignore", divide="ignore"):
            Wz, zz = np.where(Mf, W, 0.0), np.where(M, target, 0.0)
            wbar, zbar, tbar = Wz.sum(1) / n[:, None], zz.sum(1) / n, (M * tt).sum(1) / n
            Wc, zc, tc = (Wz - wbar[:, None, :]) * Mf, (zz - zbar[:, None]) * M, (tt - tbar[:, None]) * M
            trended = (n >= 3) if trends else np.zeros(G, bool)
            stt = (tc * tc).sum(1)
            bW = np.where(trended[:, None], np.einsum("gt,gtk->gk", tc, Wc) / stt[:, None], 0.0)
            bz = np.where(trended, (tc * zc).sum(1) / stt, 0.0)
        Wt = Wc - tc[:, :, None] * bW[:, None, :]
        zt = zc - tc * bz[:, None]
        k = W.shape[2]
        XtX = np.einsum("gtk,gtl->kl", Wt, Wt)
        df = M.sum() - (n > 0).sum() - trended.sum() - k
        if df < 1 or np.linalg.matrix_rank(XtX) < k:
            return None
        beta = np.linalg.solve(XtX, np.einsum("gtk,gt->k", Wt, zt))
        e = zt - Wt @ beta
        return dict(beta=beta, inv=np.linalg.inv(XtX), s2=float((e * e).sum()) / df, n=n, wbar=wbar, zbar=zbar,
                    tbar=tbar, stt=stt, bW=bW, bz=bz, trended=trended, dummies=dummies, h=h)

    def predict(f, o, want):
        """Teams in the fit with regressors complete at o (and `want`): their level forecast."""
        sel = np.nonzero((f["n"] > 0) & complete[:, o] & want)[0]
        s0 = (panel.first + o + f["h"]) % 12
        w0 = np.concatenate([np.broadcast_to((f["dummies"] == s0).astype(float), (len(sel), len(f["dummies"]))), R[sel, o, :]], 1)
        dt = np.where(f["trended"][sel], o - f["tbar"][sel], 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            lev = 1 / f["n"][sel] + np.where(f["trended"][sel], dt * dt / f["stt"][sel], 0.0)
        dd = w0 - f["wbar"][sel] - dt[:, None] * f["bW"][sel]
        z = f["zbar"][sel] + dt * f["bz"][sel] + dd @ f["beta"]
        v = f["s2"] * (1 + lev + np.einsum("gk,kl,gl->g", dd, f["inv"], dd))
        return sel, (np.exp(z + v / 2) if log else z)

    def window_errors(h, trends):  # |y - forecast| / s_ic over the calibration window from L
        errs = []
        for c in range(max(0, L - h - window + 1), L - h + 1):
            f = fit(c, h, trends)
            if f is None:
                continue
            sel, fc = predict(f, c, ~np.isnan(Y[:, c + h]))
            e = np.abs(Y[sel, c + h] - fc) / scale_at(c)[sel]
            errs.extend(e[~np.isnan(e)])
        return errs

    totals, rows = [], 0
    for h in range(1, horizons + 1):
        on, off = window_errors(h, True), window_errors(h, False)
        trends = len(on) >= 20 and len(off) >= 20 and np.mean(on) < np.mean(off)
        f = fit(L, h, trends)
        sel, fc = predict(f, L, np.ones(G, bool))
        total = float(fc.sum()) if agg == "sum" else float(fc.mean())
        totals.append({"horizon": h, "period": panel.label(L + h), "teams": len(sel), "forecast": total,
                       "trends": bool(trends)})
        rows += len(sel)
        assert np.isfinite(fc).all()
    return {"totals": totals, "rows": rows, "log": log, "elasticity": b}


def way_numpy(args, card):
    import numpy as np
    import pandas as pd  # noqa: F401  (imports are not part of the workload)
    from scipy import stats  # noqa: F401
    times, rss = {}, {}
    t0 = time.perf_counter()
    panel = Panel(os.path.join(args.data, "measurements.csv"))
    times["read"] = time.perf_counter() - t0
    rss["read"] = rss_mb()
    t0 = time.perf_counter()
    tr = np_trend(panel)
    times["trend"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    teams = None if args.leadlag_teams is None else list(range(args.leadlag_teams))
    ll = np_leadlag(panel, card["cross"], teams)
    times["leadlag"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    rk = np_rank(panel, card)
    times["rank+quartiles"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    fc = np_forecast(panel, card)
    times["forecast"] = time.perf_counter() - t0
    result = {
        "times": times, "rss_mb": rss_mb(), "read_rss_mb": rss["read"],
        "slopes": {f"{panel.teams[s // len(panel.measures)]}\t{panel.measures[s % len(panel.measures)]}": float(v)
                   for s, v in enumerate(tr["slope"]) if not np.isnan(v)},
        "ranks": {panel.teams[i]: int(r) for i, r in enumerate(rk["rank"]) if not np.isnan(r)},
        "quartiles": rk["quartiles"],
        "leadlag": {f"{a}\t{b}": {"best": v["best"], "r": v["r"], "f": (v["granger"] or {}).get("f"),
                                   "lags": (v["granger"] or {}).get("lags"), "q": v["q"]}
                    for (a, b), v in ll.items()},
        "forecast": fc["totals"],
    }
    return result


# ----------------------------------------------------------------------------------------------
# pandas + statsmodels + linearmodels: what an analyst writes
# ----------------------------------------------------------------------------------------------

def way_pandas(args, card):
    import numpy as np
    import pandas as pd
    import statsmodels.api as sm
    from scipy import stats
    from statsmodels.stats.multitest import multipletests
    from linearmodels.panel import PanelOLS
    import warnings
    warnings.filterwarnings("ignore")
    times, scaled = {}, {}

    t0 = time.perf_counter()
    df = pd.read_csv(os.path.join(args.data, "measurements.csv"))
    df["t"] = pd.PeriodIndex(df["period"], freq="M").astype("int64")
    df["t"] -= df["t"].min()
    wide = df.pivot_table(index=["team", "t"], columns="measure", values="value", aggfunc="first", dropna=False)
    times["read"] = time.perf_counter() - t0
    read_rss = rss_mb()
    teams_all = sorted(df["team"].unique())
    sub = teams_all[:args.subsample]

    # Trend: a statsmodels OLS per series, in a groupby loop. Timed on half the subsample and
    # on the whole of it, then extended along that line to every team.
    def trend_on(teams):
        slopes = {}
        part = df[df["team"].isin(teams)].dropna(subset=["value"])
        for (team, measure), g in part.groupby(["team", "measure"]):
            if len(g) < 3:
                continue
            fit = sm.OLS(g["value"].to_numpy(), sm.add_constant(g["t"].to_numpy(dtype=float))).fit()
            ci = fit.conf_int()
            slopes[f"{team}\t{measure}"] = float(fit.params[1])
            _ = (fit.bse[1], fit.tvalues[1], fit.pvalues[1], ci[1], fit.rsquared)
        return slopes

    def extrapolate(run, what, target=None):
        target = target or len(teams_all)
        half = sub[:len(sub) // 2]
        t0 = time.perf_counter()
        run(half)
        t_half = time.perf_counter() - t0
        t0 = time.perf_counter()
        out = run(sub)
        t_sub = time.perf_counter() - t0
        per_team = max(t_sub - t_half, 0) / (len(sub) - len(half))
        total = t_sub + per_team * (target - len(sub))
        return out, total, f"{len(half)} and {len(sub)} teams{what} ({t_half:.2f} s, {t_sub:.2f} s), extended linearly to {target}"

    slopes, times["trend"], scaled["trend"] = extrapolate(trend_on, "")
    if len(sub) == len(teams_all):
        del scaled["trend"]

    # Lead-lag: PanelOLS with entity and time effects per pair and lag; Granger by BIC over
    # PanelOLS fits — on a sample of the pairs (the links first), scaled by the pair count, and
    # on the subsample of teams, extended linearly to every team.
    pairs = card["cross"]
    step = max(1, len(pairs) // args.pair_sample)
    some = [p for p in pairs if p in card["links"]] + [p for i, p in enumerate(pairs) if i % step == 0 and p not in card["links"]]
    some = some[:args.pair_sample]

    def panel_fit(frame, ycol, xcols):
        d = frame[[ycol] + xcols].dropna()
        res = PanelOLS(d[ycol], d[xcols], entity_effects=True, time_effects=True).fit()
        return res, d

    def leadlag_on(teams):
        w = wide.loc[wide.index.get_level_values("team").isin(teams)]
        by_team = w.groupby(level="team")
        ll = {}
        for a, b in some:
            lags = []
            for k in range(MAX_LAG + 1):
                f = pd.DataFrame({"y": w[b], "x": by_team[a].shift(k)})
                res, d = panel_fit(f, "y", ["x"])
                tv = float(res.tstats["x"])
                dfr = float(res.df_resid)
                lags.append(tv / math.sqrt(tv * tv + dfr))
            best = max(range(1, MAX_LAG + 1), key=lambda k: (abs(lags[k]), -k))

            def granger_frame(xc, yc, q):
                f = pd.DataFrame({"y": w[yc]})
                for l in range(1, q + 1):
                    f[f"y{l}"] = by_team[yc].shift(l)
                    f[f"x{l}"] = by_team[xc].shift(l)
                return f.dropna()

            def bic(res):
                n = res.nobs
                k = n - res.df_resid
                return n * (math.log(2 * math.pi) + math.log(res.resid_ss / n) + 1) + math.log(n) * k

            common = granger_frame(a, b, MAX_GRANGER)
            p = min(range(1, MAX_GRANGER + 1),
                    key=lambda p: (bic(panel_fit(common, "y", [f"y{l}" for l in range(1, p + 1)] + [f"x{l}" for l in range(1, p + 1)])[0]), p))

            def ftest(xc, yc):
                f = granger_frame(xc, yc, p)
                u = panel_fit(f, "y", [f"y{l}" for l in range(1, p + 1)] + [f"x{l}" for l in range(1, p + 1)])[0]
                r = panel_fit(f, "y", [f"y{l}" for l in range(1, p + 1)])[0]
                F = ((r.resid_ss - u.resid_ss) / p) / (u.resid_ss / u.df_resid)
                return F, stats.f.sf(F, p, u.df_resid)

            F, pv = ftest(a, b)
            Fr, pr = ftest(b, a)
            ll[f"{a}\t{b}"] = {"best": best, "r": lags[best], "f": F, "lags": p, "p": pv, "rp": pr}
        return ll

    ll, t_ll, how = extrapolate(leadlag_on, f" x {len(some)} of {len(pairs)} pairs", args.leadlag_teams)
    times["leadlag"] = t_ll * len(pairs) / len(some)
    scaled["leadlag"] = how + f", x{len(pairs) / len(some):.1f} for the pairs"

    # Rank and quartiles: groupby sums, pandas rank, numpy percentiles, scipy tests.
    t0 = time.perf_counter()
    ret, cost = card["roi"]
    sums = df.pivot_table(index="team", columns="measure", values="value", aggfunc="sum")
    present = df.dropna(subset=["value"]).groupby(["team", "measure"]).size().unstack()
    roi = (sums[ret] - sums[cost]) / sums[cost]
    roi[(present[ret].isna()) | (present[cost].isna()) | (sums[cost] <= 0)] = np.nan
    rank = roi.rank(method="min", ascending=False)
    q = np.percentile(roi.dropna(), [25, 50, 75])
    quart = pd.cut(roi, [-np.inf, q[0], q[1], q[2], np.inf], labels=["Q4", "Q3", "Q2", "Q1"])
    top, bottom = quart[quart == "Q1"].index, quart[quart == "Q4"].index
    last = df.dropna(subset=["value"]).sort_values("t").groupby(["team", "measure"])["value"].last().unstack()
    means = df.groupby(["team", "measure"])["value"].mean().unstack()
    qrows = []
    for mid, _, agg, _ in [("roi", None, None, None)] + card["measures"]:
        col = roi if mid == "roi" else (sums[mid].where(present[mid].notna()) if agg == "sum" else means[mid] if agg == "mean" else last[mid])
        tv, bv = col.reindex(top).dropna(), col.reindex(bottom).dropna()
        wt = stats.ttest_ind(tv, bv, equal_var=False)
        u = stats.mannwhitneyu(tv, bv, alternative="two-sided", method="asymptotic", use_continuity=True)
        qrows.append({"measure": mid, "welch_t": float(wt.statistic), "p": float(wt.pvalue), "mw_u": float(u.statistic)})
    qv = multipletests([r["p"] for r in qrows[1:]], method="fdr_bh")[1]
    for r, v in zip(qrows[1:], qv):
        r["q"] = float(v)
    times["rank+quartiles"] = time.perf_counter() - t0

    # Forecast: METHODS.md "Forecast" (v2) as an analyst writes it with pandas and statsmodels.
    # The elasticity test by groupby; per horizon and origin one statsmodels OLS on the lag and
    # month-dummy columns after team effects (and, where the calibration window keeps them, team
    # trends) are taken out by groupby demeaning/detrending (Frisch-Waugh-Lovell: a dense design
    # with 5,000 team dummies and 5,000 trend columns would not fit in memory); every team forecasts
    # from the last period; the total by the target's aggregation.
    t0 = time.perf_counter()
    drivers = [a for a, b in card["links"] if b == ret]
    agg = next(m[2] for m in card["measures"] if m[0] == ret)
    T = int(df["t"].max()) + 1
    L = T - 1
    first = pd.Period(df["period"].min(), freq="M").month - 1
    grid = pd.MultiIndex.from_product([teams_all, range(T)], names=["team", "t"])
    g = wide[[ret] + drivers].reindex(grid)
    gy = g.groupby(level="team")[ret]
    change = gy.diff().abs()  # consecutive present pairs only (a gap gives NaN)
    per = pd.DataFrame({"m": gy.mean(), "d": change.groupby(level="team").mean(), "n": change.groupby(level="team").count()})
    per = per[(per.n >= 3) & (per.m > 0) & (per.d > 0)]
    b = sm.OLS(np.log(per.d), sm.add_constant(np.log(per.m))).fit().params.iloc[1] if len(per) >= 5 else None
    positive = lambda s: bool((s.dropna() > 0).all())
    log = positive(g[ret]) and b is not None and b >= 0.5
    z = pd.DataFrame({c: np.log(g[c]) if log and positive(g[c]) else g[c] for c in [ret] + drivers})
    gz = z.groupby(level="team")
    lagcols = []
    f = pd.DataFrame(index=grid)
    for c in [ret] + drivers:
        for l in range(2):
            f[f"{c}_{l}"] = gz[c].shift(l)
            lagcols.append(f"{c}_{l}")
    f["t"] = grid.get_level_values("t")
    complete = f[lagcols].notna().all(axis=1)
    # s_ic (MASE's scale): team i's mean |one-step change| up to c; NaN when none or 0.
    cum = change.fillna(0).groupby(level="team").cumsum()
    cnt = change.notna().astype(float).groupby(level="team").cumsum()
    scale = (cum / cnt).where(lambda s: s > 0)
    y_at = g[ret]

    def fit(c, h, trends):
        d = f.copy()
        d["target"] = gz[ret].shift(-h)
        d["slot"] = (first + d["t"] + h) % 12
        d = d[complete & d["target"].notna() & (d["t"] <= c - h)]
        if d.empty:
            return None
        dummies = sorted(d["slot"].unique())[1:]
        cols = [f"m{s}" for s in dummies] + lagcols
        for s in dummies:
            d[f"m{s}"] = (d["slot"] == s).astype(float)
        grp = d.groupby(level="team")
        n = grp.size()
        mean = grp[cols + ["target", "t"]].mean()
        dc = d[cols + ["target", "t"]] - mean.reindex(d.index.get_level_values("team")).to_numpy()
        trended = n >= 3 if trends else n < 0
        tc = dc["t"]
        stt = (tc * tc).groupby(level="team").sum()
        slope = dc[cols + ["target"]].mul(tc, axis=0).groupby(level="team").sum().div(stt, axis=0)
        slope = slope.where(trended, 0.0)
        resid = dc[cols + ["target"]] - slope.reindex(d.index.get_level_values("team")).to_numpy() * tc.to_numpy()[:, None]
        k = len(cols)
        dof = len(d) - len(n) - int(trended.sum()) - k
        if dof < 1 or np.linalg.matrix_rank(resid[cols].to_numpy()) < k:
            return None
        res = sm.OLS(resid["target"], resid[cols]).fit()
        s2 = res.ssr / dof  # statsmodels' df ignores the team effects and trends taken out
        return dict(res=res, s2=s2, inv=res.normalized_cov_params.to_numpy(), n=n, mean=mean, slope=slope,
                    trended=trended, stt=stt, dummies=dummies, cols=cols, h=h)

    def predict(fit_, o, want):
        """Level forecasts from o of the fit's teams with regressors complete at o (and in `want`)."""
        at = f.xs(o, level="t")
        ok = complete.xs(o, level="t")
        teams = [tm for tm in fit_["n"].index if ok[tm] and tm in want]
        x0 = at.loc[teams, lagcols].copy()
        slot0 = (first + o + fit_["h"]) % 12
        for s in fit_["dummies"]:
            x0[f"m{s}"] = float(s == slot0)
        x0 = x0[fit_["cols"]]
        mean, slope = fit_["mean"].loc[teams], fit_["slope"].loc[teams]
        dt = (o - mean["t"]).where(fit_["trended"].loc[teams], 0.0)
        lev = 1 / fit_["n"].loc[teams] + (dt * dt / fit_["stt"].loc[teams]).where(fit_["trended"].loc[teams], 0.0)
        dd = x0 - mean[fit_["cols"]] - slope[fit_["cols"]].mul(dt, axis=0)
        zhat = mean["target"] + dt * slope["target"] + dd.to_numpy() @ fit_["res"].params.to_numpy()
        v = fit_["s2"] * (1 + lev + np.einsum("gk,kl,gl->g", dd.to_numpy(), fit_["inv"], dd.to_numpy()))
        return np.exp(zhat + v / 2) if log else zhat

    def window_errors(h, trends):
        errs = []
        for c in range(max(0, L - h - 6 + 1), L - h + 1):
            fit_ = fit(c, h, trends)
            if fit_ is None:
                continue
            actual = y_at.xs(c + h, level="t").dropna()
            fc = predict(fit_, c, set(actual.index))
            e = (actual.loc[fc.index] - fc).abs() / scale.xs(c, level="t").loc[fc.index]
            errs.extend(e.dropna())
        return errs

    totals = []
    for h in range(1, 4):
        on, off = window_errors(h, True), window_errors(h, False)
        trends = len(on) >= 20 and len(off) >= 20 and np.mean(on) < np.mean(off)
        fc = predict(fit(L, h, trends), L, set(teams_all))
        totals.append({"horizon": h, "teams": len(fc), "forecast": float(fc.sum() if agg == "sum" else fc.mean())})
    times["forecast"] = time.perf_counter() - t0

    return {"times": times, "scaled": scaled, "rss_mb": rss_mb(), "read_rss_mb": read_rss,
            "slopes": slopes, "ranks": {k: int(v) for k, v in rank.dropna().items()}, "quartiles": qrows,
            "leadlag": ll, "forecast": totals, "subsample": sub}


# ----------------------------------------------------------------------------------------------
# Scorecard's CLI
# ----------------------------------------------------------------------------------------------

def run_timed(cmd):
    """Runs cmd under /usr/bin/time -v: (wall seconds, peak RSS MB)."""
    t0 = time.perf_counter()
    r = subprocess.run(["/usr/bin/time", "-v"] + cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({r.returncode}): {r.stderr[-1500:]}")
    kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", r.stderr).group(1))
    return wall, kb / 1024


def way_cli(args, card, out):
    import csv
    d = args.data
    teams = []
    if args.leadlag_teams is not None:
        import pandas as pd
        names = sorted(pd.read_csv(os.path.join(d, "measurements.csv"), usecols=["team"])["team"].unique())
        for t in names[:args.leadlag_teams]:
            teams += ["--team", t]
    stages = {
        "read": [CLI, "validate", d],
        "trend": [CLI, "trend", d, "--format", "csv", "--output", f"{out}/trend.csv"],
        "leadlag": [CLI, "leadlag", d, "--all-cross", *teams, "--format", "csv", "--output", f"{out}/leadlag.csv"],
        "rank": [CLI, "rank", d, "--format", "csv", "--output", f"{out}/rank.csv"],
        "quartiles": [CLI, "quartiles", d, "--format", "csv", "--output", f"{out}/quartiles.csv"],
        "forecast": [CLI, "forecast", d, "--with-total", "--format", "csv", "--output", f"{out}/forecast.csv"],
    }
    times, rss = {}, {}
    for name, cmd in stages.items():
        if name in args.skip_cli:
            continue
        times[name], rss[name] = run_timed(cmd)
        print(f"  scorecard {name}: {times[name]:.2f} s, {rss[name]:.0f} MB", file=sys.stderr)
    times["rank+quartiles"] = times.pop("rank") + times.pop("quartiles")
    res = {"times": times, "rss_mb": max(rss.values()), "rss_by_stage": rss}

    def rows(name):
        with open(f"{out}/{name}.csv", newline="") as f:
            return list(csv.DictReader(f))

    res["slopes"] = {f"{r['team']}\t{r['measure']}": float(r["slope"]) for r in rows("trend")}
    res["ranks"] = {r["team"]: int(r["rank"]) for r in rows("rank") if r["rank"]}
    res["quartiles"] = [{"measure": r["measure"], "welch_t": float(r["welch_t"]) if r["welch_t"] else None,
                         "mw_u": float(r["mw_u"]) if r["mw_u"] else None, "q": float(r["q_value"]) if r["q_value"] else None}
                        for r in rows("quartiles")]
    if "leadlag" not in args.skip_cli:
        res["leadlag"] = {f"{r['leader']}\t{r['lagger']}": {
            "best": int(r["best_lag"]) if r["best_lag"] else None, "r": float(r["r"]) if r["r"] else None,
            "f": float(r["granger_f"]) if r["granger_f"] else None, "lags": int(r["granger_lags"]) if r["granger_lags"] else None,
            "q": float(r["granger_q"]) if r["granger_q"] else None} for r in rows("leadlag")}
    fr = [r for r in rows("forecast") if r["team"] == "(total)"]
    res["forecast"] = [{"horizon": int(r["horizon"]), "period": r["period"], "forecast": float(r["forecast"])} for r in fr]
    return res


# ----------------------------------------------------------------------------------------------
# Driver
# ----------------------------------------------------------------------------------------------

def child(way, args):
    """Runs one way in a fresh process; returns its JSON result."""
    cmd = [sys.executable, os.path.abspath(__file__), "--child", way, "--data", args.data,
           "--subsample", str(args.subsample), "--pair-sample", str(args.pair_sample)]
    if args.leadlag_teams is not None:
        cmd += ["--leadlag-teams", str(args.leadlag_teams)]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"the {way} way failed: {r.stderr[-3000:]}")
    return json.loads(r.stdout)


def rel(a, b):
    return abs(a - b) / max(abs(a), abs(b), 1e-300)


def compare(name, a, b, keys=None, tol=1e-6, atol=1e-12):
    """Largest relative difference between two dicts of numbers over their shared keys; values
    within `atol` of each other agree whatever their ratio (METHODS.md: relative 1e-8 with an
    absolute floor of 1e-12, so slopes of -2.8e-17 and -2.7e-17, both zero to rounding, agree)."""
    keys = [k for k in (keys or a.keys()) if k in a and k in b and a[k] is not None and b[k] is not None]
    if not keys:
        return f"{name}: nothing in common", False
    diffs = [0.0 if abs(float(a[k]) - float(b[k])) <= atol else
             abs(float(a[k]) - float(b[k])) / max(abs(float(a[k])), abs(float(b[k]))) for k in keys]
    worst = max(diffs)
    ok = worst <= tol
    return f"{name}: {len(keys)} values, largest relative difference {worst:.1e} {'ok' if ok else 'DIFFERS'}", ok


def generate(args):
    d = os.path.join(tempfile.gettempdir(), "scorecard-e2e", f"t{args.teams}-p{args.periods}-m{args.measures}-s{args.seed}")
    if not os.path.exists(os.path.join(d, "truth.json")):
        subprocess.run([CLI, "generate", "--teams", str(args.teams), "--periods", str(args.periods), "--measures",
                        str(args.measures), "--seed", str(args.seed), "--output", d, "--quiet"], check=True, stdout=subprocess.DEVNULL)
    return d


def scaling(args):
    """The CLI workload at several team counts: time and peak RSS per command, against the
    CSV's size and the panel's (teams x measures x periods x 8 bytes). Lead-lag here tests the
    strategy map's links (the default `leadlag`), not every cross pair, so 50,000 teams fit in
    minutes; the end-to-end run covers --all-cross."""
    sizes = [int(x) for x in args.scaling.split(",")]
    stages = ["read", "trend", "leadlag", "rank", "quartiles", "forecast"]
    table = []
    for teams in sizes:
        a = argparse.Namespace(**vars(args))
        a.teams = teams
        d = generate(a)
        size = os.path.getsize(os.path.join(d, "measurements.csv"))
        panel = teams * args.measures * args.periods * 8
        cmds = {
            "read": ["validate", d], "trend": ["trend", d], "leadlag": ["leadlag", d], "rank": ["rank", d],
            "quartiles": ["quartiles", d], "forecast": ["forecast", d],
        }
        row = {"teams": teams, "csv_mb": size / 1e6, "panel_mb": panel / 1e6}
        with tempfile.TemporaryDirectory() as out:
            for st in stages:
                cmd = [CLI] + cmds[st] + ([] if st == "read" else ["--format", "csv", "--output", f"{out}/{st}.csv"])
                row[st], row[st + "_rss"] = run_timed(cmd)
                print(f"  {teams} teams: {st} {row[st]:.2f} s, {row[st + '_rss']:.0f} MB", file=sys.stderr)
        table.append(row)
        if args.delete_generated:
            import shutil
            shutil.rmtree(d)
    print(f"machine: nproc {os.cpu_count()}, load average {os.getloadavg()[0]:.2f} at end, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print("\n| teams | CSV | panel | " + " | ".join(stages) + " | total | peak RSS | RSS / panel | RSS / CSV |")
    print("|---" * (len(stages) + 8) + "|")
    for r in table:
        total = sum(r[s] for s in stages)
        peak = max(r[s + "_rss"] for s in stages)
        print(f"| {r['teams']:,} | {r['csv_mb']:.0f} MB | {r['panel_mb']:.0f} MB | " + " | ".join(f"{r[s]:.2f} s" for s in stages) +
              f" | {total:.2f} s | {peak:.0f} MB | {peak / r['panel_mb']:.2f} | {peak / r['csv_mb']:.2f} |")
    print("\ntime per 1,000 teams (linear growth keeps each column flat):")
    for r in table:
        print(f"| {r['teams']:,} | " + " | ".join(f"{1000 * r[s] / r['teams']:.3f} s" for s in stages) + " |")
    print("\npeak RSS per command (MB):")
    for r in table:
        print(f"| {r['teams']:,} | " + " | ".join(f"{r[s + '_rss']:.0f}" for s in stages) + " |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(table, f, indent=1)


def build():
    if not os.path.exists(CLI) or os.environ.get("SCORECARD_E2E_BUILD") == "1":
        subprocess.run(["flock", "/tmp/scorecard-build.lock", "swift", "build", "-c", "release", "--product", "scorecard",
                        "--package-path", ROOT], check=True, stdout=subprocess.DEVNULL)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--teams", type=int, default=5000)
    ap.add_argument("--periods", type=int, default=60)
    ap.add_argument("--measures", type=int, default=30)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--data", help="dataset folder (default: generated)")
    ap.add_argument("--subsample", type=int, default=50, help="teams the pandas way's per-series/per-pair loops run on")
    ap.add_argument("--pair-sample", type=int, default=12, help="pairs the pandas way's lead-lag runs on")
    ap.add_argument("--leadlag-teams", type=int,
                    help="lead-lag on the first N teams only (all three ways; the pandas way's subsample extends to N)")
    ap.add_argument("--ways", default="cli,numpy,pandas")
    ap.add_argument("--skip-cli", default="", help="comma-separated CLI stages to skip")
    ap.add_argument("--scaling", help="comma-separated team counts: the CLI workload at each size")
    ap.add_argument("--delete-generated", action="store_true", help="remove each generated dataset after --scaling used it")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--json", help="write all results to this file")
    args = ap.parse_args()
    args.skip_cli = [s for s in args.skip_cli.split(",") if s]

    if args.child:
        card = load_card(args.data)
        fn = {"numpy": way_numpy, "pandas": way_pandas}[args.child]
        print(json.dumps(fn(args, card)))
        return

    build()
    if args.scaling:
        scaling(args)
        return
    if args.data is None:
        args.data = generate(args)
    card = load_card(args.data)
    size = os.path.getsize(os.path.join(args.data, "measurements.csv"))
    print(f"data: {args.data}  ({size / 1e6:.0f} MB, {len(card['cross'])} cross-perspective pairs)")
    print(f"machine: {os.uname().machine}, nproc {os.cpu_count()}, load average {os.getloadavg()[0]:.2f} at start, "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    results = {}
    ways = args.ways.split(",")
    if "cli" in ways:
        with tempfile.TemporaryDirectory() as out:
            results["scorecard"] = way_cli(args, card, out)
    if "numpy" in ways:
        results["numpy"] = child("numpy", args)
    if "pandas" in ways:
        results["pandas"] = child("pandas", args)
    print(f"load average at end {os.getloadavg()[0]:.2f}")

    stages = ["read", "trend", "leadlag", "rank+quartiles", "forecast"]
    names = list(results)
    print()
    print("| stage | " + " | ".join(names) + " | " + " | ".join(f"{n} / scorecard" for n in names if n != "scorecard") + " |")
    print("|---" * (1 + len(names) + len(names) - 1) + "|")
    totals = {n: 0.0 for n in names}
    for s in stages:
        cells, ratios = [], []
        for n in names:
            t = results[n]["times"].get(s)
            if t is None:
                cells.append("—")
                continue
            totals[n] += t
            note = " *" if s in results[n].get("scaled", {}) else ""
            cells.append(f"{t:.2f} s{note}")
        sc = results.get("scorecard", {}).get("times", {}).get(s)
        for n in names:
            if n == "scorecard":
                continue
            t = results[n]["times"].get(s)
            ratios.append(f"{t / sc:.3g}×" if sc and t else "—")
        print(f"| {s} | " + " | ".join(cells) + " | " + " | ".join(ratios) + " |")
    sc_total = totals.get("scorecard")
    print("| **total** | " + " | ".join(f"{totals[n]:.2f} s" for n in names) + " | " +
          " | ".join(f"{totals[n] / sc_total:.1f}×" if sc_total else "—" for n in names if n != "scorecard") + " |")
    print("| peak RSS | " + " | ".join(f"{results[n]['rss_mb']:.0f} MB" for n in names) + " | " +
          " | ".join(f"{results[n]['rss_mb'] / results['scorecard']['rss_mb']:.1f}×" if "scorecard" in results else "—"
                     for n in names if n != "scorecard") + " |")
    print(f"CSV size {size / 1e6:.0f} MB; Scorecard's peak RSS is {results['scorecard']['rss_mb'] / (size / 2**20):.2f}× the file"
          if "scorecard" in results else "")
    if "scorecard" in results:
        print("Scorecard peak RSS by command: " + ", ".join(f"{k} {v:.0f} MB" for k, v in results["scorecard"]["rss_by_stage"].items()))
    for n in names:
        for s, how in results[n].get("scaled", {}).items():
            print(f"* {n} {s}: timed on {how}")
    if args.leadlag_teams is not None:
        print(f"lead-lag (every way) on the first {args.leadlag_teams} teams only; the other stages on all {len(results.get('numpy', results.get('scorecard', {})).get('ranks', [])) or 'the'} ranked teams")

    print("\nagreement:")
    checks = []
    R = results
    if "scorecard" in R and "numpy" in R:
        checks.append(compare("trend slopes, scorecard vs numpy", R["scorecard"]["slopes"], R["numpy"]["slopes"], tol=1e-8))
        checks.append(compare("ROI ranks, scorecard vs numpy", R["scorecard"]["ranks"], R["numpy"]["ranks"], tol=0))
        checks.append(compare("quartile Welch t, scorecard vs numpy",
                              {r["measure"]: r["welch_t"] for r in R["scorecard"]["quartiles"]},
                              {r["measure"]: r["welch_t"] for r in R["numpy"]["quartiles"]}, tol=1e-8))
        if "leadlag" in R["scorecard"]:
            a, b = R["scorecard"]["leadlag"], R["numpy"]["leadlag"]
            checks.append(compare("lead-lag best-lag r, scorecard vs numpy", {k: v["r"] for k, v in a.items()}, {k: v["r"] for k, v in b.items()}, tol=1e-6))
            checks.append(compare("Granger F, scorecard vs numpy", {k: v["f"] for k, v in a.items()}, {k: v["f"] for k, v in b.items()}, tol=1e-6, atol=1e-6))
            checks.append(compare("best lag and Granger order, scorecard vs numpy",
                                  {k: 1000 * (v["best"] or 0) + (v["lags"] or 0) for k, v in a.items()},
                                  {k: 1000 * (v["best"] or 0) + (v["lags"] or 0) for k, v in b.items()}, tol=0))
        checks.append(compare("forecast totals, scorecard vs numpy",
                              {r["horizon"]: r["forecast"] for r in R["scorecard"]["forecast"]},
                              {r["horizon"]: r["forecast"] for r in R["numpy"]["forecast"]}, tol=1e-8))
    if "pandas" in R:
        ref = R.get("scorecard") or R.get("numpy")
        checks.append(compare("trend slopes (subsample), pandas vs scorecard", R["pandas"]["slopes"], ref["slopes"], tol=1e-8))
        checks.append(compare("ROI ranks, pandas vs scorecard", R["pandas"]["ranks"], ref["ranks"], tol=0))
        checks.append(compare("quartile Welch t, pandas vs scorecard",
                              {r["measure"]: r["welch_t"] for r in R["pandas"]["quartiles"]},
                              {r["measure"]: r["welch_t"] for r in ref["quartiles"]}, tol=1e-8))
        checks.append(compare("forecast totals, pandas vs scorecard",
                              {r["horizon"]: r["forecast"] for r in R["pandas"]["forecast"]},
                              {r["horizon"]: r["forecast"] for r in ref["forecast"]}, tol=1e-6))
        # The pandas lead-lag ran on a subsample of teams: compare it with numpy on the same teams.
        panel = Panel(os.path.join(args.data, "measurements.csv"))
        idx = [panel.teams.index(t) for t in R["pandas"]["subsample"]]
        pairs = [tuple(k.split("\t")) for k in R["pandas"]["leadlag"]]
        mine = {f"{a}\t{b}": v for (a, b), v in np_leadlag(panel, pairs, idx).items()}
        mine = {k: {"r": v["r"], "f": (v["granger"] or {}).get("f")} for k, v in mine.items()}
        checks.append(compare("lead-lag r (subsample), pandas/linearmodels vs numpy",
                              {k: v["r"] for k, v in R["pandas"]["leadlag"].items()}, {k: v["r"] for k, v in mine.items()}, tol=1e-6))
        checks.append(compare("Granger F (subsample), pandas/linearmodels vs numpy",
                              {k: v["f"] for k, v in R["pandas"]["leadlag"].items()}, {k: v["f"] for k, v in mine.items()}, tol=1e-6, atol=1e-6))
    failed = 0
    for c in checks:
        text, ok = c if isinstance(c, tuple) else (c, True)
        failed += not ok
        print("  " + text)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({k: {kk: vv for kk, vv in v.items() if kk in ("times", "rss_mb", "rss_by_stage", "scaled", "read_rss_mb")}
                       for k, v in results.items()} | {"size": size, "teams": args.teams}, f, indent=1)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
