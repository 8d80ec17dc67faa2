# The last cell of every exported notebook: every comparison's outcome, asserted.
#
# Source of the Python cells of `scorecard export notebook` (issue #17). Each `# %% CELL-ID` line starts
# a code cell with that id; the cell is the text up to the next marker, trailing blank lines dropped.
# The cells of all files run in one namespace, in the notebook's order (NotebookExport.notebook()):
# names used here may come from earlier cells. The build compiles these files into the binary as
# `NotebookPython` (the NotebookCells tool, run by NotebookCellsPlugin): after editing, rebuild and run
# notebooks-export/regenerate.sh.


# %% agreement
summary = pd.DataFrame(CHECKS)
display(summary[["table", "rows", "values", "largest_relative_difference", "largest_share_of_tolerance", "problems"]])
expected = set(ENGINE)
assert expected and expected == {c["table"] for c in CHECKS}, f"compared {[c['table'] for c in CHECKS]}, expected {sorted(expected)}"
failed = [c for c in CHECKS if c["problems"]]
assert not failed, "disagreements: " + "; ".join(f"{c['table']}: {c['problems']} (first: {c['first_problem']})" for c in failed)
print(f"AGREEMENT: all {len(CHECKS)} tables ({summary['rows'].sum()} rows, {summary['values'].sum()} values) "
      f"agree with the recomputation within METHODS.md's tolerances.")
