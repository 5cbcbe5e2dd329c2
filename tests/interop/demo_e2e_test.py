#!/usr/bin/python3
"""End to end, as a user meets tierhub: the demo topology (province, Foshan with three
districts, Guangzhou with one, Dongguan) as real tierhubd processes with mTLS on ports the OS
chooses, driven only through tierhubctl, small. Checks the figures tierhubctl prints against
what was loaded.

usage: demo_e2e_test.py TIERHUBD TIERHUBCTL DEV_CA
"""
import csv
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import time

from node_process import start_tls_tree, wait_until

TOPOLOGY = [  # id, tier, region, parent
    ("gd", "REGION_LEVEL_PROVINCE", "440000", None),
    ("foshan", "REGION_LEVEL_CITY", "440600", "gd"),
    ("guangzhou", "REGION_LEVEL_CITY", "440100", "gd"),
    ("dongguan", "REGION_LEVEL_CITY", "441900", "gd"),
    ("chancheng", "REGION_LEVEL_COUNTY", "440604", "foshan"),
    ("nanhai", "REGION_LEVEL_COUNTY", "440605", "foshan"),
    ("shunde", "REGION_LEVEL_COUNTY", "440606", "foshan"),
    ("zengcheng", "REGION_LEVEL_COUNTY", "440118", "guangzhou"),
]
LOAD = {"chancheng": 12, "nanhai": 15, "shunde": 20, "zengcheng": 9, "dongguan": 18}
CITY_OF = {"440604": "440600", "440605": "440600", "440606": "440600", "440118": "440100",
           "441900": "441900"}


