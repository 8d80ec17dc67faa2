#!/usr/bin/env python3
"""How often each planted lead-lag verdict comes out over generated organisations.

    python3 Tests/Reference/verdict_rates.py [SEEDS=20] [BIN=.build/release/scorecard]

For seeds 1..SEEDS it runs `scorecard generate --seed S` (73 teams × 36 months) and
`scorecard leadlag --format csv`, then tallies, per scorecard link, the verdicts and whether
the best lag equals the planted one (truth.json). Prints a Markdown table for docs/.
"""
import collections
import csv
import io
import json
import subprocess
import sys
import tempfile

seeds = int(sys.argv[1]) if len(sys.argv) > 1 else 20
binary = sys.argv[2] if len(sys.argv) > 2 else ".build/release/scorecard"
tally = collections.defaultdict(collections.Counter)
lag_hits = collections.Counter()
planted = {}
with tempfile.TemporaryDirectory() as tmp:
    for seed in range(1, seeds + 1):
        folder = f"{tmp}/s{seed}"
        subprocess.run([binary, "generate", "--seed", str(seed), "--output", folder, "--quiet"], check=True, stdout=subprocess.DEVNULL)
        truth = json.load(open(f"{folder}/truth.json"))
        out = subprocess.run([binary, "leadlag", folder, "--format", "csv"], check=True, capture_output=True, text=True).stdout
        for row in csv.DictReader(io.StringIO(out)):
            key = (row["leader"], row["lagger"])
            tally[key][row["verdict"]] += 1
            for link in truth.get("links", []):
                if (link.get("from"), link.get("to")) == key:
                    planted[key] = link
                    if row["best_lag"] and link.get("lag") is not None and int(row["best_lag"]) == int(link["lag"]):
                        lag_hits[key] += 1
print(f"Verdicts over {seeds} generated organisations (73 teams × 36 months, seeds 1–{seeds}):\n")
print("| link | planted | supported | not supported | reversed | contradicted | insufficient data | best lag = planted |")
print("|---|---|---|---|---|---|---|---|")
for key, c in tally.items():
    kind = planted.get(key, {}).get("truth", "")
    lag = planted.get(key, {}).get("lag")
    print(f"| {key[0]} → {key[1]} | {kind}{f' (lag {lag})' if lag is not None else ''} | {c['supported']} | {c['not supported']} | {c['reversed']} | {c['contradicted']} | {c['insufficient data']} | {lag_hits[key] if lag is not None else '–'} |")
