#!/usr/bin/env python3
"""Writes Tests/Fixtures/yearly-panel: a state-level-style yearly panel (issue #14, item 11).

9 teams x 17 years (1975-1991), wide. `price_index` is the same for every team in each year
(a national index: no variation between teams); `visits` leads `sales` by one year; `cost`
makes an ROI; `hires` leads nothing. With `--max-lag 16` the long lags' samples are a few years, where a large |r| is
chance. Deterministic (numpy's PCG64 with a fixed seed).

    python3 Tests/Reference/make_yearly_panel.py Tests/Fixtures/yearly-panel
"""
import sys
from pathlib import Path

import numpy as np

rng = np.random.default_rng(20261206)
teams = [f"State {c}" for c in "ABCDEFGHI"]
years = list(range(1975, 1992))
out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
lines = ["team,period,sales,visits,price_index,cost,hires"]
index = [round(100 * 1.04 ** k + (3 if k % 5 == 2 else 0), 2) for k in range(len(years))]
for i, team in enumerate(teams):
    visits = 50 + 5 * i + rng.normal(0, 6, len(years))
    for k, year in enumerate(years):
        prev = visits[k - 1] if k else visits[0]
        sales = 200 + 20 * i + 0.8 * prev + 0.3 * index[k] + rng.normal(0, 4)
        cost = 120 + 4 * i + rng.normal(0, 5)
        hires = 10 + i + rng.normal(0, 2)
        lines.append(f"{team},{year},{sales:.2f},{visits[k]:.2f},{index[k]:.2f},{cost:.2f},{hires:.2f}")
(out / "measurements.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
(out / "scorecard.yml").write_text("""\
# A yearly panel like a state-level public dataset (issue #14, item 11).
perspectives:
  financial:
    objectives:
      - name: Grow sales
        measures:
          - {id: sales, direction: higher, aggregation: sum}
          - {id: price_index, direction: lower, aggregation: mean}
  process:
    objectives:
      - name: Reach customers
        measures:
          - {id: visits, direction: higher, aggregation: sum}
  learning:
    objectives:
      - name: Grow the team
        measures:
          - {id: hires, direction: higher, aggregation: sum}
links:
  - {from: visits, to: sales, sign: positive}
  - {from: price_index, to: sales}
  - {from: visits, to: price_index}
  - {from: hires, to: visits, sign: positive}
roi: {return: sales, cost: cost}
""", encoding="utf-8")
