"""Makes the Excel test workbooks (issue #15): run from the repository root,
`python3 Tests/Fixtures/excel/make.py`. The results are committed, so `swift test` needs no Python.

- Tests/Fixtures/excel/openpyxl-*.xlsx: workbooks as openpyxl saves them (real dates, shared
  strings, several sheets), holding the first teams of datasets/b2b-73.
- Tests/Corpus/xlsx-*/book.xlsx and ok-xlsx-*/book.xlsx: hand-made SpreadsheetML parts zipped
  with zipfile, for what openpyxl never writes (inline strings, error values, the 1904 date
  system, row gaps, uncalculated formulas) and for hostile files (a zip bomb, not a zip, encrypted).
"""
import csv, datetime, os, zipfile
import openpyxl

ROOT = os.getcwd()
FIX = os.path.join(ROOT, "Tests/Fixtures/excel")
CORPUS = os.path.join(ROOT, "Tests/Corpus")
FIXED = (2024, 1, 1, 0, 0, 0)  # zip entry times: byte-identical reruns


def b2b_rows(teams):
    with open(os.path.join(ROOT, "datasets/b2b-73/measurements.csv"), newline="") as f:
        rows = list(csv.reader(f))
    keep = sorted({r[0] for r in rows[1:]})[:teams]
    return rows[0], [r for r in rows[1:] if r[0] in keep]


def save(wb, path):
    wb.save(path)
    # openpyxl stamps the time into docProps/core.xml: rewrite with fixed times for reproducibility.
    with zipfile.ZipFile(path) as z:
        parts = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts:
            if name == "docProps/core.xml":
                continue
            z.writestr(zipfile.ZipInfo(name, FIXED), data, zipfile.ZIP_DEFLATED)


