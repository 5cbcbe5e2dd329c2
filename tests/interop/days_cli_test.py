#!/usr/bin/python3
"""Deadlines and effective days through tierhubctl against a real node (docs/DAYS.md): a
deadline is a China day, inclusive, shown as that day in `case --json` and in the table; the
shown deadline plus 3 months, as a client computes it, is the longest extension and one day
more is refused (exit 4, the message names both days); a step takes the day it happened
(--effective), never in the future nor before the previous step, and both days are shown.

usage: days_cli_test.py TIERHUBD TIERHUBCTL
"""
import calendar
import datetime
import json
import sys
import tempfile

from node_process import NodeProcess, credit_code, ctl_runner, insecure_province

CST = datetime.timezone(datetime.timedelta(hours=8))


def add_months(day, months):
    """The Civil Code rule: the corresponding day, or the month's last day."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def main():
    tierhubd, tierhubctl = sys.argv[1:3]
    today = datetime.datetime.now(CST).date()
    with tempfile.TemporaryDirectory() as tmp:
        node = NodeProcess(tierhubd, tmp, "gd", insecure_province(tmp))

        ctl = ctl_runner(tierhubctl, node, "dept:MIIT:440000:clerk")

        def case(case_id):
            return json.loads(ctl("case", f"--case-id={case_id}", "--json").stdout)

        try:
            code = credit_code("440606", "TH000018")
            # An ENERGY case found today, put under rectification: 6 months, shown as a day.
            ctl("case-open", "--case-id=e-18", f"--credit-code={code}", "--region=440606",
                "--industry=CERAMICS", "--dimension=ENERGY", "--finding=能耗超限额 (synthetic)",
                "--rule=GB 21252-2013", "--evidence=JC-18")
            ctl("case-advance", "--case-id=e-18", "--to=rectifying", "--evidence=ZG-18")
            shown = case("e-18")["enforcement_case"]
            deadline = add_months(today, 6)
            assert shown["deadline_day"] == deadline.isoformat(), shown
            # The timestamp names the same day: its first instant in China time.
            ts = datetime.datetime.fromisoformat(shown["deadline"].replace("Z", "+00:00"))
            assert ts.astimezone(CST) == datetime.datetime.combine(deadline, datetime.time(),
                                                                   CST), shown["deadline"]
            text = ctl("case", "--case-id=e-18").stdout
            assert f"deadline {deadline.isoformat()}" in text, text

            # The shown deadline plus 3 months is the longest extension; one day more refused.
            longest = add_months(deadline, 3)
            too_long = longest + datetime.timedelta(days=1)
            refused = ctl("case-advance", "--case-id=e-18", "--to=extended", "--evidence=YQ-18",
                          f"--deadline={too_long.isoformat()}", check=False)
            assert refused.returncode == 4, refused
            assert (f"at most 3 months after the current deadline {deadline.isoformat()}, so "
                    f"end on {longest.isoformat()} at the latest; asked for "
                    f"{too_long.isoformat()}") in refused.stderr, refused.stderr
            ctl("case-advance", "--case-id=e-18", "--to=extended", "--evidence=YQ-18",
                f"--deadline={longest.isoformat()}")
            extended = case("e-18")
            assert extended["enforcement_case"]["deadline_day"] == longest.isoformat(), extended
            assert not extended.get("overdue", False), extended

            # A technology case found 40 days ago; the power was cut 30 days ago, recorded now.
            found = today - datetime.timedelta(days=40)
            cut = today - datetime.timedelta(days=30)
            ctl("case-open", "--case-id=t-18", f"--credit-code={code}", "--region=440606",
                "--industry=CERAMICS", "--dimension=TECHNOLOGY", "--finding=倒焰窑 (synthetic)",
                "--rule=表5 陶瓷(2)", "--evidence=PC-18", f"--found={found.isoformat()}")
            tomorrow = today + datetime.timedelta(days=1)
            future = ctl("case-advance", "--case-id=t-18", "--sealing-step=power_cut",
                         "--evidence=PHOTO-1", f"--effective={tomorrow.isoformat()}", check=False)
            assert future.returncode == 4 and \
                f"effective_day: {tomorrow.isoformat()} is in the future" in future.stderr, future
            before = found - datetime.timedelta(days=1)
            early = ctl("case-advance", "--case-id=t-18", "--sealing-step=power_cut",
                        "--evidence=PHOTO-1", f"--effective={before.isoformat()}", check=False)
            assert early.returncode == 4 and "before the case's previous step" in early.stderr, \
                early
            ctl("case-advance", "--case-id=t-18", "--sealing-step=power_cut",
                "--evidence=PHOTO-1", f"--effective={cut.isoformat()}")
            ctl("case-advance", "--case-id=t-18", "--sealing-step=water_cut",
                "--evidence=PHOTO-2")
            history = case("t-18")["enforcement_case"]["history"]
            assert [h.get("effective_day") for h in history] == \
                [found.isoformat(), cut.isoformat(), today.isoformat()], history
            recorded = datetime.datetime.fromisoformat(history[1]["at"].replace("Z", "+00:00"))
            assert recorded.astimezone(CST).date() == today, history[1]
            # Both days in the table: EFFECTIVE and RECORDED.
            table = ctl("case", "--case-id=t-18").stdout
            assert "EFFECTIVE" in table and "RECORDED" in table, table
            row = next(line for line in table.splitlines() if "power_cut" in line)
            assert cut.isoformat() in row and today.isoformat() in row, row
        finally:
            node.stop()
    print("1 passed, 0 failed")


if __name__ == "__main__":
    main()
