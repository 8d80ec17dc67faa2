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
coded again here from the text of METHODS.md, sharing no code with the engine.

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
import warnings
from pathlib import Path

import numpy as np
import scipy.stats as st
import statsmodels.api as sm
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_forecast_reference import Panel, load_tidy, clean, default_drivers, parse_period  # noqa: E402  (CSV plumbing only)

warnings.simplefilter("ignore")
K = 6
SEASON_LENGTH = {"month": 12, "quarter": 4, "week": 52, "day": 7}


def season_slot(freq, index):
    """Slot of a calendar index in its year (METHODS.md "Season")."""
    import datetime as dt
    if freq == "month":
        return index % 12
    if freq == "quarter":
        return index % 4
    if freq == "week":
        monday = dt.date.fromordinal(index * 7 + 1)
        return (monday + dt.timedelta(days=3)).month - 1
    if freq == "day":
        return dt.date.fromordinal(index).weekday()
    return None


class Model:
    def __init__(self, panel, target, drivers, p, seasonal, aggregation, alpha, transform, trends_opt, calibration):
        self.P = panel
        self.target, self.drivers, self.p = target, drivers, p
        self.measures = [target] + drivers
        self.seasonal = seasonal and panel.freq in SEASON_LENGTH
        self.agg = aggregation
        self.alpha = alpha
        self.transform, self.trends_opt, self.calibration = transform, trends_opt, calibration
        self.series = {m: {t: panel.series(t, m) for t in panel.teams} for m in self.measures}
        self.fits = {}

    # ---- scale
    def first_nonpositive(self, m, o):
        for team in self.P.teams:
            s = self.series[m][team][: o + 1]
            bad = np.where(~np.isnan(s) & (s <= 0))[0]
            if len(bad):
                return team, int(bad[0])
        return None

    def elasticity(self, o):
        lm, ld = [], []
        for team in self.P.teams:
            s = self.series[self.target][team][: o + 1]
            present = s[~np.isnan(s)]
            ch = [abs(s[t] - s[t - 1]) for t in range(1, len(s)) if not np.isnan(s[t]) and not np.isnan(s[t - 1])]
            if len(ch) < 3:
                continue
            m, d = present.mean(), np.mean(ch)
            if m <= 0 or d == 0:
                continue
            lm.append(math.log(m))
            ld.append(math.log(d))
        if len(lm) < 5:
            return None
        res = sm.OLS(np.array(ld), sm.add_constant(np.array(lm))).fit()
        return float(res.params[1])

    def decide_scale(self, o):
        if self.transform == "log":
            log = True
        elif self.transform == "none":
            log = False
        elif self.first_nonpositive(self.target, o) is not None:
            log = False
        else:
            b = self.elasticity(o)
            log = b is not None and b >= 0.5
        logs = (log,) + tuple(log and self.first_nonpositive(d, o) is None for d in self.drivers)
        return logs

    def z(self, logs, k, team, t):
        v = self.series[self.measures[k]][team][t]
        return math.log(v) if logs[k] else v

    def lag_row(self, logs, team, t):
        out = []
        for k in range(len(self.measures)):
            for j in range(self.p):
                if t - j < 0 or t - j >= self.P.P or np.isnan(self.series[self.measures[k]][team][t - j]):
                    return None
                out.append(self.z(logs, k, team, t - j))
        return out

    def slot(self, t):
        return season_slot(self.P.freq, self.P.first + t) if self.seasonal else None

    # ---- one fit
    def fit(self, logs, cutoff, h, trends):
        key = (logs, cutoff, h, trends)
        if key not in self.fits:
            self.fits[key] = self._fit(logs, cutoff, h, trends, drop=None)
        return self.fits[key]

    def _fit(self, logs, cutoff, h, trends, drop):
        rows = []
        for team in self.P.teams:
            for t in range(self.p - 1, cutoff - h + 1):
                yv = self.series[self.target][team][t + h]
                if np.isnan(yv):
                    continue
                reg = self.lag_row(logs, team, t)
                if reg is None:
                    continue
                rows.append((team, t, self.z(logs, 0, team, t + h), reg))
        if not rows:
            return None
        teams = sorted({r[0] for r in rows}, key=self.P.teams.index)
        count = {tm: sum(1 for r in rows if r[0] == tm) for tm in teams}
        trended = [tm for tm in teams if trends and count[tm] >= 3]
        slots = sorted({self.slot(r[1] + h) for r in rows}) if self.seasonal else []
        base, dummies = (slots[0], slots[1:]) if slots else (None, [])
        keep = [j for j in range(len(self.measures) * self.p) if drop is None or j // self.p != drop]

        def xrow(team, t, reg, slot):
            a = [1.0 if team == tm else 0.0 for tm in teams]
            a += [float(t) if team == tm else 0.0 for tm in trended]
            a += [1.0 if slot == s else 0.0 for s in dummies]
            a += [reg[j] for j in keep]
            return a

        X = np.array([xrow(r[0], r[1], r[3], self.slot(r[1] + h)) for r in rows])
        z = np.array([r[2] for r in rows])
        if X.shape[0] - X.shape[1] < 1 or np.linalg.matrix_rank(X) < X.shape[1]:
            return None
        res = sm.OLS(z, X).fit()
        e = res.resid
        tt = np.array([r[1] + h for r in rows])
        num = den = 0.0
        for t in set(tt):
            et = e[tt == t]
            num += et.sum() ** 2 - (et ** 2).sum()
            den += len(et) * (len(et) - 1)
        rho = min(1.0, max(0.0, num / (res.scale * den))) if den > 0 else 0.0
        return dict(res=res, X=X, xrow=xrow, teams=set(teams), dummies=dummies, base=base, rho=rho, rows=rows,
                    nlag=len(keep), h=h, logs=logs)

    def predict(self, f, o, teams):
        out = []
        for team in teams:
            if team not in f["teams"]:
                continue
            reg = self.lag_row(f["logs"], team, o)
            if reg is None:
                continue
            x0 = np.array([f["xrow"](team, o, reg, self.slot(o + f["h"]))])
            pr = f["res"].get_prediction(x0)
            out.append(dict(team=team, z=float(pr.predicted_mean[0]), v=float(pr.se_obs[0] ** 2), x0=x0[0]))
        return out

    def level(self, logs, z, v):
        return math.exp(z + v / 2) if logs[0] else z

    def organisation(self, f, preds):
        m = len(preds)
        c = 1.0 if self.agg == "sum" else 1.0 / m
        levels = np.array([self.level(f["logs"], q["z"], q["v"]) for q in preds])
        T = c * levels.sum()
        w = c * levels if f["logs"][0] else np.full(m, c)
        X0 = np.array([q["x0"] for q in preds])
        s2, rho = f["res"].scale, f["rho"]
        V = s2 * ((w ** 2).sum() + rho * (w.sum() ** 2 - (w ** 2).sum())) + w @ X0 @ f["res"].cov_params() @ X0.T @ w
        return T, V

    def s_scale(self, team, c):
        s = self.series[self.target][team][: c + 1]
        ch = [abs(s[t] - s[t - 1]) for t in range(1, len(s)) if not np.isnan(s[t]) and not np.isnan(s[t - 1])]
        if not ch or np.mean(ch) == 0:
            return None
        return float(np.mean(ch))

    # ---- calibration window
    def window(self, logs, o, h):
        origins = list(range(max(0, o - h - K + 1), o - h + 1)) if o - h >= 0 else []

        def tally(trends):
            std, scaled, ratios = [], [], []
            for c in origins:
                f = self.fit(logs, c, h, trends)
                if f is None:
                    continue
                have = [tm for tm in self.P.teams if not np.isnan(self.series[self.target][tm][c + h])]
                preds = self.predict(f, c, have)
                if not preds:
                    continue
                for q in preds:
                    zt = self.z(logs, 0, q["team"], c + h)
                    std.append(abs(zt - q["z"]) / math.sqrt(q["v"]))
                    s = self.s_scale(q["team"], c)
                    if s is not None:
                        yv = self.series[self.target][q["team"]][c + h]
                        scaled.append(abs(yv - self.level(logs, q["z"], q["v"])) / s)
                actual = [self.series[self.target][q["team"]][c + h] for q in preds]
                agg = sum(actual) if self.agg == "sum" else sum(actual) / len(actual)
                T, V = self.organisation(f, preds)
                if V > 0:
                    ratios.append((agg - T) ** 2 / V)
            return std, scaled, ratios

        if self.trends_opt == "on":
            trends, chosen = True, tally(True)
        elif self.trends_opt == "off":
            trends, chosen = False, tally(False)
        else:
            on, off = tally(True), tally(False)
            trends = bool(len(on[1]) >= 20 and len(off[1]) >= 20 and np.mean(on[1]) < np.mean(off[1]))
            chosen = on if trends else off
        std, _, ratios = chosen
        q, kappa2 = None, 1.0
        if self.calibration == "auto":
            n = len(std)
            rank = math.ceil((n + 1) * (1 - self.alpha))
            if n >= 20 and rank <= n:
                q = sorted(std)[rank - 1]
            if len(ratios) >= 3:
                kappa2 = max(1.0, float(np.mean(ratios)))
        return dict(trends=trends, q=q, kappa2=kappa2, n=len(std), k=len(ratios) if kappa2 > 1 else 0)


def organisation_df(w, df_resid):
    """The organisation figure's t df (docs/DECISIONS.md): k, the window origins behind kappa^2, where kappa^2 > 1
    binds (a variance estimated from k squared errors); the fit's residual df where kappa^2 = 1."""
    return w["k"] if w["kappa2"] > 1 else df_resid


def load_model(dataset, target, drivers, p, transform, trends, calibration, seasonal, confidence):
    """The dataset's panel and the model of METHODS.md on it: (M, panel, target, drivers, aggregation)."""
    dataset = Path(dataset)
    scorecard = yaml.safe_load((dataset / "scorecard.yml").read_text(encoding="utf-8"))
    target = target or scorecard["roi"]["return"]
    drivers = default_drivers(scorecard, target) if drivers is None else drivers
    aggregation = "mean"
    for persp in (scorecard.get("perspectives") or {}).values():
        for obj in persp.get("objectives") or []:
            for m in obj.get("measures") or []:
                if m["id"] == target:
                    aggregation = m["aggregation"]
    panel = Panel(load_tidy(dataset / "measurements.csv"))
    M = Model(panel, target, drivers, p, seasonal == "auto", aggregation, 1 - confidence, transform, trends, calibration)
    return M, panel, target, drivers, aggregation


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
        T, V = M.organisation(f, preds)
        half = float(st.t.ppf(1 - alpha / 2, organisation_df(w, res.df_resid))) * math.sqrt(w["kappa2"] * V)
        totals.append(dict(horizon=h, period=panel.label(L + h), teams=len(preds), forecast=T, lower=T - half, upper=T + half))

    # backtest
    acc = {m: {h: dict(n=0, ape=[], scaled=[], cov=0) for h in range(1, H + 1)} for m in ["arx", "naive", "snaive", "total"]}
    S = SEASON_LENGTH.get(panel.freq) if M.seasonal else None
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
                T, V = M.organisation(f, preds)
                half = float(st.t.ppf(1 - alpha / 2, organisation_df(w, f["res"].df_resid))) * math.sqrt(w["kappa2"] * V)
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


def write_json(path, out):
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(out, indent=1, ensure_ascii=False, allow_nan=False) + "\n", encoding="utf-8")


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
