#!/usr/bin/env bash
# Reading the 5,000-team benchmark set (9,000,000 rows: 5,000 teams × 30 measures × 60 months,
# `scorecard generate --teams 5000 --periods 60 --measures 30 --seed 1`) from PostgreSQL:
# `scorecard validate postgres://…?table=bench_tidy` (COPY through libpq into the panel) side by
# side with `psql -c "COPY bench_tidy TO STDOUT"` > /dev/null on the same table, alternating,
# ROUNDS times each; wall time and peak RSS (GNU time) per run, then the medians and their ratio.
# The same set read from its CSV file (`scorecard validate measurements.csv`, both cores) runs in
# the same rounds; each reader's peak RSS is compared with the panel's size plus 64 MiB.
#
#   Benchmarks/postgres_read.sh            # a throwaway cluster (Tests/Postgres/cluster.sh)
#   PGHOST=… PGPORT=… Benchmarks/postgres_read.sh   # an existing server (PG* variables)
#
# Needs the release binary (swift build -c release) and ~1.5 GB of disk.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${SCORECARD:-.build/release/scorecard}
rounds=${ROUNDS:-3}
work=${WORK:-$(mktemp -d /tmp/scorecard-pgbench.XXXXXX)}
chmod 755 "$work"
if [ -z "${PGHOST:-}" ]; then
    eval "$(Tests/Postgres/cluster.sh start "$work/cluster")"
    trap 'Tests/Postgres/cluster.sh stop "$work/cluster"' EXIT
fi
export PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE
if [ ! -f "$work/data/measurements.csv" ]; then
    "$bin" generate --teams 5000 --periods 60 --measures 30 --seed 1 --output "$work/data" >/dev/null
fi
psql -X -q -v ON_ERROR_STOP=1 -c "DROP TABLE IF EXISTS bench_tidy" \
    -c "CREATE TABLE bench_tidy (team text, period text, measure text, value double precision)" \
    -c "\\copy bench_tidy FROM '$work/data/measurements.csv' WITH (FORMAT csv, HEADER)" -c "VACUUM ANALYZE bench_tidy"
rows=$(psql -X -A -t -c "SELECT count(*) FROM bench_tidy")
url="postgres://$PGHOST:$PGPORT/$PGDATABASE?table=bench_tidy"
echo "rows: $rows; panel: 5000 × 30 × 60 cells × 8 bytes = $((5000 * 30 * 60 * 8 / 1048576)) MiB"
: > "$work/times"
for round in $(seq "$rounds"); do
    /usr/bin/time -f "psql %e %M" -a -o "$work/times" psql -X -q -c "COPY bench_tidy TO STDOUT WITH (FORMAT csv, HEADER)" > /dev/null
    /usr/bin/time -f "scorecard %e %M" -a -o "$work/times" "$bin" validate "$url" > /dev/null
    /usr/bin/time -f "csv %e %M" -a -o "$work/times" "$bin" validate "$work/data/measurements.csv" > /dev/null
done
python3 - "$work/times" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    name, seconds, kb = line.split()
    runs.setdefault(name, []).append((float(seconds), int(kb)))
for name, r in runs.items():
    print(f"{name:10s} wall {', '.join(f'{s:.2f}' for s, _ in r)} s; median {statistics.median(s for s, _ in r):.2f} s; peak RSS max {max(k for _, k in r) / 1024:.0f} MiB")
ratio = statistics.median(s for s, _ in runs["scorecard"]) / statistics.median(s for s, _ in runs["psql"])
print(f"scorecard / psql COPY (median wall): {ratio:.2f}x")
panel = 5000 * 30 * 60 * 8 / 1048576
for name in ("scorecard", "csv"):
    peak = max(k for _, k in runs[name]) / 1024
    print(f"{name}: peak {peak:.0f} MiB = panel {panel:.1f} MiB + {peak - panel:.1f} MiB (target: below panel + 64 MiB = {panel + 64:.1f} MiB)")
PY
