#!/usr/bin/env python3
"""Exported notebooks read exactly what Scorecard read, for every leniency (run by .ci/run).

For each leniency of docs/DECISIONS.md (header names in any case, a leading BOM and CRLF,
quoted values, blank lines, blanks and tabs around a number, the spellings +3 .5 5. 1E3 -0
and 1e-400, `q`/`w` in period labels, a missing-value row that sets the first period,
several measurements files, tidy and wide) and for each case of issue #16 class 8 (a
trailing blank in a value, a header `TEAM,Period,MEASURE,Value`, periods `2023-q1`, a measure
with `id: no`, a wide column named `period`), this script writes a dataset derived from
Tests/Fixtures/hostile-names, checks that Scorecard accepts it, exports `--analysis all`
(trend, lead-lag, rank, quartiles, forecast) and runs the notebook in a real Jupyter kernel,
whose last cell must report agreement with Scorecard's numbers.

Usage: python3 notebooks-export/leniencies.py [--binary PATH] [--keep DIR] [CASE ...]
Exit status 0 when every case passes.
"""

import argparse
import csv
import datetime as dt
import io
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from check import ROOT, execute  # one BLAS thread, and the same kernel run as check.py

FIXTURE = ROOT / "Tests" / "Fixtures" / "hostile-names"
HEADER = ["team", "period", "measure", "value"]
BASE_ROWS = list(csv.reader(open(FIXTURE / "measurements.csv", encoding="utf-8", newline="")))[1:]
BASE_CARD = (FIXTURE / "scorecard.yml").read_text(encoding="utf-8")
MONTHS = sorted({r[1] for r in BASE_ROWS})


def write_csv(path, header, rows, *, bom=False, crlf=False, quote_all=False, blank_every=0):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n" if crlf else "\n",
                        quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
    writer.writerow(header)
    for i, row in enumerate(rows):
        writer.writerow(row)
        if blank_every and i % blank_every == 0:
            out.write("\r\n" if crlf else "\n")
    path.write_bytes(("\ufeff" if bom else "").encode() + out.getvalue().encode("utf-8"))


def relabel(rows, label):
    """The rows with each month replaced by label(index of the month)."""
    index = {m: i for i, m in enumerate(MONTHS)}
    return [[t, label(index[p]), m, v] for t, p, m, v in rows]


def quarters(i, upper=False):
    return f"{2019 + i // 4}-{'Q' if upper else 'q'}{i % 4 + 1}"


def weeks(i):
    return f"2024-w{i + 1:02d}"


def rename_measure(rows, card, old, new):
    """Renames measure `old` to `new` in the rows and the scorecard (ids, links and ROI)."""
    for key in ("id", "from", "to", "return", "cost"):
        card = card.replace(f"{key}: {old}", f"{key}: {new}")
    return [[t, p, new if m == old else m, v] for t, p, m, v in rows], card


def wide(rows):
    """Wide rows (team, period, measure columns in first-seen order) and the measure names."""
    measures = list(dict.fromkeys(m for _, _, m, _ in rows))
    cells = {}
    for t, p, m, v in rows:
        cells.setdefault((t, p), {})[m] = v
    return measures, [[t, p] + [c.get(m, "") for m in measures] for (t, p), c in cells.items()]


def spell(rows, spellings):
    """Rows with the number of row i written as spellings[i % len](value); the missing tokens are
    exact (Scorecard refuses ` NA`), so they stay as they are."""
    return [[t, p, m, v if v in ("", "NA", "NaN", "null") else spellings[i % len(spellings)](v)] for i, (t, p, m, v) in enumerate(rows)]


def case_trailing_blank(d):
    write_csv(d / "m.csv", HEADER, spell(BASE_ROWS, [lambda v: v + " ", lambda v: v, lambda v: " " + v]))


def case_blanks_and_tabs(d):
    write_csv(d / "m.csv", HEADER, spell(BASE_ROWS, [lambda v: "\t" + v + " \t", lambda v: "  " + v, lambda v: v + "\t"]))


