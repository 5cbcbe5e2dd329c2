#!/usr/bin/env python3
"""Checks that no part includes or links a part above it (docs/ARCHITECTURE.md, "Parts").

Layers, lowest first; a part may use the parts of lower layers only:
  common, spreadsheet < domain < auth < client < store < exchange < registry < coordinator | enforcement | plans
  < console < node
Clients use protos, common, domain and the client library (services/client) only. A test
tree uses its own part's tests and tests/testutil.

Known violations still to be removed are listed in KNOWN with the reason; a violation not in
KNOWN, or an entry of KNOWN that no longer occurs, fails the check (so the list only shrinks).
Run by CTest as LayersTest; `scripts/check_layers.py` prints what it finds.
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
LEVEL = {"common": 0, "spreadsheet": 0, "domain": 1, "auth": 2, "client": 2.5, "store": 3, "exchange": 4, "registry": 5,
         "coordinator": 6, "enforcement": 6, "plans": 6, "console": 7, "node": 8}
CLIENT_ALLOWED = {"common", "spreadsheet", "domain", "client"}
CLIENT_FILES_ALLOWED = {"services/console/accounts.h"}  # tierhubctl web-user writes the file

# (from, to): why it is still there. Empty once issue 13 removed the last ones.
KNOWN = {}

INCLUDE = re.compile(r'^\s*#\s*include\s+"((services|tests)/([a-z_]+)/[^"]+)"', re.M)
LINK = re.compile(r"target_link_libraries\(([^)]*)\)", re.S)
# The test libraries (tests/*/CMakeLists.txt), which bench/ must not link.
TEST_LIBRARY = re.compile(r"\btierhub_(?:test_[a-z_]+|testutil|cluster|process_cluster)\b")


def part_of(path):
    rel = path.relative_to(ROOT).parts
    if rel[0] in ("services", "tests", "clients") and len(rel) > 2:
        return f"{rel[0]}/{rel[1]}"
    return rel[0]


def include_violation(src, target_tree, target_part, target_file):
    target = f"{target_tree}/{target_part}"
    if src == target:
        return False
    if src.startswith("services/"):
        if target_tree != "services":
            return True
        return LEVEL[target_part] >= LEVEL[src.split("/")[1]]
    if src.startswith("clients/"):
        return target_tree == "tests" or (target_part not in CLIENT_ALLOWED and
                                          target_file not in CLIENT_FILES_ALLOWED)
    if src.startswith("tests/") or src == "bench":
        return target_tree == "tests" and target_part != "testutil"
    return False


def main():
    found = {}
    for path in sorted(ROOT.glob("**/*")):
        rel = path.relative_to(ROOT).parts
        if not path.is_file() or rel[0] not in ("services", "tests", "clients", "bench"):
            continue
        src = part_of(path)
        if path.suffix in (".h", ".cc"):
            for m in INCLUDE.finditer(path.read_text(errors="replace")):
                if include_violation(src, m.group(2), m.group(3), m.group(1)):
                    found.setdefault((src, f"{m.group(2)}/{m.group(3)}"), []).append(
                        f"{path.relative_to(ROOT)}: {m.group(1)}")
        elif path.name == "CMakeLists.txt" and src == "bench":
            for m in LINK.finditer(path.read_text()):
                for lib in sorted(set(TEST_LIBRARY.findall(m.group(1)))):
                    found.setdefault(("bench:cmake", lib), []).append(
                        f"{path.relative_to(ROOT)}: links {lib}")
        elif path.name == "CMakeLists.txt" and src.startswith(("services/", "clients/")):
            own = src.split("/")[1]
            for m in LINK.finditer(path.read_text()):
                for lib in re.findall(r"tierhub_([a-z_]+)", m.group(1)):
                    bad = (lib in LEVEL and own in LEVEL and lib != own and
                           LEVEL[lib] >= LEVEL[own]) or (
                        src.startswith("clients/") and lib in LEVEL and lib not in CLIENT_ALLOWED)
                    if bad:
                        found.setdefault((f"{src}:cmake", f"tierhub_{lib}"), []).append(
                            f"{path.relative_to(ROOT)}: links tierhub_{lib}")
    failed = False
    for key, where in sorted(found.items()):
        if key in KNOWN:
            print(f"known: {key[0]} -> {key[1]} ({len(where)}): {KNOWN[key]}")
        else:
            failed = True
            print(f"VIOLATION: {key[0]} -> {key[1]}")
            for w in where:
                print(f"  {w}")
    for key in sorted(set(KNOWN) - set(found)):
        failed = True
        print(f"STALE: {key[0]} -> {key[1]} no longer occurs: remove it from KNOWN")
    print(f"{len(found)} dependency pairs against the layers, {len(KNOWN)} known")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
