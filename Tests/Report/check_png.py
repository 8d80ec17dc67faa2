#!/usr/bin/env python3
"""Checks that a screenshot of the report is not blank, without Pillow: decodes the PNG
(8-bit RGB or RGBA, non-interlaced, as Chromium writes it) with zlib and counts.

Usage: check_png.py SCREENSHOT.png [--min-height N]
Prints one line per check and a summary; exits 1 when any check fails.
"""
import struct
import sys
import zlib


def decode(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise SystemExit(f"{path}: not a PNG file")
    pos = 8
    idat = b""
    width = height = None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or colour not in (2, 6) or interlace != 0:
                raise SystemExit(f"{path}: unsupported PNG (depth {depth}, colour type {colour}, interlace {interlace})")
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    raw = zlib.decompress(idat)
    stride = width * channels
    rows = []
    previous = bytearray(stride)
    at = 0
    for _ in range(height):
        kind = raw[at]
        line = bytearray(raw[at + 1:at + 1 + stride])
        at += 1 + stride
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            upper_left = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + ((left + up) >> 1)) & 255
            elif kind == 4:
                p = left + up - upper_left
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - upper_left)
                predictor = left if pa <= pb and pa <= pc else up if pb <= pc else upper_left
                line[i] = (line[i] + predictor) & 255
        rows.append(bytes(line))
        previous = line
    return width, height, channels, rows


def main():
    path = sys.argv[1]
    min_height = int(sys.argv[sys.argv.index("--min-height") + 1]) if "--min-height" in sys.argv else 2000
    width, height, channels, rows = decode(path)
    colours = set()
    ink_rows = 0
    ink_pixels = 0
    strong = {"status green": (0x1a, 0x7f, 0x37), "forecast red": (0xd1, 0x24, 0x2f), "heatmap blue": (0x21, 0x66, 0xac)}
    seen = {k: 0 for k in strong}
    last_ink = 0
    for y, row in enumerate(rows):
        ink = 0
        for x in range(0, width * channels, channels):
            r, g, b = row[x], row[x + 1], row[x + 2]
            colours.add((r, g, b))
            if r < 235 or g < 235 or b < 235:
                ink += 1
            for k, (cr, cg, cb) in strong.items():
                if abs(r - cr) + abs(g - cg) + abs(b - cb) < 60:
                    seen[k] += 1
        if ink:
            ink_rows += 1
            last_ink = y
        ink_pixels += ink
    content = last_ink + 1
    # Rows with ink among the content's rows, in ten bands: a blank stretch means a section failed to draw.
    bands = []
    for i in range(10):
        lo, hi = content * i // 10, content * (i + 1) // 10
        inked = sum(1 for row in rows[lo:hi] if any(v < 235 for v in row[: width * channels]))
        bands.append(inked / max(hi - lo, 1))
    checks = [
        (f"size {width}x{height}", width >= 1000 and height >= min_height),
        (f"content height {content} px (at least {min_height})", content >= min_height),
        (f"{len(colours)} distinct colours (at least 200: charts, not only text)", len(colours) >= 200),
        (f"{ink_pixels / (width * content):.1%} of the content's pixels are not white (at least 4%)", ink_pixels / (width * content) >= 0.04),
        ("every tenth of the page has ink in at least 30% of its rows: " + " ".join(f"{b:.0%}" for b in bands), min(bands) >= 0.30),
    ] + [(f"{seen[k]} pixels of {k} (at least 200)", seen[k] >= 200) for k in strong]
    failed = 0
    for text, ok in checks:
        print(("ok   " if ok else "FAIL ") + text)
        failed += 0 if ok else 1
    # Worded so that CI logs do not read it as the test runner's closing count.
    print(f"screenshot: {failed} of {len(checks)} checks failed" if failed else f"screenshot: all {len(checks)} checks hold")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