def main():
    tierhubd, tierhubctl, dev_ca = sys.argv[1:4]
    with tempfile.TemporaryDirectory() as tmp:
        certs = os.path.join(tmp, "certs")
        nodes, ports = {}, {}
        run = lambda *a: subprocess.run(a, check=True, capture_output=True, text=True)
        for node_id, _, region, _ in TOPOLOGY:
            run(dev_ca, certs, "node", node_id, region)
        run(dev_ca, certs, "ops", "440000", "e2e")
        for dept in ("MIIT", "DRC", "ECO"):
            run(dev_ca, certs, "dept", dept, "440000", "e2e")

        def ctl(cert, node, *args, check=True):
            p = subprocess.run([tierhubctl, *args, f"--node=127.0.0.1:{ports[node]}",
                                f"--ca={certs}/ca.pem", f"--cert={certs}/{cert}.pem",
                                f"--key={certs}/{cert}.key"],
                               capture_output=True, text=True, timeout=120)
            if check and p.returncode != 0:
                raise AssertionError(f"tierhubctl {args[0]} failed ({p.returncode}): {p.stderr}")
            return p.stdout

        try:
            start_tls_tree(tierhubd, tmp, certs, TOPOLOGY, nodes)
            ports.update({node_id: node.port for node_id, node in nodes.items()})

            # Enterprises and equipment at the counties and Dongguan.
            regions = []
            for node_id, count in LOAD.items():
                region = next(r for n, _, r, _ in TOPOLOGY if n == node_id)
                out = ctl(node_id, node_id, "load-synthetic", f"--region={region}",
                          f"--count={count}")
                assert out.startswith(f"stored {count} synthetic enterprises"), out
                regions.append(f"{region}:{count}")
            total = sum(LOAD.values())
            wait_until(lambda: len(json.loads(ctl("ops-440000-e2e", "gd", "records",
                                                  "--prefix=ent/", "--limit=0", "--json")))
                       == total, f"the province to hold {total} enterprises")

            # A county clerk records an enterprise and its blast furnace, then corrects it.
            out = ctl("shunde", "shunde", "enterprise-put", "--credit-code=91440606MA3EDFR842",
                      "--name=合成示例顺德钢铁厂 (synthetic)", "--region=440606",
                      "--industry=钢铁")
            assert out.startswith("created ent/91440606MA3EDFR842"), out
            furnace = ["equipment-put", "--credit-code=91440606MA3EDFR842", "--equipment-id=BF-1",
                       "--region=440606", "--industry=STEEL", "--type=blast_furnace"]
            out = ctl("shunde", "shunde", *furnace, "--set=volume_m3=400")
            assert "created eqp/" in out and "eliminate class, rule T5-STEEL" in out, out
            # Found one, eliminate one: screening opened the technology case in the same write.
            assert "created case/tech-91440606MA3EDFR842-BF-1" in out, out
            out = ctl("shunde", "shunde", "case", "--case-id=tech-91440606MA3EDFR842-BF-1")
            assert "TECHNOLOGY" in out and "state found" in out, out
            out = ctl("shunde", "shunde", *furnace, "--set=volume_m3=401")
            assert "updated eqp/" in out and "not in the eliminate class" in out, out
            assert "case/" not in out, out  # the case stands; a person decides
            out = ctl("shunde", "shunde", "rescreen", "--region=440606")
            assert re.search(r"screened \d+ pieces of equipment: 0 case\(s\) opened", out), out
            assert "review 91440606MA3EDFR842/BF-1" in out, out

            # An inspector puts that enterprise under a rectification deadline; the published
            # list (不达标应限期整改的企业名单) exports with it, as CSV with a BOM and as .xlsx.
            ctl("shunde", "shunde", "case-open", "--case-id=sd-e2e-1",
                "--credit-code=91440606MA3EDFR842", "--region=440606", "--industry=STEEL",
                "--dimension=ENERGY", "--finding=能耗超限额 (synthetic)", "--rule=GB 21256-2013",
                "--evidence=JC-E2E-1")
            out = ctl("shunde", "shunde", "case-advance", "--case-id=sd-e2e-1", "--to=rectifying",
                      "--evidence=ZG-E2E-1")
            assert "state rectifying" in out and "next: extended, compliant" in out, out
            refused = subprocess.run([tierhubctl, "case-advance", "--case-id=sd-e2e-1",
                                      "--to=accepted", "--evidence=X",
                                      f"--node=127.0.0.1:{ports['shunde']}",
                                      f"--ca={certs}/ca.pem", f"--cert={certs}/shunde.pem",
                                      f"--key={certs}/shunde.key"],
                                     capture_output=True, text=True, timeout=60)
            assert refused.returncode == 4 and "allowed next" in refused.stderr, refused.stderr
            csv_path = os.path.join(tmp, "rectification.csv")
            out = ctl("shunde", "shunde", "export", "--list=rectification_deadline",
                      "--region=440606", "--format=csv", f"--out={csv_path}")
            assert out.startswith(f"wrote {csv_path} (1 row(s))"), out
            exported = open(csv_path, "rb").read()
            assert exported.startswith(b"\xef\xbb\xbf"), exported[:10]
            assert b"91440606MA3EDFR842" in exported, exported
            xlsx_path = os.path.join(tmp, "rectification.xlsx")
            ctl("shunde", "shunde", "export", "--list=rectification_deadline", "--region=440606",
                "--format=xlsx", f"--out={xlsx_path}")
            import zipfile
            with zipfile.ZipFile(xlsx_path) as book:
                text = "".join(book.read(n).decode("utf-8") for n in book.namelist()
                               if n.endswith(".xml"))
            assert "91440606MA3EDFR842" in text, "credit code not in the .xlsx"
            assert not os.path.exists(csv_path + ".part")

            # A round, and two departments' lists from CSV (one GB18030).
            ctl("MIIT-440000-e2e", "gd", "rounds", "--add=E2E",
                "--deadline=" + time.strftime("%Y-%m-%d", time.localtime(time.time() + 86400 * 30)))
            listed = {}  # credit code -> region
            for dept, dim, kind, enc in (("DRC", "ENERGY", "ENERGY_INSPECTION", "utf-8"),
                                         ("ECO", "ENVIRONMENT", "KEY_SUPERVISION", "gb18030")):
                path = os.path.join(tmp, dept + ".csv")
                subprocess.run([tierhubctl, "demo-csv", f"--department={dept}",
                                "--regions=" + ",".join(regions), f"--out={path}",
                                f"--encoding={enc}"], check=True, capture_output=True)
                rows = list(csv.DictReader(io.StringIO(open(path, "rb").read().decode(
                    "gb18030" if enc == "gb18030" else "utf-8"))))
                for row in rows:
                    listed[row["统一社会信用代码"]] = row["所在地区"]
                out = ctl(f"{dept}-440000-e2e", "gd", "submit", path, f"--dimension={dim}",
                          f"--kind={kind}", "--region=440000", "--round=E2E",
                          f"--submission-id={dept}-e2e")
                assert f"{len(rows)} entries live" in out and "on time" in out, out

            # The coordination group's table: enterprises listed per city, each counted once
            # (enterprises known only from a case, like the one above, are not listed).
            expected = {}
            for region in listed.values():
                expected[CITY_OF[region]] = expected.get(CITY_OF[region], 0) + 1

            def printed_listed(region):
                out = ctl("ops-440000-e2e", "gd", "progress", f"--region={region}")
                sums = {}
                for line in out.splitlines():
                    m = re.match(r"^(\d{6})\s+\S+\s+\S+\s+(\d+)\s+(\d+)", line)
                    if m:
                        sums[m.group(1)] = sums.get(m.group(1), 0) + int(m.group(2))
                return sums

            wait_until(lambda: printed_listed("440000") == expected,
                       f"the progress table to show {expected}")
            by_district = {}
            for region in listed.values():
                if region.startswith("4406"):
                    by_district[region] = by_district.get(region, 0) + 1
            wait_until(lambda: printed_listed("440600") == by_district,
                       f"Foshan's drill-down to show {by_district}")

            # Action-plan targets: Foshan promises more exits than it has, Dongguan none.
            year = time.strftime("%Y")
            for city, node_id, count in (("440600", "foshan", 1000), ("441900", "dongguan", 0)):
                ctl(node_id, node_id, "target-set", f"--region={city}", f"--year={year}",
                    "--industry=CERAMICS", "--dimension=ENVIRONMENT", f"--enterprises={count}",
                    f"--checkpoints={year}-12-31")

            def behind_rows():
                out = ctl("ops-440000-e2e", "gd", "behind", f"--year={year}",
                          f"--at={year}-12-31", "--json")
                return {str(r["CITY"]): r["STATE"] for r in json.loads(out)}

            wait_until(lambda: behind_rows() == {"440600": "BEHIND", "441900": "on track"},
                       "Foshan to be behind its target and Dongguan on track")

            # Every link is up and nothing is pending.
            for node_id in ("chancheng", "shunde", "dongguan"):
                status = json.loads(ctl("ops-440000-e2e", node_id, "status", "--json"))
                assert status["upward"]["state"] == "LINK_STATE_CONNECTED", status
            wait_until(lambda: json.loads(ctl("ops-440000-e2e", "shunde", "status", "--json"))
                       ["upward"].get("pending_changes", "0") in (0, "0"), "shunde to drain")
        finally:
            for node in reversed(list(nodes.values())):
                node.terminate()
            for node in nodes.values():
                node.wait_clean_exit()
    print("1 passed, 0 failed")


if __name__ == "__main__":
    main()
