# The forecast section (METHODS.md "Forecast"): the pooled ARX per horizon with statsmodels, the
# calibration window, the organisation figure and the backtest; compared and plotted.
#
# Source of the Python cells of `scorecard export notebook` (issue #17). Each `# %% CELL-ID` line starts
# a code cell with that id; the cell is the text up to the next marker, trailing blank lines dropped.
# The cells of all files run in one namespace, in the notebook's order (NotebookExport.notebook()):
# names used here may come from earlier cells. The build compiles these files into the binary as
# `NotebookPython` (the NotebookCells tool, run by NotebookCellsPlugin): after editing, rebuild and run
# notebooks-export/regenerate.sh.


# %% forecast-recompute
FC = PARAMS["forecast"]
TARGET = FC["target_option"] or ROI["return"]
DRIVERS = FC["drivers_option"] if FC["drivers_option"] is not None else \
    list(dict.fromkeys(l["from"] for l in LINKS if l["to"] == TARGET and l["from"] != TARGET))
LAGS, H, B, ALPHA = FC["lags"], FC["horizon"], FC["backtest"], 1 - FC["confidence"]
assert (TARGET, DRIVERS) == (FC["target"], FC["drivers"]), (TARGET, DRIVERS, FC)
MEASURES_FC = [TARGET] + DRIVERS
AGG = aggregation(TARGET)
K_WINDOW = 6
SEASON_LENGTH = {"month": 12, "quarter": 4, "week": 52, "day": 7}
TRANSFORM, TEAM_TRENDS, CALIBRATION = FC["transform"], FC["team_trends"], FC["calibration"]
SEASONAL = FC["seasonal"] == "auto" and FREQ in SEASON_LENGTH
SER = {m: {team: series(team, m) for team in TEAMS} for m in MEASURES_FC}
print(f"target {TARGET} ({AGG}); drivers {DRIVERS}; {LAGS} lags; horizons 1..{H}; backtest origins {B}; "
      f"--transform {TRANSFORM} --seasonal {FC['seasonal']} --team-trends {TEAM_TRENDS} --calibration {CALIBRATION} "
      f"--confidence {FC['confidence']}")


def season_slot(index):
    """Month of year, quarter, month of the ISO week's Thursday, weekday (Monday 0); None for years."""
    if FREQ == "month":
        return index % 12
    if FREQ == "quarter":
        return index % 4
    if FREQ == "week":
        return (dt.date.fromordinal(index * 7 + 1) + dt.timedelta(days=3)).month - 1
    if FREQ == "day":
        return dt.date.fromordinal(index).weekday()
    return None


def first_nonpositive(m, o):
    return any(np.any(SER[m][team][: o + 1] <= 0) for team in TEAMS)


def elasticity(o):
    """Slope of ln(mean |one-step change|) on ln(mean level) over teams with 3+ changes (None: < 5 teams)."""
    lm, ld = [], []
    for team in TEAMS:
        s = SER[TARGET][team][: o + 1]
        ch = [abs(s[t] - s[t - 1]) for t in range(1, len(s)) if not np.isnan(s[t]) and not np.isnan(s[t - 1])]
        if len(ch) < 3:
            continue
        m, d = np.nanmean(s), np.mean(ch)
        if m > 0 and d > 0:
            lm.append(math.log(m))
            ld.append(math.log(d))
    return float(sm.OLS(np.array(ld), sm.add_constant(np.array(lm))).fit().params[1]) if len(lm) >= 5 else None


def decide_scale(o):
    """(log target?, log each driver?) decided on the data up to o (`--transform auto`), or as asked."""
    if TRANSFORM == "auto":
        b = None if first_nonpositive(TARGET, o) else elasticity(o)
        log = b is not None and b >= 0.5
    else:
        log = TRANSFORM == "log"
    return (log,) + tuple(log and not first_nonpositive(d, o) for d in DRIVERS)


def zval(logs, k, team, t):
    v = SER[MEASURES_FC[k]][team][t]
    return math.log(v) if logs[k] else v


def lag_row(logs, team, t):
    out = []
    for k, m in enumerate(MEASURES_FC):
        for j in range(LAGS):
            if t - j < 0 or np.isnan(SER[m][team][t - j]):
                return None
            out.append(zval(logs, k, team, t - j))
    return out


def slot(t):
    return season_slot(FIRST + t) if SEASONAL else None


FITS = {}