def case_header_case(d):
    write_csv(d / "m.csv", ["TEAM", "Period", "MEASURE", "Value"], BASE_ROWS)


def case_quarters_lowercase(d):
    write_csv(d / "m.csv", HEADER, relabel(BASE_ROWS, quarters))


def case_quarters_both_cases_and_flag(d):
    write_csv(d / "m.csv", HEADER, relabel(BASE_ROWS, lambda i: quarters(i, upper=i % 2 == 0)))
    return ["--from", "2019-q3", "--to", "2024-q2"]


def case_weeks_lowercase(d):
    write_csv(d / "m.csv", HEADER, relabel(BASE_ROWS, weeks))


def case_id_no(d):
    rows, card = rename_measure(BASE_ROWS, BASE_CARD, "win_rate", "no")
    rows, card = rename_measure(rows, card, "training_hours", "010")
    rows, card = rename_measure(rows, card, "margin_change", "yes")
    (d / "s.yml").write_text(card, encoding="utf-8")
    write_csv(d / "m.csv", HEADER, rows)


def case_wide_period_column(d):
    rows, card = rename_measure(BASE_ROWS, BASE_CARD, "margin_change", "period")
    (d / "s.yml").write_text(card, encoding="utf-8")
    measures, cells = wide(rows)
    write_csv(d / "m.csv", ["Team", "PERIOD"] + measures, cells)


def case_wide_measure_and_value_columns(d):
    rows, card = rename_measure(BASE_ROWS, BASE_CARD, "margin_change", "value")
    rows, card = rename_measure(rows, card, "win_rate", "measure")
    rows, card = rename_measure(rows, card, "customer_satisfaction", "team")
    (d / "s.yml").write_text(card, encoding="utf-8")
    measures, cells = wide(rows)
    write_csv(d / "m.csv", ["team", "period"] + measures, cells)


def case_bom_crlf(d):
    write_csv(d / "m.csv", HEADER, BASE_ROWS, bom=True, crlf=True)
    (d / "s.yml").write_bytes(("\ufeff" + BASE_CARD).replace("\n", "\r\n").encode("utf-8"))


def case_quoted_values_and_blank_lines(d):
    write_csv(d / "m.csv", HEADER, BASE_ROWS, quote_all=True, blank_every=7)


def case_number_spellings(d):
    def plus(v):
        return "+" + v if not v.startswith("-") and v not in ("", "NA") else v

    def exponent(v):
        return f"{float(v) * 1000!r}E-3".replace("e", "E") if v not in ("", "NA") and "e" not in v.lower() else v

    def trailing_dot(v):
        return v[:-2] + "." if v.endswith(".0") else v

    def leading_dot(v):
        return v[1:] if v.startswith("0.") else v
    rows = spell(BASE_ROWS, [plus, exponent, trailing_dot, leading_dot, lambda v: v])
    rows[5][3], rows[11][3] = "-0", "1e-400"   # -0 is 0; an underflow is 0
    write_csv(d / "m.csv", HEADER, rows)


def case_missing_row_sets_first_period(d):
    rows = BASE_ROWS + [[BASE_ROWS[0][0], "2023-10", "revenue", "NA"], [BASE_ROWS[0][0], "2023-11", "win_rate", ""],
                        [BASE_ROWS[1][0], "2023-12", "sales_cost", "null"], [BASE_ROWS[1][0], "2023-12", "revenue", "NaN"]]
    write_csv(d / "m.csv", HEADER, rows)


def case_several_files(d):
    half = len(BASE_ROWS) // 2
    write_csv(d / "a.csv", ["Team", "Period", "Measure", "Value"], BASE_ROWS[:half], crlf=True)
    measures, cells = wide(BASE_ROWS[half:])
    write_csv(d / "b.csv", ["TEAM", "period"] + measures, cells, bom=True)
    return ["--data", "a.csv", "--data", "b.csv"]


