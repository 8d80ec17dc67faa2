#!/usr/bin/env bash
# Builds the libFuzzer targets with AddressSanitizer and runs each for a bounded time,
# seeded from datasets/ and the bad-input corpus (Tests/Corpus). Prints every target's
# execution count; exits non-zero when a target finds a crash, leaving the input in
# .build-fuzz/crashes/ (turn it into a Tests/Corpus case and fix the code).
#
# Usage: Fuzz/run.sh [SECONDS per target, default 60] [target …]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz-csv fuzz-period fuzz-scorecard fuzz-names)
scratch=.build-fuzz
lock=${SCORECARD_BUILD_LOCK:-/tmp/scorecard-build.lock}

echo "== building fuzz targets (-sanitize=fuzzer,address)"
mkdir -p "$scratch"
build() {
    # -sanitize-coverage spelled out: with --sanitize=fuzzer alone, a clean debug build of
    # Swift 6.3 left the library modules without coverage counters (libFuzzer ran blind).
    if ! ( cd Fuzz && flock "$lock" swift build --scratch-path "../$scratch" --sanitize=fuzzer --sanitize=address \
            -Xswiftc -sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp ) >"$scratch/build.log" 2>&1; then
        grep -E "error:" "$scratch/build.log" | head -20 >&2 || tail -20 "$scratch/build.log" >&2
        echo "fuzz: the build failed (log: $scratch/build.log)" >&2
        exit 1
    fi
    tail -1 "$scratch/build.log"
}
# Coverage counters in the reader's code, not just the target's (the target alone has about
# 4,700): check, and rebuild clean once if they are missing.
counters() {
    SWIFT_BACKTRACE=enable=no "$scratch/debug/fuzz-csv" -runs=0 2>&1 | grep -oE '[0-9]+ inline 8-bit counters' | grep -oE '^[0-9]+' || echo 0
}
build
if [ "$(counters)" -lt 10000 ]; then
    echo "fuzz: the libraries were not instrumented; rebuilding from scratch"
    rm -rf "$scratch/debug" "$scratch/build.db" "$scratch/x86_64-unknown-linux-gnu" "$scratch/aarch64-unknown-linux-gnu"
    build
    [ "$(counters)" -ge 10000 ] || { echo "fuzz: still no coverage instrumentation in the libraries" >&2; exit 1; }
fi
bin="$scratch/debug"
for t in "${targets[@]}"; do [ -x "$bin/$t" ] || { echo "fuzz: $bin/$t was not built" >&2; exit 1; }; done

# Seeds: small slices of the sample data, every corpus input, and period labels.
seeds="$scratch/seeds"
rm -rf "$seeds"
mkdir -p "$seeds/fuzz-csv" "$seeds/fuzz-period" "$seeds/fuzz-scorecard" "$seeds/fuzz-names" "$scratch/crashes"
for d in datasets/*/; do
    n=$(basename "$d")
    [ -f "$d/measurements.csv" ] && head -c 4000 "$d/measurements.csv" > "$seeds/fuzz-csv/$n.csv"
    [ -f "$d/scorecard.yml" ] && cp "$d/scorecard.yml" "$seeds/fuzz-scorecard/$n.yml"
done
for c in Tests/Corpus/*/; do
    n=$(basename "$c")
    [ -f "$c/measurements.csv" ] && head -c 8000 "$c/measurements.csv" > "$seeds/fuzz-csv/$n.csv"
    [ -f "$c/scorecard.yml" ] && head -c 16000 "$c/scorecard.yml" > "$seeds/fuzz-scorecard/$n.yml"
done
# Names in both normalisation forms, compatibility characters, combining marks, scripts.
printf 'Zu\xcc\x88rich\nZ\xc3\xbcrich\nB\x01' > "$seeds/fuzz-names/nfc-nfd"
printf 'K\n\xe2\x84\xaa\n\xe2\x84\xab\nA\xcc\x8a\n\xff' > "$seeds/fuzz-names/kelvin-angstrom"
printf 'Ca\xcc\x81diz\n\xe1\xba\x9b\xcc\xa3\n\xed\x95\x9c\n\x02' > "$seeds/fuzz-names/hangul-long-s"
# The two-core path: seeds whose first byte is "1" are grown past 4 MiB (see FuzzCSV.swift).
for d in datasets/*/; do
    n=$(basename "$d")
    [ -f "$d/measurements.csv" ] && { printf '1'; head -c 3000 "$d/measurements.csv"; } > "$seeds/fuzz-csv/two-core-$n.csv"
done
i=0
for p in 2024-01 2024-Q1 2024-W05 2020-W53 2024 2024-01-31 2024-02-29 0001-01 9999-12-31 1-01 2024-13; do
    printf '%s' "$p" > "$seeds/fuzz-period/$i"; i=$((i + 1))
done
cut -d, -f2 datasets/*/measurements.csv 2>/dev/null | sort -u | head -40 | while read -r p; do
    printf '%s' "$p" > "$seeds/fuzz-period/d$p"
done

export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1}
status=0
total=0
for t in "${targets[@]}"; do
    work="$scratch/corpus/$t"
    mkdir -p "$work"
    case $t in
        fuzz-period) max_len=64 ;;
        fuzz-csv) max_len=8192 ;;
        fuzz-names) max_len=512 ;;
        *) max_len=16384 ;;
    esac
    log="$scratch/$t.log"
    echo "== $t: $seconds s"
    set +e
    "$bin/$t" "$work" "$seeds/$t" -max_total_time="$seconds" -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$scratch/crashes/$t-" >"$log" 2>&1
    rc=$?
    set -e
    runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo 0)
    cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 || true)
    total=$((total + runs))
    echo "$t: $runs executions, $cov, corpus $(ls "$work" | wc -l) inputs, exit $rc"
    if grep -q "Is the code instrumented for coverage" "$log"; then
        echo "fuzz: $t ran without coverage feedback" >&2
        status=1
    fi
    if [ $rc -ne 0 ]; then
        status=1
        grep -E "ERROR|Fatal error|Test unit written|SUMMARY|precondition" "$log" | head -20 >&2 || true
    fi
done
echo "fuzzing: $total executions in all"
exit $status
