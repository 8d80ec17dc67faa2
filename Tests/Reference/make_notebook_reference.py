#!/usr/bin/env python3
"""Reference for the notebook writer (Sources/Rendering/Notebook/Notebook.swift): what
nbformat itself writes for a small notebook, and how Python splits and reads sources.

Usage (from the repository root):
    python3 Tests/Reference/make_notebook_reference.py Tests/Reference/notebook

Writes
  small.ipynb         nbformat.writes() of a notebook with a markdown and two code cells
                      (fixed ids, hostile text), plus the trailing newline nbformat.write adds
  splitlines.json     [[source, source.splitlines(keepends=True)], ...] for awkward sources
  python-strings.json [text, ...] whose Python literals the Swift test builds and decodes
Needs nbformat.
"""

import json
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

SOURCES = [
    "",
    "one line",
    "a\nb\n",
    "a\r\nb\rc\nd",
    "x\u2028y\u2029z\x85w\x0bv\x0cu\x1cs\x1dr\x1eq",
    "trailing\r",
    "\n\n",
]
TEXTS = [
    "",
    "plain",
    "'''",
    "ends with a backslash \\",
    "ends with a quote '",
    'JSON {"a": "\\"q\\"", "b": "\\\\"}',
    "tab\tnew\nline\rcr\x00nul\x7fdel",
    "nel\x85 ls\u2028 ps\u2029",
    "Zürich 東京 ＝1+1 😀",
]


def main():
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    nb = new_notebook(metadata={"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                                "language_info": {"name": "python"}})
    nb.cells = [new_markdown_cell("# Title\n\nText with \"quotes\", a tab\there and é.", id="intro"),
                new_code_cell("x = '''a\\\\b'''\nprint(x)\n", id="code-1"),
                new_code_cell("", id="empty_2")]
    nb.nbformat, nb.nbformat_minor = 4, 5
    nbformat.validate(nb)
    (out / "small.ipynb").write_text(nbformat.writes(nb) + "\n", encoding="utf-8")
    pairs = [[s, s.splitlines(keepends=True)] for s in SOURCES]
    (out / "splitlines.json").write_text(json.dumps(pairs, indent=1, ensure_ascii=True) + "\n", encoding="utf-8")
    (out / "python-strings.json").write_text(json.dumps(TEXTS, indent=1, ensure_ascii=True) + "\n", encoding="utf-8")
    print(f"wrote {out}/small.ipynb, splitlines.json, python-strings.json")


if __name__ == "__main__":
    main()
