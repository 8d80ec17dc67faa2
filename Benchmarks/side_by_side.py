#!/usr/bin/env python3
"""Scorecard's numeric core and reader side by side with numpy / pandas / polars, in one run.

    python3 Benchmarks/side_by_side.py trend      # 1,000,000 trend lines of 60 points vs np.linalg.lstsq
    python3 Benchmarks/side_by_side.py read FILE  # measurements CSV vs pandas (C, pyarrow) and polars

Builds Benchmarks/ in release mode first. Prints each tool's time and the ratio; `read` also
reports peak resident memory of each run (/usr/bin/time -v). Needs numpy (and pandas, pyarrow,
polars for `read`: pip install pandas pyarrow polars). Results are recorded in Benchmarks/RESULTS.md.
"""
import os
import re
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.join(HERE, ".build", "release", "scorecard-bench")


def build():
    subprocess.run(["flock", "/tmp/scorecard-build.lock", "swift", "build", "-c", "release", "--package-path", HERE,
                    "--product", "scorecard-bench"], check=True,
                   stdout=subprocess.DEVNULL)


def lcg_series(series, periods, missing):
    """The same data scorecard-bench makes: a 64-bit LCG, a line plus noise per series."""
    n = series * (2 + 2 * periods)
    state = np.uint64(42)
    a = np.uint64(6364136223846793005)
    c = np.uint64(1442695040888963407)
    # Vectorised LCG: state_k = a^k s + c (a^k - 1)/(a - 1), computed by doubling.
    out = np.empty(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        chunk = 1 << 16
        ak = np.empty(chunk, dtype=np.uint64)
        ck = np.empty(chunk, dtype=np.uint64)
        ak[0], ck[0] = a, c
        for i in range(1, chunk):
            ak[i] = ak[i - 1] * a
            ck[i] = ck[i - 1] * a + c
        for start in range(0, n, chunk):
            m = min(chunk, n - start)
            out[start:start + m] = ak[:m] * state + ck[:m]
            state = out[start + m - 1]
    u = (out >> np.uint64(11)).astype(np.float64) * 2.0 ** -53
    u = u.reshape(series, 2 + 2 * periods)
    slope = u[:, 0] - 0.5
    level = 100 * u[:, 1]
    noise = u[:, 2::2] - 0.5
    miss = u[:, 3::2] < missing
    t = np.arange(periods)
    y = level[:, None] + slope[:, None] * t[None, :] + noise
    y[miss] = np.nan
    return y  # series × periods


def bench_trend(series=1_000_000, periods=60):
    build()
    out = subprocess.run([BENCH, "trend", str(series), str(periods)], check=True, capture_output=True, text=True).stdout
    print(out.strip())
    ours = float(re.search(r"all_columns_s=([\d.]+)", out).group(1))
    ours_nop = float(re.search(r"without_p_s=([\d.]+)", out).group(1))
    y = lcg_series(series, periods, 0.0).T.copy()  # periods × series, as lstsq takes it
    t = np.arange(periods, dtype=float)
    A = np.column_stack([np.ones(periods), t])
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        coef, ssr, rank, sv = np.linalg.lstsq(A, y, rcond=None)
        best = min(best, time.perf_counter() - t0)
    # The cheapest numpy a skilled user writes: a precomputed projector, one matmul.
    P = np.linalg.pinv(A)
    best_proj = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        coef2 = P @ y
        best_proj = min(best_proj, time.perf_counter() - t0)
    # Every METHODS.md column the vectorised way (closed-form masked OLS, scipy t for p and CI),
    # as end_to_end.py's numpy way computes them.
    from types import SimpleNamespace
    sys.path.insert(0, HERE)
    from end_to_end import np_trend
    yt = y.T.copy()  # series × periods
    best_all = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        np_trend(SimpleNamespace(v=yt, P=periods))
        best_all = min(best_all, time.perf_counter() - t0)
    # The memory-bandwidth bound: one pass reading the data (numpy's sum streams it).
    best_read = float("inf")
    for _ in range(5):
        t0 = time.perf_counter()
        y.sum()
        best_read = min(best_read, time.perf_counter() - t0)
    print(f"numpy lstsq: {best:.4f} s   numpy projector (slope+intercept only): {best_proj:.4f} s")
    print(f"numpy + scipy, every METHODS column: {best_all:.4f} s   ratio / scorecard (all columns): {best_all / ours:.2f}x")
    print(f"one read pass (numpy sum): {best_read:.4f} s = {y.nbytes / best_read / 1e9:.1f} GB/s; "
          f"scorecard all columns {ours / best_read:.2f}x that bound, without p {ours_nop / best_read:.2f}x")
    print(f"ratio lstsq / scorecard (all METHODS columns incl. p): {best / ours:.2f}x")
    print(f"ratio lstsq / scorecard (slope, intercept, se, t, CI, R²): {best / ours_nop:.2f}x")
    print(f"ratio projector / scorecard (no p): {best_proj / ours_nop:.2f}x")
    print(f"memory bound: {y.nbytes / 1e9:.2f} GB read once")
    out = subprocess.run([BENCH, "dgemm", "3000"], check=True, capture_output=True, text=True).stdout
    print(out.strip())


def peak_rss(cmd):
    r = subprocess.run(["/usr/bin/time", "-v"] + cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(r.stderr[-2000:])
    kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", r.stderr).group(1))
    return r.stdout, kb / 1024


def bench_read(path):
    build()
    size = os.path.getsize(path) / 1e6
    print(f"file: {path} ({size:.0f} MB)")
    # Best of three runs (the first also warms the page cache for everyone).
    runs = [peak_rss([BENCH, "read", path]) for _ in range(3)]
    out, rss = min(runs, key=lambda r: float(re.search(r"read s=([\d.]+)", r[0]).group(1)))
    ours = float(re.search(r"read s=([\d.]+)", out).group(1))
    print(f"scorecard: {ours:.3f} s  {size / ours:.0f} MB/s  peak RSS {rss:.0f} MB   ({out.strip()})")
    peers = {
        "pandas C engine": "import pandas as pd,sys,time;t=time.perf_counter();pd.read_csv(sys.argv[1]);print(time.perf_counter()-t)",
        "pandas pyarrow engine": "import pandas as pd,sys,time;t=time.perf_counter();pd.read_csv(sys.argv[1],engine='pyarrow');print(time.perf_counter()-t)",
        "polars": "import polars as pl,sys,time;t=time.perf_counter();pl.read_csv(sys.argv[1]);print(time.perf_counter()-t)",
    }
    for name, code in peers.items():
        try:
            best = None
            for _ in range(3):
                out, rss = peak_rss([sys.executable, "-c", code, path])
                t = float(out.strip().splitlines()[-1])
                best = t if best is None else min(best, t)
            t = best
            print(f"{name}: {t:.3f} s  {size / t:.0f} MB/s  peak RSS {rss:.0f} MB   ratio {t / ours:.2f}x")
        except Exception as e:  # a peer that is not installed is reported, not fatal
            print(f"{name}: not run ({str(e).strip().splitlines()[-1] if str(e).strip() else e})")


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "trend":
        bench_trend()
    elif len(sys.argv) >= 3 and sys.argv[1] == "read":
        bench_read(sys.argv[2])
    else:
        print(__doc__)
        sys.exit(64)
