#!/usr/bin/env python3
"""Backtest interval coverage and skill of forecast-model alternatives (issue #5).

Over generated organisations (``scorecard generate --teams 73 --periods 36 --seed S``,
seeds 1..SEEDS, written into a temporary folder) it backtests, exactly as METHODS.md
"Forecast" defines the backtest (origins o = L-B .. L-1, refit on rows whose target period
is at or before o, each team forecasts from o, naive = y[o], MASE scale s_o), several
variants of the forecast model, and prints for each one:

* pooled coverage of the 95% prediction interval by horizon and over all horizons,
* skill = 1 - MASE_model / MASE_naive by horizon (MASE pooled over every backtest row of
  every organisation: each row's |error| / s_o of its organisation and origin, averaged),
* coverage for the smallest and the largest third of teams (thirds within each
  organisation by the team's mean target value over all its present periods) and for
  December targets (rows whose target period is a December).

Usage (from the repository root; needs numpy, scipy, pandas, statsmodels, PyYAML):

    python3 Tests/Reference/coverage_alternatives.py [--seeds 20] [--first-seed 1] \\
        [--bin .build/release/scorecard] [--only 0,c,g]

(about 2 minutes for 20 organisations and every variant). It prints a Markdown table.

Target and drivers are the defaults of ``scorecard forecast`` (target = roi.return,
drivers = measures linked into it: revenue <- customer_satisfaction); p = 2, H = 3, B = 6.

The data plumbing (CSV and period parsing, Panel, default drivers) is imported from
scorecard_reference.py, s_o and the backtest check from
make_forecast_reference.py, the independent statsmodels reference of the engine. The fits
here are plain numpy least squares (fast enough for 20 organisations x 6 origins x 3
horizons x every variant); variant (0) is checked against that reference's statsmodels
``backtest`` on the first organisation (MASE of both models to 1e-9 relative, coverage
exactly), so the machinery is the METHODS backtest.

Variants (each a function ``variant_*`` below, all sharing ``backtest_variant``):

  (0) METHODS as it is: levels, team dummies, OLS interval.
  (a) log target and log drivers (a driver is logged when all its present values are
      > 0; the target must be > 0), OLS interval on the log scale, back-transformed by
      exp of the bounds; point forecast exp(mean) (the median, which is what MASE/MAPE,
      absolute-error measures, reward).
  (b) (0) plus calendar-month dummies of the target period t+h (11 columns; base = the
      first calendar month present in the training rows).
  (c) (a) + (b).
  (d) (0) with a per-team residual scale: see ``team_scales``.
  (e) (c) with the per-team scale of (d) (log scale).
  (f) (c) with an empirical interval: half-width = 95% quantile of the standardised
      in-sample |residuals| times sqrt(1 + h0) (no normal or t assumed); ``variant_f``.
  (g) (c) plus a linear trend per team (team dummy x origin slot t).
"""

import argparse
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# one BLAS thread: the fits are small, and multithreaded BLAS on a busy 2-core machine
# made each 2000 x 90 QR take 0.4 s instead of 10 ms
for _v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")
import numpy as np  # noqa: E402
import scipy.special as sp
import scipy.stats as st
import statsmodels.api as sm
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_forecast_reference as ref  # noqa: E402
import scorecard_reference as sref  # noqa: E402

P_LAGS, H, B = 2, 3, 6


# ----------------------------------------------------------------------------- data

