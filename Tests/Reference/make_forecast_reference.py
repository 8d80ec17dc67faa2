#!/usr/bin/env python3
"""Independent reference values for the forecast model before issue #13 (levels, team effects only).

Superseded for the engine's goldens by make_forecast_v2_reference.py (METHODS.md "Forecast" as
rewritten for issue #13); kept because coverage_alternatives.py (the issue #5 study) imports its
backtest, and to reproduce the figures of that study. Its CSV and period plumbing come from
scorecard_reference.py.

Direct multi-horizon pooled ARX with team fixed effects, written from METHODS.md alone in
the plainest way: one explicit design matrix per horizon, fitted with ``statsmodels``
``sm.OLS(y, X).fit()``; prediction intervals from ``res.get_prediction(x0)
.summary_frame(alpha=0.05)`` (``mean``, ``obs_ci_lower``, ``obs_ci_upper``); partial F tests
of each driver cross-checked against ``res.compare_f_test(restricted)``.

Usage (from the repository root):

    python3 Tests/Reference/make_forecast_reference.py DATASET_DIR OUT.json \\
        [--target revenue] [--drivers a,b] [--horizon 3] [--lags 2] [--backtest 6]

    python3 Tests/Reference/make_forecast_reference.py datasets/b2b-73 \\
        Tests/AnalysisTests/Reference/forecast-b2b-73.json
    python3 Tests/Reference/make_forecast_reference.py Tests/Fixtures/forecast-gaps \\
        Tests/AnalysisTests/Reference/forecast-gaps.json

DATASET_DIR holds ``measurements.csv`` (tidy team,period,measure,value, or wide
team,period,<measures...>) and ``scorecard.yml``. ``--target`` defaults to the scorecard's
``roi.return``; ``--drivers`` to the measures linked directly into the target by the
scorecard's ``links`` (``from`` of every link whose ``to`` is the target, in link order,
without repeats).

The model, for each horizon h = 1..H and lag order p (every period index is a calendar
slot: lag j is j calendar periods back, a gap stays a gap; a row needs every term present):

    y[i,t+h] ~ team_i + y[i,t] + y[i,t-1] + ... + y[i,t-p+1]
                      + sum_d (x_d[i,t] + ... + x_d[i,t-p+1])

X = [one dummy per team present in that horizon's training sample (no constant), then the
lag columns in the order y_lag0..y_lag{p-1}, <d1>_lag0..<d1>_lag{p-1}, <d2>_lag0, ...].

JSON written (floats full precision, shortest round-trip repr; null when undefined):

  target, drivers, lags, horizon, backtest_origins,
  forecast     [{team, measure, period, horizon, forecast, lower, upper}]
  total        [{horizon, period, teams, forecast, lower, upper}]
  backtest     [{model, horizon, n, mape, mase}]          model "arx" then "naive"
  coverage     [{horizon, coverage, n}]                   95% obs interval, ARX backtest rows
  drivers_f    [{horizon, driver, f, p_value, df_num, df_den}]
  coefficients [{horizon, term, coef, bse}]               lag terms only (no team effects)
  fits         [{horizon, n, teams, df_resid, scale}]     the full-data fit of each horizon
  notes        [...]

Choices where METHODS.md leaves room (also in the report that came with this file):

* L, "the last period", is the dataset's last period (latest period of any row, missing
  values included), the same way METHODS.md defines the first period.
* Forecast origin of a team: the latest calendar period t (<= L) at which y[t..t-p+1] and
  every x_d[t..t-p+1] are present. It does not depend on h. The forecast period is
  origin + h even when that period lies inside the data (origin < L).
* A team forecasts at horizon h only when it has at least one training row at h (else it
  has no team effect). Training rows at h use every complete row of the panel, also rows
  whose target period is after another team's origin.
* Backtest: the naive model is scored on exactly the rows the ARX model forecast
  (same teams, origins, horizons), so both have the same n. Rows at an origin whose fit
  is undefined (df < 1 or rank-deficient design) are left out of both.
  s_o pools |y[i,t] - y[i,t-1]| over every team and every t <= o with both calendar-
  consecutive values present; each row's |error| is divided by the s_o of its origin,
  then the ratios are averaged (per model, per horizon). MAPE = 100 * mean |e| / |actual|
  over rows with actual != 0. An empty row set gives n = 0 and null mape/mase.
* Organisation total: teams may have different origins, so their forecasts at one horizon
  may fall in different periods. The total at horizon h is taken over the teams whose
  forecast period is the most common one among that horizon's team forecasts (ties: the
  later period); that period and the number of teams m are recorded. Forecast = sum of those
  teams' forecasts; variance = s^2 * (m + 1' X0 (X'X)^-1 X0' 1), X0 the m rows of the full
  design (res.scale, res.normalized_cov_params): independent errors across teams, plus the
  shared parameter uncertainty. Interval: sum +- t(0.975, df_resid) * sqrt(variance).
* Partial F for driver d at horizon h: restricted model drops d's p lag columns and is
  fitted on the unrestricted model's rows; F = ((SSR_r - SSR_u)/p) / (SSR_u/df_u),
  p-value from F(p, df_u), df_u = unrestricted residual df.

Needs Python 3 with numpy, scipy, pandas, statsmodels and PyYAML. Deterministic.
"""

