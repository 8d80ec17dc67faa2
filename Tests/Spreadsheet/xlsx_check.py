#!/usr/bin/env python3
"""Excel workbooks in and out (issue #15), checked with real clients (run by .ci/run).

Out: the real binary writes every analysis of datasets/b2b-73 as .xlsx (--output A.xlsx) and
as CSV. Then
* openpyxl opens each workbook: the first sheet is named for the analysis, its header is
  the CSV's, bold, frozen (freeze_panes A2) with an autofilter over the table; every cell
  equals the CSV's field (numbers as numbers to 15 significant digits, empty for empty, text
  exactly); numbers carry number formats (percent for shares and achievement, #,##0 for
  counts, a fixed format elsewhere, never "General"), and the status sheet's RAG cells are
  filled; notes are on a "Notes" sheet;
* LibreOffice Calc converts each workbook back to CSV (raw values, not as shown), which
  equals Scorecard's CSV to 15 significant digits (Calc writes at most 20 decimal places);
* the hostile names of Tests/Fixtures/hostile-names (=HYPERLINK(…), +1, @SUM(A1), -2+3 …)
  are string cells holding the names exactly, and no cell of any sheet is a formula.
In: LibreOffice converts datasets/b2b-73/measurements.csv to .xlsx; every analysis read from
that workbook writes CSV byte-identical to the CSV path.

Usage: python3 Tests/Spreadsheet/xlsx_check.py [--binary PATH]. Needs soffice and openpyxl.
"""

import argparse
import csv
import io
import math
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parents[2]
ANALYSES = ["trend", "leadlag", "rank", "quartiles", "forecast", "status"]
failures = []


def check(ok, message):
    if not ok:
        failures.append(message)


def run(args, **kw):
    return subprocess.run(args, cwd=ROOT, check=True, capture_output=True, **kw)


def compare(name, rows, expected):
    """rows: cells as read back; expected: the CSV's records."""
    check(len(rows) == len(expected), f"{name}: {len(rows)} rows, CSV has {len(expected)}")
    for r, (got, want) in enumerate(zip(rows, expected)):
        got = list(got) + [None] * (len(want) - len(got))
        for c, w in enumerate(want):
            g = got[c]
            if w == "":
                check(g in (None, ""), f"{name} row {r + 1} column {c + 1}: {g!r} where the CSV is empty")
                continue
            try:
                wv = float(w)
                numeric = w.strip().lower() not in ("nan", "inf", "-inf", "infinity")
            except ValueError:
                numeric = False
            if numeric and r > 0:
                try:
                    # Calc writes a percent-formatted value with its %, at full precision.
                    gv = float(g[:-1]) / 100 if isinstance(g, str) and g.endswith("%") else float(g)
                except (TypeError, ValueError):
                    check(False, f"{name} row {r + 1} column {c + 1}: {g!r} is not the number {w}")
                    continue
                # Calc's CSV export writes 15 significant digits but at most 20 decimal places
                # (0.00000028678892296533): hence the absolute half-unit of the 20th place.
                check(math.isclose(gv, wv, rel_tol=1e-14, abs_tol=5e-21), f"{name} row {r + 1} column {c + 1}: {gv!r} != {w}")
            else:
                check(str(g) == w, f"{name} row {r + 1} column {c + 1}: {g!r} != {w!r}")