def fit(logs, cutoff, h, trends):
    """OLS with team dummies, team x t (teams with 3+ rows), season dummies and the lags, on rows whose
    target period is at or before `cutoff`; None when there is no row, no df or the design is rank-deficient."""
    key = (logs, cutoff, h, trends)
    if key in FITS:
        return FITS[key]
    rows = [(team, t, zval(logs, 0, team, t + h), reg) for team in TEAMS for t in range(LAGS - 1, cutoff - h + 1)
            if not np.isnan(SER[TARGET][team][t + h]) and (reg := lag_row(logs, team, t)) is not None]
    FITS[key] = None
    if not rows:
        return None
    teams = [tm for tm in TEAMS if any(r[0] == tm for r in rows)]
    trended = [tm for tm in teams if trends and sum(r[0] == tm for r in rows) >= 3]
    slots = sorted({slot(r[1] + h) for r in rows}) if SEASONAL else []
    dummies = slots[1:]

    def xrow(team, t, reg, s):
        return ([float(team == tm) for tm in teams] + [float(t) if team == tm else 0.0 for tm in trended]
                + [float(s == d) for d in dummies] + list(reg))

    X = np.array([xrow(r[0], r[1], r[3], slot(r[1] + h)) for r in rows])
    if X.shape[0] - X.shape[1] < 1 or np.linalg.matrix_rank(X) < X.shape[1]:
        return None
    # QR, not statsmodels' default pinv: on the level scale with team trends the dense design is
    # ill-conditioned (dummies beside lags in the target's units), and pinv's ~1e-9 relative error in
    # the forecast became 4e-7 in a bound near 0; QR agrees with Scorecard's within-team fit to ~1e-12.
    res = sm.OLS(np.array([r[2] for r in rows]), X).fit(method="qr")
    tt = np.array([r[1] + h for r in rows])
    num = sum(res.resid[tt == t].sum() ** 2 - (res.resid[tt == t] ** 2).sum() for t in set(tt))
    den = sum((tt == t).sum() * ((tt == t).sum() - 1) for t in set(tt))
    rho = min(1.0, max(0.0, num / (res.scale * den))) if den > 0 else 0.0
    FITS[key] = dict(res=res, xrow=xrow, teams=set(teams), rho=rho, h=h, logs=logs)
    return FITS[key]


def predict(f, o, teams):
    out = []
    for team in teams:
        if team in f["teams"] and (reg := lag_row(f["logs"], team, o)) is not None:
            x0 = np.array([f["xrow"](team, o, reg, slot(o + f["h"]))])
            pr = f["res"].get_prediction(x0)
            out.append(dict(team=team, z=float(pr.predicted_mean[0]), v=float(pr.se_obs[0] ** 2), x0=x0[0]))
    return out


def level(logs, z, v):
    return math.exp(z + v / 2) if logs[0] else z


def organisation(f, preds):
    """The figure by the target's aggregation and its V (rho, delta method on the log scale)."""
    c = 1.0 if AGG == "sum" else 1.0 / len(preds)
    levels = np.array([level(f["logs"], p["z"], p["v"]) for p in preds])
    w = c * levels if f["logs"][0] else np.full(len(preds), c)
    X0 = np.array([p["x0"] for p in preds])
    s2 = f["res"].scale
    V = s2 * ((w ** 2).sum() + f["rho"] * (w.sum() ** 2 - (w ** 2).sum())) + w @ X0 @ f["res"].cov_params() @ X0.T @ w
    return c * levels.sum(), V


def mase_scale(team, c):
    s = SER[TARGET][team][: c + 1]
    ch = [abs(s[t] - s[t - 1]) for t in range(1, len(s)) if not np.isnan(s[t]) and not np.isnan(s[t - 1])]
    return float(np.mean(ch)) if ch and np.mean(ch) > 0 else None