class Org:
    """One organisation as dense arrays: Y[team, slot] target, Xs[d][team, slot] drivers."""

    def __init__(self, folder):
        folder = Path(folder)
        scorecard = yaml.safe_load((folder / "scorecard.yml").read_text(encoding="utf-8"))
        self.target = scorecard["roi"]["return"]
        self.drivers = sref.default_drivers(scorecard, self.target)
        self.panel = sref.Panel(sref.load_measurements(folder / "measurements.csv"))
        pn = self.panel
        self.teams = pn.teams
        self.Y = np.array([pn.series(t, self.target) for t in self.teams])
        self.Xs = [np.array([pn.series(t, d) for t in self.teams]) for d in self.drivers]
        self.L = pn.P - 1
        assert pn.frequency == "month", pn.frequency
        self.month = np.array([(pn.first + s) % 12 for s in range(pn.P)])   # 0 = January
        # s_o of METHODS (pooled mean absolute one-step change up to o), per origin
        self.s_o = {o: ref.scale_s(pn, self.target, o) for o in range(self.L - B, self.L)}
        # team size: mean target over the team's present periods; thirds within the org
        size = np.nanmean(self.Y, axis=1)
        order = np.argsort(size, kind="stable")
        n = len(self.teams)
        self.third = np.empty(n, dtype=int)
        for rank, i in enumerate(order):
            self.third[i] = 3 * rank // n            # 0 smallest .. 2 largest


def log_where_positive(a):
    """log of an array whose present values are all > 0; None when some is <= 0."""
    present = a[~np.isnan(a)]
    if present.size and np.all(present > 0):
        return np.log(a)
    return None


# ----------------------------------------------------------------------------- fitting

def design(Yt, Xts, teams_idx, ts, h, p, months, month_cols):
    """Lag block [y[t..t-p+1], x_d[t..t-p+1] ...] and the month block of rows (team, t)."""
    cols = [Yt[teams_idx, ts - j] for j in range(p)]
    for Xt in Xts:
        cols += [Xt[teams_idx, ts - j] for j in range(p)]
    lag = np.column_stack(cols)
    if month_cols is None:
        return lag
    m = months[ts + h]
    mon = np.column_stack([(m == c).astype(float) for c in month_cols]) if month_cols else \
        np.zeros((len(ts), 0))
    return np.hstack([lag, mon])


def rows_complete(Yt, Xts, p):
    """ok[team, t]: every regressor present at (team, t) (t >= p-1)."""
    n, P = Yt.shape
    ok = np.zeros((n, P), dtype=bool)
    for t in range(p - 1, P):
        good = np.ones(n, dtype=bool)
        for j in range(p):
            good &= ~np.isnan(Yt[:, t - j])
            for Xt in Xts:
                good &= ~np.isnan(Xt[:, t - j])
        ok[:, t] = good
    return ok


class OLS:
    """OLS of y on [team dummies | other columns]; exposes what the intervals need."""

    def __init__(self, team_of_row, Z, y, trend=None):
        """trend: None, or per-row time index for team-specific linear trends (one column
        per team, team dummy x t, after Z)."""
        present = np.unique(team_of_row)
        self.col = {int(t): j for j, t in enumerate(present)}
        nt = len(present)
        n = len(y)
        self.kz = Z.shape[1]
        self.trend = trend is not None
        X = np.zeros((n, nt + Z.shape[1] + (nt if self.trend else 0)))
        cols = np.array([self.col[int(t)] for t in team_of_row], dtype=int)
        X[np.arange(n), cols] = 1.0
        X[:, nt:nt + self.kz] = Z
        if self.trend:
            X[np.arange(n), nt + self.kz + cols] = trend
        # column scaling (exact powers of two), as in the reference, for conditioning
        sc = np.ones(X.shape[1])
        for j in range(nt, X.shape[1]):
            rms = math.sqrt(float(np.mean(X[:, j] ** 2)))
            if rms > 0:
                sc[j] = 2.0 ** -round(math.log2(rms))
        X = X * sc
        self.sc, self.nt, self.n, self.k = sc, nt, n, X.shape[1]
        self.ok = n - self.k >= 1 and np.linalg.matrix_rank(X) == self.k
        if not self.ok:
            return
        Q, R = np.linalg.qr(X)
        self.beta = np.linalg.solve(R, Q.T @ y)
        self.Rinv = np.linalg.solve(R, np.eye(self.k))      # (X'X)^-1 = Rinv Rinv'
        self.resid = y - X @ self.beta
        self.df = n - self.k
        self.s2 = float(self.resid @ self.resid) / self.df
        self.team_of_row = np.asarray(team_of_row)

    def x0(self, team, z, t=None):
        row = np.zeros(self.k)
        row[self.col[team]] = 1.0
        row[self.nt:self.nt + self.kz] = z
        if self.trend:
            row[self.nt + self.kz + self.col[team]] = t
        return row * self.sc

    def predict(self, team, z, t=None):
        """(mean, h0 = x0'(X'X)^-1 x0)."""
        x0 = self.x0(team, z, t)
        v = x0 @ self.Rinv
        return float(x0 @ self.beta), float(v @ v)


