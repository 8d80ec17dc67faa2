# The trend section (METHODS.md "Trend"): recomputed with statsmodels OLS, compared, plotted.
#
# Source of the Python cells of `scorecard export notebook` (issue #17). Each `# %% CELL-ID` line starts
# a code cell with that id; the cell is the text up to the next marker, trailing blank lines dropped.
# The cells of all files run in one namespace, in the notebook's order (NotebookExport.notebook()):
# names used here may come from earlier cells. The build compiles these files into the binary as
# `NotebookPython` (the NotebookCells tool, run by NotebookCellsPlugin): after editing, rebuild and run
# notebooks-export/regenerate.sh.


# %% trend-recompute
TREND_COLUMNS = ["team", "measure", "n", "slope", "intercept", "slope_se", "t", "p_value",
                 "ci_low", "ci_high", "r2", "direction"]


def trend_row(team, measure, y_full):
    present = ~np.isnan(y_full)
    n = int(present.sum())
    if n < 3:
        return None                                   # fewer than 3 values: no row
    t = np.arange(len(y_full), dtype=float)[present]  # calendar index, gaps kept
    y = y_full[present]
    row = dict.fromkeys(TREND_COLUMNS, np.nan)
    row.update(team=team, measure=measure, n=n)
    if np.all(y == y[0]):                             # constant series
        row.update(slope=0.0, intercept=float(y[0]), slope_se=0.0, ci_low=0.0, ci_high=0.0, direction="flat")
        return row
    res = sm.OLS(y, sm.add_constant(t, has_constant="add")).fit()
    ci = res.conf_int(alpha=0.05)
    slope, p = float(res.params[1]), float(res.pvalues[1])
    row.update(slope=slope, intercept=float(res.params[0]), slope_se=float(res.bse[1]), t=float(res.tvalues[1]),
               p_value=p, ci_low=float(ci[1][0]), ci_high=float(ci[1][1]), r2=float(res.rsquared))
    good = slope > 0 if direction(measure) == "higher" else slope < 0
    bad = slope < 0 if direction(measure) == "higher" else slope > 0
    row["direction"] = "improving" if p < 0.05 and good else "declining" if p < 0.05 and bad else "flat"
    return row


OURS["trend"] = pd.DataFrame([r for team in TEAMS for m in MEASURES if (r := trend_row(team, m, series(team, m)))],
                             columns=TREND_COLUMNS)
print(f"{len(OURS['trend'])} trend lines recomputed")


# %% trend-compare
compare("trend", ENGINE["trend"], OURS["trend"], ["team", "measure"],
        numbers=["slope", "intercept", "slope_se", "t", "ci_low", "ci_high", "r2"],
        probabilities=["p_value"], exact=["n", "direction"])
side_by_side(ENGINE["trend"], OURS["trend"], ["team", "measure"], ["slope", "p_value", "direction"])


# %% trend-plot
trend = OURS["trend"]
if len(trend):
    order = [m for m in MEASURES if m in set(trend["measure"])]
    counts = (trend.groupby(["measure", "direction"]).size().unstack(fill_value=0)
              .reindex(index=order, columns=["improving", "flat", "declining"], fill_value=0))
    fig, ax = plt.subplots(figsize=(9, 0.45 * len(counts) + 1.6))
    left = np.zeros(len(counts))
    for name, colour in [("improving", "tab:green"), ("flat", "tab:gray"), ("declining", "tab:red")]:
        ax.barh([plain(m) for m in counts.index], counts[name], left=left, color=colour, label=name)
        left += counts[name].to_numpy()
    ax.invert_yaxis()
    ax.set_xlabel("teams (count)")
    ax.set_ylabel("measure")
    ax.set_title(f"Trend direction per measure, {LABELS[0]} to {LABELS[-1]} (p < 0.05)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1))
    plt.show()

    focus = ROI["return"] if ROI and ROI.get("return") in set(trend["measure"]) else trend["measure"].iloc[0]
    top = ENGINE["trend"][ENGINE["trend"]["measure"] == focus].copy()
    top = top.assign(strength=top["t"].abs().fillna(0)).sort_values("strength", ascending=False).head(4)
    fig, ax = plt.subplots(figsize=(9, 4.5))
    t = np.arange(P)
    for _, r in top.iterrows():
        points, = ax.plot(t, series(r["team"], focus), "o", ms=3,
                          label=plain(f"{r['team']}: {r['slope']:+.4g} {unit(focus)} per {FREQ}"))
        ax.plot(t, r["intercept"] + r["slope"] * t, "-", color=points.get_color())
    ax.set_xlabel(f"t ({FREQ}s since {LABELS[0]})")
    ax.set_ylabel(plain(f"{focus} ({unit(focus)})"))
    ax.set_title(plain(f"Strongest {focus} trends: data (dots) and Scorecard's OLS lines"))
    ax.legend(fontsize="small")
    plt.show()
