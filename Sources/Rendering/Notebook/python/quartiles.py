# The quartiles section (METHODS.md "Quartiles"): top vs bottom ROI quartile, Welch, Mann-Whitney, BH.
#
# Source of the Python cells of `scorecard export notebook` (issue #17). Each `# %% CELL-ID` line starts
# a code cell with that id; the cell is the text up to the next marker, trailing blank lines dropped.
# The cells of all files run in one namespace, in the notebook's order (NotebookExport.notebook()):
# names used here may come from earlier cells. The build compiles these files into the binary as
# `NotebookPython` (the NotebookCells tool, run by NotebookCellsPlugin): after editing, rebuild and run
# notebooks-export/regenerate.sh.


# %% quartiles-recompute
QUARTILE_COLUMNS = ["measure", "top_n", "bottom_n", "top_mean", "bottom_mean", "ratio", "difference", "cohens_d",
                    "welch_t", "welch_df", "p_value", "mw_u", "mw_p", "q_value"]


def top_vs_bottom(measure, top, bottom):
    top, bottom = np.asarray(top, float), np.asarray(bottom, float)
    n1, n2 = len(top), len(bottom)
    row = dict.fromkeys(QUARTILE_COLUMNS, np.nan)
    row.update(measure=measure, top_n=n1, bottom_n=n2)
    if n1:
        row["top_mean"] = float(top.mean())
    if n2:
        row["bottom_mean"] = float(bottom.mean())
    if n1 and n2:
        row["difference"] = row["top_mean"] - row["bottom_mean"]
        if row["bottom_mean"] > 0:
            row["ratio"] = row["top_mean"] / row["bottom_mean"]
    if n1 >= 2 and n2 >= 2:
        v1, v2 = top.var(ddof=1), bottom.var(ddof=1)
        pooled = ((n1 - 1) * v1 + (n2 - 1) * v2) / (n1 + n2 - 2)
        if pooled > 0:
            row["cohens_d"] = (row["top_mean"] - row["bottom_mean"]) / math.sqrt(pooled)
        if v1 / n1 + v2 / n2 > 0:
            res = st.ttest_ind(top, bottom, equal_var=False)
            row.update(welch_t=float(res.statistic), welch_df=float(res.df), p_value=float(res.pvalue))
    if n1 and n2:
        mw = st.mannwhitneyu(top, bottom, alternative="two-sided", method="asymptotic", use_continuity=True)
        row.update(mw_u=float(mw.statistic), mw_p=float(mw.pvalue))
    return row


groups = ranking()
top_teams = list(groups.loc[groups["quartile"] == "Q1", "team"])
bottom_teams = list(groups.loc[groups["quartile"] == "Q4", "team"])
roi_of = dict(zip(groups["team"], groups["roi"]))
rows = [top_vs_bottom("roi", [roi_of[t] for t in top_teams], [roi_of[t] for t in bottom_teams])]
for m in SPECS:
    if m not in MEASURES:
        continue
    def reduced(teams):
        values = [aggregate(series(t, m), aggregation(m)) for t in teams]
        return [v for v in values if v is not None]
    row = top_vs_bottom(m, reduced(top_teams), reduced(bottom_teams))
    if not varies_between_teams(m):
        # The same value for every team in every period: any t or U is rounding noise.
        row.update(cohens_d=np.nan, welch_t=np.nan, welch_df=np.nan, p_value=np.nan, mw_u=np.nan, mw_p=np.nan)
        print(f"{m}: no variation between teams: tests undefined, left out of the BH family")
    rows.append(row)
family = [i for i, r in enumerate(rows) if i > 0 and not np.isnan(r["p_value"])]
if family:
    for i, q in zip(family, multipletests([rows[i]["p_value"] for i in family], method="fdr_bh")[1]):
        rows[i]["q_value"] = float(q)
OURS["quartiles"] = pd.DataFrame(rows, columns=QUARTILE_COLUMNS)
print(f"top quartile: {len(top_teams)} teams, bottom quartile: {len(bottom_teams)} teams")


# %% quartiles-compare
compare("quartiles", ENGINE["quartiles"], OURS["quartiles"], ["measure"],
        numbers=["top_mean", "bottom_mean", "ratio", "difference", "cohens_d", "welch_t", "welch_df", "mw_u"],
        probabilities=["p_value", "mw_p", "q_value"], exact=["top_n", "bottom_n"])
side_by_side(ENGINE["quartiles"], OURS["quartiles"], ["measure"], ["cohens_d", "p_value", "q_value"], n=20)


# %% quartiles-plot
measures = OURS["quartiles"].iloc[1:]
if len(measures):
    fig, ax = plt.subplots(figsize=(9, 0.45 * len(measures) + 1.6))
    significant = measures["q_value"].astype(float) < 0.05
    ax.barh([plain(m) for m in measures["measure"]], measures["cohens_d"].astype(float),
            color=["tab:blue" if s else "tab:gray" for s in significant])
    ax.axvline(0, color="black", lw=0.6)
    ax.invert_yaxis()
    ax.set_xlabel("Cohen's d: top minus bottom quartile mean, in pooled standard deviations")
    ax.set_ylabel("measure (blue: BH q < 0.05)")
    ax.set_title("What separates the top ROI quartile from the bottom one")
    plt.show()
