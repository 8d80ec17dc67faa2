#!/usr/bin/env python3
"""Write the small, deliberately awkward fixture dataset used by the analysis tests.

Output (tidy CSV + scorecard, METHODS.md "Data model" and "Scorecard file"):

  Tests/Fixtures/awkward/measurements.csv   columns team,period,measure,value
  Tests/Fixtures/awkward/scorecard.yml

Monthly, 8 teams x 18 calendar months (2024-01 .. 2025-06). What makes it awkward:

* 2024-01 holds rows for a few teams but every value there is missing, so the dataset's
  first period (t = 0) is 2024-01 although the first present value is in 2024-02.
* gaps: missing cells written as the four missing tokens (empty, ``NA``, ``NaN``,
  ``null``) and as absent rows; team ``Alpha`` has no gap in customer_satisfaction or
  revenue (used for the single-team Granger cross-check).
* ``Late Starters`` has no rows at all before 2024-07.
* ``training_hours`` is 40 for every team and period (constant series; a link from it
  is rank-deficient against the team effects).
* ``Zero Cost`` has sales_cost 0 everywhere (one cell written ``-0``): ROI excluded,
  note ``cost <= 0``. ``No Cost`` has no sales_cost rows at all: note ``no data``.
* team names with a comma (``North, East``), a double quote (``The "Best" Team``),
  non-ASCII letters (``Équipe Zürich``), and a team literally named ``NA``; all quoted
  per RFC 4180 where needed (Python's csv module, QUOTE_MINIMAL).
* ``web_visits`` is in the data but not in the scorecard; a few of its values are
  written in exponent form (``1.2345e+03``); team ``NA`` has only 2 of them (no trend
  row), ``Zero Cost`` exactly 3.
* real relationships: customer_satisfaction leads revenue by one month (positive);
  churn_rate leads customer_satisfaction by one month with a strong *negative* effect while
  the scorecard link claims a positive sign; pipeline follows revenue.

Deterministic (numpy ``default_rng(20240917)``); running it twice gives identical files.

Run from the repository root:

    python3 Tests/Reference/make_awkward_dataset.py
"""

import csv
import math
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "Tests" / "Fixtures" / "awkward"

SCORECARD = """\
name: Awkward fixture scorecard
perspectives:
  financial:
    objectives:
      - name: Grow profitable revenue
        weight: 2
        measures:
          - id: revenue
            name: Revenue
            unit: USD
            direction: higher
            aggregation: sum
            target: 160000
            team_target: 20000
            thresholds: {green: 1.0, amber: 0.9}
          - id: sales_cost
            name: Cost of sales
            unit: USD
            direction: lower
            aggregation: sum
            target: 90000
  customer:
    objectives:
      - name: Delight customers
        measures:
          - id: customer_satisfaction
            direction: higher
            aggregation: mean
            target: 75
          - id: churn_rate
            unit: percent
            direction: lower
            aggregation: mean
            target: 4
  process:
    objectives:
      - name: Fill the pipeline
        measures:
          - id: meetings
            direction: higher
            aggregation: sum
          - id: pipeline
            direction: higher
            aggregation: last
  learning:
    objectives:
      - name: Build selling skills
        measures:
          - id: training_hours
            direction: higher
            aggregation: last
            target: 40
        initiatives:
          - {name: Sales academy, owner: Head of Enablement, due: 2025-03, status: in progress}
links:
  - {from: customer_satisfaction, to: revenue, sign: positive}
  - {from: churn_rate, to: customer_satisfaction, sign: '+'}
  - {from: training_hours, to: meetings, sign: positive}
roi: {return: revenue, cost: sales_cost}
"""

TEAMS = [
    "Alpha",
    "North, East",
    'The "Best" Team',
    "\u00c9quipe Z\u00fcrich",  # Équipe Zürich
    "NA",
    "Late Starters",
    "Zero Cost",
    "No Cost",
]
MEASURES = ["revenue", "sales_cost", "customer_satisfaction", "churn_rate",
            "meetings", "pipeline", "training_hours", "web_visits"]
PERIODS = [f"{2024 + m // 12}-{m % 12 + 1:02d}" for m in range(18)]  # 2024-01 .. 2025-06
MISSING = ["", "NA", "NaN", "null"]