import argparse
import json
import math
import sys
import warnings
from collections import Counter
from pathlib import Path

import numpy as np
import scipy.stats as st
import statsmodels.api as sm

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scorecard_reference import (  # noqa: E402  (CSV and period plumbing, JSON)
    Panel, clean, default_drivers, num, read_dataset, write_json)

warnings.simplefilter("ignore")


# ----------------------------------------------------------------------------- model

def term_names(drivers, p):
    return [f"y_lag{j}" for j in range(p)] + [f"{d}_lag{j}" for d in drivers for j in range(p)]


def regressors(y, xs, t, p):
    """[y[t], ..., y[t-p+1], x_1[t], ..., x_1[t-p+1], ...] or None when any is missing
    or before the first slot."""
    if t - p + 1 < 0:
        return None
    vals = [y[t - j] for j in range(p)]
    for x in xs:
        vals += [x[t - j] for j in range(p)]
    return None if any(math.isnan(v) for v in vals) else vals


def training_rows(panel, target, drivers, p, h, max_target_slot):
    """(team, t, y[t+h], regressors at t) with every term present and t+h <= max_target_slot."""
    rows = []
    for team in panel.teams:
        y = panel.series(team, target)
        xs = [panel.series(team, d) for d in drivers]
        for t in range(panel.P):
            if t + h > max_target_slot:
                break
            if math.isnan(y[t + h]):
                continue
            r = regressors(y, xs, t, p)
            if r is not None:
                rows.append((team, t, y[t + h], r))
    return rows


class Fit:
    """OLS of y on [team dummies | lag columns]; .ok False when df < 1 or rank-deficient."""

    def __init__(self, rows, k_lag):
        self.teams = sorted({r[0] for r in rows})
        self.col = {team: j for j, team in enumerate(self.teams)}
        n, k = len(rows), len(self.teams) + k_lag
        self.n, self.k = n, k
        self.ok = False
        if n == 0:
            return
        X = np.zeros((n, k))
        for i, (team, _, _, reg) in enumerate(rows):
            X[i, self.col[team]] = 1.0
            X[i, len(self.teams):] = reg
        yv = np.array([r[2] for r in rows], dtype=float)
        # Each lag column is multiplied by a power of two near 1/rms (exact in binary
        # floating point, so the model is unchanged): revenue in millions beside 0/1 team
        # dummies otherwise costs statsmodels' pinv about 1e-9 relative accuracy in the
        # coefficients. Coefficients and standard errors are scaled back exactly
        # (coef, bse); predictions, SSR and F do not depend on the scaling.
        self.sc = np.ones(k)
        for j in range(len(self.teams), k):
            rms = math.sqrt(float(np.mean(X[:, j] ** 2)))
            if rms > 0:
                self.sc[j] = 2.0 ** -round(math.log2(rms))
        X = X * self.sc
        self.X, self.y = X, yv
        if n - k < 1 or np.linalg.matrix_rank(X) < k:
            return
        self.res = sm.OLS(yv, X).fit()
        self.ok = True

    def coef(self, j):
        """(coef, bse) of column j in the original units."""
        return float(self.res.params[j] * self.sc[j]), num(self.res.bse[j] * self.sc[j])

    def x0(self, team, reg):
        """the team's design row (scaled like X)."""
        row = np.zeros(self.k)
        row[self.col[team]] = 1.0
        row[len(self.teams):] = reg
        return row * self.sc

    def predict(self, team, reg):
        """(mean, obs_ci_lower, obs_ci_upper) at 95%."""
        fr = self.res.get_prediction(self.x0(team, reg).reshape(1, -1)).summary_frame(alpha=0.05)
        return (float(fr["mean"].iloc[0]), float(fr["obs_ci_lower"].iloc[0]),
                float(fr["obs_ci_upper"].iloc[0]))