def trigamma_inverse(x):
    """y with trigamma(y) = x (limma's Newton iteration)."""
    if x > 1e7:
        return 1 / math.sqrt(x)
    if x < 1e-6:
        return 1 / x
    y = 0.5 + 1 / x
    for _ in range(50):
        tri = float(sp.polygamma(1, y))
        dif = tri * (1 - tri / x) / float(sp.polygamma(2, y))
        y += dif
        if -dif / y < 1e-8:
            break
    return y


def team_scales(fit):
    """Per-team residual variance, shrunk empirically toward a common value.

    Exact rule. Team i has n_i training rows and residual sum of squares SSR_i in the
    pooled OLS fit. Its residual df is its share of the fit's df, d_i = n_i (n - k) / n
    (so sum d_i = n - k and sum SSR_i / sum d_i = s^2), and s_i^2 = SSR_i / d_i.
    The s_i^2 are treated as scaled chi-square with d_i df around a prior s_0^2 with d_0
    prior df; s_0^2 and d_0 are estimated by the method of moments on log s_i^2
    (limma's fitFDist, Smyth 2004). The posterior variance
        s~_i^2 = (d_0 s_0^2 + d_i s_i^2) / (d_0 + d_i)
    is a df-weighted average of the team's own variance and the common one, and the
    interval uses Student t with d_0 + d_i df (d_0 = inf: s_0^2 and the fit's df).
    Returns {team: (variance, df)}.
    """
    teams = sorted(fit.col)
    n_i = np.array([np.sum(fit.team_of_row == t) for t in teams], dtype=float)
    ssr_i = np.array([float(np.sum(fit.resid[fit.team_of_row == t] ** 2)) for t in teams])
    d_i = n_i * fit.df / fit.n
    s2_i = ssr_i / d_i
    z = np.log(s2_i)
    e = z - sp.digamma(d_i / 2) + np.log(d_i / 2)
    emean = float(np.mean(e))
    evar = float(np.sum((e - emean) ** 2) / (len(e) - 1)) - float(np.mean(sp.polygamma(1, d_i / 2)))
    if evar > 0:
        d0 = 2 * trigamma_inverse(evar)
        s20 = math.exp(emean + float(sp.digamma(d0 / 2)) - math.log(d0 / 2))
        post = (d0 * s20 + d_i * s2_i) / (d0 + d_i)
        df = d0 + d_i
    else:
        post = np.full(len(teams), math.exp(emean))
        df = np.full(len(teams), float(fit.df))
    return {t: (float(post[j]), float(df[j])) for j, t in enumerate(teams)}


# ----------------------------------------------------------------------------- backtest

