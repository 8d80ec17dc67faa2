# The lead-lag section (METHODS.md "Lead-lag"): pooled lag correlations with two-way fixed effects,
# the panel Granger test, Benjamini-Hochberg and the verdicts; compared and plotted.
#
# Source of the Python cells of `scorecard export notebook` (issue #17). Each `# %% CELL-ID` line starts
# a code cell with that id; the cell is the text up to the next marker, trailing blank lines dropped.
# The cells of all files run in one namespace, in the notebook's order (NotebookExport.notebook()):
# names used here may come from earlier cells. The build compiles these files into the binary as
# `NotebookPython` (the NotebookCells tool, run by NotebookCellsPlugin): after editing, rebuild and run
# notebooks-export/regenerate.sh.


# %% leadlag-recompute
SIGNS = {"positive": 1, "+": 1, "negative": -1, "-": -1}
DEFAULT_K = {"month": 12, "quarter": 4, "week": 13, "year": 3, "day": 7}
K = PARAMS["leadlag"]["max_lag"]
if PARAMS["leadlag"]["max_lag_option"] is None:
    assert K == DEFAULT_K[FREQ], (K, FREQ)
PAIRS = [(l["from"], l["to"], SIGNS[str(l["sign"])] if l.get("sign") is not None else None) for l in LINKS]
assert PAIRS == [(p["leader"], p["lagger"], SIGNS.get(p["sign"])) for p in PARAMS["leadlag"]["pairs"]], PAIRS


def fe_ols(frame, ycol, xcols):
    """OLS of ycol on xcols + team dummies + period dummies (first period dropped); one team: a
    constant. None when the sample is empty, df < 1 or the design is rank-deficient."""
    n = len(frame)
    if n == 0:
        return None
    teams = sorted(set(frame["team"]))
    if len(teams) == 1:
        fe = np.ones((n, 1))
    else:
        td = pd.get_dummies(pd.Categorical(frame["team"], categories=teams)).to_numpy(dtype=float)
        periods = sorted(set(frame["period"]))
        pdum = pd.get_dummies(pd.Categorical(frame["period"], categories=periods)).to_numpy(dtype=float)
        fe = np.hstack([td, pdum[:, 1:]])
    design = np.hstack([frame[xcols].to_numpy(dtype=float), fe])
    k = design.shape[1]
    if n - k < 1 or np.linalg.matrix_rank(design) < k:
        return None
    return sm.OLS(frame[ycol].to_numpy(dtype=float), design).fit()


def lag_frame(leader, lagger, k):
    """(team, period of y, x[i,t], y[i,t+k]) with both present."""
    recs = []
    for team in TEAMS:
        x, y = series(team, leader), series(team, lagger)
        for t in range(P - k):
            if not np.isnan(x[t]) and not np.isnan(y[t + k]):
                recs.append((team, t + k, x[t], y[t + k]))
    return pd.DataFrame(recs, columns=["team", "period", "x", "y"])


def pooled_lag_rows(leader, lagger):
    rows = []
    for k in range(K + 1):
        fr = lag_frame(leader, lagger, k)
        row = dict(leader=leader, lagger=lagger, lag=k, n=len(fr), r=np.nan, t=np.nan, p_value=np.nan)
        res = fe_ols(fr, "y", ["x"])
        if res is not None:
            tv, df = float(res.tvalues[0]), float(res.df_resid)
            row.update(t=tv, p_value=float(res.pvalues[0]), r=tv / math.sqrt(tv * tv + df))
        rows.append(row)
    return rows


def granger_frame(series_by_team, p):
    """(team, period, y_t, y_{t-1..t-p}, x_{t-1..t-p}) with every term present."""
    names = ["y"] + [f"y_l{j}" for j in range(1, p + 1)] + [f"x_l{j}" for j in range(1, p + 1)]
    recs = []
    for team, (y, x) in series_by_team.items():
        for t in range(p, len(y)):
            vals = [y[t]] + [y[t - j] for j in range(1, p + 1)] + [x[t - j] for j in range(1, p + 1)]
            if not np.any(np.isnan(vals)):
                recs.append([team, t] + vals)
    return pd.DataFrame(recs, columns=["team", "period"] + names)


