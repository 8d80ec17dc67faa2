# The rank section: Scorecard's ranking against the one of roi.py, and its plot.
#
# Source of the Python cells of `scorecard export notebook` (issue #17). Each `# %% CELL-ID` line starts
# a code cell with that id; the cell is the text up to the next marker, trailing blank lines dropped.
# The cells of all files run in one namespace, in the notebook's order (NotebookExport.notebook()):
# names used here may come from earlier cells. The build compiles these files into the binary as
# `NotebookPython` (the NotebookCells tool, run by NotebookCellsPlugin): after editing, rebuild and run
# notebooks-export/regenerate.sh.


# %% rank-compare
compare("rank", ENGINE["rank"], OURS["rank"], ["team"], numbers=["roi", "return", "cost"],
        exact=["rank", "quartile", "note"])
side_by_side(ENGINE["rank"], OURS["rank"], ["team"], ["rank", "roi", "quartile"])


# %% rank-plot
ranked = OURS["rank"].dropna(subset=["roi"])
if len(ranked):
    colours = {"Q1": "tab:green", "Q2": "tab:olive", "Q3": "tab:orange", "Q4": "tab:red"}
    fig, ax = plt.subplots(figsize=(10, 4.5))
    ax.bar(np.arange(1, len(ranked) + 1), ranked["roi"].astype(float) * 100,
           color=[colours[q] for q in ranked["quartile"]])
    for edge in np.percentile(ranked["roi"].astype(float), [25, 50, 75]):
        ax.axhline(edge * 100, color="black", ls=":", lw=0.8)
    ax.legend(handles=[plt.Rectangle((0, 0), 1, 1, color=c) for c in colours.values()], labels=list(colours),
              title="quartile", loc="upper right")
    ax.set_xlabel("team position, best ROI first (dotted: quartile edges)")
    ax.set_ylabel("sales ROI (%): (Σ return − Σ cost) / Σ cost × 100")
    ax.set_title(plain(f"Sales ROI by team, {LABELS[0]} to {LABELS[-1]} ({ROI['return']} vs {ROI['cost']})"))
    plt.show()
