#!/usr/bin/env bash
# No line of a tracked Swift file may exceed the .swift-format lineLength (140 columns, counted in
# characters, as swift-format counts them, not bytes). swift-format cannot break a long string literal
# or comment, so this catches what `swift format lint` lets through. Prints file:line: length for each
# offender and fails if there is any. (Python, not awk: Debian's mawk counts bytes.)
set -euo pipefail
cd "$(dirname "$0")/.."
git ls-files -z '*.swift' | python3 -c '
import sys
limit = int(sys.argv[1])
bad = 0
for path in sys.stdin.read().split("\0"):
    if not path:
        continue
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            length = len(line.rstrip("\n"))
            if length > limit:
                print(f"{path}:{number}: {length} characters (limit {limit})")
                bad += 1
if bad:
    print(f"{bad} line(s) over {limit} characters")
    sys.exit(1)
' "${1:-140}"