def n_effects(frame):
    teams = frame["team"].nunique()
    return 1 if teams == 1 else teams + frame["period"].nunique() - 1


def granger_f(series_by_team, p):
    fr = granger_frame(series_by_team, p)
    ylags, xlags = [f"y_l{j}" for j in range(1, p + 1)], [f"x_l{j}" for j in range(1, p + 1)]
    ru, rr = fe_ols(fr, "y", ylags + xlags), fe_ols(fr, "y", ylags)
    if ru is None or rr is None:
        return np.nan, np.nan
    F = ((rr.ssr - ru.ssr) / p) / (ru.ssr / ru.df_resid)
    return float(F), float(st.f.sf(F, p, ru.df_resid))


def granger(series_by_team, pmax):
    """(chosen p, F, p-value) of the panel Granger test, or None when undefined."""
    pstar = next((p for p in range(pmax, 0, -1)
                  if len(fr := granger_frame(series_by_team, p)) and len(fr) - n_effects(fr) - 2 * p >= 1), None)
    if pstar is None:
        return None
    common = granger_frame(series_by_team, pstar)
    bics = []
    for p in range(1, pstar + 1):
        res = fe_ols(common, "y", [f"y_l{j}" for j in range(1, p + 1)] + [f"x_l{j}" for j in range(1, p + 1)])
        if res is None:
            return None
        bics.append(float(res.bic))
    p = 1 + min(range(len(bics)), key=lambda i: (bics[i], i))   # smallest BIC, ties: smaller p
    F, pv = granger_f(series_by_team, p)
    return p, F, pv


def eligible_lags(leader, lagger):
    """Lags that may be the best lag: the sample spans at least half as many periods of y as the
    widest lag sample, and leaves at least 10 residual df (docs/DECISIONS.md, issue #14)."""
    shapes = {}
    for k in range(K + 1):
        fr = lag_frame(leader, lagger, k)
        if len(fr) == 0:
            shapes[k] = (0, -1)
            continue
        teams, periods = fr["team"].nunique(), fr["period"].nunique()
        shapes[k] = (periods, len(fr) - (1 if teams == 1 else teams + periods - 1) - 1)
    span = max(p for p, _ in shapes.values())
    return {k for k, (p, df) in shapes.items() if 2 * p >= span and df >= 10}


def best_lag(rows, eligible):
    defined = [r for r in rows if r["lag"] >= 1 and not np.isnan(r["r"]) and r["lag"] in eligible]
    if not defined:
        return None
    top = max(abs(r["r"]) for r in defined)
    return next(r for r in defined if abs(r["r"]) >= top * (1 - 1e-10))


def verdict(s, sign):
    if np.isnan(s["granger_p"]):
        return "insufficient data"
    if s["granger_q"] < 0.05:
        if sign is None:
            return "supported"
        if np.isnan(s["r"]):
            return "insufficient data"
        return "supported" if s["r"] * sign > 0 else "contradicted"
    if not np.isnan(s["reverse_q"]) and s["reverse_q"] < 0.05:
        return "reversed"
    return "not supported"


LEADLAG_COLUMNS = ["leader", "lagger", "best_lag", "r", "p_value", "granger_lags", "granger_f", "granger_p",
                   "granger_q", "reverse_f", "reverse_p", "reverse_q", "verdict"]
lag_rows, summaries = [], []
for leader, lagger, sign in PAIRS:
    rows = pooled_lag_rows(leader, lagger)
    # A measure the same for every team is absorbed by the period effects: r is rounding noise.
    flat = len(TEAMS) > 1 and not (varies_between_teams(leader) and varies_between_teams(lagger))
    if flat:
        for row in rows:
            row.update(r=np.nan, t=np.nan, p_value=np.nan)
    lag_rows += rows
    s = dict.fromkeys(LEADLAG_COLUMNS, np.nan)
    s.update(leader=leader, lagger=lagger)
    if (b := best_lag(rows, eligible_lags(leader, lagger))) is not None:
        s.update(best_lag=b["lag"], r=b["r"], p_value=b["p_value"])
    forward = {tm: (series(tm, lagger), series(tm, leader)) for tm in TEAMS}
    if not flat and (g := granger(forward, min(K, 6))) is not None:
        s.update(granger_lags=g[0], granger_f=g[1], granger_p=g[2])
        reverse = {tm: (series(tm, leader), series(tm, lagger)) for tm in TEAMS}
        s["reverse_f"], s["reverse_p"] = granger_f(reverse, g[0])
    summaries.append(s)