def window(logs, o, h):
    """Trends kept where they forecast better; split-conformal q; kappa^2 (the K earlier origins)."""
    origins = list(range(max(0, o - h - K_WINDOW + 1), o - h + 1)) if o - h >= 0 else []

    def tally(trends):
        std, scaled, ratios = [], [], []
        for c in origins:
            f = fit(logs, c, h, trends)
            preds = predict(f, c, [tm for tm in TEAMS if not np.isnan(SER[TARGET][tm][c + h])]) if f else []
            if not preds:
                continue
            for p in preds:
                std.append(abs(zval(logs, 0, p["team"], c + h) - p["z"]) / math.sqrt(p["v"]))
                if (s := mase_scale(p["team"], c)) is not None:
                    scaled.append(abs(SER[TARGET][p["team"]][c + h] - level(logs, p["z"], p["v"])) / s)
            actual = [SER[TARGET][p["team"]][c + h] for p in preds]
            T, V = organisation(f, preds)
            if V > 0:
                ratios.append(((sum(actual) if AGG == "sum" else np.mean(actual)) - T) ** 2 / V)
        return std, scaled, ratios

    if TEAM_TRENDS == "auto":
        on, off = tally(True), tally(False)
        trends = len(on[1]) >= 20 and len(off[1]) >= 20 and np.mean(on[1]) < np.mean(off[1])
        std, _, ratios = on if trends else off
    else:
        trends = TEAM_TRENDS == "on"
        std, _, ratios = tally(trends)
    if CALIBRATION == "none":
        return trends, None, 1.0, 0
    rank = math.ceil((len(std) + 1) * (1 - ALPHA))
    q = sorted(std)[rank - 1] if len(std) >= 20 and rank <= len(std) else None
    return trends, q, max(1.0, float(np.mean(ratios))) if len(ratios) >= 3 else 1.0, len(ratios)


L = P - 1
LOGS = decide_scale(L)
print("scale:", "log" if LOGS[0] else "levels")
forecast_rows = []
for h in range(1, H + 1):
    trends, q, kappa2, k_win = window(LOGS, L, h)
    f = fit(LOGS, L, h, trends)
    tq = st.t.ppf(1 - ALPHA / 2, f["res"].df_resid)
    q = tq if q is None else q
    print(f"h={h}: team trends {'kept' if trends else 'dropped'}; q = {q:.4f}; kappa^2 = {kappa2:.4f}; rho = {f['rho']:.4f}")
    for p in predict(f, L, TEAMS):
        half = q * math.sqrt(p["v"])
        point, lo, hi = ((level(LOGS, p["z"], p["v"]), math.exp(p["z"] - half), math.exp(p["z"] + half)) if LOGS[0]
                         else (p["z"], p["z"] - half, p["z"] + half))
        forecast_rows.append(dict(team=p["team"], measure=TARGET, period=period_label(FREQ, FIRST + L + h), horizon=h,
                                  forecast=point, lower=lo, upper=hi))
OURS["forecast"] = pd.DataFrame(forecast_rows, columns=["team", "measure", "period", "horizon", "forecast", "lower", "upper"])

if B:
    acc = {(m, h): dict(n=0, ape=[], scaled=[], cov=0) for m in ("arx", "naive", "snaive", "total") for h in range(1, H + 1)}
    S = SEASON_LENGTH.get(FREQ)
    for o in range(L - B, L):
        logs = decide_scale(o)
        for h in range(1, H + 1):
            if o + h > L:
                continue
            trends, q, kappa2, k_win = window(logs, o, h)
            f = fit(logs, o, h, trends)
            if f is None:
                continue
            tq = st.t.ppf(1 - ALPHA / 2, f["res"].df_resid)
            q = tq if q is None else q
            preds = predict(f, o, TEAMS)
            for p in preds:
                team, actual = p["team"], SER[TARGET][p["team"]][o + h]
                if np.isnan(actual):
                    continue
                half = q * math.sqrt(p["v"])
                lo, hi = (math.exp(p["z"] - half), math.exp(p["z"] + half)) if logs[0] else (p["z"] - half, p["z"] + half)
                s = mase_scale(team, o)
                cands = [("arx", level(logs, p["z"], p["v"])), ("naive", SER[TARGET][team][o])]
                if S and o + h - S >= 0 and not np.isnan(SER[TARGET][team][o + h - S]):
                    cands.append(("snaive", SER[TARGET][team][o + h - S]))
                for model, fc in cands:
                    a = acc[(model, h)]
                    a["n"] += 1
                    if actual != 0:
                        a["ape"].append(100 * abs(actual - fc) / abs(actual))
                    if s is not None:
                        a["scaled"].append(abs(actual - fc) / s)
                    a["cov"] += model == "arx" and lo <= actual <= hi
            members = [p["team"] for p in preds]
            if members and all(not np.isnan(SER[TARGET][tm][o + h]) for tm in members):
                T, V = organisation(f, preds)
                half = (st.t.ppf(1 - ALPHA / 2, k_win) if kappa2 > 1 else tq) * math.sqrt(kappa2 * V)
                agg = lambda vals: sum(vals) if AGG == "sum" else sum(vals) / len(vals)
                actual = agg([SER[TARGET][tm][o + h] for tm in members])
                hist = [None if any(np.isnan(SER[TARGET][tm][t]) for tm in members) else agg([SER[TARGET][tm][t] for tm in members])
                        for t in range(o + 1)]
                ch = [abs(hist[t] - hist[t - 1]) for t in range(1, o + 1) if hist[t] is not None and hist[t - 1] is not None]
                a = acc[("total", h)]
                a["n"] += 1
                if actual != 0:
                    a["ape"].append(100 * abs(actual - T) / abs(actual))
                if ch and np.mean(ch) > 0:
                    a["scaled"].append(abs(actual - T) / np.mean(ch))
                a["cov"] += T - half <= actual <= T + half
    backtest_rows = [dict(model=m, horizon=h, n=acc[(m, h)]["n"], mape=np.mean(acc[(m, h)]["ape"]) if acc[(m, h)]["ape"] else np.nan,
                          mase=np.mean(acc[(m, h)]["scaled"]) if acc[(m, h)]["scaled"] else np.nan,
                          coverage=acc[(m, h)]["cov"] / acc[(m, h)]["n"] if m in ("arx", "total") and acc[(m, h)]["n"] else np.nan)
                     for m in ("arx", "naive", "snaive", "total") if m != "snaive" or SEASONAL for h in range(1, H + 1)]
    OURS["forecast_backtest"] = pd.DataFrame(backtest_rows, columns=["model", "horizon", "n", "mape", "mase", "coverage"])
