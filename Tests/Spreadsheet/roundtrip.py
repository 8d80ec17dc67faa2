#!/usr/bin/env python3
"""Spreadsheet round-trip of Scorecard's CSV outputs through LibreOffice Calc (run by .ci/run).

The real binary writes rank, quartiles, trend and forecast CSVs (plain and --excel) for
Tests/Fixtures/hostile-names, whose team names start like formulas (`=HYPERLINK(...)`,
`-2+3`, `+1`, `@SUM(A1)`, a tab, full-width `＝1+1`) or hold quotes, commas, a newline and
non-ASCII text. Calc (`soffice --headless --convert-to xlsx`, comma-separated UTF-8
import) opens each one and saves it as xlsx; openpyxl reads that back, and every cell is
checked against the CSV it came from:

* the header is the METHODS.md contract's, unchanged;
* numeric columns hold numbers (openpyxl data_type 'n', int or float) equal to the CSV's
  value to Calc's 15 significant digits (relative 1e-14; a spreadsheet keeps no more), an
  empty CSV cell stays empty;
* text columns hold text equal to the CSV field exactly, that is the name with the
  neutralising `'` when it starts like a formula (CSVWriter, OWASP CSV-injection guidance);
* no cell anywhere is a formula (no data_type 'f', no <f> element in the sheet XML);
* every hostile team name is recoverable: dropping the prefix gives the original name.

Usage: python3 Tests/Spreadsheet/roundtrip.py [--binary PATH] [--keep DIR]
(default binary: .build/release/scorecard). Needs soffice (Debian: libreoffice-calc) and
openpyxl. Exit status 0 when every check passes.
"""

import argparse
import csv
import io
import math
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "Tests" / "Fixtures" / "hostile-names"
sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_hostile_fixture import TEAMS  # noqa: E402  (the original names)

# METHODS.md "Output": columns of each analysis; text columns are the non-numeric ones.
CONTRACT = {
    "rank": ["rank", "team", "roi", "return", "cost", "quartile", "note"],
    "quartiles": ["measure", "top_n", "bottom_n", "top_mean", "bottom_mean", "ratio", "difference", "cohens_d",
                  "welch_t", "welch_df", "p_value", "mw_u", "mw_p", "q_value"],
    "trend": ["team", "measure", "n", "slope", "intercept", "slope_se", "t", "p_value", "ci_low", "ci_high", "r2",
              "direction"],
    "forecast": ["team", "measure", "period", "horizon", "forecast", "lower", "upper"],
}
TEXT_COLUMNS = {"team", "measure", "quartile", "note", "direction", "period"}
# Spreadsheet formula starters (OWASP): = + - @, tab, CR, and the full-width ＝ ＋ － ＠.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def neutralised(name):
    """The CSV text of a name: a leading ' when a spreadsheet could take it for a formula."""
    return "'" + name if name.startswith(FORMULA_STARTS) else name