def backtest_variant(org, log=False, months=False, interval="ols", trend=False, check=False):
    """Backtest rows of one variant: dicts with h, origin, team, actual, fc, lo, hi, naive, s_o.

    log: model log target / log drivers (where positive), back-transform by exp.
    months: add calendar-month dummies of the target period.
    trend: add a linear trend per team (team dummy x t, t the row's origin slot).
    check: at the first origin, compare every interval (log scale) with statsmodels
           ``OLS(y, X).fit().get_prediction(x0).summary_frame(alpha=0.05)`` (ols only).
    interval: "ols" (one residual variance), "team" (team_scales), "conformal"
              (empirical quantile of in-sample |residual|, see variant_f).
    """
    p = P_LAGS
    Y, Xs = org.Y, org.Xs
    if log:
        Yt = log_where_positive(Y)
        assert Yt is not None, "target has values <= 0: log model undefined"
        Xts = []
        for X in Xs:
            lx = log_where_positive(X)
            Xts.append(X if lx is None else lx)
    else:
        Yt, Xts = Y, Xs
    ok = rows_complete(Yt, Xts, p)
    n_teams, P = Y.shape
    out = []
    for o in range(org.L - B, org.L):
        s_o = org.s_o[o]
        for h in range(1, H + 1):
            if o + h > org.L:
                continue
            # training rows: t with t+h <= o, regressors complete, target present
            ti, tt = [], []
            for t in range(p - 1, o - h + 1):
                good = ok[:, t] & ~np.isnan(Yt[:, t + h])
                idx = np.nonzero(good)[0]
                ti.append(idx)
                tt.append(np.full(len(idx), t))
            ti, tt = np.concatenate(ti), np.concatenate(tt)
            month_cols = None
            if months:
                present = sorted(set(org.month[tt + h].tolist()))
                month_cols = present[1:]
            Z = design(Yt, Xts, ti, tt, h, p, org.month, month_cols)
            yv = Yt[ti, tt + h]
            fit = OLS(ti, Z, yv, tt.astype(float) if trend else None)
            if not fit.ok:
                continue
            if interval == "team":
                scales = team_scales(fit)
            if interval == "conformal":
                q = conformal_quantile(fit, ti, Z, tt)
            tq = st.t.ppf(0.975, fit.df)
            if check and o == org.L - B:
                res = sm.OLS(yv, _X(fit, ti, Z, tt)).fit()
            for i in range(n_teams):
                actual = Y[i, o + h]
                if math.isnan(actual) or i not in fit.col or not ok[i, o]:
                    continue
                z0 = design(Yt, Xts, np.array([i]), np.array([o]), h, p, org.month, month_cols)[0]
                mean, h0 = fit.predict(i, z0, float(o))
                if interval == "ols":
                    half = tq * math.sqrt(fit.s2 * (1 + h0))
                elif interval == "team":
                    v, df = scales[i]
                    half = st.t.ppf(0.975, df) * math.sqrt(v * (1 + h0))
                else:
                    half = q * math.sqrt(1 + h0)
                lo, hi = mean - half, mean + half
                if check and o == org.L - B:
                    fr = res.get_prediction(fit.x0(i, z0, float(o)).reshape(1, -1)) \
                        .summary_frame(alpha=0.05)
                    for mine, theirs in ((mean, fr["mean"].iloc[0]), (lo, fr["obs_ci_lower"].iloc[0]),
                                         (hi, fr["obs_ci_upper"].iloc[0])):
                        assert abs(mine - theirs) <= 1e-8 * max(1.0, abs(theirs)), (mine, theirs)
                if log:
                    mean, lo, hi = math.exp(mean), math.exp(lo), math.exp(hi)
                out.append(dict(h=h, origin=o, team=i, actual=actual, fc=mean, lo=lo, hi=hi,
                                naive=Y[i, o], s_o=s_o, third=int(org.third[i]),
                                december=bool(org.month[o + h] == 11)))
    return out


def _X(fit, ti, Z, tt):
    n = len(ti)
    X = np.zeros((n, fit.k))
    cols = np.array([fit.col[int(t)] for t in ti], dtype=int)
    X[np.arange(n), cols] = 1.0
    X[:, fit.nt:fit.nt + fit.kz] = Z
    if fit.trend:
        X[np.arange(n), fit.nt + fit.kz + cols] = tt
    return X * fit.sc


