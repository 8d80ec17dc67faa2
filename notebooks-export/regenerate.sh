#!/usr/bin/env bash
# Re-exports the notebooks in this folder from datasets/b2b-73 with the release binary
# (built here when missing or older than the sources). check.py verifies that a fresh
# export equals these files byte for byte and that each runs in a Jupyter kernel.
#
# Usage: notebooks-export/regenerate.sh [SCORECARD_BINARY]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
bin="${1:-$root/.build/release/scorecard}"
if [ $# -eq 0 ]; then
    # One build at a time on a shared machine (flock, when there is one).
    lock=(); command -v flock >/dev/null && lock=(flock /tmp/scorecard-build.lock)
    (cd "$root" && "${lock[@]}" swift build -c release --product scorecard 2>&1 | tail -1)
fi
# OpenBLAS may sum in a different order with more threads, which can change the last digit
# of some results (it did for the lead-lag before the grid version); one thread rules it out.
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
cd "$here"
for analysis in trend leadlag rank quartiles forecast; do
    "$bin" export notebook ../datasets/b2b-73 --analysis "$analysis" --output "$analysis.ipynb"
    echo "notebooks-export/$analysis.ipynb: $(wc -c < "$analysis.ipynb") bytes"
done
# The forecast with every model flag away from its default (check.py's EXPORTS says the same):
# the notebook must follow them.
"$bin" export notebook ../datasets/b2b-73 --analysis forecast --transform none --seasonal none --team-trends on \
    --calibration none --confidence 0.9 --horizon 2 --backtest 2 --output forecast-options.ipynb
echo "notebooks-export/forecast-options.ipynb: $(wc -c < forecast-options.ipynb) bytes"
