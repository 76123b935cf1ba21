#!/usr/bin/env python3
"""Adds [Trait("Rfc", "ID")] to every test that a row of docs/conformance.md names (on the method, or on the class for
Class.*), and removes Rfc traits that no row claims. Idempotent. ConformanceLedgerTests checks the result.
usage: python3 tests/Vrrp.Docs.Tests/tag-conformance.py"""
import glob, os, re, sys

root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
row_id = re.compile(r"^(9568|3768)-[0-9.]+-[a-z]+$")
ref = re.compile(r"`([A-Za-z0-9_]+)\.([A-Za-z0-9_]+|\*)`")
wanted = {}  # (class, method or '*') -> set of ids
for line in open(os.path.join(root, "docs", "conformance.md")):
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    if len(cells) != 6 or not row_id.match(cells[0]):
        continue
    for cls, method in ref.findall(cells[5]):
        wanted.setdefault((cls, method), set()).add(cells[0])

trait = re.compile(r'^\s*\[Trait\("Rfc",\s*"([^"]+)"\)\]\s*$')
cls_re = re.compile(r'^(\s*)(?:public |internal )?(?:sealed |static |abstract )*(?:partial )?class ([A-Za-z0-9_]+)')
method_re = re.compile(r'^(\s*)public (?:async )?(?:static )?(?:void|Task|ValueTask)\s+([A-Za-z0-9_]+)\s*\(')
found = set()
changed = 0
for path in glob.glob(os.path.join(root, "tests", "**", "*.cs"), recursive=True):
    if "/obj/" in path or "/bin/" in path:
        continue
    lines = open(path).read().split("\n")
    out = []
    current = None
    # first pass: drop existing Rfc traits (they are re-added below from the ledger)
    stripped = [l for l in lines if not trait.match(l)]
    for i, line in enumerate(stripped):
        m = cls_re.match(line)
        key = None
        if m:
            current = m.group(2)
            key = (current, "*")
            indent = m.group(1)
        else:
            m = method_re.match(line)
            if m and current:
                key = (current, m.group(2))
                indent = m.group(1)
        if key and key in wanted:
            found.add(key)
            # insert above the attribute block (and below the doc comment) of this declaration
            j = len(out)
            while j > 0 and out[j - 1].strip().startswith("["):
                j -= 1
            for rid in sorted(wanted[key]):
                out.insert(j, f'{indent}[Trait("Rfc", "{rid}")]')
                j += 1
        out.append(line)
    if out != lines:
        open(path, "w").write("\n".join(out))
        changed += 1
missing = sorted(set(wanted) - found)
for cls, method in missing:
    print(f"not found: {cls}.{method} (rows {', '.join(sorted(wanted[(cls, method)]))})")
print(f"{changed} file(s) changed, {len(found)} tests tagged, {len(missing)} not found", file=sys.stderr)