def conformal_quantile(fit, ti, Z, tt):
    """95% quantile of the standardised in-sample residuals |e_j| / sqrt(1 - h_jj) (each has
    variance s^2 under the model); the interval scales it to a new row by sqrt(1 + h0)."""
    X = _X(fit, ti, Z, tt)
    V = X @ fit.Rinv
    hjj = np.einsum("ij,ij->i", V, V)
    std = np.abs(fit.resid) / np.sqrt(np.maximum(1 - hjj, 1e-12))
    return float(np.quantile(std, 0.95))


def variant_0(org):
    """(0) METHODS as it is."""
    return backtest_variant(org)


def variant_a(org):
    """(a) log target and drivers, exp of the bounds."""
    return backtest_variant(org, log=True)


def variant_b(org):
    """(b) METHODS + calendar-month dummies of the target period."""
    return backtest_variant(org, months=True)


def variant_c(org):
    """(c) log + month dummies."""
    return backtest_variant(org, log=True, months=True)


def variant_d(org):
    """(d) METHODS with per-team residual variance (team_scales)."""
    return backtest_variant(org, interval="team")


def variant_e(org):
    """(e) (c) with per-team residual variance on the log scale."""
    return backtest_variant(org, log=True, months=True, interval="team")


def variant_f(org):
    """(f) (c) with an empirical interval: half-width = 95% quantile of the leave-one-out
    |residuals| of the training fit times sqrt(1 + h0) (no normality assumed)."""
    return backtest_variant(org, log=True, months=True, interval="conformal")


def variant_g(org):
    """(g) (c) plus a linear trend per team: the generator's revenue grows linearly at a
    team-specific rate, which team effects and two own lags only partly follow."""
    return backtest_variant(org, log=True, months=True, trend=True)


VARIANTS = [
    ("0", "METHODS as is (levels, one variance)", variant_0),
    ("a", "log target & drivers", variant_a),
    ("b", "levels + month dummies", variant_b),
    ("c", "log + month dummies", variant_c),
    ("d", "levels, per-team variance (shrunk)", variant_d),
    ("e", "log + months + per-team variance", variant_e),
    ("f", "log + months, empirical residual quantile", variant_f),
    ("g", "log + months + team trends", variant_g),
]


# ----------------------------------------------------------------------------- check

def check_against_reference(folder, org):
    """Variant (0) on one organisation equals the statsmodels reference backtest."""
    pn = org.panel
    bt, cov = ref.backtest(pn, org.target, org.drivers, P_LAGS, H, B, [])
    rows = variant_0(org)
    for h in range(1, H + 1):
        rs = [r for r in rows if r["h"] == h]
        mase = np.mean([abs(r["actual"] - r["fc"]) / r["s_o"] for r in rs])
        naive = np.mean([abs(r["actual"] - r["naive"]) / r["s_o"] for r in rs])
        covh = np.mean([r["lo"] <= r["actual"] <= r["hi"] for r in rs])
        ra = next(x for x in bt if x["model"] == "arx" and x["horizon"] == h)
        rn = next(x for x in bt if x["model"] == "naive" and x["horizon"] == h)
        rc = next(x for x in cov if x["horizon"] == h)
        assert ra["n"] == len(rs), (h, ra["n"], len(rs))
        assert abs(mase - ra["mase"]) <= 1e-9 * ra["mase"], (h, mase, ra["mase"])
        assert abs(naive - rn["mase"]) <= 1e-12 * rn["mase"], (h, naive, rn["mase"])
        assert covh == rc["coverage"], (h, covh, rc["coverage"])
    # the numpy fits of the transformed designs equal statsmodels too (first origin)
    backtest_variant(org, log=True, months=True, trend=True, check=True)
    backtest_variant(org, months=True, check=True)


# ----------------------------------------------------------------------------- report

