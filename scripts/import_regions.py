#!/usr/bin/env python3
"""Writes data/regions/regions-china.csv from a GB/T 2260 table of the cn/GB2260 project.

Source (named in data/regions/README.md): https://github.com/cn/GB2260, file mca/201904.tsv
(the Ministry of Civil Affairs' county-level-and-above codes of April 2019; columns Source,
Revision, Code, Name). Run by hand when the table is renewed; the build never runs it and
nothing downloads anything:

    scripts/import_regions.py PATH/TO/201904.tsv > data/regions/regions-china.csv

Checks before writing: codes are six digits and unique; every city-shaped code (xxyy00) has its
province; every county-shaped code has its city (xxyy00) or, where the table has no such city
(the districts of the four municipalities, the county-level cities run by their province:
1101, 1201, 3101, 5001, 5002, 4190, 4290, 4690, 6590), its province, which is then its parent.
Provinces kept in a file of their own (Guangdong: regions-guangdong.csv, with English names and
its historical codes) are left out here; their rows must agree with the source code for code and
name, which is checked too.
"""
import csv
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
OWN_FILES = {"44": ROOT / "data/regions/regions-guangdong.csv"}


def level(code):
    if code[2:] == "0000":
        return "province"
    if code[4:] == "00":
        return "city"
    return "county"


def main():
    rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1], encoding="utf-8")]
    if rows[0][:4] != ["Source", "Revision", "Code", "Name"]:
        sys.exit("unexpected header: %r" % rows[0])
    names = {}
    for r in rows[1:]:
        code, name = r[2], r[3]
        if not re.fullmatch(r"\d{6}", code):
            sys.exit("bad code %r" % code)
        if code in names:
            sys.exit("duplicate code %s" % code)
        names[code] = name
    parents = {}
    for code in names:
        lv = level(code)
        province = code[:2] + "0000"
        if lv == "province":
            continue
        if province not in names:
            sys.exit("%s %s: no province %s" % (code, names[code], province))
        if lv == "city":
            parents[code] = province
        else:
            city = code[:4] + "00"
            parents[code] = city if city in names else province
    for prefix, path in OWN_FILES.items():
        own = {r["code"]: r["name_zh"] for r in csv.DictReader(open(path, encoding="utf-8"))}
        source = {c: n for c, n in names.items() if c.startswith(prefix)}
        if own != source:
            sys.exit("%s disagrees with the source: only there %s, only in the source %s, "
                     "names differ %s" % (path.name, sorted(set(own) - set(source)),
                                          sorted(set(source) - set(own)),
                                          sorted(c for c in own if c in source and own[c] != source[c])))
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["code", "name_zh", "name_en", "level", "parent_code"])
    for code in sorted(names):
        if code[:2] in OWN_FILES:
            continue
        out.writerow([code, names[code], "", level(code), parents.get(code, "")])


if __name__ == "__main__":
    main()
