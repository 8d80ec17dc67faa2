#!/usr/bin/env bash
# Seen, not assumed: renders `scorecard report datasets/b2b-73` in headless Chromium to a PNG
# and checks that it is not blank (check_png.py: size, colours, ink in every tenth of the
# page, the status, forecast and heatmap colours present), and prints it to PDF to check
# that it paginates (a page per section at least).
#
# Usage: Tests/Report/screenshot.sh [OUTDIR]   (default: a fresh temporary folder)
# Environment: SCORECARD, the binary (default .build/release/scorecard); CHROMIUM, the browser.
# Needs Debian's chromium and a font (fonts-dejavu-core); no network.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${SCORECARD:-.build/release/scorecard}
out=${1:-$(mktemp -d)}
mkdir -p "$out"
browser=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
if [ -z "$browser" ]; then
    echo "screenshot: no chromium on PATH (apt-get install chromium)" >&2
    exit 1
fi
"$bin" report datasets/b2b-73 --output "$out/report.html"
url="file://$(cd "$out" && pwd)/report.html"
flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run --user-data-dir="$out/chromium-profile")
timeout 180 "$browser" "${flags[@]}" --window-size=1400,7000 --screenshot="$out/report.png" "$url" 2>"$out/chromium.log" || {
    cat "$out/chromium.log" >&2
    exit 1
}
timeout 180 "$browser" "${flags[@]}" --no-pdf-header-footer --print-to-pdf="$out/report.pdf" "$url" 2>>"$out/chromium.log" || {
    cat "$out/chromium.log" >&2
    exit 1
}
echo "report: $(wc -c <"$out/report.html") bytes of HTML; screenshot $out/report.png; PDF $out/report.pdf"
python3 Tests/Report/check_png.py "$out/report.png" --min-height 3000
python3 - "$out/report.pdf" <<'PY'
import re, sys
data = open(sys.argv[1], "rb").read()
pages = len(re.findall(rb"/Type\s*/Page\b", data))
ok = data.startswith(b"%PDF") and pages >= 6
print(("ok   " if ok else "FAIL ") + f"printed to PDF: {pages} pages (at least 6, a section per page)")
sys.exit(0 if ok else 1)
PY
rm -rf "$out/chromium-profile"