print(f"{len(OURS['forecast'])} team forecasts recomputed")


# %% forecast-compare
compare("forecast", ENGINE["forecast"], OURS["forecast"], ["team", "horizon"],
        numbers=["forecast", "lower", "upper"], exact=["measure", "period"])
if B:
    compare("forecast_backtest", ENGINE["forecast_backtest"], OURS["forecast_backtest"], ["model", "horizon"],
            numbers=["mape", "mase", "coverage"], exact=["n"])
side_by_side(ENGINE["forecast"], OURS["forecast"], ["team", "horizon"], ["forecast", "lower", "upper"])


# %% forecast-plot
fc = OURS["forecast"]
if len(fc):
    shown = list(fc[fc["horizon"] == 1].sort_values("forecast", ascending=False)["team"].head(3))
    fig, ax = plt.subplots(figsize=(10, 4.8))
    history = min(P, 12)
    slots = {label: j for j, label in enumerate(period_label(FREQ, FIRST + j) for j in range(P + H + 1))}
    for team in shown:
        y = series(team, TARGET)
        line, = ax.plot(range(P - history, P), y[P - history:], "-o", ms=3, label=plain(f"{team}: actual"))
        f = fc[fc["team"] == team]
        x = [slots[p] for p in f["period"]]
        ax.errorbar(x, f["forecast"], yerr=[f["forecast"] - f["lower"], f["upper"] - f["forecast"]], fmt="s--",
                    capsize=3, color=line.get_color(), label=plain(f"{team}: forecast, {FC['confidence']:.0%} interval"))
    ticks = list(range(P - history, P + H, max(1, (history + H) // 6)))
    ax.set_xticks(ticks, [period_label(FREQ, FIRST + j) for j in ticks], rotation=30)
    ax.set_xlabel(f"period ({FREQ})")
    ax.set_ylabel(plain(f"{TARGET} ({unit(TARGET)} per {FREQ})"))
    ax.set_title(plain(f"{TARGET}: the three largest forecasts, with prediction intervals"))
    ax.legend(fontsize="small")
    plt.show()
if B and len(OURS["forecast_backtest"]):
    bt = OURS["forecast_backtest"]
    fig, ax = plt.subplots(figsize=(7, 4))
    for offset, model in [(-0.27, "arx"), (0.0, "naive"), (0.27, "snaive")]:
        m = bt[bt["model"] == model]
        ax.bar(m["horizon"] + offset, m["mape"].astype(float), width=0.27,
               label={"arx": "pooled ARX (Scorecard's model)", "naive": "naive: last value",
                      "snaive": "seasonal naive"}[model])
    ax.set_xticks(range(1, H + 1))
    ax.set_xlabel(f"horizon ({FREQ}s ahead)")
    ax.set_ylabel("MAPE (%)")
    ax.set_ylim(0, 1.3 * np.nanmax(bt["mape"].astype(float).to_numpy(), initial=1.0))
    ax.set_title(f"Backtest over {B} origins: mean absolute percentage error")
    ax.legend(loc="upper left", ncol=2, fontsize="small")
    plt.show()