def case_everything(d):
    """Every leniency at once: quarterly labels in both cases, renamed measures, three files."""
    rows, card = rename_measure(relabel(BASE_ROWS, lambda i: quarters(i, upper=i % 3 == 0)), BASE_CARD, "win_rate", "no")
    rows, card = rename_measure(rows, card, "margin_change", "period")
    (d / "s.yml").write_bytes(("\ufeff" + card).encode("utf-8"))
    third = len(rows) // 3
    write_csv(d / "a.csv", ["TEAM", "Period", "MEASURE", "Value"], spell(rows[:third], [lambda v: v + " ", lambda v: "\t" + v]),
              crlf=True, bom=True, blank_every=5)
    measures, cells = wide(rows[third:2 * third])
    write_csv(d / "b.csv", ["team", "PERIOD"] + measures, cells, quote_all=True)
    write_csv(d / "c.csv", HEADER, rows[2 * third:] + [[rows[0][0], "2018-Q4", "revenue", "NA"]])
    return ["--data", "a.csv", "--data", "b.csv", "--data", "c.csv", "--last", "20"]


CASES = {name[len("case_"):].replace("_", "-"): f for name, f in globals().items() if name.startswith("case_")}


WINDOW = ("--from", "--to", "--last")   # options validate does not take


def run_case(binary, name, make, folder, timeout):
    folder.mkdir(parents=True)
    extra = make(folder) or []
    data = [] if "--data" in extra else ["--data", "m.csv"]
    card = ["--scorecard", "s.yml" if (folder / "s.yml").exists() else str(FIXTURE / "scorecard.yml")]
    args = data + card + extra
    # Scorecard accepts the data...
    inputs = [a for i, a in enumerate(args) if a not in WINDOW and (i == 0 or args[i - 1] not in WINDOW)]
    done = subprocess.run([str(binary), "validate"] + inputs, cwd=folder, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"scorecard validate refused it ({done.returncode}): {done.stderr.strip()}")
    # ... and the notebook it exports reads the same data and agrees with every number.
    done = subprocess.run([str(binary), "export", "notebook"] + args + ["--analysis", "all", "--output", "case.ipynb"],
                          cwd=folder, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"scorecard export notebook failed ({done.returncode}): {done.stderr.strip()}")
    nb = nbformat.read(str(folder / "case.ipynb"), as_version=4)
    line = execute(nb, folder, timeout)
    data_out = next(c for c in nb.cells if c.get("id") == "data")
    summary = "".join(o.get("text", "") for o in data_out.get("outputs", []) if o.get("output_type") == "stream").strip()
    return f"{summary}; {line}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--binary", default=str(ROOT / ".build" / "release" / "scorecard"))
    ap.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    ap.add_argument("--keep", metavar="DIR", help="write the cases and executed notebooks under DIR (kept)")
    ap.add_argument("cases", nargs="*", metavar="CASE", help=f"one of {', '.join(CASES)} (default: all)")
    args = ap.parse_args()
    unknown = [c for c in args.cases if c not in CASES]
    if unknown:
        ap.error(f"unknown case {unknown[0]!r}: the cases are {', '.join(CASES)}")
    binary = Path(args.binary).resolve()
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(args.keep).resolve() if args.keep else Path(tmp)
        for name in args.cases or list(CASES):
            start = time.monotonic()
            try:
                outcome = run_case(binary, name, CASES[name], base / name, args.timeout)
                print(f"{name}: {time.monotonic() - start:.1f} s: {outcome}", flush=True)
            except Exception as error:   # noqa: BLE001 - every case is reported
                failures.append(name)
                print(f"{name}: FAILED: {str(error)[-3000:]}", flush=True)
    print(f"{len(CASES) if not args.cases else len(args.cases)} cases, {len(failures)} failed{': ' + ', '.join(failures) if failures else ''}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
