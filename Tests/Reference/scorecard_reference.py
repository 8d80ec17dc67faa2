"""The one home of what the reference scripts share (issue #17): reading a dataset, the panel,
the fixed-effects OLS and the Granger test, the forecast model, and the JSON they write.

Every ``make_*_reference.py`` that needs one of these imports it from here, so a change to
METHODS.md is made once. Like the scripts, it is written from METHODS.md alone (statsmodels,
scipy and numpy as the references METHODS.md names), never from the Swift sources.

* Input: ``parse_period`` / ``format_period`` (calendar slots), ``parse_value`` (missing
  tokens, plain decimals), ``load_measurements`` (tidy or wide CSV), ``read_dataset``
  (measurements.csv and scorecard.yml of a folder), ``measure_specs``, ``default_drivers``,
  ``Panel`` (teams x measures x calendar slots).
* Panel regressions: ``fe_ols`` (two-way fixed effects with explicit dummy columns), the
  Granger test (``granger_frame``, ``n_effects``, ``granger``, ``granger_f``).
* The forecast of METHODS.md "Forecast" (issue #13): ``season_slot``, ``Model`` (the scale
  decision, one fit per horizon, predictions, the organisation figure and its interval, the
  calibration window) and ``load_model``.
* Output: ``num``, ``clean``, ``write_json`` (full-precision doubles, null when undefined).

Needs Python 3 with numpy, scipy, pandas, statsmodels and PyYAML.
"""

import datetime as dt
import json
import math
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.stats as st
import statsmodels.api as sm
import yaml

warnings.simplefilter("ignore")

MISSING_TOKENS = {"", "NA", "NaN", "null"}
NUMBER_RE = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


# ----------------------------------------------------------------------------- input

def parse_period(label):
    """(frequency, calendar index) of a period label; consecutive slots differ by 1."""
    m = re.fullmatch(r"(\d{4})-(\d{2})", label)
    if m:
        y, mo = int(m[1]), int(m[2])
        assert 1 <= mo <= 12, label
        return "month", y * 12 + mo - 1
    m = re.fullmatch(r"(\d{4})-Q([1-4])", label)
    if m:
        return "quarter", int(m[1]) * 4 + int(m[2]) - 1
    m = re.fullmatch(r"(\d{4})-W(\d{2})", label)
    if m:
        return "week", dt.date.fromisocalendar(int(m[1]), int(m[2]), 1).toordinal() // 7
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", label)
    if m:
        return "day", dt.date(int(m[1]), int(m[2]), int(m[3])).toordinal()
    m = re.fullmatch(r"(\d{4})", label)
    if m:
        return "year", int(m[1])
    raise ValueError(f"bad period {label!r}")


def format_period(freq, index):
    """The label of a calendar index (inverse of parse_period)."""
    if freq == "month":
        return f"{index // 12:04d}-{index % 12 + 1:02d}"
    if freq == "quarter":
        return f"{index // 4:04d}-Q{index % 4 + 1}"
    if freq == "week":
        y, w, _ = dt.date.fromordinal(index * 7 + 1).isocalendar()
        return f"{y:04d}-W{w:02d}"
    if freq == "day":
        return dt.date.fromordinal(index).isoformat()
    return f"{index:04d}"


def parse_value(text):
    """A value: NaN for a missing token, else a finite plain decimal (-0 is 0)."""
    if text in MISSING_TOKENS:
        return math.nan
    if not NUMBER_RE.fullmatch(text):
        raise ValueError(f"bad value {text!r}")
    v = float(text)
    if not math.isfinite(v):
        raise ValueError(f"non-finite value {text!r}")
    return v + 0.0