family = [(i, key) for i, s in enumerate(summaries) for key in ("granger_p", "reverse_p") if not np.isnan(s[key])]
if family:
    q = multipletests([summaries[i][key] for i, key in family], method="fdr_bh")[1]
    for (i, key), qv in zip(family, q):
        summaries[i]["granger_q" if key == "granger_p" else "reverse_q"] = float(qv)
for s, (_, _, sign) in zip(summaries, PAIRS):
    s["verdict"] = verdict(s, sign)
OURS["leadlag_lags"] = pd.DataFrame(lag_rows, columns=["leader", "lagger", "lag", "n", "r", "t", "p_value"])
OURS["leadlag"] = pd.DataFrame(summaries, columns=LEADLAG_COLUMNS)
OURS["leadlag"][["leader", "lagger", "best_lag", "granger_lags", "verdict"]]


# %% leadlag-compare
compare("leadlag_lags", ENGINE["leadlag_lags"], OURS["leadlag_lags"], ["leader", "lagger", "lag"],
        numbers=["r", "t"], probabilities=["p_value"], exact=["n"])
compare("leadlag", ENGINE["leadlag"], OURS["leadlag"], ["leader", "lagger"],
        numbers=["r", "granger_f", "reverse_f"],
        probabilities=["p_value", "granger_p", "granger_q", "reverse_p", "reverse_q"],
        exact=["best_lag", "granger_lags", "verdict"])
side_by_side(ENGINE["leadlag"], OURS["leadlag"], ["leader", "lagger"], ["granger_f", "granger_q", "verdict"])


# %% leadlag-plot
lags, summary = OURS["leadlag_lags"], OURS["leadlag"]
if len(summary):
    fig, ax = plt.subplots(figsize=(9, 4.8))
    for leader, lagger, _ in PAIRS:
        ours = lags[(lags["leader"] == leader) & (lags["lagger"] == lagger)]
        theirs = ENGINE["leadlag_lags"][(ENGINE["leadlag_lags"]["leader"] == leader) & (ENGINE["leadlag_lags"]["lagger"] == lagger)]
        line, = ax.plot(ours["lag"], ours["r"], "-", label=plain(f"{leader} → {lagger}"))
        ax.plot(theirs["lag"], theirs["r"].astype(float), "o", ms=4, color=line.get_color())
    ax.axhline(0, color="black", lw=0.6)
    ax.set_xlabel(f"lag k ({FREQ}s by which the lagger trails the leader)")
    ax.set_ylabel("partial correlation r (−1 to 1)")
    ax.set_title("Pooled lag correlation with team and period effects")
    ax.legend(fontsize="small")
    plt.show()

    fig, ax = plt.subplots(figsize=(9, 0.55 * len(summary) + 1.6))
    ypos = np.arange(len(summary))
    strength = lambda q: -np.log10(np.clip(q.astype(float), 1e-300, 1))
    ax.barh(ypos - 0.2, strength(summary["granger_q"]), height=0.4, label="leader → lagger (forward)")
    ax.barh(ypos + 0.2, strength(summary["reverse_q"]), height=0.4, label="lagger → leader (reverse)")
    ax.axvline(-math.log10(0.05), color="red", ls="--", lw=1, label="q = 0.05")
    ax.set_yticks(ypos, [plain(f"{a} → {b}: {v}") for a, b, v in zip(summary["leader"], summary["lagger"], summary["verdict"])])
    ax.invert_yaxis()
    ax.set_xlabel("−log10 q (Benjamini-Hochberg); right of the dashed line: q < 0.05")
    ax.set_title("Granger tests")
    ax.legend(fontsize="small", loc="lower right")
    plt.show()
