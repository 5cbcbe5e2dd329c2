#!/usr/bin/python3
"""Action plans through tierhubctl against a real node: targets filed with `target-set`, exits
recorded with `case-open` / `case-advance`, then `behind` (the node's judgement, on each side of
the year's last checkpoint) and `summary` (.xlsx read back with zipfile and XML; CSV with BOM),
and the refusals with their exit codes.

usage: plans_cli_test.py TIERHUBD TIERHUBCTL
"""
import csv
import io
import json
import os
import sys
import tempfile
import time
import zipfile
import xml.etree.ElementTree as ET

from node_process import NodeProcess, credit_code, ctl_runner, insecure_province


def read_xlsx(path):
    """{sheet name: [[cell text, ...] per row]} with shared strings resolved."""
    m = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    r = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    p = "{http://schemas.openxmlformats.org/package/2006/relationships}"
    book = zipfile.ZipFile(path)
    assert book.testzip() is None
    strings = [''.join(t.text or '' for t in si.iter(m + 't'))
               for si in ET.fromstring(book.read('xl/sharedStrings.xml')).findall(m + 'si')]
    rels = {x.get('Id'): x.get('Target') for x in
            ET.fromstring(book.read('xl/_rels/workbook.xml.rels')).findall(p + 'Relationship')}
    sheets = {}
    for s in ET.fromstring(book.read('xl/workbook.xml')).find(m + 'sheets'):
        rows = []
        for row in ET.fromstring(book.read('xl/' + rels[s.get(r + 'id')])).iter(m + 'row'):
            cells = {}
            for c in row.findall(m + 'c'):
                v = c.find(m + 'v')
                value = v.text if v is not None else ''
                col = ''.join(ch for ch in c.get('r') if ch.isalpha())
                cells[ord(col) - ord('A')] = strings[int(value)] if c.get('t') == 's' else value
            rows.append([cells.get(i, '') for i in range(max(cells) + 1)] if cells else [])
        sheets[s.get('name')] = rows
    return sheets


