#!/usr/bin/python3
"""A clerk's files through tierhubctl against a real node (issue 14, "Exports and clerks"):

- an exported CSV never holds a cell that Excel would run as a formula (OWASP: a cell that
  starts with = + - @ gets a leading quote), read back with Python's csv module;
- every refusal of a CSV numbers the row Excel shows (the header is row 1), whether the CLI's
  parser or the node refuses it;
- a bad cell is echoed as text in the file's characters, for UTF-8 and GB18030 files;
- a submission's history shows each version's rows: added, changed (each field with its old
  and new value, in the file's characters) and removed.

usage: clerk_files_cli_test.py TIERHUBD TIERHUBCTL
"""
import csv
import io
import os
import sys
import tempfile
import time

from node_process import NodeProcess, credit_code, ctl_runner, insecure_province

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def main():
    tierhubd, tierhubctl = sys.argv[1:3]
    with tempfile.TemporaryDirectory() as tmp:
        node = NodeProcess(tierhubd, tmp, "gd", insecure_province(tmp))

        ctl = ctl_runner(tierhubctl, node, "dept:ECO:440000:clerk")

        def write(name, text, encoding="utf-8"):
            path = os.path.join(tmp, name)
            with open(path, "wb") as f:
                f.write(text.encode(encoding))
            return path

        submit = ["--dimension=ENVIRONMENT", "--kind=COAL_BOILER_EXIT", "--region=440000",
                  "--round=CLERKS-1"]
        try:
            deadline = time.strftime("%Y-%m-%d", time.localtime(time.time() + 86400 * 30))
            ctl("rounds", "--add=CLERKS-1", f"--deadline={deadline}",
                identity="dept:MIIT:440000:clerk")

            # ---- 1. Names that Excel would run, exported as CSV ----
            names = ["=1+1 (synthetic)", "+1 合成示例 (synthetic)", "-1 合成示例 (synthetic)",
                     "@SUM(A1:A9) (synthetic)", "合成示例锅炉厂 (synthetic)"]
            codes = [credit_code("440606", f"TH0001{i:02d}") for i in range(len(names))]
            header = "统一社会信用代码,企业名称,所在地区,行业,原因,企业状态\r\n"
            rows = "".join(f'{code},"{name}",440606,陶瓷,"=HYPERLINK(""http://x"",""y"")",关停\r\n'
                           for code, name in zip(codes, names))
            ctl("submit", write("coal.csv", header + rows), *submit, "--submission-id=coal-1")
            out_path = os.path.join(tmp, "coal-export.csv")
            out = ctl("export", "--list=coal_boiler_exit", "--region=440000", "--format=csv",
                      f"--out={out_path}", identity="dept:MIIT:440000:clerk").stdout
            assert out.startswith(f"wrote {out_path} ({len(names)} row(s))"), out
            with open(out_path, encoding="utf-8-sig", newline="") as f:
                table = list(csv.reader(f))
            head, body = table[0], table[1:]
            name_col, reason_col = head.index("企业名称"), head.index("原因")
            exported = {row[head.index("统一社会信用代码")]: row for row in body}
            assert sorted(exported) == sorted(codes), exported
            for code, name in zip(codes, names):
                cell = exported[code][name_col]
                want = "'" + name if name.startswith(FORMULA_START) else name
                assert cell == want, (cell, want)
                assert exported[code][reason_col] == "'=HYPERLINK(\"http://x\",\"y\")", \
                    exported[code][reason_col]
            for row in table:
                for cell in row:
                    assert not cell.startswith(FORMULA_START), (cell, row)

            # ---- 2 and 3. Refused by the CLI's parser: Excel rows, cells as text ----
            bad = (header +
                   f"{credit_code('440606', 'TH000201')},好的 (synthetic),440606,陶瓷,,关停\r\n"
                   "\r\n"  # row 3: a blank line is still a row in Excel
                   f"{credit_code('440606', 'TH000202')},坏的 (synthetic),440606,玩具,,关停\r\n"
                   f"{credit_code('440606', 'TH000203')},坏的 (synthetic),火星区,陶瓷,,关停\r\n")
            for encoding in ("utf-8", "gb18030"):
                path = write(f"bad-{encoding}.csv", bad, encoding)
                p = ctl("submit", path, *submit, "--submission-id=bad-1", check=False)
                assert p.returncode == 4, (encoding, p.returncode, p.stderr)
                assert "row 4, column 行业: '玩具' is not known" in p.stderr, (encoding, p.stderr)
                assert "row 5, column 所在地区: '火星区' is not a known region" in p.stderr, \
                    (encoding, p.stderr)
                assert "\\x" not in p.stderr, (encoding, p.stderr)

            # ---- 2. Refused by the node: the row is the Excel row too ----
            taken = (header +
                     f"{credit_code('440606', 'TH000301')},新的 (synthetic),440606,陶瓷,,关停\r\n"
                     f"{codes[4]},已在别的报送中 (synthetic),440606,陶瓷,,关停\r\n")
            path = write("taken.csv", taken, "gb18030")
            p = ctl("submit", path, *submit, "--submission-id=coal-2", check=False)
            assert p.returncode == 4, (p.returncode, p.stderr)
            assert f"row 3 credit_code: {codes[4]} is already on this list through submission " \
                   "coal-1" in p.stderr, p.stderr
            p = ctl("submit", path, *submit, "--submission-id=coal-2", "--dry-run", check=False)
            assert f"row 3, credit_code: {codes[4]} is already on this list" in p.stdout, \
                (p.stdout, p.stderr)

            # ---- 4. The history says which row changed how ----
            renamed = "合成示例锅炉二厂 (synthetic)"
            v2 = header + "".join(
                f'{code},"{renamed if i == 4 else name}",440606,陶瓷,原因,关停\r\n'
                for i, (code, name) in enumerate(zip(codes, names)) if i != 0)
            ctl("submit", write("coal-v2.csv", v2, "gb18030"), *submit,
                "--submission-id=coal-1", "--base-version=1")
            out = ctl("submission", "--submission-id=coal-1", "--changes").stdout
            version2 = out[out.index("version 2:"):]
            assert f"  - {codes[0]} " in version2, out
            assert f"  ~ {codes[4]} {renamed}" in version2, out
            assert f"      enterprise_name: {names[4]} -> {renamed}" in version2, out
            assert '      reason: =HYPERLINK("http://x","y") -> 原因' in version2, out
            assert f"  + {codes[1]} " in out[out.index("version 1:"):out.index("version 2:")], out
            plain = ctl("submission", "--submission-id=coal-1").stdout
            assert "version 2:" not in plain, plain
        finally:
            node.stop()
    print("ok: formula cells quoted in the export, Excel row numbers, text echoes, "
          "the history's rows")


if __name__ == "__main__":
    main()
