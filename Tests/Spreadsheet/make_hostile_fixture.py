#!/usr/bin/env python3
"""Writes Tests/Fixtures/hostile-names: a small monthly dataset whose team names are
spreadsheet-hostile (formula starters, full-width look-alikes, quotes, commas, a tab, a
newline, non-ASCII) for the LibreOffice round-trip (Tests/Spreadsheet/roundtrip.py) and
the exported-notebook check (notebooks-export/check.py).

Usage (from the repository root): python3 Tests/Spreadsheet/make_hostile_fixture.py
Deterministic: numpy's default_rng(7); the same bytes every run.
"""

import csv
import io
from pathlib import Path

import numpy as np

TEAMS = [
    '=HYPERLINK("http://x","y")',
    "-2+3",
    "+1",
    "@SUM(A1)",
    "\tTab",
    "＝1+1",
    'a "quoted", name',
    "Line\nBreak",
    "Zürich Süd",
    "東京",
    "'apostrophe",
    "Plain Team",
]
MONTHS = [f"{y}-{m:02d}" for y in (2024, 2025) for m in range(1, 13)]

SCORECARD = """\
# Spreadsheet-hostile team names (Tests/Spreadsheet/make_hostile_fixture.py).
name: Hostile names
perspectives:
  learning:
    objectives:
      - name: Train
        measures:
          - {id: training_hours, unit: hours, direction: higher, aggregation: sum}
  process:
    objectives:
      - name: Win
        measures:
          - {id: win_rate, unit: "%", direction: higher, aggregation: mean}
  customer:
    objectives:
      - name: Delight
        measures:
          - {id: customer_satisfaction, unit: score, direction: higher, aggregation: mean}
  financial:
    objectives:
      - name: Grow
        measures:
          - {id: revenue, unit: USD, direction: higher, aggregation: sum}
          - {id: sales_cost, unit: USD, direction: lower, aggregation: sum}
          - {id: margin_change, unit: points, direction: higher, aggregation: mean}
links:
  - {from: training_hours, to: win_rate, sign: positive}
  - {from: win_rate, to: revenue, sign: positive}
  - {from: customer_satisfaction, to: revenue, sign: positive}
roi: {return: revenue, cost: sales_cost}
"""


def main():
    rng = np.random.default_rng(7)
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["team", "period", "measure", "value"])
    for i, team in enumerate(TEAMS):
        size = 1.0 + 0.15 * i
        hours = rng.normal(40, 8, len(MONTHS)).round(1)
        win = np.empty(len(MONTHS))
        win[0] = 25
        for t in range(1, len(MONTHS)):
            win[t] = 0.5 * win[t - 1] + 12 + 0.08 * hours[t - 1] + rng.normal(0, 1.5)
        csat = rng.normal(80, 3, len(MONTHS)).round(1)
        revenue = np.empty(len(MONTHS))
        for t in range(len(MONTHS)):
            lagged = win[t - 1] if t else 25
            revenue[t] = size * (90000 + 3000 * lagged + 400 * (csat[t - 1] if t else 80)) + rng.normal(0, 8000)
        cost = size * rng.normal(60000 + 1500 * i, 5000, len(MONTHS))
        margin = rng.normal(0, 1.2, len(MONTHS)).round(2)
        for t, month in enumerate(MONTHS):
            for measure, value in [("training_hours", hours[t]), ("win_rate", round(win[t], 2)),
                                   ("customer_satisfaction", csat[t]), ("revenue", round(revenue[t], 2)),
                                   ("sales_cost", round(cost[t], 2)), ("margin_change", margin[t])]:
                text = repr(float(value))
                if (i + t) % 17 == 5 and measure == "customer_satisfaction":
                    text = "NA"                       # missing, not zero
                elif (i * 7 + t) % 29 == 3 and measure == "training_hours":
                    text = ""
                w.writerow([team, month, measure, text])
    folder = Path(__file__).resolve().parents[1] / "Fixtures" / "hostile-names"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "measurements.csv").write_text(out.getvalue(), encoding="utf-8", newline="")
    (folder / "scorecard.yml").write_text(SCORECARD, encoding="utf-8")
    print(f"{folder}: {len(TEAMS)} teams × {len(MONTHS)} months × 6 measures")


if __name__ == "__main__":
    main()