def soffice_csv(xlsx, outdir):
    # Token 9 false: raw values, not "as shown".
    run(["soffice", "--headless", "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false",
         "--outdir", str(outdir), str(xlsx)])
    with open(outdir / (xlsx.stem + ".csv"), newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def out_checks(binary, tmp):
    for analysis in ANALYSES:
        xlsx = tmp / f"{analysis}.xlsx"
        run([binary, analysis, "datasets/b2b-73", "--output", str(xlsx)])
        expected = list(csv.reader(io.StringIO(run([binary, analysis, "datasets/b2b-73", "--format", "csv"]).stdout.decode())))
        wb = openpyxl.load_workbook(xlsx)
        ws = wb.worksheets[0]
        check(ws.title == analysis, f"{analysis}: first sheet is {ws.title!r}")
        check(ws.freeze_panes == "A2", f"{analysis}: freeze_panes {ws.freeze_panes!r}")
        check(bool(ws.auto_filter.ref) and ws.auto_filter.ref.startswith("A1:"), f"{analysis}: autofilter {ws.auto_filter.ref!r}")
        check(all(c.font.b for c in ws[1]), f"{analysis}: header not bold")
        rows = [[c.value for c in row] for row in ws.iter_rows()]
        compare(f"{analysis}.xlsx (openpyxl)", rows, expected)
        formats = {c.number_format for row in ws.iter_rows(min_row=2) for c in row if isinstance(c.value, (int, float))}
        check("General" not in formats and formats, f"{analysis}: number formats {formats}")
        if analysis == "status":
            check("0.0%" in formats, f"status: no percent format among {formats}")
            fills = {c.fill.fgColor.rgb for row in ws.iter_rows(min_row=2) for c in row if c.fill and c.fill.fill_type == "solid"}
            check({"FFC6EFCE", "FFFFC7CE"} & fills or {"FFFFEB9C"} & fills, f"status: no RAG fills ({fills})")
        if analysis == "rank":
            check("#,##0" in formats, f"rank: no thousands format among {formats}")
        notes = wb["Notes"] if "Notes" in wb.sheetnames else None
        check(notes is None or [c.value for c in notes[1]] == ["analysis", "note"], f"{analysis}: Notes header")
        with zipfile.ZipFile(xlsx) as z:
            check(not any(b"<f>" in z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/")), f"{analysis}: a formula cell")
        compare(f"{analysis}.xlsx (LibreOffice)", soffice_csv(xlsx, tmp / f"lo-{analysis}"), expected)
    # Hostile names: strings exactly, never formulas.
    hostile = ROOT / "Tests" / "Fixtures" / "hostile-names"
    xlsx = tmp / "hostile.xlsx"
    run([binary, "rank", str(hostile), "--output", str(xlsx)])
    names = {row[0] for row in csv.reader(open(hostile / "measurements.csv", newline="", encoding="utf-8"))}
    ws = openpyxl.load_workbook(xlsx).worksheets[0]
    team = [c.value for c in ws[1]].index("team")
    got = [row[team] for row in ws.iter_rows(min_row=2)]
    check(all(c.data_type == "s" for c in got), "hostile: a team cell is not a string")
    check({c.value for c in got} <= names and len(got) > 0, f"hostile: names changed: {sorted({c.value for c in got} - names)}")
    check(any(str(c.value).startswith(("=", "+", "@", "-")) for c in got), "hostile: the fixture's formula-like names are missing")
    with zipfile.ZipFile(xlsx) as z:
        check(not any(b"<f>" in z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/")), "hostile: a formula cell")


def in_checks(binary, tmp):
    src = tmp / "measurements.csv"
    src.write_bytes((ROOT / "datasets/b2b-73/measurements.csv").read_bytes())
    run(["soffice", "--headless", "--convert-to", "xlsx", "--outdir", str(tmp), str(src)])
    book = tmp / "measurements.xlsx"
    for analysis in ANALYSES:
        want = run([binary, analysis, "datasets/b2b-73", "--format", "csv"]).stdout
        got = run([binary, analysis, "--data", str(book), "--scorecard", "datasets/b2b-73/scorecard.yml", "--format", "csv"]).stdout
        check(got == want, f"{analysis}: the LibreOffice workbook's CSV differs from the CSV path's")


# `report --output F.xlsx`: a sheet per analysis of the HTML report, each equal to that
# command's CSV (the heatmap's r by lag is `leadlag --per-lag`, the forecast `--with-total`).
REPORT_SHEETS = [
    ("status", ["status"]), ("initiatives", ["status", "--initiatives"]), ("trend", ["trend", "--org"]),
    ("rank", ["rank"]), ("quartiles", ["quartiles"]), ("leadlag", ["leadlag"]),
    ("leadlag_lags", ["leadlag", "--per-lag"]), ("forecast", ["forecast", "--with-total"]),
]


def report_checks(binary, tmp):
    xlsx = tmp / "report.xlsx"
    run([binary, "report", "datasets/b2b-73", "--output", str(xlsx)])
    wb = openpyxl.load_workbook(xlsx)
    check(wb.sheetnames == [n for n, _ in REPORT_SHEETS] + ["Notes"], f"report: sheets {wb.sheetnames}")
    for name, command in REPORT_SHEETS:
        if name not in wb.sheetnames:
            continue
        ws = wb[name]
        check(ws.freeze_panes == "A2", f"report {name}: freeze_panes {ws.freeze_panes!r}")
        expected = list(csv.reader(io.StringIO(run([binary, command[0], "datasets/b2b-73", *command[1:], "--format", "csv"]).stdout.decode())))
        compare(f"report.xlsx[{name}]", [[c.value for c in row] for row in ws.iter_rows()], expected)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default=str(ROOT / ".build/release/scorecard"))
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        out_checks(args.binary, Path(d))
        report_checks(args.binary, Path(d))
        in_checks(args.binary, Path(d))
    for f in failures[:40]:
        print("FAIL", f)
    if failures:
        print(f"{len(failures)} failed")
        sys.exit(1)
    print(f"xlsx: {len(ANALYSES)} analyses written (openpyxl, LibreOffice), report --output F.xlsx ({len(REPORT_SHEETS)} sheets),"
          " and read back from LibreOffice's workbook: ok")


if __name__ == "__main__":
    main()
