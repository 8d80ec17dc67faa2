#!/usr/bin/env python3
"""Write the gappy forecast fixture: Tests/Fixtures/forecast-gaps/{measurements.csv,scorecard.yml}.

Source: datasets/b2b-73 (tidy CSV team,period,measure,value). The fixture keeps

* the rows of the first 12 teams in the file's order (generation order), every line
  byte for byte as in the source (same header, same RFC 4180 quoting), except that
* about 5% of the values are blanked (an empty ``value`` cell = missing): each line
  independently with probability 0.05, numpy ``default_rng(SEED)``, one draw per kept
  line in file order (already-missing values stay missing);
* every row of the third team (``DROP_TEAM_INDEX``) is dropped for the 4 consecutive
  months ``DROP_FROM`` .. ``DROP_TO`` in the middle of the 36: a calendar gap with no rows.

``scorecard.yml`` is copied unchanged. Deterministic: running it twice gives identical files.

Run from the repository root:

    python3 Tests/Reference/make_forecast_fixture.py
"""

import csv
import io
import shutil
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
SRC = REPO / "datasets" / "b2b-73"
OUT = REPO / "Tests" / "Fixtures" / "forecast-gaps"

SEED = 20251129
N_TEAMS = 12
BLANK_P = 0.05
DROP_TEAM_INDEX = 2                       # the third team in file order
DROP_MONTHS = {"2024-05", "2024-06", "2024-07", "2024-08"}
DROP_FROM, DROP_TO = "2024-05", "2024-08"


def main():
    text = (SRC / "measurements.csv").read_text(encoding="utf-8")
    lines = text.split("\n")
    assert lines[-1] == "", "source must end with a newline"
    header, body = lines[0], lines[1:-1]
    assert header == "team,period,measure,value", header
    rng = np.random.default_rng(SEED)

    teams = []                            # first N_TEAMS distinct teams, file order
    out = [header]
    blanked = dropped = 0
    for line in body:
        team, period, measure, value = next(csv.reader(io.StringIO(line)))
        if team not in teams:
            if len(teams) == N_TEAMS:
                continue
            teams.append(team)
        if teams.index(team) == DROP_TEAM_INDEX and period in DROP_MONTHS:
            dropped += 1
            continue
        if rng.random() < BLANK_P:
            # the value is the last field and never quoted: cut after the last comma,
            # so team quoting stays exactly as in the source
            assert line.endswith("," + value), line
            line = line[: len(line) - len(value)]
            blanked += value != ""
        out.append(line)

    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "measurements.csv").write_text("\n".join(out) + "\n", encoding="utf-8")
    shutil.copyfile(SRC / "scorecard.yml", OUT / "scorecard.yml")
    print(f"{len(out) - 1} rows, {len(teams)} teams, {blanked} values blanked, "
          f"{dropped} rows of {teams[DROP_TEAM_INDEX]!r} dropped ({DROP_FROM}..{DROP_TO})")


if __name__ == "__main__":
    main()
