#!/usr/bin/env python3
"""Write the forecast v2 fixtures (Tests/Fixtures/forecast-{additive,weekly,quarterly}/).

Small synthetic organisations for the golden tests of METHODS.md "Forecast", each a tidy
measurements.csv (team, period, measure, value) and a scorecard.yml with revenue (sum, the
roi return), customer_satisfaction (mean, linked into revenue) and sales_cost:

* forecast-additive: 30 teams x 36 months, noise of the same size for every team (the
  scale elasticity is near 0, so `auto` keeps levels), one blank driver cell at the last
  month (a team named in a note) and one team that starts late.
* forecast-weekly: 12 teams x 110 ISO weeks from 2023-W01, proportional noise.
* forecast-quarterly: 20 teams x 28 quarters from 2018-Q1, proportional noise; revenue's
  aggregation is `mean` here, so the organisation figure is the mean of the teams.

numpy default_rng(13); deterministic. Run from the repository root:

    python3 Tests/Reference/make_forecast_v2_fixtures.py
"""
import datetime as dt
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]


def scorecard(aggregation):
    return f"""name: Forecast fixture
perspectives:
  financial:
    objectives:
      - name: Grow revenue
        measures:
          - {{id: revenue, direction: higher, aggregation: {aggregation}}}
          - {{id: sales_cost, direction: lower, aggregation: sum}}
  customer:
    objectives:
      - name: Delight customers
        measures:
          - {{id: customer_satisfaction, direction: higher, aggregation: mean}}
links:
  - {{from: customer_satisfaction, to: revenue}}
roi: {{return: revenue, cost: sales_cost}}
"""


def fmt(v):
    return "" if v is None else repr(round(float(v), 4))


def write(name, labels, teams, season_of, additive, rng, aggregation="sum", blank=None, late=None):
    T = len(labels)
    lines = ["team,period,measure,value"]
    for k, team in enumerate(teams):
        size = float(np.exp(rng.normal(np.log(1000), 0.8)))
        growth = rng.normal(0.004, 0.004)
        cs = 70 + rng.normal(0, 3) + np.cumsum(rng.normal(0, 1.0, T))
        rev = np.empty(T)
        for t in range(T):
            base = size * (1 + growth * t) * (1 + 0.15 * np.sin(2 * np.pi * season_of(t)))
            drive = (cs[t - 1] - 70) * (0.02 * (size if not additive else 1000)) if t >= 1 else 0.0
            noise = rng.normal(0, 60) if additive else base * rng.normal(0, 0.06)
            rev[t] = base + drive + noise
        cost = 0.3 * rev + rng.normal(0, 5, T)
        for t in range(T):
            if late is not None and k == late and t < T // 2:
                continue
            c = None if (blank is not None and k == blank and t == T - 1) else cs[t]
            lines.append(f"{team},{labels[t]},revenue,{fmt(rev[t])}")
            lines.append(f"{team},{labels[t]},customer_satisfaction,{fmt(c)}")
            lines.append(f"{team},{labels[t]},sales_cost,{fmt(cost[t])}")
    folder = ROOT / "Tests" / "Fixtures" / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "measurements.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "scorecard.yml").write_text(scorecard(aggregation), encoding="utf-8")


def main():
    rng = np.random.default_rng(13)
    months = [f"{2023 + t // 12}-{t % 12 + 1:02d}" for t in range(36)]
    write("forecast-additive", months, [f"Team {i:02d}" for i in range(30)], lambda t: t / 12, True, rng, blank=4, late=7)
    weeks = []
    d = dt.date.fromisocalendar(2023, 1, 1)
    for t in range(110):
        y, w, _ = (d + dt.timedelta(weeks=t)).isocalendar()
        weeks.append(f"{y}-W{w:02d}")
    write("forecast-weekly", weeks, [f"W{i:02d}" for i in range(12)], lambda t: t / 52.18, False, rng)
    quarters = [f"{2018 + t // 4}-Q{t % 4 + 1}" for t in range(28)]
    write("forecast-quarterly", quarters, [f"Q{i:02d}" for i in range(20)], lambda t: t / 4, False, rng, aggregation="mean")


if __name__ == "__main__":
    main()
