#!/usr/bin/env python3
"""Checks the exported notebooks in this folder (run by .ci/run).

1. Current: each notebook is exported again from datasets/b2b-73 by the scorecard binary
   (to standard output, from this folder, so the data paths come out the same) and must
   equal the committed file byte for byte (or, said explicitly, differ only in numbers
   within 1e-12 relative: another CPU's BLAS may round the last digit differently); and
   nbformat must read and validate it, and write it back unchanged.
2. Runs: each executes top to bottom in a real Jupyter kernel (nbclient + ipykernel,
   kernel python3, working directory this folder), so every cell must succeed, including
   the last, which asserts agreement with Scorecard's numbers within METHODS.md's
   tolerances.

3. Also (not stored): `--analysis all --last 20` exported from Tests/Fixtures/hostile-names
   (formula-like, quoted, multi-line and non-ASCII team names, a window) and `--analysis all
   --max-lag 16` from Tests/Fixtures/yearly-panel (a measure the same for every team, lags
   with too little sample) must run and agree too; and the rank notebook with one of Scorecard's embedded numbers changed by 1e-7
   relative must FAIL its agreement cell, so the check is known to be able to fail.

Usage: python3 notebooks-export/check.py [--binary PATH] [--skip-execute] [--save DIR] [NAME ...]
(default binary: .build/release/scorecard of this repository; default names: all).
Exit status 0 when every check passes.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# One BLAS thread per kernel: on a small, busy machine threaded BLAS makes the many small
# least-squares fits of the lead-lag notebook several times slower.
# It also fixes the exported bytes: OpenBLAS sums in a thread-count-dependent order, which can
# change the last digit of some engine results (regenerate.sh uses one thread too).
for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[variable] = "1"

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# The exports regenerate.sh writes: name -> scorecard arguments after the dataset.
EXPORTS = {name: ["--analysis", name] for name in ("trend", "leadlag", "rank", "quartiles", "forecast")}
# The forecast's model flags carried into the notebook, every one away from its default.
EXPORTS["forecast-options"] = ["--analysis", "forecast", "--transform", "none", "--seasonal", "none", "--team-trends", "on",
                               "--calibration", "none", "--confidence", "0.9", "--horizon", "2", "--backtest", "2"]
DATASET = "../datasets/b2b-73"


NUMBER = re.compile(r"(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)")


def last_digit_noise(fresh, committed):
    """(count, largest relative difference) when the two texts differ only in numbers, each
    within 1e-12 relative (floating-point noise of a different BLAS or CPU); else None."""
    a, b = NUMBER.split(fresh), NUMBER.split(committed)
    if len(a) != len(b):
        return None
    count, worst = 0, 0.0
    for i, (x, y) in enumerate(zip(a, b)):
        if x == y:
            continue
        if i % 2 == 0:            # text between numbers
            return None
        fx, fy = float(x), float(y)
        rel = abs(fx - fy) / max(abs(fx), abs(fy))
        if rel > 1e-12:
            return None
        count, worst = count + 1, max(worst, rel)
    return count, worst


def export(binary, name):
    """The notebook as the binary exports it now."""
    cmd = [str(binary), "export", "notebook", DATASET, *EXPORTS[name], "--output", "-"]
    done = subprocess.run(cmd, cwd=HERE, capture_output=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr.decode(errors='replace')}")
    return done.stdout


def execute(nb, folder, timeout):
    """Runs every cell in a python3 kernel with `folder` as working directory; returns the
    agreement line, or raises the first cell's error."""
    from nbclient import NotebookClient
    NotebookClient(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(folder)}}).execute()
    text = "".join(o.get("text", "") for o in nb.cells[-1].get("outputs", []) if o.get("output_type") == "stream")
    line = next((l for l in text.splitlines() if l.startswith("AGREEMENT: all")), None)
    if line is None:
        raise RuntimeError(f"the agreement cell did not report agreement: {text[-500:]}")
    return line


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--binary", default=str(ROOT / ".build" / "release" / "scorecard"))
    ap.add_argument("--skip-execute", action="store_true")
    ap.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    ap.add_argument("--save", metavar="DIR", help="also write the executed notebooks (with outputs) to DIR")
    ap.add_argument("names", nargs="*")
    args = ap.parse_args()
    args.binary = Path(args.binary).resolve()

    import nbformat

    committed = sorted(p.stem for p in HERE.glob("*.ipynb"))
    if committed != sorted(EXPORTS):
        raise SystemExit(f"notebooks here {committed}, expected {sorted(EXPORTS)}: run notebooks-export/regenerate.sh")
    failures = []
    for name in args.names or list(EXPORTS):
        path = HERE / f"{name}.ipynb"
        text = path.read_bytes()
        fresh = export(args.binary, name)
        if fresh != text:
            noise = last_digit_noise(fresh.decode("utf-8"), text.decode("utf-8"))
            if noise is None:
                failures.append(f"{path.name} is not current (a fresh export differs): run notebooks-export/regenerate.sh")
                continue
            print(f"{path.name}: a fresh export differs only in the last digits of {noise[0]} numbers (largest relative "
                  f"difference {noise[1]:.1e}): rounding (another BLAS, CPU or summation order), not a change of result; "
                  f"regenerate.sh makes it exact", flush=True)
        nb = nbformat.reads(text.decode("utf-8"), as_version=4)
        nbformat.validate(nb)
        if (nbformat.writes(nb) + "\n").encode("utf-8") != text:
            failures.append(f"{path.name}: nbformat does not write it back byte for byte")
        if any(c.get("outputs") for c in nb.cells if c.cell_type == "code"):
            failures.append(f"{path.name}: holds outputs (exports are stored clean)")
        print(f"{path.name}: current ({len(text)} bytes, {len(nb.cells)} cells)", flush=True)
        if args.skip_execute:
            continue
        start = time.monotonic()
        try:
            line = execute(nb, HERE, args.timeout)
        except Exception as error:   # CellExecutionError, kernel failures, no agreement line
            failures.append(f"{path.name}: execution failed: {str(error)[-3000:]}")
            continue
        if args.save:
            Path(args.save).mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, str(Path(args.save) / path.name))
        print(f"{path.name}: executed in {time.monotonic() - start:.1f} s; {line}", flush=True)

    if not args.skip_execute and not args.names:
        # Hostile names, every analysis, a window; and a short yearly panel with a measure the same for
        # every team and --max-lag 16 on 17 years (issue #14): exported to a temporary folder and run there.
        for name, flags in [("hostile-names", ["--last", "20"]), ("yearly-panel", ["--max-lag", "16"])]:
            with tempfile.TemporaryDirectory(prefix="scorecard-notebook-") as tmp:
                out = Path(tmp) / f"{name}-all.ipynb"
                cmd = [str(args.binary), "export", "notebook", str(ROOT / "Tests" / "Fixtures" / name),
                       "--analysis", "all", *flags, "--output", str(out)]
                done = subprocess.run(cmd, capture_output=True, text=True)
                if done.returncode != 0:
                    failures.append(f"{' '.join(cmd)} failed: {done.stderr}")
                    continue
                start = time.monotonic()
                try:
                    line = execute(nbformat.read(str(out), as_version=4), tmp, args.timeout)
                    print(f"{name} --analysis all {' '.join(flags)}: executed in {time.monotonic() - start:.1f} s; {line}", flush=True)
                except Exception as error:
                    failures.append(f"{name} notebook: execution failed: {str(error)[-3000:]}")
        # The agreement cell must be able to fail: change one embedded number by 1e-7 relative.
        nb = nbformat.reads((HERE / "rank.ipynb").read_text(encoding="utf-8"), as_version=4)
        cell = next(c for c in nb.cells if c.get("id") == "rank-scorecard")
        cell.source, changed = re.subn(r'("roi": )(-?[0-9][0-9.e+-]*)', lambda m: m[1] + repr(float(m[2]) * (1 + 1e-7)),
                                       cell.source, count=1)
        assert changed == 1, "no roi value found to tamper with"
        try:
            execute(nb, HERE, args.timeout)
            failures.append("rank.ipynb with one ROI changed by 1e-7 relative still reported agreement")
        except Exception as error:
            if "disagreements" not in str(error):
                failures.append(f"tampered rank.ipynb failed for another reason: {str(error)[-1000:]}")
            else:
                print("rank.ipynb with one ROI changed by 1e-7 relative: the agreement cell fails, as it must", flush=True)

    for f in failures:
        print("FAIL:", f, file=sys.stderr)
    if failures:
        return 1
    print(f"notebooks-export: {len(args.names or EXPORTS)} notebooks current and agreeing")
    return 0


if __name__ == "__main__":
    sys.exit(main())
