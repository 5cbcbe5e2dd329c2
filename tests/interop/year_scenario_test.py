#!/usr/bin/python3
"""A whole year of the plan for ONE enterprise, through tierhubctl only, as the users would:
real tierhubd processes of Guangdong (440000) -> Foshan (440600) -> Shunde (440606) with mutual
TLS from the dev CA, on loopback ports the OS chooses (issue 18, last point).

The nodes run on the real clock; the story is told with the dates the commands take: the day a
case was found (--found), the day each step took effect (--effective), deadlines as days and
as-of dates for the lists and summaries (docs/DAYS.md). With T = today in China time:

  T        the April round (its deadline is today: submissions are dated by the node's clock)
           DRC and ECO list the enterprise on time; the round closes; SAMR's late list is
           refused (MIIT must grant a waiver)
  T-150    found over its energy quota (ENERGY), T-148 under rectification: 6 months
  T-110    extended once: the shown deadline plus 3 months accepted, one day more refused
  L+1      overdue as of the day after the extended deadline L (the plan's figures as of then)
  T-100    ordered closed (dated within the extension: no step may take effect in the future)
  T-100..  sealed under the TECHNOLOGY case of its kiln (water, power, power units, equipment,
           public commitment), accepted, closed; the ENERGY case closed the same day (C)
  C        on the disclosure lists, in Foshan's annual summary and the provincial summary
  C+2 mon. drawing power two months after the power cut: an alert at Shunde, Foshan, Guangdong

At each step the figures are read at the county, the city and the province, waiting (bounded)
for the exchange, and asserted as a clerk or analyst expects them.

usage: year_scenario_test.py TIERHUBD TIERHUBCTL DEV_CA
"""
import calendar
import csv
import datetime
import io
import json
import os
import subprocess
import sys
import tempfile
import time

from node_process import credit_code, ctl_runner, start_tls_tree, wait_until

CST = datetime.timezone(datetime.timedelta(hours=8))
TOPOLOGY = [  # node id, tier, region, parent
    ("gd", "REGION_LEVEL_PROVINCE", "440000", None),
    ("foshan", "REGION_LEVEL_CITY", "440600", "gd"),
    ("shunde", "REGION_LEVEL_COUNTY", "440606", "foshan"),
]
TIERS = ("shunde", "foshan", "gd")  # county, city, province
OPS = "ops-440000-y18"  # the province's operator reads at every tier