def origin_of(panel, team, target, drivers, p, last_slot):
    """latest slot t <= last_slot with every regressor present, or None."""
    y = panel.series(team, target)
    xs = [panel.series(team, d) for d in drivers]
    for t in range(last_slot, -1, -1):
        if regressors(y, xs, t, p) is not None:
            return t
    return None


# ----------------------------------------------------------------------------- forecast

def forecast(panel, target, drivers, p, H, notes):
    L = panel.P - 1
    k_lag = p * (1 + len(drivers))
    names = term_names(drivers, p)
    fc_rows, totals, frows, coefs, fits = [], [], [], [], []
    origins = {team: origin_of(panel, team, target, drivers, p, L) for team in panel.teams}
    for h in range(1, H + 1):
        rows = training_rows(panel, target, drivers, p, h, L)
        fit = Fit(rows, k_lag)
        if not fit.ok:
            notes.append(f"h={h}: fit undefined (n={fit.n}, k={fit.k}); no forecasts")
            fits.append(dict(horizon=h, n=fit.n, teams=len(fit.teams), df_resid=None, scale=None))
            for d in drivers:
                frows.append(dict(horizon=h, driver=d, f=None, p_value=None, df_num=p, df_den=None))
            for name in names:
                coefs.append(dict(horizon=h, term=name, coef=None, bse=None))
            continue
        res = fit.res
        fits.append(dict(horizon=h, n=fit.n, teams=len(fit.teams), df_resid=int(round(res.df_resid)),
                         scale=float(res.scale)))
        nt = len(fit.teams)
        for j, name in enumerate(names):
            c, se = fit.coef(nt + j)
            coefs.append(dict(horizon=h, term=name, coef=c, bse=se))
        # partial F per driver (restricted: drop its p lag columns, same rows)
        for di, d in enumerate(drivers):
            drop = [nt + p * (1 + di) + j for j in range(p)]
            keep = [c for c in range(fit.k) if c not in drop]
            restricted = sm.OLS(fit.y, fit.X[:, keep]).fit()
            ssr_u, ssr_r, df_u = float(res.ssr), float(restricted.ssr), float(res.df_resid)
            f = ((ssr_r - ssr_u) / p) / (ssr_u / df_u)
            pv = float(st.f.sf(f, p, df_u))
            f_sm, p_sm, dfn_sm = res.compare_f_test(restricted)
            if math.isfinite(f):
                assert abs(f - f_sm) <= 1e-8 * max(1.0, abs(f)), (f, f_sm)
                assert abs(pv - p_sm) <= 1e-10 + 1e-6 * abs(pv), (pv, p_sm)
                assert dfn_sm == p
            frows.append(dict(horizon=h, driver=d, f=num(f), p_value=num(pv), df_num=p,
                              df_den=int(round(df_u))))
        # team forecasts
        team_fc = []
        for team in panel.teams:
            o = origins[team]
            if o is None or team not in fit.col:
                continue
            reg = regressors(panel.series(team, target),
                             [panel.series(team, d) for d in drivers], o, p)
            mean, lo, hi = fit.predict(team, reg)
            fc_rows.append(dict(team=team, measure=target, period=panel.label(o + h), horizon=h,
                                forecast=mean, lower=lo, upper=hi))
            team_fc.append((team, o + h, mean, fit.x0(team, reg)))
        # organisation total over the teams forecasting the most common period (ties: later)
        if team_fc:
            counts = Counter(slot for _, slot, _, _ in team_fc)
            slot = max(counts, key=lambda s: (counts[s], s))
            chosen = [r for r in team_fc if r[1] == slot]
            m = len(chosen)
            total = sum(r[2] for r in chosen)
            s = np.sum([r[3] for r in chosen], axis=0)            # X0' 1
            var = res.scale * (m + float(s @ res.normalized_cov_params @ s))
            half = st.t.ppf(0.975, res.df_resid) * math.sqrt(var)
            totals.append(dict(horizon=h, period=panel.label(slot), teams=m, forecast=total,
                               lower=total - half, upper=total + half))
            if m < len(team_fc):
                notes.append(f"h={h}: total over {m} of {len(team_fc)} forecasting teams "
                             f"(period {panel.label(slot)})")
    return fc_rows, totals, frows, coefs, fits