def main():
    rng = np.random.default_rng(20240917)
    P, T = len(PERIODS), len(TEAMS)
    season = rng.normal(0.0, 1.0, P)          # company-wide shock per month

    values = {}                               # (team, t, measure) -> float
    for i, team in enumerate(TEAMS):
        first = 6 if team == "Late Starters" else 1
        mu_sat = 68.0 + 4.0 * rng.normal()
        mu_churn = 4.0 + 0.8 * rng.normal()
        base = 18000.0 + 4000.0 * rng.normal()
        cost_ratio = 0.35 + 0.5 * rng.random()
        sat_prev, churn_prev, a, c = mu_sat, mu_churn, 0.0, 0.0
        for t in range(first, P):
            c = 0.5 * c + 0.6 * rng.normal()
            churn = mu_churn + c + 0.2 * season[t]
            a = 0.4 * a + 2.0 * rng.normal()
            sat = mu_sat + a + 1.0 * season[t] - 6.0 * (churn_prev - mu_churn)
            revenue = base * (1.0 + 0.04 * season[t]) + 450.0 * (sat_prev - mu_sat) \
                + 500.0 * rng.normal()
            cost = cost_ratio * revenue + 300.0 * rng.normal()
            meetings = float(rng.poisson(30 + 3 * max(season[t], -3)))
            pipeline = 3.0 * revenue + 2000.0 * rng.normal()
            web = math.exp(7.0 + 0.3 * rng.normal())
            row = {
                "revenue": round(revenue, 2),
                "sales_cost": round(cost, 2),
                "customer_satisfaction": round(sat, 1),
                "churn_rate": round(churn, 3),
                "meetings": meetings,
                "pipeline": round(pipeline),
                "training_hours": 40.0,
                "web_visits": round(web),
            }
            for m, v in row.items():
                values[(team, t, m)] = v
            sat_prev, churn_prev = sat, churn

    rows = []  # (team, period, measure, text) ; absent rows simply not appended
    token_cycle = 0
    for t, period in enumerate(PERIODS):
        for team in TEAMS:
            if team == "Late Starters" and t < 6:
                continue                      # no rows at all
            for m in MEASURES:
                if t == 0:
                    # the first calendar period: rows, but only missing values
                    if team in ("Alpha", "NA", "North, East") and m in ("revenue", "web_visits", "churn_rate"):
                        rows.append((team, period, m, MISSING[token_cycle % 4]))
                        token_cycle += 1
                    continue
                if team == "No Cost" and m == "sales_cost":
                    continue
                if team == "NA" and m == "web_visits" and t not in (3, 11):
                    continue                  # only 2 present values: no trend row
                if team == "Zero Cost" and m == "web_visits" and t not in (2, 9, 16):
                    rows.append((team, period, m, "null"))
                    continue                  # exactly 3 present values
                v = values[(team, t, m)]
                if team == "Zero Cost" and m == "sales_cost":
                    rows.append((team, period, m, "-0" if t == 5 else "0"))
                    continue
                protected = (team == "Alpha" and m in ("revenue", "customer_satisfaction")) \
                    or (team in ("NA", "Zero Cost") and m == "web_visits")
                u = rng.random()
                if not protected and m != "training_hours" and u < 0.05:
                    continue                  # absent row
                if not protected and u > 0.93:
                    rows.append((team, period, m, MISSING[token_cycle % 4]))
                    token_cycle += 1
                    continue
                rows.append((team, period, m, fmt(m, v, rng)))

    OUT.mkdir(parents=True, exist_ok=True)
    with open(OUT / "measurements.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
        w.writerow(["team", "period", "measure", "value"])
        for r in rows:
            w.writerow(r)
    (OUT / "scorecard.yml").write_text(SCORECARD, encoding="utf-8")
    print(f"wrote {len(rows)} rows to {OUT / 'measurements.csv'}")


def fmt(measure, v, rng):
    if measure in ("meetings", "training_hours", "pipeline"):
        return str(int(v))
    if measure == "web_visits":
        return f"{v:.4e}" if rng.random() < 0.3 else str(int(v))
    if measure == "customer_satisfaction":
        return f"{v:.1f}"
    if measure == "churn_rate":
        return f"{v:.3f}"
    return f"{v:.2f}"


if __name__ == "__main__":
    main()
