#!/bin/sh
# Writes the forecast goldens of Tests/AnalysisTests/ForecastTests.swift from the independent
# statsmodels reference (make_forecast_v2_reference.py). Run from the repository root.
set -eu
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
R=Tests/Reference/make_forecast_v2_reference.py
O=Tests/AnalysisTests/Reference
python3 Tests/Reference/make_forecast_v2_fixtures.py
python3 $R datasets/b2b-73 $O/forecast2-b2b-73.json
python3 $R datasets/b2b-73 $O/forecast2-b2b-73-levels.json --transform none --calibration none --team-trends off
python3 $R Tests/Fixtures/forecast-gaps $O/forecast2-gaps.json
python3 $R Tests/Fixtures/forecast-additive $O/forecast2-additive.json
python3 $R Tests/Fixtures/forecast-weekly $O/forecast2-weekly.json
python3 $R Tests/Fixtures/forecast-quarterly $O/forecast2-quarterly.json --team-trends on
# forecast --scenario (make_forecast_scenario_reference.py): several drivers on the log scale, a set value
# for two teams on the level scale, a relative change with team trends on quarterly data.
S=Tests/Reference/make_forecast_scenario_reference.py
python3 $S datasets/b2b-73 $O/forecast2-scenario-b2b-73.json --drivers customer_satisfaction,win_rate \
    --scenario customer_satisfaction=+2 --scenario win_rate=-5%
python3 $S Tests/Fixtures/forecast-additive $O/forecast2-scenario-additive.json --scenario customer_satisfaction=80 --teams "Team 01,Team 02"
python3 $S Tests/Fixtures/forecast-quarterly $O/forecast2-scenario-quarterly.json --team-trends on --scenario customer_satisfaction=+10%
