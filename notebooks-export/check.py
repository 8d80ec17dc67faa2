#!/usr/bin/env python3
"""Checks the exported notebooks in this folder (run by .ci/run).

1. Current: each notebook is exported again from datasets/b2b-73 by the scorecard binary
   (to standard output, from this folder, so the data paths come out the same) and must
   equal the committed file byte for byte; and nbformat must read and validate it, and
   write it back unchanged.
2. Runs: each executes top to bottom in a real Jupyter kernel (nbclient + ipykernel,
   kernel python3, working directory this folder), so every cell must succeed, including
   the last, which asserts agreement with Scorecard's numbers within METHODS.md's
   tolerances.

Usage: python3 notebooks-export/check.py [--binary PATH] [--skip-execute] [NAME ...]
(default binary: .build/release/scorecard of this repository; default names: all).
Exit status 0 when every check passes.
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

# One BLAS thread per kernel: on a small, busy machine threaded BLAS makes the many small
# least-squares fits of the lead-lag notebook several times slower.
for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(variable, "1")

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# The exports regenerate.sh writes: name -> scorecard arguments after the dataset.
EXPORTS = {name: ["--analysis", name] for name in ("trend", "leadlag", "rank", "quartiles", "forecast")}
DATASET = "../datasets/b2b-73"


def export(binary, name):
    """The notebook as the binary exports it now."""
    cmd = [str(binary), "export", "notebook", DATASET, *EXPORTS[name], "--output", "-"]
    done = subprocess.run(cmd, cwd=HERE, capture_output=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr.decode(errors='replace')}")
    return done.stdout


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--binary", default=str(ROOT / ".build" / "release" / "scorecard"))
    ap.add_argument("--skip-execute", action="store_true")
    ap.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    ap.add_argument("names", nargs="*")
    args = ap.parse_args()
    args.binary = Path(args.binary).resolve()

    import nbformat
    from nbclient import NotebookClient

    committed = sorted(p.stem for p in HERE.glob("*.ipynb"))
    if committed != sorted(EXPORTS):
        raise SystemExit(f"notebooks here {committed}, expected {sorted(EXPORTS)}: run notebooks-export/regenerate.sh")
    failures = []
    for name in args.names or list(EXPORTS):
        path = HERE / f"{name}.ipynb"
        text = path.read_bytes()
        fresh = export(args.binary, name)
        if fresh != text:
            failures.append(f"{path.name} is not current (a fresh export differs): run notebooks-export/regenerate.sh")
            continue
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
        client = NotebookClient(nb, timeout=args.timeout, kernel_name="python3",
                                resources={"metadata": {"path": str(HERE)}})
        try:
            client.execute()
        except Exception as error:   # CellExecutionError and kernel failures
            failures.append(f"{path.name}: execution failed: {str(error)[-3000:]}")
            continue
        last = nb.cells[-1]
        text_out = "".join(o.get("text", "") for o in last.get("outputs", []) if o.get("output_type") == "stream")
        if "AGREEMENT: all" not in text_out:
            failures.append(f"{path.name}: the agreement cell did not report agreement: {text_out[-500:]}")
            continue
        line = next(l for l in text_out.splitlines() if l.startswith("AGREEMENT"))
        print(f"{path.name}: executed in {time.monotonic() - start:.1f} s; {line}", flush=True)
    for f in failures:
        print("FAIL:", f, file=sys.stderr)
    if failures:
        return 1
    print(f"notebooks-export: {len(args.names or EXPORTS)} notebooks current and agreeing")
    return 0


if __name__ == "__main__":
    sys.exit(main())