def original(text):
    """Inverse of neutralised."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


def run(cmd, **kw):
    done = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, cmd))} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--binary", default=str(ROOT / ".build" / "release" / "scorecard"))
    ap.add_argument("--keep", metavar="DIR", help="work in DIR and keep the CSV and xlsx files")
    args = ap.parse_args()
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise SystemExit("soffice not found: install LibreOffice Calc (Debian: apt-get install libreoffice-calc)")

    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="scorecard-roundtrip-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        csvs = []
        for analysis in CONTRACT:
            for excel in (False, True):
                out = work / f"{analysis}{'-excel' if excel else ''}.csv"
                run([args.binary, analysis, str(FIXTURE), "--format", "csv", "--output", str(out)]
                    + (["--excel"] if excel else []))
                csvs.append((analysis, excel, out))

        # One Calc process converts them all; a private profile keeps it away from any user's.
        profile = work / "lo-profile"
        run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--infilter=CSV:44,34,76,1",
             "--convert-to", "xlsx", "--outdir", str(work)] + [str(p) for _, _, p in csvs], timeout=600)

        problems, cells, numbers, texts, hostile = [], 0, 0, 0, 0
        for analysis, excel, path in csvs:
            raw = path.read_bytes()
            assert raw.startswith(b"\xef\xbb\xbf") == excel, f"{path.name}: byte-order mark only with --excel"
            assert (b"\r\n" in raw) == excel, f"{path.name}: CRLF line ends only with --excel"
            rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
            xlsx = path.with_suffix(".xlsx")
            with zipfile.ZipFile(xlsx) as z:
                for name in z.namelist():
                    if name.startswith("xl/worksheets/") and (b"<f>" in z.read(name) or b"<f " in z.read(name)):
                        problems.append(f"{xlsx.name}: {name} holds a formula element")
            sheet = openpyxl.load_workbook(xlsx).active
            got = [[c for c in row] for row in sheet.iter_rows(min_row=1, max_row=sheet.max_row, max_col=len(rows[0]))]
            if [c.value for c in got[0]] != CONTRACT[analysis] or rows[0] != CONTRACT[analysis]:
                problems.append(f"{xlsx.name}: header {[c.value for c in got[0]]}, CSV {rows[0]}")
            if len(got) != len(rows):
                problems.append(f"{xlsx.name}: {len(got)} rows, the CSV has {len(rows)}")
            for r, (row, cells_back) in enumerate(zip(rows[1:], got[1:]), start=2):
                for column, field, cell in zip(rows[0], row, cells_back):
                    cells += 1
                    where = f"{xlsx.name} row {r} {column}"
                    if cell.data_type == "f" or (isinstance(cell.value, str) and cell.value.startswith("=")
                                                 and not field.startswith("=")):
                        problems.append(f"{where}: a formula {cell.value!r}")
                        continue
                    if field == "":
                        if cell.value is not None:
                            problems.append(f"{where}: empty in the CSV, {cell.value!r} in Calc")
                        continue
                    if column in TEXT_COLUMNS:
                        texts += 1
                        if cell.data_type != "s" or cell.value != field:
                            problems.append(f"{where}: text {field!r} came back as {cell.value!r} ({cell.data_type})")
                    else:
                        numbers += 1
                        expected = float(field)
                        value = cell.value
                        if cell.data_type != "n" or isinstance(value, bool) or not isinstance(value, (int, float)):
                            problems.append(f"{where}: number {field!r} came back as {value!r} ({cell.data_type})")
                        elif not math.isclose(value, expected, rel_tol=1e-14, abs_tol=0.0):
                            problems.append(f"{where}: {field} came back as {value!r}")
            if analysis in ("rank", "trend", "forecast"):
                column = rows[0].index("team")
                teams_back = {row[column].value for row in got[1:]}
                # Rank and trend list every team. The forecast leaves out a team whose driver is
                # missing at the last period (METHODS.md; named in a note): the fixture's
                # =HYPERLINK team is one. Its teams are those its own CSV names, all of the fixture's.
                teams = set(TEAMS)
                if analysis == "forecast":
                    teams = {original(r[column]) for r in rows[1:]}
                    if not teams <= set(TEAMS) or len(teams) < len(TEAMS) - 1:
                        problems.append(f"{path.name}: forecast teams {sorted(teams)} are not the fixture's (at most one left out)")
                if teams_back != {neutralised(t) for t in teams}:
                    problems.append(f"{xlsx.name}: team cells {sorted(teams_back)} are not the neutralised names")
                if {original(t) for t in teams_back} != teams:
                    problems.append(f"{xlsx.name}: the original names cannot be recovered from {sorted(teams_back)}")
                hostile += sum(1 for t in teams_back if t != original(t))
        for p in problems[:40]:
            print("FAIL:", p, file=sys.stderr)
        if problems:
            print(f"{len(problems)} problems", file=sys.stderr)
            return 1
        print(f"LibreOffice round-trip: {len(csvs)} CSVs ({len(csvs) // 2} analyses, plain and --excel), "
              f"{cells} cells: {numbers} numbers kept as numbers, {texts} texts kept as text, "
              f"{hostile} formula-like names neutralised and recoverable, no formulas")
        return 0
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
