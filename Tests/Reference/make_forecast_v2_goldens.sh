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
