# The sales ROI ranking (METHODS.md "Rank"), recomputed once for the rank and quartiles sections.
#
# Source of the Python cells of `scorecard export notebook` (issue #17). Each `# %% CELL-ID` line starts
# a code cell with that id; the cell is the text up to the next marker, trailing blank lines dropped.
# The cells of all files run in one namespace, in the notebook's order (NotebookExport.notebook()):
# names used here may come from earlier cells. The build compiles these files into the binary as
# `NotebookPython` (the NotebookCells tool, run by NotebookCellsPlugin): after editing, rebuild and run
# notebooks-export/regenerate.sh.


# %% roi-recompute
assert ROI and {"return": ROI["return"], "cost": ROI["cost"]} == PARAMS["roi"], (ROI, PARAMS["roi"])
RANK_COLUMNS = ["rank", "team", "roi", "return", "cost", "quartile", "note"]


def aggregate(values, how):
    v = values[~np.isnan(values)]
    if len(v) == 0:
        return None
    return float(v.sum()) if how == "sum" else float(v.mean()) if how == "mean" else float(v[-1])


def ranking():
    rows = []
    for team in TEAMS:
        r, c = aggregate(series(team, ROI["return"]), "sum"), aggregate(series(team, ROI["cost"]), "sum")
        row = {"rank": None, "team": team, "roi": None, "return": r, "cost": c, "quartile": "excluded", "note": None}
        if r is None or c is None:
            row["note"] = "no data"
        elif c <= 0:
            row["note"] = "cost <= 0"
        else:
            row["roi"] = (r - c) / c
        rows.append(row)
    ranked = [row for row in rows if row["roi"] is not None]
    if ranked:
        roi = pd.Series([row["roi"] for row in ranked])
        q25, q50, q75 = np.percentile(roi.to_numpy(), [25, 50, 75])
        for row, rk in zip(ranked, roi.rank(method="min", ascending=False)):
            v = row["roi"]
            row["rank"] = int(rk)
            row["quartile"] = "Q1" if v > q75 else "Q2" if v > q50 else "Q3" if v > q25 else "Q4"
        edges = np.percentile(roi.to_numpy(), [0, 25, 50, 75, 100])
        if len(ranked) >= 4 and len(set(edges.tolist())) == 5:    # cross-check with pandas.qcut
            assert list(pd.qcut(roi, 4, labels=["Q4", "Q3", "Q2", "Q1"]).astype(str)) == [r["quartile"] for r in ranked]
    rows.sort(key=lambda row: (row["rank"] is None, row["rank"] or 0, row["team"]))
    return pd.DataFrame(rows, columns=RANK_COLUMNS)


OURS["rank"] = ranking()
print(f"ROI = (Σ {ROI['return']} − Σ {ROI['cost']}) / Σ {ROI['cost']} over {LABELS[0]} to {LABELS[-1]}: "
      f"{OURS['rank']['roi'].notna().sum()} of {len(TEAMS)} teams have one")