def main():
    tierhubd, tierhubctl = sys.argv[1:3]
    assert credit_code("440606", "MA3EDFR8") == "91440606MA3EDFR842"  # the demo's, known good
    year = time.gmtime(time.time() + 8 * 3600).tm_year  # China Standard Time
    with tempfile.TemporaryDirectory() as tmp:
        node = NodeProcess(tierhubd, tmp, "gd", insecure_province(tmp))

        ctl = ctl_runner(tierhubctl, node, "dept:MIIT:440000:clerk")

        try:
            # Foshan promises two ceramics exits by year end; Dongguan one steel exit.
            ctl("target-set", "--region=440600", f"--year={year}", "--industry=陶瓷",
                "--dimension=TECHNOLOGY", "--enterprises=2", "--capacity=3000000",
                "--unit=square_metres_per_year", f"--checkpoints={year}-12-31",
                "--responsible=MIIT,DRC", identity="dept:MIIT:440600:clerk")
            ctl("target-set", "--region=441900", f"--year={year}", "--industry=STEEL",
                "--dimension=ENERGY", "--enterprises=1", identity="dept:MIIT:441900:clerk")
            # The provincial MIIT receives the plans; it does not write them (docs/AUTH.md).
            refused = ctl("target-set", "--region=440600", f"--year={year}", "--industry=陶瓷",
                          "--dimension=TECHNOLOGY", "--enterprises=9", check=False)
            assert refused.returncode != 0 and "action plan of 440600" in refused.stderr, \
                refused.stderr
            foshan = credit_code("440606", "TH000001")
            dongguan = credit_code("441900", "TH000002")
            ctl("enterprise-put", f"--credit-code={foshan}", "--name=合成示例陶瓷厂 (synthetic)",
                "--region=440606", "--industry=陶瓷", identity="node:440000:gd")
            def case_through(case_id, states, *open_args):
                """Opens case `case_id` and takes it through `states`, each with a document."""
                ctl("case-open", f"--case-id={case_id}", *open_args)
                for state in states:
                    ctl("case-advance", f"--case-id={case_id}", f"--to={state}",
                        f"--evidence=DOC-{state}")

            # One Foshan kiln dismantled, accepted and closed: one exit of two.
            case_through("fs-1", ("dismantled", "accepted", "closed_exited"),
                         f"--credit-code={foshan}", "--region=440606", "--industry=CERAMICS",
                         "--dimension=TECHNOLOGY", "--finding=倒焰窑 (synthetic)",
                         "--rule=表5 陶瓷(2)", "--evidence=PC-1", "--capacity=1200000",
                         "--unit=square_metres_per_year")
            # Dongguan's energy case: ordered closed, then closed.
            case_through("dg-1", ("rectifying", "ordered_closed", "closed_exited"),
                         f"--credit-code={dongguan}", "--region=441900", "--industry=STEEL",
                         "--dimension=ENERGY", "--finding=能耗超限额 (synthetic)",
                         "--rule=GB 21256-2013", "--evidence=JC-1", "--capacity=20000",
                         "--unit=tonnes_per_year")

            def behind(at, *extra):
                out = ctl("behind", "--region=440000", f"--year={year}", f"--at={at}", "--json",
                          *extra).stdout
                return {(str(r["CITY"]), r["DIMENSION"]): r for r in json.loads(out)}

            # At the year's last checkpoint everything is due: Foshan 1 of 2 is behind.
            rows = behind(f"{year}-12-31")
            assert set(rows) == {("440600", "TECHNOLOGY"), ("441900", "ENERGY")}, rows
            fs = rows[("440600", "TECHNOLOGY")]
            assert (fs["STATE"], fs["TARGET"], fs["DUE"], fs["EXITED"], fs["SHORTFALL"]) == \
                ("BEHIND", 2, 2, 1, 1), fs
            assert (fs["UNIT"], fs["CAPACITY_EXITED"], fs["CHECKPOINTS"]) == \
                ("square_metres_per_year", 1200000, "1/1"), fs
            assert rows[("441900", "ENERGY")]["STATE"] == "on track", rows
            only = behind(f"{year}-12-31", "--behind-only")
            assert set(only) == {("440600", "TECHNOLOGY")}, only
            text = ctl("behind", "--region=440000", f"--year={year}", f"--at={year}-12-31").stdout
            assert "1 target(s) behind schedule in 440600" in text and "通报、约谈" in text, text
            # The day before the checkpoint nothing is due yet (and Dongguan's year-end share
            # neither); exits of today count only from today on.
            rows = behind(f"{year}-12-30")
            assert all(r["STATE"] == "on track" and r["DUE"] == 0 for r in rows.values()), rows

            # Foshan's annual summary as a workbook.
            path = os.path.join(tmp, "foshan.xlsx")
            out = ctl("summary", "--region=440600", f"--year={year}", f"--out={path}").stdout
            assert out.startswith(f"wrote {path} (") and "1 closed enterprise(s)" in out, out
            assert not os.path.exists(path + ".part")
            sheets = read_xlsx(path)
            names = list(sheets)
            assert names == [f"佛山市{year}年推动落后产能退出工作总结",
                             "依法关闭退出的落后产能企业清单"], names
            figures, closed = sheets[names[0]], sheets[names[1]]
            assert figures[0][:8] == ["地区代码", "地区", "行业", "方面", "目标退出企业数",
                                      "截至统计日应退出", "已退出企业数", "差额"], figures[0]
            row = next(r for r in figures[1:] if r[2:4] == ["陶瓷", "技术"])
            assert row[:2] == ["440600", "佛山市"] and row[4] == "2" and row[6] == "1", row
            assert row[8:12] == ["平方米/年", "3000000", row[10], "1200000"], row
            assert len(closed) == 2, closed
            assert closed[1][1:4] == [foshan, "合成示例陶瓷厂 (synthetic)", "440606"], closed[1]
            assert closed[1][11] == "fs-1", closed[1]

            # The provincial summary's closed list as CSV with BOM: both cities' exits.
            csv_path = os.path.join(tmp, "closed.csv")
            ctl("summary", "--region=440000", f"--year={year}", "--format=csv", "--table=closed",
                f"--out={csv_path}")
            raw = open(csv_path, "rb").read()
            assert raw.startswith(b"\xef\xbb\xbf"), raw[:10]
            listed = list(csv.DictReader(io.StringIO(raw[3:].decode("utf-8"))))
            assert [(r["统一社会信用代码"], r["案件编号"]) for r in listed] == \
                [(foshan, "fs-1"), (dongguan, "dg-1")], listed
            assert listed[1]["产能单位"] == "吨/年" and listed[1]["退出产能"] == "20000", listed

            # Refusals: a county has no plan (4, the node refused), a bad option (2).
            county = ctl("summary", "--region=440606", f"--year={year}",
                         f"--out={tmp}/x.xlsx", check=False)
            assert county.returncode == 4 and "is a county" in county.stderr, county
            assert not os.path.exists(f"{tmp}/x.xlsx")
            other = ctl("behind", "--region=440600", f"--year={year}",
                        identity="dept:MIIT:441900:clerk", check=False)
            assert other.returncode == 4 and "440600" in other.stderr, other
            bad = ctl("summary", "--region=440600", "--format=pdf", check=False)
            assert bad.returncode == 2 and "--format" in bad.stderr, bad
        finally:
            node.stop()
    print("1 passed, 0 failed")


if __name__ == "__main__":
    main()
