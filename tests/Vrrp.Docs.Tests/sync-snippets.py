#!/usr/bin/env python3
"""Rewrites every code block of README.md, src/*/README.md and docs/*.md that follows a
<!-- snippet: FILE[#REGION,...] --> marker with the current text of those regions, as SnippetSyncTests
compares them. Run it after editing docs/snippets/*.cs: python3 tests/Vrrp.Docs.Tests/sync-snippets.py"""
import glob, os, re, sys

root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
marker = re.compile(r"^\s*<!--\s*snippet:\s*([^#\s]+)(?:#([^\s]+))?\s*-->\s*$")
fence = re.compile(r"^\s*```\s*([A-Za-z#+-]*)\s*$")

def extract(path, regions):
    lines = open(os.path.join(root, path)).read().split("\n")
    if lines and lines[-1] == "":
        lines = lines[:-1]
    if regions is None:
        return lines
    out = []
    for region in regions.split(","):
        begin = next(i for i, l in enumerate(lines) if l.strip() == "#region " + region.strip())
        end = next(i for i in range(begin + 1, len(lines)) if lines[i].strip().startswith("#endregion"))
        body = lines[begin + 1:end]
        indent = min((len(l) - len(l.lstrip()) for l in body if l.strip()), default=0)
        text = [l[indent:] if len(l) >= indent else l.lstrip() for l in body]
        while text and not text[0].strip():
            text.pop(0)
        while text and not text[-1].strip():
            text.pop()
        if out:
            out.append("")
        out.extend(text)
    return out

files = ["README.md"] + sorted(glob.glob(os.path.join(root, "src", "*", "README.md"))) + sorted(glob.glob(os.path.join(root, "docs", "*.md")))
changed = 0
for f in files:
    path = os.path.join(root, f)
    lines = open(path).read().split("\n")
    out, i = [], 0
    while i < len(lines):
        out.append(lines[i])
        m = marker.match(lines[i])
        if m and i + 1 < len(lines) and fence.match(lines[i + 1]):
            out.append(lines[i + 1])
            j = i + 2
            while j < len(lines) and lines[j].strip() != "```":
                j += 1
            out.extend(extract(m.group(1), m.group(2)))
            i = j
            continue
        i += 1
    text = "\n".join(out)
    if text != "\n".join(lines):
        open(path, "w").write(text)
        changed += 1
        print("synced", os.path.relpath(path, root))
print(f"{changed} file(s) changed", file=sys.stderr)