# ----------------------------------------------------------------------------- backtest

def scale_s(panel, target, o):
    """mean |y[t] - y[t-1]| over all teams, t <= o, both calendar-consecutive values present."""
    diffs = []
    for team in panel.teams:
        y = panel.series(team, target)
        for t in range(1, o + 1):
            if not math.isnan(y[t]) and not math.isnan(y[t - 1]):
                diffs.append(abs(y[t] - y[t - 1]))
    return float(np.mean(diffs)) if diffs else math.nan


def backtest(panel, target, drivers, p, H, B, notes):
    L = panel.P - 1
    k_lag = p * (1 + len(drivers))
    recs = []   # (horizon, origin, actual, arx, lower, upper, naive, s_o)
    for o in range(L - B, L):
        if o < 0:
            continue
        s_o = scale_s(panel, target, o)
        for h in range(1, H + 1):
            if o + h > L:
                continue
            fit = Fit(training_rows(panel, target, drivers, p, h, o), k_lag)
            if not fit.ok:
                notes.append(f"backtest origin {panel.label(o)} h={h}: fit undefined")
                continue
            for team in panel.teams:
                y = panel.series(team, target)
                actual = y[o + h]
                if math.isnan(actual) or team not in fit.col:
                    continue
                reg = regressors(y, [panel.series(team, d) for d in drivers], o, p)
                if reg is None:
                    continue
                mean, lo, hi = fit.predict(team, reg)
                recs.append((h, o, actual, mean, lo, hi, y[o], s_o))
    out, cov = [], []
    for model in ("arx", "naive"):
        for h in range(1, H + 1):
            rs = [r for r in recs if r[0] == h]
            err = [abs(r[2] - (r[3] if model == "arx" else r[6])) for r in rs]
            ape = [100.0 * e / abs(r[2]) for e, r in zip(err, rs) if r[2] != 0]
            sc = [e / r[7] for e, r in zip(err, rs)]
            out.append(dict(model=model, horizon=h, n=len(rs),
                            mape=num(np.mean(ape)) if ape else None,
                            mase=num(np.mean(sc)) if sc else None))
    for h in range(1, H + 1):
        rs = [r for r in recs if r[0] == h]
        inside = [r[4] <= r[2] <= r[5] for r in rs]
        cov.append(dict(horizon=h, coverage=(float(np.mean(inside)) if rs else None), n=len(rs)))
    return out, cov


# ----------------------------------------------------------------------------- main

def run(dataset, target=None, drivers=None, H=3, p=2, B=6):
    tidy, scorecard = read_dataset(dataset)
    if target is None:
        target = scorecard["roi"]["return"]
    if drivers is None:
        drivers = default_drivers(scorecard, target)
    panel = Panel(tidy)
    for m in [target] + drivers:
        if m not in panel.measures:
            raise SystemExit(f"measure {m!r} not in the data")
    notes = []
    fc_rows, totals, frows, coefs, fits = forecast(panel, target, drivers, p, H, notes)
    bt, cov = backtest(panel, target, drivers, p, H, B, notes)
    return clean(dict(target=target, drivers=drivers, lags=p, horizon=H,
                      backtest_origins=[panel.label(o) for o in range(panel.P - 1 - B, panel.P - 1)
                                        if o >= 0],
                      forecast=fc_rows, total=totals, backtest=bt, coverage=cov,
                      drivers_f=frows, coefficients=coefs, fits=fits, notes=notes))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dataset")
    ap.add_argument("out")
    ap.add_argument("--target")
    ap.add_argument("--drivers", help="comma-separated measure ids")
    ap.add_argument("--horizon", type=int, default=3)
    ap.add_argument("--lags", type=int, default=2)
    ap.add_argument("--backtest", type=int, default=6)
    a = ap.parse_args(argv)
    drivers = None if a.drivers is None else [d for d in a.drivers.split(",") if d]
    out = run(a.dataset, a.target, drivers, a.horizon, a.lags, a.backtest)
    write_json(a.out, out)
    print(json.dumps({k: len(v) for k, v in out.items() if isinstance(v, list)}), file=sys.stderr)


if __name__ == "__main__":
    main()
