"""Reading a large Excel workbook (issue #15): `scorecard validate BOOK.xlsx` against the ways a
Python user would read it — `pandas.read_excel` (openpyxl engine) and openpyxl's streaming
`read_only` mode iterating every value — each in its own process, alternating, ROUNDS times;
wall time and peak RSS (GNU time), then medians and ratios.

    python3 Benchmarks/xlsx_read.py BOOK.xlsx [SCORECARD]      # ROUNDS=3 by default

The workbook: a wide sheet (team, period, one column per measure) made from a generated set,
e.g. `scorecard generate --teams 1000 --periods 60 --measures 30 --seed 1` pivoted wide and
saved with openpyxl's write-only mode (`Benchmarks/xlsx_read.py --make CSV BOOK.xlsx`).
"""
import csv, os, statistics, subprocess, sys

ROUNDS = int(os.environ.get("ROUNDS", "3"))

PANDAS = "import pandas, sys; f = pandas.read_excel(sys.argv[1], engine='openpyxl'); print(f.shape)"
OPENPYXL = ("import openpyxl, sys; wb = openpyxl.load_workbook(sys.argv[1], read_only=True); n = 0\n"
            "for row in wb.worksheets[0].iter_rows(values_only=True): n += len(row)\n"
            "print(n)")


def make(src, dst):
    import openpyxl
    table, measures, seen = {}, [], set()
    with open(src, newline="") as f:
        rows = csv.reader(f)
        next(rows)
        for team, period, measure, value in rows:
            if measure not in seen:
                seen.add(measure)
                measures.append(measure)
            table.setdefault((team, period), {})[measure] = value
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("data")
    ws.append(["team", "period"] + measures)
    for (team, period), values in table.items():
        ws.append([team, period] + [float(values[m]) if values.get(m, "") not in ("", "NA") else None for m in measures])
    wb.save(dst)


def timed(name, argv, out):
    r = subprocess.run(["/usr/bin/time", "-f", "%e %M"] + argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        sys.exit(f"{name} failed: {r.stderr}")
    seconds, kib = r.stderr.strip().splitlines()[-1].split()
    out.setdefault(name, []).append((float(seconds), int(kib)))


def main():
    if sys.argv[1] == "--make":
        make(sys.argv[2], sys.argv[3])
        return
    book = sys.argv[1]
    scorecard = sys.argv[2] if len(sys.argv) > 2 else ".build/release/scorecard"
    runs = {}
    for _ in range(ROUNDS):
        timed("scorecard", [scorecard, "validate", book], runs)
        timed("pandas.read_excel (openpyxl)", [sys.executable, "-c", PANDAS, book], runs)
        timed("openpyxl read_only", [sys.executable, "-c", OPENPYXL, book], runs)
    base = statistics.median(s for s, _ in runs["scorecard"])
    print(f"{book}: {os.path.getsize(book) / 1e6:.1f} MB")
    print("| reader | wall (runs) | median | peak RSS (max) | Scorecard is |")
    print("|---|---|---|---|---|")
    for name, r in runs.items():
        median = statistics.median(s for s, _ in r)
        ratio = "—" if name == "scorecard" else f"{median / base:.1f}× faster"
        print(f"| {name} | {', '.join(f'{s:.2f}' for s, _ in r)} s | {median:.2f} s | {max(k for _, k in r) / 1024:.0f} MiB | {ratio} |")


main()