def summarise(rows):
    def cov(rs):
        return 100.0 * np.mean([r["lo"] <= r["actual"] <= r["hi"] for r in rs]) if rs else math.nan
    s = {}
    for h in range(1, H + 1):
        rs = [r for r in rows if r["h"] == h]
        s[f"cov{h}"] = cov(rs)
        m = np.mean([abs(r["actual"] - r["fc"]) / r["s_o"] for r in rs])
        nv = np.mean([abs(r["actual"] - r["naive"]) / r["s_o"] for r in rs])
        s[f"skill{h}"] = 1 - m / nv
    s["cov"] = cov(rows)
    s["small"] = cov([r for r in rows if r["third"] == 0])
    s["large"] = cov([r for r in rows if r["third"] == 2])
    s["dec"] = cov([r for r in rows if r["december"]])
    s["nondec"] = cov([r for r in rows if not r["december"]])
    # median half-width relative to the forecast (interval size, for comparison)
    s["width"] = 100.0 * float(np.median([(r["hi"] - r["lo"]) / 2 / abs(r["fc"]) for r in rows]))
    s["n"] = len(rows)
    return s


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", type=int, default=20, help="number of organisations")
    ap.add_argument("--first-seed", type=int, default=1)
    ap.add_argument("--only", help="comma-separated variant keys (default: all)")
    ap.add_argument("--bin", default=".build/release/scorecard", help="the scorecard binary")
    a = ap.parse_args(argv)
    variants = VARIANTS if not a.only else [v for v in VARIANTS if v[0] in a.only.split(",")]
    seeds = range(a.first_seed, a.first_seed + a.seeds)
    t0 = time.time()
    results = {key: [] for key, _, _ in variants}
    per_org = {key: [] for key, _, _ in variants}
    with tempfile.TemporaryDirectory() as tmp:
        for seed in seeds:
            folder = f"{tmp}/s{seed}"
            subprocess.run([a.bin, "generate", "--teams", "73", "--periods", "36", "--seed",
                            str(seed), "--output", folder, "--quiet"], check=True,
                           stdout=subprocess.DEVNULL)
            org = Org(folder)
            if seed == a.first_seed:
                check_against_reference(folder, org)
                print(f"variant (0) = statsmodels reference backtest on seed {seed}, and the fits "
                      f"of (b), (g) = statsmodels get_prediction: ok "
                      f"(target {org.target}, drivers {', '.join(org.drivers)})", file=sys.stderr)
            for key, _, fn in variants:
                rows = fn(org)
                results[key] += rows
                per_org[key].append(summarise(rows))
            print(f"seed {seed} done ({time.time() - t0:.0f} s)", file=sys.stderr)
    print(f"Seeds {seeds[0]}–{seeds[-1]}: {len(seeds)} organisations × 73 teams × 36 months; "
          f"p = {P_LAGS}, H = {H}, {B} origins; coverage in %.\n")
    head = ("| variant | model | n | cov h1 | cov h2 | cov h3 | cov all | smallest ⅓ | largest ⅓ "
            "| December | other months | skill h1 | skill h2 | skill h3 | orgs skill>0 (h1/h2/h3) "
            "| cov all, org min–max | median ½-width % |")
    print(head)
    print("|" + "---|" * (head.count("|") - 1))
    for key, name, _ in variants:
        s = summarise(results[key])
        lo_org = min(x["cov"] for x in per_org[key])
        hi_org = max(x["cov"] for x in per_org[key])
        pos = "/".join(str(sum(1 for x in per_org[key] if x[f"skill{h}"] > 0)) for h in range(1, H + 1))
        print(f"| ({key}) | {name} | {s['n']} | {s['cov1']:.1f} | {s['cov2']:.1f} | {s['cov3']:.1f} "
              f"| **{s['cov']:.1f}** | {s['small']:.1f} | {s['large']:.1f} | {s['dec']:.1f} "
              f"| {s['nondec']:.1f} | {s['skill1']:.3f} | {s['skill2']:.3f} | {s['skill3']:.3f} "
              f"| {pos} | {lo_org:.1f}–{hi_org:.1f} | {s['width']:.1f} |")
    print(f"\n{len(seeds)} organisations, {time.time() - t0:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
