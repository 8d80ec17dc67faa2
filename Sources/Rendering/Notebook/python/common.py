# The cells every exported notebook starts with: imports and tolerances (setup), the data read
# again from the CSV files (data), the scorecard YAML (scorecard), and the table comparison (compare).
# The `parameters` cell between setup and data is written by NotebookExport: it defines PARAMS.
#
# Source of the Python cells of `scorecard export notebook` (issue #17). Each `# %% CELL-ID` line starts
# a code cell with that id; the cell is the text up to the next marker, trailing blank lines dropped.
# The cells of all files run in one namespace, in the notebook's order (NotebookExport.notebook()):
# names used here may come from earlier cells. The build compiles these files into the binary as
# `NotebookPython` (the NotebookCells tool, run by NotebookCellsPlugin): after editing, rebuild and run
# notebooks-export/regenerate.sh.


# %% setup
import csv
import datetime as dt
import json
import math
import re
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import scipy.stats as st
import statsmodels.api as sm
import yaml
from IPython.display import display
from statsmodels.stats.multitest import multipletests

# statsmodels warns about near-singular designs; undefined cases are handled explicitly below.
warnings.simplefilter("ignore")
pd.set_option("display.width", 200)
pd.set_option("display.max_columns", 40)

# METHODS.md: the engine "agrees to a relative error of 1e-8 with an absolute floor of 1e-12
# (p- and q-values: absolute 1e-10 or relative 1e-6, whichever is looser)".
REL_TOL, ABS_FLOOR = 1e-8, 1e-12
P_ABS_TOL, P_REL_TOL = 1e-10, 1e-6
ENGINE = {}   # Scorecard's own tables, by name
OURS = {}     # the same tables recomputed in this notebook
CHECKS = []   # one entry per compared table; the last cell asserts them all


# %% data
def locate(relative, what):
    """The file at `relative` (a path from the notebook's folder), or a clear error."""
    path = Path(relative)
    if not path.is_file():
        raise FileNotFoundError(
            f"{what} not found: {relative!r} (looked at {path.resolve()}). The path is relative to the "
            "notebook's own folder, which Jupyter makes the working directory: run the notebook from "
            "there, or export it again with `scorecard export notebook` if the data has moved.")
    return path


MEASUREMENTS = [locate(path, "measurements CSV") for path in [PARAMS["measurements"]] + PARAMS["more_measurements"]]
SCORECARD = locate(PARAMS["scorecard"], "scorecard YAML") if PARAMS["scorecard"] else None


def period_slot(label, where="the command line"):
    """(frequency, calendar index) of a period label; consecutive periods differ by 1.
    `Q` and `W` may be written in either case (docs/DECISIONS.md)."""
    m = re.fullmatch(r"(\d{4})-(\d{2})", label)
    if m and 1 <= int(m[2]) <= 12:
        return "month", int(m[1]) * 12 + int(m[2]) - 1
    m = re.fullmatch(r"(\d{4})-[Qq]([1-4])", label)
    if m:
        return "quarter", int(m[1]) * 4 + int(m[2]) - 1
    m = re.fullmatch(r"(\d{4})-[Ww](\d{2})", label)
    if m:
        return "week", dt.date.fromisocalendar(int(m[1]), int(m[2]), 1).toordinal() // 7
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", label)
    if m:
        return "day", dt.date(int(m[1]), int(m[2]), int(m[3])).toordinal()
    m = re.fullmatch(r"(\d{4})", label)
    if m:
        return "year", int(m[1])
    raise ValueError(f"{where}: period {label!r} is not a month, quarter, week, year or day")


def period_label(freq, index):
    """The label of calendar index `index` (inverse of period_slot)."""
    if freq == "month":
        return f"{index // 12:04d}-{index % 12 + 1:02d}"
    if freq == "quarter":
        return f"{index // 4:04d}-Q{index % 4 + 1}"
    if freq == "week":
        y, w, _ = dt.date.fromordinal(index * 7 + 1).isocalendar()
        return f"{y:04d}-W{w:02d}"
    if freq == "day":
        return dt.date.fromordinal(index).isoformat()
    return f"{index:04d}"


# A value: the missing tokens are exact; a number may have blanks or tabs around it
# (docs/DECISIONS.md); `1e-400` is 0 and `-0` is 0.
MISSING_TOKENS = {"", "NA", "NaN", "null"}
NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def parse_value(text, where):
    if text in MISSING_TOKENS:
        return math.nan
    number = text.strip(" \t")
    if not NUMBER.fullmatch(number) or not math.isfinite(float(number)):
        raise ValueError(f"{where}: value {text!r} is not a finite decimal number")
    return float(number) + 0.0


