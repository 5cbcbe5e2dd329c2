#!/usr/bin/env python3
"""Checks that every field in proto/ has a comment (STYLE.md, "Protos": every field commented
with its unit).

A field is commented when a comment ends its line, or when the line(s) just above it are
comment lines at the field's own indentation (a comment indented further is the continuation
of the previous field's trailing comment, not this field's). An empty `//` is no comment. Enum
values are not fields. One declaration per line, as this tree writes them (a field on the line
that opens its message is not seen).

Prints each uncommented field as path:line: Message.field and the count of commented fields
out of all; fails (exit 1) when any field has no comment. Run by CTest as ProtosTest; with
file arguments it checks those files instead of proto/.
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent

# A field: optional label, a type (scalar, message, map<...>), a name, a number.
FIELD = re.compile(
    r"^(\s*)(?:(?:repeated|optional)\s+)?(?:map\s*<[^>]*>|[A-Za-z_][\w.]*)\s+([A-Za-z_]\w*)\s*=\s*\d+"
    r"\s*(?:\[[^\]]*\])?\s*;(.*)$")
BLOCK = re.compile(r"^\s*(message|enum|oneof|service)\s+([A-Za-z_]\w*)\s*\{")


def strip_strings(line):
    return re.sub(r'"(?:[^"\\]|\\.)*"', '""', line)


def check_file(path):
    """Returns (fields, uncommented) where uncommented is a list of (line, Message.field)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    stack = []  # (kind, name) of the open blocks
    fields = 0
    missing = []
    for i, raw in enumerate(lines):
        line = strip_strings(raw)
        code = line.split("//", 1)[0]
        block = BLOCK.match(code)
        if block:
            stack.append((block.group(1), block.group(2)))
        elif stack and stack[-1][0] in ("message", "oneof"):
            m = FIELD.match(code + ("//" + line.split("//", 1)[1] if "//" in line else ""))
            if m and not code.strip().startswith(("reserved", "option")):
                fields += 1
                indent, name, rest = m.group(1), m.group(2), m.group(3)
                commented = rest.strip().startswith("//") and len(rest.strip()) > 2
                j = i - 1
                while not commented and j >= 0:
                    above = lines[j]
                    stripped = above.strip()
                    if not stripped.startswith("//"):
                        break
                    if len(above) - len(above.lstrip()) == len(indent) and len(stripped) > 2:
                        commented = True
                    j -= 1
                if not commented:
                    messages = [n for k, n in stack if k == "message"]
                    missing.append((i + 1, ".".join(messages + [name])))
        # Closing braces (a block opened and closed on one line cancels out).
        opens = code.count("{") - (1 if block else 0)
        closes = code.count("}")
        for _ in range(opens):
            stack.append(("other", ""))
        for _ in range(closes):
            if stack:
                stack.pop()
    return fields, missing


def main(args):
    total = 0
    uncommented = 0
    paths = [pathlib.Path(a).resolve() for a in args] or sorted((ROOT / "proto").rglob("*.proto"))
    for path in paths:
        fields, missing = check_file(path)
        total += fields
        uncommented += len(missing)
        shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        for line, name in missing:
            print(f"{shown}:{line}: {name} has no comment")
    print(f"{total - uncommented} of {total} fields commented, {uncommented} without a comment")
    return 1 if uncommented else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