def openpyxl_fixtures():
    header, rows = b2b_rows(3)
    # The CSV the workbooks must read as (the subset, as the CSV reader sees it).
    with open(os.path.join(FIX, "b2b-3-teams.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    # Tidy, with the period as a real date (month ends), a notes sheet first.
    wb = openpyxl.Workbook()
    notes = wb.active
    notes.title = "Read me"
    notes["A1"] = "Sales data exported for the scorecard"
    data = wb.create_sheet("Data")
    data.append(["Team", "Month", "Measure", "Value"])
    for team, period, measure, value in rows:
        y, m = map(int, period.split("-"))
        end = (datetime.date(y + (m == 12), m % 12 + 1, 1) - datetime.timedelta(days=1))
        data.append([team, end, measure, float(value) if value not in ("", "NA") else None])
    for cell in data["B"][1:]:
        cell.number_format = "dd/mm/yyyy"
    save(wb, os.path.join(FIX, "openpyxl-tidy-dates.xlsx"))
    # Wide, periods as text, one sheet.
    measures = sorted({r[2] for r in rows})
    table = {}
    for team, period, measure, value in rows:
        table.setdefault((team, period), {})[measure] = value
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "wide"
    ws.append(["team", "period"] + measures)
    for (team, period), values in sorted(table.items()):
        ws.append([team, period] + [float(values[m]) if values.get(m, "") not in ("", "NA") else None for m in measures])
    save(wb, os.path.join(FIX, "openpyxl-wide.xlsx"))


CT = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"""
RELS = """<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"""
WBRELS = """<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"""
STYLES = """<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/></numFmts><cellStyleXfs count="1"><xf numFmtId="0"/></cellStyleXfs><cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="10"/></cellXfs></styleSheet>"""


def hand_made(path, rows, strings=(), date1904=False, sheet="Sheet1", shared_xml=None):
    """rows: {row number: [(ref, xml of the cell's attributes and content)]}"""
    sd = "".join(f'<row r="{r}">' + "".join(f'<c r="{ref}"{body}' for ref, body in cells) + "</row>" for r, cells in rows.items())
    sheet_xml = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{sd}</sheetData></worksheet>'
    wb = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
          'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
          + (f'<workbookPr date1904="1"/>' if date1904 else "")
          + f'<sheets><sheet name="{sheet}" sheetId="1" r:id="rId1"/></sheets></workbook>')
    sst = shared_xml or ('<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                         + "".join(f"<si><t>{s}</t></si>" for s in strings) + "</sst>")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in [("[Content_Types].xml", CT), ("_rels/.rels", RELS), ("xl/workbook.xml", wb),
                           ("xl/_rels/workbook.xml.rels", WBRELS), ("xl/styles.xml", STYLES),
                           ("xl/sharedStrings.xml", sst), ("xl/worksheets/sheet1.xml", sheet_xml)]:
            z.writestr(zipfile.ZipInfo(name, FIXED), data, zipfile.ZIP_DEFLATED)


def s(i):
    return f' t="s"><v>{i}</v></c>'


def n(v, style=0):
    return f' s="{style}"><v>{v}</v></c>'


def inline(text):
    return f' t="inlineStr"><is><t>{text}</t></is></c>'


HEADER = {1: [("A1", s(0)), ("B1", s(1)), ("C1", s(2)), ("D1", s(3))]}
STRINGS = ["team", "period", "measure", "value", "East", "West", "revenue"]


def case(name, args, rows, **kw):
    folder = os.path.join(CORPUS, name)
    hand_made(os.path.join(folder, "book.xlsx"), rows, **kw)
    with open(os.path.join(folder, "args.txt"), "w") as f:
        f.write("\n".join(args) + "\n")


def corpus():
    book = ["trend", "--data", "book.xlsx", "--format", "csv", "--output", "out.csv"]
    base = {**HEADER,
            2: [("A2", s(4)), ("B2", inline("2024-01")), ("C2", s(6)), ("D2", n(10))],
            3: [("A3", s(5)), ("B3", inline("2024-01")), ("C3", s(6)), ("D3", n(12))]}
    case("xlsx-value-text", book, {**base, 4: [("A4", s(4)), ("B4", inline("2024-02")), ("C4", s(6)), ("D4", inline("abc"))]}, strings=STRINGS)
    case("xlsx-error-value", book, {**base, 4: [("A4", s(4)), ("B4", inline("2024-02")), ("C4", s(6)), ("D4", ' t="e"><f>1/0</f><v>#DIV/0!</v></c>')]}, strings=STRINGS)
    case("xlsx-formula-without-value", book, {**base, 4: [("A4", s(4)), ("B4", inline("2024-02")), ("C4", s(6)), ("D4", "><f>SUM(D2:D3)</f></c>")]}, strings=STRINGS)
    case("xlsx-sheet-missing", book + ["--sheet", "Sales"], base, strings=STRINGS, sheet="Data 2024")
    case("xlsx-shared-string-out-of-range", book, {**base, 4: [("A4", s(99)), ("B4", inline("2024-02")), ("C4", s(6)), ("D4", n(1))]}, strings=STRINGS)
    case("xlsx-rows-out-of-order", book, {**base, 5: [("A5", s(4))], 4: [("A4", s(5))]}, strings=STRINGS)
    # #N/A is missing; a boolean is text; rows 5-6 are absent (blank); inline and rich text; 1904 serial dates.
    ok = {1: [("A1", s(0)), ("B1", s(1)), ("C1", s(2)), ("D1", s(3))],
          2: [("A2", s(4)), ("B2", n(43860, 1)), ("C2", s(6)), ("D2", n(10.5))],
          3: [("A3", s(4)), ("B3", n(43889, 1)), ("C3", s(6)), ("D3", ' t="e"><v>#N/A</v></c>')],
          4: [("A4", s(4)), ("B4", n(43920, 1)), ("C4", s(6)), ("D4", n("1.25E1"))],
          7: [("A7", ' t="inlineStr"><is><r><t>We</t></r><r><t>st</t></r></is></c>'), ("B7", n(43860, 1)), ("C7", s(6)), ("D7", n(-3))],
          8: [("A8", s(5)), ("B8", n(43889.5, 1)), ("C8", s(6)), ("D8", n(0.125, 2))],
          9: [("A9", s(5)), ("B9", n(43920, 1)), ("C9", s(6)), ("D9", n(7))]}
    case("ok-xlsx-1904-dates-na-gaps", book, ok, strings=STRINGS, date1904=True)
    # Issue #15: every place a message names is the sheet's, never a line of the CSV it renders as.
    # The header on row 2 (row 1 blank), a duplicate of row 3 on row 6.
    dup = {2: [("A2", s(0)), ("B2", s(1)), ("C2", s(2)), ("D2", s(3))],
           3: [("A3", s(4)), ("B3", inline("2024-01")), ("C3", s(6)), ("D3", n(10))],
           4: [("A4", s(5)), ("B4", inline("2024-01")), ("C4", s(6)), ("D4", n(12))],
           6: [("A6", s(4)), ("B6", inline("2024-01")), ("C6", s(6)), ("D6", n(11))]}
    case("xlsx-duplicate-row", book, dup, strings=STRINGS)
    # Values as exports write them: each cell, then the column's summary with its first example's cell.
    case("xlsx-values-exported", book, {**HEADER,
         2: [("A2", s(4)), ("B2", inline("2024-01")), ("C2", s(6)), ("D2", inline("$1,200"))],
         4: [("A4", s(5)), ("B4", inline("2024-01")), ("C4", s(6)), ("D4", inline("$3,400"))]}, strings=STRINGS)
    # A month, then a quarter three rows further (row 3 blank).
    case("xlsx-frequency-mixed", book, {**HEADER,
         2: [("A2", s(4)), ("B2", inline("2024-01")), ("C2", s(6)), ("D2", n(10))],
         4: [("A4", s(5)), ("B4", inline("2024-Q2")), ("C4", s(6)), ("D4", n(12))]}, strings=STRINGS)
    # With several --data files, a workbook's note (of two sheets, the first read) is kept,
    # and a key in the CSV that the sheet has too names the sheet's row.
    for name, extra in [("ok-xlsx-two-sheets-with-csv",
                         "East,2024-02,revenue,13\nWest,2024-02,revenue,14\nEast,2024-03,revenue,15\nWest,2024-03,revenue,17\n"),
                        ("xlsx-duplicate-across-files", "West,2024-02,revenue,14\nEast,2024-01,revenue,9\n")]:
        folder = os.path.join(CORPUS, name)
        os.makedirs(folder, exist_ok=True)
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "Data"
        ws.append([])
        ws.append(["team", "period", "measure", "value"])
        ws.append(["East", "2024-01", "revenue", 10])
        ws.append(["West", "2024-01", "revenue", 12])
        wb.create_sheet("Targets").append(["team", "target"])
        save(wb, os.path.join(folder, "book.xlsx"))
        with open(os.path.join(folder, "more.csv"), "w") as f:
            f.write("team,period,measure,value\n" + extra)
        with open(os.path.join(folder, "args.txt"), "w") as f:
            f.write("\n".join(["trend", "--data", "book.xlsx", "--data", "more.csv", "--format", "csv", "--output", "out.csv"]) + "\n")
    # A zip bomb: 64 MiB of shared strings in a few hundred kB, against --max-cells 1000 (64 kB of text).
    bomb = ('<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>'
            + "A" * (64 << 20) + "</t></si></sst>")
    case("xlsx-zip-bomb", book + ["--max-cells", "1000"], base, strings=STRINGS, shared_xml=bomb)
    # Not a zip; encrypted (an OLE compound file, as Excel saves a password-protected workbook).
    for name, data in [("xlsx-not-a-zip", b"team,period,measure,value\nEast,2024-01,revenue,1\n"),
                       ("xlsx-encrypted", bytes.fromhex("D0CF11E0A1B11AE1") + bytes(504))]:
        folder = os.path.join(CORPUS, name)
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "book.xlsx"), "wb") as f:
            f.write(data)
        with open(os.path.join(folder, "args.txt"), "w") as f:
            f.write("\n".join(book) + "\n")
    # A workbook cut short: its zip directory is gone.
    folder = os.path.join(CORPUS, "xlsx-truncated")
    hand_made(os.path.join(folder, "book.xlsx"), base, strings=STRINGS)
    with open(os.path.join(folder, "book.xlsx"), "rb") as f:
        data = f.read()
    with open(os.path.join(folder, "book.xlsx"), "wb") as f:
        f.write(data[: len(data) // 2])
    with open(os.path.join(folder, "args.txt"), "w") as f:
        f.write("\n".join(book) + "\n")


openpyxl_fixtures()
corpus()