def read_measurements(path):
    """Rows (file, line, team, period, measure, value text) of one measurements file. The header
    is read here, not by pandas (which would rename a repeated name): `team,period,measure,value`
    in any case is tidy, else `team,period,<measure>,…` (first two in any case) is wide with the
    measure names as written. A leading BOM, CRLF, quoting and blank lines are allowed."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f, strict=True)
        header = next(reader)
        names = [h.lower() for h in header]
        if len(header) < 3 or names[:2] != ["team", "period"]:
            raise ValueError(f"{path}: line 1: header {header} is not a measurements header")
        tidy = len(header) == 4 and names[2:] == ["measure", "value"]
        if not tidy and len(set(header[2:])) != len(header) - 2:
            raise ValueError(f"{path}: line 1: a measure appears twice in the header {header}")
        for record in reader:
            if not record:
                continue                      # a blank line
            line = reader.line_num
            if len(record) != len(header):
                raise ValueError(f"{path}: line {line}: {len(record)} fields, the header has {len(header)}")
            if tidy:
                yield (path, line, *record)
            else:
                for measure, value in zip(header[2:], record[2:]):
                    yield (path, line, record[0], record[1], measure, value)


tidy = pd.DataFrame([row for path in MEASUREMENTS for row in read_measurements(path)],
                    columns=["_file", "_line", "team", "period", "measure", "value"])
tidy["value"] = [parse_value(v, f"{file}: line {line}") for v, file, line in zip(tidy["value"], tidy["_file"], tidy["_line"])]
slots = [period_slot(p, f"{file}: line {line}") for p, file, line in zip(tidy["period"], tidy["_file"], tidy["_line"])]
FREQ = PARAMS["window"]["frequency"]
assert {f for f, _ in slots} == {FREQ}, f"periods of {sorted({f for f, _ in slots})}, Scorecard read {FREQ}s"
tidy["slot"] = [i for _, i in slots]
duplicated = tidy.duplicated(["team", "slot", "measure"])
assert not duplicated.any(), f"duplicate key at {tidy[duplicated]['_file'].iloc[0]} line {tidy[duplicated]['_line'].iloc[0]}"

# The window (METHODS.md "Windows"): --to (default: the data's last period), --from (default: the
# first, which is the earliest period of any row, missing values included) or --last N ending at
# --to; then clipped to the data.
sel = PARAMS["selection"]
hi = period_slot(sel["to"])[1] if sel["to"] else tidy["slot"].max()
lo = period_slot(sel["from"])[1] if sel["from"] else tidy["slot"].min()
if sel["last"] is not None:
    lo = hi - sel["last"] + 1
FIRST, LAST = max(lo, tidy["slot"].min()), min(hi, tidy["slot"].max())
P = LAST - FIRST + 1
LABELS = [period_label(FREQ, FIRST + j) for j in range(P)]
assert (LABELS[0], LABELS[-1], P) == (PARAMS["window"]["from"], PARAMS["window"]["to"], PARAMS["window"]["periods"]), \
    f"window {LABELS[0]}..{LABELS[-1]} here, {PARAMS['window']} in Scorecard"

TEAMS = sorted(set(tidy["team"]) if not sel["teams"] else set(sel["teams"]))
MEASURES_HERE = sorted(set(tidy["measure"]) if not sel["measures"] else set(sel["measures"]))
assert set(TEAMS) == set(PARAMS["teams"]) and set(MEASURES_HERE) == set(PARAMS["measures"])
TEAMS, MEASURES = PARAMS["teams"], PARAMS["measures"]   # the same sets, in Scorecard's order

rows = tidy[(tidy["slot"] >= FIRST) & (tidy["slot"] <= LAST) & tidy["team"].isin(TEAMS) & tidy["measure"].isin(MEASURES)]
VALUES = {}
for team, measure, slot, value in zip(rows["team"], rows["measure"], rows["slot"], rows["value"]):
    VALUES.setdefault((team, measure), np.full(P, np.nan))[slot - FIRST] = value
PRESENT = int(sum(np.isfinite(v).sum() for v in VALUES.values()))
assert PRESENT == PARAMS["window"]["values"], \
    f"{PRESENT} values present here, {PARAMS['window']['values']} in the panel Scorecard analysed"


def series(team, measure, lo=0, hi=None):
    """Values of calendar slots lo..hi-1 of the window (NaN = missing)."""
    hi = P if hi is None else hi
    return VALUES.get((team, measure), np.full(P, np.nan))[lo:hi]


def varies_between_teams(measure):
    """False when every period's present values are the same for all teams (within 1e-12
    relative): a national index. Scorecard then leaves the quartile tests and the lead-lag
    statistics undefined and out of the BH family (docs/DECISIONS.md, issue #14)."""
    stack = np.array([series(team, measure) for team in TEAMS])
    for column in stack.T:
        present = column[~np.isnan(column)]
        if len(present) and np.any(np.abs(present - present[0]) > 1e-12 * np.maximum(np.abs(present), abs(present[0]))):
            return True
    return False


print(f"{len(TEAMS)} teams × {len(MEASURES)} measures × {P} {FREQ}s ({LABELS[0]} to {LABELS[-1]}), "
      f"{PRESENT} values present, as in Scorecard's panel")


# %% scorecard
class TextLoader(yaml.BaseLoader):
    """YAML with every scalar kept as the text written (`id: no` is "no", `id: 010` is "010", as in
    Scorecard; PyYAML's safe_load would read False and 8), and an empty value, `~` or `null` as none."""


def text_or_none(loader, node):
    return None if node.value == "" or (node.style is None and node.value in ("~", "null", "Null", "NULL")) else node.value


TextLoader.add_constructor("tag:yaml.org,2002:str", text_or_none)
CARD = (yaml.load(SCORECARD.read_text(encoding="utf-8-sig"), Loader=TextLoader) if SCORECARD else None) or {}
SPECS = {}   # scorecard measures in file order
for perspective, body in (CARD.get("perspectives") or {}).items():
    for objective in (body or {}).get("objectives") or []:
        for m in objective.get("measures") or []:
            SPECS[m["id"]] = dict(perspective=perspective, direction=m["direction"],
                                  aggregation=m["aggregation"], unit=m.get("unit"))
LINKS = CARD.get("links") or []
ROI = CARD.get("roi")


def direction(m):     # measures not in the scorecard: higher is better (METHODS.md)
    return SPECS[m]["direction"] if m in SPECS else "higher"


def aggregation(m):   # ... and aggregated by the mean
    return SPECS[m]["aggregation"] if m in SPECS else "mean"


def unit(m):
    return str(SPECS.get(m, {}).get("unit") or "value")


def plain(text):
    """Text for a matplotlib label: `$` would start mathtext."""
    return str(text).replace("$", r"\$")


print(f"{len(SPECS)} scorecard measures, {len(LINKS)} links, ROI: {ROI}")


# %% compare
def engine_table(text):
    """Scorecard's own result table (its `--format json` output) as a DataFrame."""
    doc = json.loads(text)
    for note in doc["notes"]:
        print("Scorecard note:", note)
    return pd.DataFrame(doc["rows"], columns=doc["columns"])


NUMERIC = (int, float, np.integer, np.floating)


def is_missing(v):
    return v is None or (isinstance(v, (float, np.floating)) and math.isnan(v))


def compare(title, engine, ours, keys, numbers=(), probabilities=(), exact=()):
    """Compares Scorecard's table with the recomputed one (see above) and records the outcome."""
    problems = []
    def by_key(frame, side):
        table = {}
        for row in frame.to_dict("records"):
            key = tuple(row[k] for k in keys)
            if key in table:
                problems.append(f"{side}: key {key} occurs twice")
            table[key] = row
        return table
    e, o = by_key(engine, "Scorecard"), by_key(ours, "recomputed")
    only_e, only_o = [k for k in e if k not in o], [k for k in o if k not in e]
    if only_e:
        problems.append(f"{len(only_e)} rows only in Scorecard's table, e.g. {only_e[0]}")
    if only_o:
        problems.append(f"{len(only_o)} rows only in the recomputed table, e.g. {only_o[0]}")
    values, worst_rel, worst_share = 0, 0.0, 0.0
    for key, er in e.items():
        orow = o.get(key)
        if orow is None:
            continue
        for col in list(numbers) + list(probabilities):
            a, b = er[col], orow[col]
            values += 1
            if is_missing(a) or is_missing(b):
                if is_missing(a) != is_missing(b):
                    problems.append(f"{key} {col}: Scorecard {a!r}, recomputed {b!r}")
                continue
            a, b = float(a), float(b)
            diff = abs(a - b)
            tol = max(P_ABS_TOL, P_REL_TOL * abs(b)) if col in probabilities else max(ABS_FLOOR, REL_TOL * abs(b))
            worst_share = max(worst_share, diff / tol)
            if abs(b) > ABS_FLOOR:
                worst_rel = max(worst_rel, diff / abs(b))
            if diff > tol:
                problems.append(f"{key} {col}: Scorecard {a!r}, recomputed {b!r} (difference {diff:.3g} > {tol:.3g})")
        for col in exact:
            a, b = er[col], orow[col]
            values += 1
            a = None if is_missing(a) else (float(a) if isinstance(a, NUMERIC) else a)
            b = None if is_missing(b) else (float(b) if isinstance(b, NUMERIC) else b)
            if a != b:
                problems.append(f"{key} {col}: Scorecard {a!r}, recomputed {b!r}")
    CHECKS.append(dict(table=title, rows=len(e), values=values, largest_relative_difference=worst_rel,
                       largest_share_of_tolerance=worst_share, problems=len(problems), first_problem=(problems or [""])[0]))
    verdict = "agree" if not problems else f"{len(problems)} DISAGREEMENTS"
    print(f"{title}: {len(e)} rows, {values} values compared, largest relative difference {worst_rel:.1e} "
          f"({worst_share:.1%} of the tolerance): {verdict}")
    for p in problems[:10]:
        print("   ", p)


def side_by_side(engine, ours, keys, columns, n=8):
    """The first n rows with each column from Scorecard and recomputed next to each other."""
    merged = engine[keys + columns].merge(ours[keys + columns], on=keys, how="left",
                                           suffixes=(" (Scorecard)", " (recomputed)"))
    return merged[keys + [f"{c} ({s})" for c in columns for s in ("Scorecard", "recomputed")]].head(n)