def load_measurements(path):
    """Tidy frame team, period, measure, value (NaN = missing), in file order."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8")
    cols = list(raw.columns)
    if {"team", "period", "measure", "value"} <= set(cols) and len(cols) == 4:
        tidy = raw[["team", "period", "measure", "value"]].copy()
    else:
        assert cols[:2] == ["team", "period"], f"wide CSV must start team,period: {cols}"
        tidy = raw.melt(id_vars=["team", "period"], var_name="measure", value_name="value")
    tidy["value"] = [parse_value(s) for s in tidy["value"]]
    dup = tidy.duplicated(["team", "period", "measure"])
    if dup.any():
        raise ValueError(f"duplicate key {tidy[dup].iloc[0].tolist()}")
    return tidy.reset_index(drop=True)


def read_dataset(folder):
    """(tidy measurements, scorecard) of a dataset folder (measurements.csv, scorecard.yml)."""
    folder = Path(folder)
    scorecard = yaml.safe_load((folder / "scorecard.yml").read_text(encoding="utf-8"))
    return load_measurements(folder / "measurements.csv"), scorecard


def measure_specs(scorecard):
    """Scorecard measures in file order: id -> {direction, aggregation, perspective}."""
    specs = {}
    for perspective, body in ((scorecard or {}).get("perspectives") or {}).items():
        for objective in (body or {}).get("objectives", []) or []:
            for m in objective.get("measures", []) or []:
                specs[m["id"]] = {"direction": m["direction"], "aggregation": m["aggregation"],
                                  "perspective": perspective}
    return specs


def default_drivers(scorecard, target):
    """The measures linked directly into the target, in link order, without repeats."""
    out = []
    for link in scorecard.get("links") or []:
        if link["to"] == target and link["from"] not in out:
            out.append(link["from"])
    return out


class Panel:
    """teams x measures x calendar periods, NaN = missing; slot 0 is the first period.

    ``teams`` in byte order; ``measures`` the scorecard's (in file order) that are in the data,
    then the others sorted; ``labels[j]`` the label of slot j."""

    def __init__(self, tidy, scorecard=None):
        freqs = {}
        index = []
        for label in tidy["period"]:
            f, i = parse_period(label)
            freqs[f] = True
            index.append(i)
        assert len(freqs) == 1, f"mixed frequencies {list(freqs)}"
        self.frequency = next(iter(freqs))
        self.first, self.last = min(index), max(index)
        self.P = self.last - self.first + 1
        self.labels = [format_period(self.frequency, self.first + j) for j in range(self.P)]
        for label, i in zip(tidy["period"], index):
            assert self.labels[i - self.first] == label, (label, self.labels[i - self.first])
        self.teams = sorted(set(tidy["team"]))               # byte order (code points)
        self.specs = measure_specs(scorecard)
        data_measures = list(dict.fromkeys(tidy["measure"]))
        self.measures = [m for m in self.specs if m in data_measures] + \
            sorted(m for m in data_measures if m not in self.specs)
        self.values = {(tm, ms): np.full(self.P, np.nan) for tm in self.teams for ms in self.measures}
        for tm, ms, i, v in zip(tidy["team"], tidy["measure"], index, tidy["value"]):
            self.values[(tm, ms)][i - self.first] = v

    def direction(self, m):
        return self.specs[m]["direction"] if m in self.specs else "higher"

    def aggregation(self, m):
        return self.specs[m]["aggregation"] if m in self.specs else "mean"

    def series(self, team, measure, lo=0, hi=None):
        """values of periods lo..hi-1 (calendar index); all NaN for an absent measure."""
        hi = self.P if hi is None else hi
        if (team, measure) not in self.values:
            return np.full(hi - lo, np.nan)
        return self.values[(team, measure)][lo:hi]

    def label(self, slot):
        """The label of slot `slot` (which may lie after the last period)."""
        return format_period(self.frequency, self.first + slot)


# ----------------------------------------------------------------------------- output

def num(x):
    """float or None (never NaN / inf)."""
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


def clean(obj):
    """obj with numpy numbers as Python ones and NaN / inf as None, ready for JSON."""
    if isinstance(obj, dict):
        return {k: clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [clean(v) for v in obj]
    if isinstance(obj, (bool, str)) or obj is None:
        return obj
    if isinstance(obj, (int, np.integer)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        return num(obj)
    raise TypeError(type(obj))


def write_json(path, out):
    """Writes `out` as JSON (one-space indent, UTF-8, no NaN) ending in a newline."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(out, indent=1, ensure_ascii=False, allow_nan=False) + "\n", encoding="utf-8")


# ----------------------------------------------------------------------------- panel OLS

def fe_ols(frame, ycol, xcols):
    """OLS of ycol on xcols + team dummies + period dummies (first period dropped);
    with a single team in the sample just a constant. Returns None when the sample is
    empty, df < 1 or the design is rank-deficient; else the statsmodels results."""
    n = len(frame)
    if n == 0:
        return None
    teams = sorted(set(frame["team"]))
    X = frame[xcols].to_numpy(dtype=float)
    if len(teams) == 1:
        fe = np.ones((n, 1))
    else:
        td = pd.get_dummies(pd.Categorical(frame["team"], categories=teams)).to_numpy(dtype=float)
        periods = sorted(set(frame["period"]))
        pd_ = pd.get_dummies(pd.Categorical(frame["period"], categories=periods)).to_numpy(dtype=float)
        fe = np.hstack([td, pd_[:, 1:]])
    design = np.hstack([X, fe])
    k = design.shape[1]
    df = n - k
    if df < 1:
        return None
    if np.linalg.matrix_rank(design) < k:
        return None
    res = sm.OLS(frame[ycol].to_numpy(dtype=float), design).fit()
    assert abs(res.df_resid - df) < 1e-9
    return res


def granger_frame(series_by_team, ycol, xcol, p):
    """rows (team, period t, y_t, y_{t-1..t-p}, x_{t-1..t-p}) with every term present."""
    names = ["y"] + [f"y_l{j}" for j in range(1, p + 1)] + [f"x_l{j}" for j in range(1, p + 1)]
    recs = []
    for team, (y, x) in series_by_team.items():
        for t in range(p, len(y)):
            vals = [y[t]] + [y[t - j] for j in range(1, p + 1)] + [x[t - j] for j in range(1, p + 1)]
            if not np.any(np.isnan(vals)):
                recs.append([team, t] + vals)
    return pd.DataFrame(recs, columns=["team", "period"] + names)