def add_months(day, months):
    """The Civil Code rule: the corresponding day, or the month's last day."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def month_text(day, plus=0):
    first = add_months(day.replace(day=1), plus)
    return f"{first.year:04d}-{first.month:02d}"


def read_csv(path):
    raw = open(path, "rb").read()
    assert raw.startswith(b"\xef\xbb\xbf"), raw[:10]
    return list(csv.DictReader(io.StringIO(raw[3:].decode("utf-8"))))


def main():
    tierhubd, tierhubctl, dev_ca = sys.argv[1:4]
    started = time.time()
    today = datetime.datetime.now(CST).date()
    found = today - datetime.timedelta(days=150)
    rectifying = found + datetime.timedelta(days=2)
    deadline = add_months(found, 6)  # 6 months from the day found
    extended_on = found + datetime.timedelta(days=40)
    longest = add_months(deadline, 3)  # the shown deadline plus 3 months
    ordered = found + datetime.timedelta(days=50)
    seal_day = ordered + datetime.timedelta(days=2)
    sealed_day = ordered + datetime.timedelta(days=3)
    accepted_day = ordered + datetime.timedelta(days=9)
    closed = ordered + datetime.timedelta(days=14)
    year = closed.year
    code = credit_code("440606", "TH180001")
    name = "合成示例顺德陶瓷厂 (synthetic)"

    with tempfile.TemporaryDirectory() as tmp:
        certs = os.path.join(tmp, "certs")
        run = lambda *a: subprocess.run(a, check=True, capture_output=True, text=True)
        for node_id, _, region, _ in TOPOLOGY:
            run(dev_ca, certs, "node", node_id, region)
        run(dev_ca, certs, "ops", "440000", "y18")
        for dept in ("MIIT", "DRC", "ECO", "SAMR"):
            run(dev_ca, certs, "dept", dept, "440000", "y18")
        run(dev_ca, certs, "dept", "MIIT", "440600", "y18")
        for dept in ("DRC", "MIIT"):
            run(dev_ca, certs, "dept", dept, "440606", "y18")

        nodes = {}
        try:
            start_tls_tree(tierhubd, tmp, certs, TOPOLOGY, nodes)
            ctl = {n: ctl_runner(tierhubctl, nodes[n], OPS, certs) for n in nodes}

            def js(node, *args, identity=OPS):
                return json.loads(ctl[node](*args, "--json", identity=identity).stdout)

            def case(node, case_id):
                p = ctl[node]("case", f"--case-id={case_id}", "--json", check=False)
                return json.loads(p.stdout)["enforcement_case"] if p.returncode == 0 else None

            def case_everywhere(case_id, check, what):
                """Waits until `check(case)` holds at the county, the city and the province."""
                for node in TIERS:
                    wait_until(lambda: (lambda c: c is not None and check(c))(
                        case(node, case_id)), f"{what} at {node}")

            def figures(node):
                """Shunde's figures as `node` sees them: list entries, enterprises listed and
                exited, cases by (dimension, state)."""
                p = js(node, "progress", "--region=440606")
                cap = [r for r in p.get("capacity", []) if "unit" not in r]
                return {
                    "entries": sum(int(r["count"]) for r in p.get("list_entries", [])),
                    "listed": sum(int(r.get("enterprises_listed", 0)) for r in cap),
                    "exited": sum(int(r.get("enterprises_exited", 0)) for r in cap),
                    "cases": {(r["dimension"][10:], r["state"][11:]): int(r["count"])
                              for r in p.get("cases", []) if int(r["count"]) > 0},
                }

            def figures_everywhere(want, what):
                """Waits until every tier shows the figures `want` (a subset of figures())."""
                for node in TIERS:
                    wait_until(lambda: all(figures(node)[k] == v for k, v in want.items()),
                               f"{what}: {want} at {node}")

            def merged(node):
                p = ctl[node]("merged", f"--credit-code={code}", "--json", check=False)
                return json.loads(p.stdout)["merged"] if p.returncode == 0 else {}

            def open_cases(node):
                return {(c["case_id"], c["state"][11:], c.get("deadline_day", ""))
                        for c in merged(node).get("open_cases", [])}

            def open_cases_everywhere(want, what):
                for node in TIERS:
                    wait_until(lambda: open_cases(node) == want, f"{what}: {want} at {node}")

            def plan_row(node, region, as_of, city="440600", dimension="能耗"):
                out = os.path.join(tmp, f"fig-{node}.csv")
                ctl[node]("summary", f"--region={region}", f"--year={year}",
                          f"--as-of={as_of.isoformat()}", "--format=csv", "--table=figures",
                          f"--out={out}")
                rows = [r for r in read_csv(out)
                        if r["地区代码"] == city and r["行业"] == "陶瓷" and r["方面"] == dimension]
                assert len(rows) == 1, rows
                return rows[0]

            def plan_everywhere(as_of, want, what):
                """Waits until Foshan's row of the plan figures, at the city and at the
                province, holds `want` ({column: text})."""
                for node, region in (("foshan", "440600"), ("gd", "440000")):
                    wait_until(lambda: (lambda r: all(r[k] == v for k, v in want.items()))(
                        plan_row(node, region, as_of)), f"{what}: {want} at {node}")

            def register(node):
                return {r["CREDIT_CODE"]: r for r in
                        js(node, "enterprises", "--region=440606")}

            def open_case(case_id, dimension, finding, rule, evidence, day, who):
                ctl["shunde"]("case-open", f"--case-id={case_id}", f"--credit-code={code}",
                              "--region=440606", "--industry=陶瓷", f"--dimension={dimension}",
                              f"--finding={finding}", f"--rule={rule}", f"--evidence={evidence}",
                              f"--found={day.isoformat()}", "--capacity=3000000",
                              "--unit=square_metres_per_year", identity=who)

            # --- January: Foshan files its plan (one ceramics exit for energy this year). -----
            out = ctl["foshan"]("target-set", "--region=440600", f"--year={year}",
                                "--industry=陶瓷", "--dimension=ENERGY", "--enterprises=1",
                                "--capacity=3000000", "--unit=square_metres_per_year",
                                f"--checkpoints={year}-12-31", "--responsible=DRC,MIIT",
                                identity="MIIT-440600-y18").stdout
            assert "1 enterprises to exit" in out, out
            # The register: Shunde's own system records the enterprise.
            ctl["shunde"]("enterprise-put", f"--credit-code={code}", f"--name={name}",
                          "--region=440606", "--industry=陶瓷", identity="shunde")

            # --- The April round: DRC and ECO list it on time, SAMR is late. ------------------
            ctl["gd"]("rounds", "--add=Y18-APR", f"--deadline={today.isoformat()}",
                      "--title=四月名单 (synthetic)", identity="MIIT-440000-y18")
            lists = {"DRC": ("ENERGY", "ENERGY_INSPECTION", "能耗超限额"),
                     "ECO": ("ENVIRONMENT", "KEY_SUPERVISION", "重点排污单位"),
                     "SAMR": ("QUALITY", "KEY_SUPERVISION", "产品质量抽查")}
            for dept, (dim, kind, reason) in lists.items():
                path = os.path.join(tmp, dept + ".csv")
                with open(path, "w", encoding="utf-8") as f:
                    f.write("统一社会信用代码,企业名称,所在地区,行业,原因,企业状态,产能,产能单位\n"
                            f"{code},{name},440606,陶瓷,{reason},生产,3000000,"
                            "square_metres_per_year\n")
                if dept == "SAMR":
                    ctl["gd"]("rounds", "--close=Y18-APR", identity="MIIT-440000-y18")
                p = ctl["gd"]("submit", path, f"--dimension={dim}", f"--kind={kind}",
                              "--region=440000", "--round=Y18-APR", f"--submission-id={dept}-y18",
                              identity=f"{dept}-440000-y18", check=False)
                if dept == "SAMR":  # after the close: refused, the waiver is MIIT's to grant
                    assert p.returncode == 4 and "round Y18-APR is closed" in p.stderr and \
                        "MIIT must grant a late waiver for SAMR in 440000" in p.stderr, p
                else:
                    assert p.returncode == 0 and "1 entries live" in p.stdout and \
                        "round Y18-APR: on time" in p.stdout, p
            # The refusal sends the clerk to MIIT for a waiver (Registry.GrantLateWaiver); MIIT
            # grants it with tierhubctl and SAMR's list goes in, marked as under the waiver.
            # A mistyped option is refused, naming it, before anything is sent.
            typo = ctl["gd"]("rounds", "--waiver=Y18-APR", "--department=SAMR",
                             "--region=440000", identity="MIIT-440000-y18", check=False)
            assert typo.returncode == 2 and "unknown option --waiver" in typo.stderr, typo
            waive = ctl["gd"]("rounds", "--waive=Y18-APR", "--department=SAMR",
                              "--region=440000", identity="MIIT-440000-y18")
            assert "late waiver granted: SAMR may submit to round Y18-APR for 440000" in \
                waive.stdout and "ignored" not in waive.stderr, waive
            late = ctl["gd"]("submit", os.path.join(tmp, "SAMR.csv"), "--dimension=QUALITY",
                             "--kind=KEY_SUPERVISION", "--region=440000", "--round=Y18-APR",
                             "--submission-id=SAMR-y18", identity="SAMR-440000-y18").stdout
            assert "under a late waiver" in late, late
            status = {r["department"][11:]: r["status"][7:] for r in
                      js("gd", "round-status", "--round=Y18-APR", "--region=440000")["rows"]}
            # SAMR's list went in on the deadline day: on time, under the waiver of the close.
            assert (status["DRC"], status["ECO"], status["SAMR"]) == \
                ("ON_TIME", "ON_TIME", "ON_TIME"), status
            # Listed three times, one enterprise, at every tier.
            listers = ["DRC", "ECO", "SAMR"]
            figures_everywhere({"entries": len(listers), "listed": 1, "exited": 0},
                               "listed in April")
            for node in TIERS:
                wait_until(lambda: code in register(node), f"the register entry at {node}")
                assert register(node)[code]["NAME"] == name, register(node)
                wait_until(lambda: sorted(l["department"][11:] for l in
                                          merged(node).get("listings", [])) == listers,
                           f"the merged view with {listers}' listings at {node}")

            # --- Found over its energy quota, put under rectification: 6 months. -------------
            drc = "DRC-440606-y18"
            open_case("sd-e-1", "ENERGY", "单位产品综合能耗超限额 (synthetic)", "GB 21252-2013",
                      "JC-Y18-1", found, drc)
            figures_everywhere({"cases": {("ENERGY", "FOUND"): 1}}, "found")
            plan_everywhere(today, {"当年发现案件": "1" if found.year == year else "0",
                                    "在办案件": "1", "逾期案件": "0", "已退出企业数": "0"},
                            "found, in the plan's figures")
            ctl["shunde"]("case-advance", "--case-id=sd-e-1", "--to=rectifying",
                          "--evidence=ZG-Y18-1", f"--effective={rectifying.isoformat()}",
                          identity=drc)
            # The deadline is shown as the day, 6 months after the day found, everywhere.
            case_everywhere("sd-e-1", lambda c: c["state"] == "CASE_STATE_RECTIFYING" and
                            c.get("deadline_day") == deadline.isoformat(),
                            f"sd-e-1 rectifying until {deadline}")
            text = ctl["foshan"]("case", "--case-id=sd-e-1").stdout
            assert f"state rectifying, deadline {deadline.isoformat()}" in text, text
            figures_everywhere({"cases": {("ENERGY", "RECTIFYING"): 1}}, "rectifying")
            open_cases_everywhere({("sd-e-1", "RECTIFYING", deadline.isoformat())},
                                  "the merged view's open case")
            path = os.path.join(tmp, "rect.csv")
            ctl["shunde"]("export", "--list=rectification_deadline", "--region=440606",
                          "--format=csv", f"--out={path}", f"--as-of={rectifying.isoformat()}")
            rows = [r for r in read_csv(path) if r["统一社会信用代码"] == code]
            assert [(r["整改期限"], r["案件编号"]) for r in rows] == \
                [(deadline.isoformat(), "sd-e-1")], rows

            # --- Extended once: at most 3 months after the shown deadline. ------------------
            # The case was found only 150 days ago because an extension is judged against the
            # day it is typed in, not its effective day: one granted in time but recorded after
            # the deadline passed is refused ("must be requested by the deadline"), so a story
            # told wholly in the past cannot extend. Not exercised here (the deadline is ahead).
            too_long = longest + datetime.timedelta(days=1)
            refused = ctl["shunde"]("case-advance", "--case-id=sd-e-1", "--to=extended",
                                    "--evidence=YQ-Y18-1", f"--deadline={too_long.isoformat()}",
                                    f"--effective={extended_on.isoformat()}", identity=drc,
                                    check=False)
            assert refused.returncode == 4 and (
                f"at most 3 months after the current deadline {deadline.isoformat()}, so end on "
                f"{longest.isoformat()} at the latest; asked for {too_long.isoformat()}"
            ) in refused.stderr, refused
            ctl["shunde"]("case-advance", "--case-id=sd-e-1", "--to=extended",
                          "--evidence=YQ-Y18-1", f"--deadline={longest.isoformat()}",
                          f"--effective={extended_on.isoformat()}", identity=drc)
            again = ctl["shunde"]("case-advance", "--case-id=sd-e-1", "--to=extended",
                                  "--evidence=YQ-Y18-2", f"--deadline={longest.isoformat()}",
                                  identity=drc, check=False)
            assert again.returncode == 4, again  # once only
            case_everywhere("sd-e-1", lambda c: c["state"] == "CASE_STATE_EXTENDED" and
                            c.get("deadline_day") == longest.isoformat() and
                            c.get("extensions") == 1, f"sd-e-1 extended to {longest}")
            open_cases_everywhere({("sd-e-1", "EXTENDED", longest.isoformat())},
                                  "the merged view's extended case")
            figures_everywhere({"cases": {("ENERGY", "EXTENDED"): 1}}, "extended")
            # The published list as it stood: the old deadline before the extension, the new
            # one from its day on.
            for as_of, shown in ((extended_on - datetime.timedelta(days=1), deadline),
                                 (extended_on, longest)):
                ctl["foshan"]("export", "--list=rectification_deadline", "--region=440600",
                              "--format=csv", f"--out={path}", f"--as-of={as_of.isoformat()}")
                rows = [r for r in read_csv(path) if r["统一社会信用代码"] == code]
                assert [r["整改期限"] for r in rows] == [shown.isoformat()], (as_of, rows)

            # --- Overdue as of the day after the extended deadline. --------------------------
            for as_of, overdue in ((longest, "0"), (longest + datetime.timedelta(days=1), "1")):
                for node, region in (("foshan", "440600"), ("gd", "440000")):
                    wait_until(lambda: (lambda r: (r["在办案件"], r["逾期案件"]) == ("1", overdue))(
                        plan_row(node, region, as_of)),
                        f"{overdue} overdue of 1 open as of {as_of} at {node}")
                # The provincial total counts it too.
                total = plan_row("gd", "440000", as_of, city="440000")
                assert (total["地区"], total["逾期案件"]) == ("合计", overdue), total
            # The county sees the case as it stands today: open, not yet overdue.
            assert not case("shunde", "sd-e-1").get("overdue", False)
            assert ctl["shunde"]("overdue", "--region=440606").stdout.startswith(
                "0 overdue case(s)")

            # --- Ordered closed (依法关停). ---------------------------------------------------
            # The real clock allows no effective day after today, so the order is dated within
            # the extension, before the overdue day checked above.
            ctl["shunde"]("case-advance", "--case-id=sd-e-1", "--to=ordered_closed",
                          "--evidence=GT-Y18-1", f"--effective={ordered.isoformat()}",
                          identity=drc)
            open_cases_everywhere({("sd-e-1", "ORDERED_CLOSED", "")},
                                  "the merged view's case ordered closed")
            figures_everywhere({"cases": {("ENERGY", "ORDERED_CLOSED"): 1}}, "ordered closed")
            # The rule, not a defect: sealing (断水、断电、拆除动力装置、封存主体设备) is how
            # Table 5's technology dimension eliminates equipment ("found one, eliminate one"),
            # so the steps are recorded on a TECHNOLOGY case in FOUND and refused on the ENERGY
            # case. The scenario carries the sealing out under the TECHNOLOGY case of the
            # plant's kiln.
            p = ctl["shunde"]("case-advance", "--case-id=sd-e-1", "--sealing-step=water_cut",
                              "--evidence=SD-Y18-1", f"--effective={seal_day.isoformat()}",
                              identity=drc, check=False)
            assert p.returncode == 4 and \
                "sealing steps are recorded on a TECHNOLOGY case in FOUND" in p.stderr, p

            # --- Sealed: the TECHNOLOGY steps (断水, 断电, 拆除动力装置, 封存主体设备, 承诺). --
            miit = "MIIT-440606-y18"
            open_case("sd-t-1", "TECHNOLOGY", "倒焰窑 (synthetic)", "表5 陶瓷(2)", "PC-Y18-1",
                      ordered, miit)
            early = ctl["shunde"]("case-advance", "--case-id=sd-t-1", "--to=sealed",
                                  "--evidence=FC-Y18-1", f"--effective={sealed_day.isoformat()}",
                                  identity=miit, check=False)
            assert early.returncode == 4 and "missing: water_cut, power_cut" in early.stderr, early
            steps = ("water_cut", "power_cut", "power_units_removed", "equipment_sealed",
                     "public_commitment")
            for step in steps:
                ctl["shunde"]("case-advance", "--case-id=sd-t-1", f"--sealing-step={step}",
                              f"--evidence=SEAL-{step}", f"--effective={seal_day.isoformat()}",
                              identity=miit)
            ctl["shunde"]("case-advance", "--case-id=sd-t-1", "--to=sealed",
                          "--evidence=FC-Y18-1", f"--effective={sealed_day.isoformat()}",
                          identity=miit)
            case_everywhere("sd-t-1", lambda c: c["state"] == "CASE_STATE_SEALED" and
                            all(s in c.get("sealing", {}) for s in
                                ("water_cut", "power_cut", "power_units_removed",
                                 "equipment_sealed")) and
                            [h.get("effective_day") for h in c["history"]] ==
                            [ordered.isoformat()] + [seal_day.isoformat()] * 5 +
                            [sealed_day.isoformat()], "sd-t-1 sealed with its five steps")
            figures_everywhere({"cases": {("ENERGY", "ORDERED_CLOSED"): 1,
                                          ("TECHNOLOGY", "SEALED"): 1}}, "sealed")

            # --- Accepted (验收), then both cases closed (关停退出). ---------------------------
            ctl["shunde"]("case-advance", "--case-id=sd-t-1", "--to=accepted",
                          "--evidence=YS-Y18-1", f"--effective={accepted_day.isoformat()}",
                          "--inspected-by=佛山市工业和信息化局 (synthetic)", identity=miit)
            case_everywhere("sd-t-1", lambda c: c["state"] == "CASE_STATE_ACCEPTED",
                            "sd-t-1 accepted")
            figures_everywhere({"cases": {("ENERGY", "ORDERED_CLOSED"): 1,
                                          ("TECHNOLOGY", "ACCEPTED"): 1}}, "accepted")
            for case_id, who in (("sd-t-1", miit), ("sd-e-1", drc)):
                ctl["shunde"]("case-advance", f"--case-id={case_id}", "--to=closed_exited",
                              f"--evidence=GB-{case_id}", f"--effective={closed.isoformat()}",
                              identity=who)
            figures_everywhere({"cases": {("ENERGY", "CLOSED_EXITED"): 1,
                                          ("TECHNOLOGY", "CLOSED_EXITED"): 1}}, "closed")
            open_cases_everywhere(set(), "no open case left")
            # Its cases closed it by law: the merged view, and so `progress`, count it exited
            # at every tier, though the departments' April lists still report it operating.
            for node in TIERS:
                wait_until(lambda: merged(node).get("open_cases") is None and
                           merged(node).get("exited") is True,
                           f"the merged view at {node}: exited, no open case")
                assert ctl[node]("merged", f"--credit-code={code}").stdout.splitlines()[0] \
                    .endswith("EXITED"), node
            figures_everywhere({"listed": 1, "exited": 1}, "exited")
            # The register is Shunde's own record of the enterprise, as its system wrote it; the
            # coordinator never rewrites it (docs/COORDINATOR.md, "The register and the merged
            # view"), so `enterprises` shows the status Shunde recorded until Shunde updates it.
            for node in TIERS:
                assert register(node)[code]["STATUS"] == "operating", register(node)[code]

            # --- On the disclosure lists, at every tier. -------------------------------------
            for node, region in (("shunde", "440606"), ("foshan", "440600"), ("gd", "440000")):
                for listed, case_id, dim in (("closed_by_law", "sd-e-1", "能耗"),
                                             ("technology_closure", "sd-t-1", "技术")):
                    out = os.path.join(tmp, f"{node}-{listed}.csv")
                    wait_until(lambda: ctl[node]("export", f"--list={listed}",
                                                 f"--region={region}", "--format=csv",
                                                 f"--out={out}") and any(
                        r["统一社会信用代码"] == code for r in read_csv(out)),
                        f"{code} on {listed} at {node}")
                    rows = [r for r in read_csv(out) if r["统一社会信用代码"] == code]
                    assert [(r["企业名称"], r["方面"], r["状态"], r["日期"], r["案件编号"])
                            for r in rows] == [(name, dim, "关停退出", closed.isoformat(),
                                                case_id)], rows
                # No longer on the rectification list, but it was while rectifying.
                ctl[node]("export", "--list=rectification_deadline", f"--region={region}",
                          "--format=csv", f"--out={path}")
                assert not any(r["统一社会信用代码"] == code for r in read_csv(path)), node

            # --- Foshan's annual summary and the provincial summary. -------------------------
            year_end = datetime.date(year, 12, 31)
            for node, region in (("foshan", "440600"), ("gd", "440000")):
                row = plan_row(node, region, year_end)
                assert (row["目标退出企业数"], row["截至统计日应退出"], row["已退出企业数"],
                        row["差额"], row["已退出产能"], row["在办案件"], row["逾期案件"],
                        row["进度"]) == ("1", "1", "1", "0", "3000000", "0", "0", "正常"), row
                assert row["当年发现案件"] == ("1" if found.year == year else "0"), row
                tech = plan_row(node, region, year_end, dimension="技术")
                assert (tech["已退出企业数"], tech["进度"]) == ("1", "无目标"), tech
                behind = {(str(r["CITY"]), r["DIMENSION"]): r for r in json.loads(
                    ctl[node]("behind", f"--region={region}", f"--year={year}",
                              f"--at={year_end.isoformat()}", "--json").stdout)}
                energy = behind[("440600", "ENERGY")]
                assert (energy["STATE"], energy["EXITED"], energy["SHORTFALL"]) == \
                    ("on track", 1, 0), energy
                closed_csv = os.path.join(tmp, f"closed-{node}.csv")
                said = ctl[node]("summary", f"--region={region}", f"--year={year}",
                                 "--format=csv", "--table=closed", f"--out={closed_csv}").stdout
                rows = read_csv(closed_csv)
                assert sorted((r["统一社会信用代码"], r["案件编号"], r["关停退出日期"])
                              for r in rows) == [(code, "sd-e-1", closed.isoformat()),
                                                 (code, "sd-t-1", closed.isoformat())], rows
                # One plant closed under two dimensions: two rows, one closed enterprise.
                assert "1 closed enterprise(s)" in said, said
            total = plan_row("gd", "440000", year_end, city="440000")
            assert (total["地区"], total["已退出企业数"], total["差额"]) == ("合计", "1", "0"), total
            tech = plan_row("gd", "440000", year_end, city="440000", dimension="技术")
            # No city filed a technology target: the total says so, as the city's row does.
            assert (tech["目标退出企业数"], tech["已退出企业数"], tech["进度"]) == \
                ("", "1", "无目标"), tech
            county = ctl["shunde"]("summary", "--region=440606", f"--year={year}",
                                   f"--out={tmp}/x.xlsx", check=False)
            assert county.returncode == 4 and "is a county" in county.stderr, county

            # --- Caught drawing power two months after the power cut. ------------------------
            power = os.path.join(tmp, "gdpg.csv")
            with open(power, "w", encoding="utf-8") as f:
                f.write("统一社会信用代码,户号,月份,用电量(千瓦时)\n"
                        f"{code},0306001,{month_text(seal_day)},152000\n"  # the month of the cut
                        f"{code},0306001,{month_text(seal_day, 1)},800\n"  # a guard house
                        f'{code},0306001,{month_text(seal_day, 2)},"48,500"\n')  # production
            out = ctl["shunde"]("power-import", power, "--region=440606", identity=drc).stdout
            assert "3 reading(s)" in out and "1 alert(s) raised" in out, out
            for node, region in (("shunde", "440606"), ("foshan", "440600"), ("gd", "440000")):
                def alerts():
                    return js(node, "power-alerts", f"--region={region}").get("alerts", [])
                wait_until(lambda: len(alerts()) == 1, f"the alert at {node}")
                a = alerts()[0]
                assert (a["credit_code"], a["month"], a["kwh"], a["reason"], a["case_id"],
                        a["shut_since_day"]) == (code, month_text(seal_day, 2), 48500,
                                                 "SHUTDOWN_REASON_POWER_CUT", "sd-t-1",
                                                 seal_day.isoformat()), a
        finally:
            for node in reversed(list(nodes.values())):
                node.terminate()
            for node in nodes.values():
                node.wait_clean_exit()

    print(f"scenario played in {time.time() - started:.1f} s")
    print("1 passed, 0 failed")


if __name__ == "__main__":
    main()