def n_effects(frame):
    """Columns the fixed effects absorb: teams + periods - 1 (one team: the constant)."""
    teams = frame["team"].nunique()
    return 1 if teams == 1 else teams + frame["period"].nunique() - 1


def granger(series_by_team, pmax):
    """Panel Granger test of x -> y (METHODS.md). series_by_team: team -> (y, x).
    Returns (p_chosen, F, pvalue, bics) or None when undefined."""
    pstar = None
    for p in range(pmax, 0, -1):
        fr = granger_frame(series_by_team, "y", "x", p)
        if len(fr) and len(fr) - n_effects(fr) - 2 * p >= 1:
            pstar = p
            break
    if pstar is None:
        return None
    common = granger_frame(series_by_team, "y", "x", pstar)
    bics = []
    for p in range(1, pstar + 1):
        xcols = [f"y_l{j}" for j in range(1, p + 1)] + [f"x_l{j}" for j in range(1, p + 1)]
        res = fe_ols(common, "y", xcols)
        if res is None:
            return None
        bics.append(float(res.bic))
    best = 0
    for i in range(1, len(bics)):
        if bics[i] < bics[best]:
            best = i
    p = best + 1
    F, pv = granger_f(series_by_team, p)
    return p, F, pv, bics


def granger_f(series_by_team, p):
    """(F, p-value) of the Granger test at order p on every row complete for p, or (None, None)."""
    fr = granger_frame(series_by_team, "y", "x", p)
    ylags = [f"y_l{j}" for j in range(1, p + 1)]
    xlags = [f"x_l{j}" for j in range(1, p + 1)]
    ru = fe_ols(fr, "y", ylags + xlags)
    rr = fe_ols(fr, "y", ylags)
    if ru is None or rr is None:
        return None, None
    df_u = ru.df_resid
    F = ((rr.ssr - ru.ssr) / p) / (ru.ssr / df_u)
    return num(F), num(st.f.sf(F, p, df_u))


# ----------------------------------------------------------------------------- forecast

K_WINDOW = 6     # calibration-window origins (METHODS.md's K)
SEASON_LENGTH = {"month": 12, "quarter": 4, "week": 52, "day": 7}


def season_slot(freq, index):
    """Slot of a calendar index in its year (METHODS.md "Season")."""
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



def organisation_df(w, df_resid):
    """The organisation figure's t df (docs/DECISIONS.md): k, the window origins behind kappa^2, where kappa^2 > 1
    binds (a variance estimated from k squared errors); the fit's residual df where kappa^2 = 1."""
    return w["k"] if w["kappa2"] > 1 else df_resid

class Model:
    """The forecast model of METHODS.md "Forecast" on a panel, the plain way: for every fit an
    explicit dense design [team dummies | team x t | season dummies | lag columns] fitted with
    ``sm.OLS(z, X).fit()``; predictions from ``res.get_prediction(x0)``."""

    def __init__(self, panel, target, drivers, p, seasonal, aggregation, alpha, transform, trends_opt, calibration):
        self.P = panel
        self.target, self.drivers, self.p = target, drivers, p
        self.measures = [target] + drivers
        self.seasonal = seasonal and panel.frequency in SEASON_LENGTH
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
        return season_slot(self.P.frequency, self.P.first + t) if self.seasonal else None

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

    def organisation_interval(self, f, preds, w):
        """The organisation figure T and its interval's half width t(1 - alpha/2, df) * sqrt(kappa2 * V), df from
        organisation_df (w: the calibration window's result)."""
        T, V = self.organisation(f, preds)
        tq = float(st.t.ppf(1 - self.alpha / 2, organisation_df(w, f["res"].df_resid)))
        return T, tq * math.sqrt(w["kappa2"] * V)

    def s_scale(self, team, c):
        s = self.series[self.target][team][: c + 1]
        ch = [abs(s[t] - s[t - 1]) for t in range(1, len(s)) if not np.isnan(s[t]) and not np.isnan(s[t - 1])]
        if not ch or np.mean(ch) == 0:
            return None
        return float(np.mean(ch))

    # ---- calibration window
    def window(self, logs, o, h):
        origins = list(range(max(0, o - h - K_WINDOW + 1), o - h + 1)) if o - h >= 0 else []

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


def load_model(dataset, target, drivers, p, transform, trends, calibration, seasonal, confidence):
    """The dataset's panel and the model of METHODS.md on it: (M, panel, target, drivers, aggregation)."""
    tidy, scorecard = read_dataset(dataset)
    target = target or scorecard["roi"]["return"]
    drivers = default_drivers(scorecard, target) if drivers is None else drivers
    panel = Panel(tidy, scorecard)
    aggregation = panel.aggregation(target)
    M = Model(panel, target, drivers, p, seasonal == "auto", aggregation, 1 - confidence, transform, trends, calibration)
    return M, panel, target, drivers, aggregation
