#!/usr/bin/python3
"""The web console against a real cluster: a province (coordinator, console), Foshan (console)
and two of its districts, as real tierhubd processes on loopback ports the OS chooses, loaded
through tierhubctl. A headless Chromium (Debian's chromium and chromium-driver, driven by
python3-selenium) logs in, reads the overview (its figures must equal GetProgress for the same
region), drills down to one enterprise and its case, is refused another county's page, logs
out; a wrong password is refused. /metrics passes `promtool check metrics` and a child's lag
grows when the child is stopped. Bad input gets clear 4xx answers, stores nothing, and the
node keeps serving gRPC. Downloads are byte for byte what `tierhubctl export` writes. Each
page's screenshot is written under SCREENSHOT_DIR.

Foshan's console serves HTTPS with a development CA's certificate (deploy/dev-ca.sh); its
session cookie is Secure.

usage: console_browser_test.py TIERHUBD TIERHUBCTL DEV_CA SCREENSHOT_DIR
"""
import csv
import http.client
import io
import json
import os
import re
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.parse
import zipfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "interop"))
from node_process import NodeProcess  # noqa: E402

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

TOPOLOGY = [  # id, tier, region, parent, console
    ("gd", "REGION_LEVEL_PROVINCE", "440000", None, True),
    ("foshan", "REGION_LEVEL_CITY", "440600", "gd", True),
    ("nanhai", "REGION_LEVEL_COUNTY", "440605", "foshan", False),
    ("shunde", "REGION_LEVEL_COUNTY", "440606", "foshan", False),
]
LOAD = {"nanhai": 4, "shunde": 6}
USERS = {  # name: (identity, password)
    "analyst": ("ops:440000:analyst", "省协调小组-pass-1"),
    "sdops": ("ops:440606:sdops", "shunde-pass-2"),
}
METRICS_TOKEN = "metrics-token-0123456789abcdef"


def wait_until(check, what, seconds=90):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError("timed out waiting for " + what)


class Http:
    """HTTP (or HTTPS trusting `ca`) to a console with an optional session cookie
    (http.client: no redirects)."""

    def __init__(self, port, ca=None):
        self.port = port
        self.ca = ca
        self.cookie = None

    def request(self, method, path, body=None, headers=None):
        if self.ca:
            conn = http.client.HTTPSConnection(
                "127.0.0.1", self.port, timeout=30,
                context=ssl.create_default_context(cafile=self.ca))
        else:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        h = dict(headers or {})
        if self.cookie:
            h["Cookie"] = self.cookie
        if body is not None and "Content-Type" not in h:
            h["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=h)
        r = conn.getresponse()
        data = r.read()
        conn.close()
        return r.status, dict(r.getheaders()), data

    def login(self, name, password):
        status, headers, _ = self.request(
            "POST", "/login", urllib.parse.urlencode({"name": name, "password": password}))
        assert status == 303, status
        cookie = headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie, cookie
        self.cookie = cookie.split(";")[0]


def progress_rows(progress):
    """(region, industry) -> (listed, exited, overdue), as the overview folds GetProgress."""
    rows = {}
    for c in progress.get("capacity", []):
        key = (c["region_code"], c["industry"])
        listed, exited, overdue = rows.get(key, (0, 0, 0))
        rows[key] = (listed + int(c.get("enterprises_listed", 0)),
                     exited + int(c.get("enterprises_exited", 0)), overdue)
    for o in progress.get("overdue", []):
        key = (o["region_code"], o["industry"])
        listed, exited, overdue = rows.get(key, (0, 0, 0))
        rows[key] = (listed, exited, overdue + int(o.get("overdue", 0)))
    return rows


def main():
    tierhubd, tierhubctl, dev_ca, shots = sys.argv[1:5]
    os.makedirs(shots, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        nodes, ports, web = {}, {}, {}

        def ctl(node, identity, *args, check=True, stdin=None):
            p = subprocess.run([tierhubctl, *args, f"--node=127.0.0.1:{ports[node]}",
                                "--insecure", f"--identity={identity}"],
                               capture_output=True, text=True, timeout=120, input=stdin)
            if check and p.returncode != 0:
                raise AssertionError(f"tierhubctl {args[0]} failed ({p.returncode}): {p.stderr}")
            return p.stdout

        accounts = os.path.join(tmp, "web-users")
        for name, (identity, password) in USERS.items():
            p = subprocess.run([tierhubctl, "web-user", "add", name, identity,
                                f"--accounts={accounts}", "--password-stdin"],
                               input=password + "\n", capture_output=True, text=True, timeout=60)
            assert p.returncode == 0, p.stderr
            assert password not in p.stdout + p.stderr
        listing = subprocess.run([tierhubctl, "web-user", "list", f"--accounts={accounts}"],
                                 capture_output=True, text=True, check=True).stdout
        assert "analyst" in listing and "ops:440606:sdops" in listing and "$argon2" not in listing
        assert all(pw not in open(accounts).read() for _, pw in USERS.values())
        token_file = os.path.join(tmp, "metrics-token")
        with open(token_file, "w") as f:
            f.write(METRICS_TOKEN + "\n")

        certs = os.path.join(tmp, "certs")
        subprocess.run([dev_ca, certs, "node", "foshan", "440600"], check=True,
                       capture_output=True)
        ca = os.path.join(certs, "ca.pem")

        driver = None
        try:
            for node_id, tier, region, parent, console in TOPOLOGY:
                config = (f'node_id: "{node_id}" tier: {tier} region_code: "{region}"\n'
                          f'listen_address: "127.0.0.1:0" store_path: "{tmp}/{node_id}"\n'
                          'insecure: true block_cache_mb: 8\n')
                if parent:
                    config += (f'parent_address: "127.0.0.1:{ports[parent]}" '
                               f'parent_node_id: "{parent}"\n')
                else:
                    config += "coordinator: true\n"
                if console:
                    tls = ("insecure_http: true" if node_id == "gd" else
                           f'cert_file: "{certs}/foshan.pem" key_file: "{certs}/foshan.key"')
                    config += (f'web {{ listen_address: "127.0.0.1:0" {tls} '
                               f'accounts_file: "{accounts}" metrics_token_file: "{token_file}" '
                               'stale_after_seconds: 3600 }\n')
                node = NodeProcess(tierhubd, tmp, node_id, config)
                nodes[node_id], ports[node_id] = node, node.port
            # The console logs its port before the node writes its gRPC port file, which
            # NodeProcess awaited; the line also announces the insecure mode.
            for node_id, announced in (("gd", "console: INSECURE plain HTTP on"),
                                       ("foshan", "console: HTTPS on")):
                log = open(os.path.join(tmp, node_id + ".log")).read()
                line = [x for x in log.splitlines() if announced in x]
                assert line, log
                web[node_id] = int(line[0].split("127.0.0.1:")[1].split(".")[0].split()[0])

            # Data: synthetic enterprises (with their equipment) at the counties, a DRC list
            # over them, and an energy case under a rectification deadline on one listed
            # Shunde enterprise.
            for node_id, count in LOAD.items():
                region = next(r for n, _, r, _, _ in TOPOLOGY if n == node_id)
                ctl(node_id, f"node:{region}:{node_id}", "load-synthetic", f"--region={region}",
                    f"--count={count}")
            miit = "dept:MIIT:440000:clerk"
            ctl("gd", miit, "rounds", "--add=WEB", "--deadline=" +
                time.strftime("%Y-%m-%d", time.localtime(time.time() + 86400 * 30)))
            regions = ",".join(f"{r}:{LOAD[n]}" for n, _, r, _, _ in TOPOLOGY if n in LOAD)
            csv_path = os.path.join(tmp, "drc.csv")
            subprocess.run([tierhubctl, "demo-csv", "--department=DRC", f"--regions={regions}",
                            f"--out={csv_path}"], check=True, capture_output=True)
            rows = list(csv.DictReader(io.StringIO(open(csv_path, encoding="utf-8-sig").read())))
            chosen = next(r for r in rows if r["所在地区"] == "440606")
            enterprise = chosen["统一社会信用代码"]
            ctl("gd", "dept:DRC:440000:clerk", "submit", csv_path, "--dimension=ENERGY",
                "--kind=ENERGY_INSPECTION", "--region=440000", "--round=WEB",
                "--submission-id=drc-web")
            sd = "node:440606:shunde"
            ctl("shunde", sd, "case-open", "--case-id=sd-web-1", f"--credit-code={enterprise}",
                "--region=440606", f"--industry={chosen['行业']}", "--dimension=ENERGY",
                "--finding=能耗超限额 (synthetic)", "--rule=GB 21256-2013", "--evidence=JC-WEB-1")
            ctl("shunde", sd, "case-advance", "--case-id=sd-web-1", "--to=rectifying",
                "--evidence=ZG-WEB-1")
            # A Nanhai enterprise ordered closed and closed: one exit this month.
            exited = next(r for r in rows if r["所在地区"] == "440605")
            nh = "node:440605:nanhai"
            ctl("nanhai", nh, "case-open", "--case-id=nh-web-1",
                f"--credit-code={exited['统一社会信用代码']}", "--region=440605",
                f"--industry={exited['行业']}", "--dimension=ENERGY",
                "--finding=能耗超限额 (synthetic)", "--rule=GB 21256-2013", "--evidence=JC-WEB-2")
            for state in ("rectifying", "ordered_closed", "closed_exited"):
                ctl("nanhai", nh, "case-advance", "--case-id=nh-web-1", f"--to={state}",
                    f"--evidence=DOC-{state}")
            # Foshan's action plan: two ceramics exits due by a checkpoint already past, none
            # done, so Foshan is behind (a 通报/约谈 candidate).
            year = time.gmtime(time.time() + 8 * 3600).tm_year
            ctl("foshan", "node:440600:foshan", "target-set", "--region=440600",
                f"--year={year}", "--industry=陶瓷", "--dimension=TECHNOLOGY", "--enterprises=2",
                f"--checkpoints={year}-01-31", "--responsible=MIIT,DRC")
            analyst = "ops:440000:analyst"
            wait_until(lambda: "440600" in ctl("gd", analyst, "behind", "--region=440000",
                                               f"--year={year}", "--behind-only"),
                       "the province to see Foshan behind its plan")

            def province_progress():
                return json.loads(ctl("gd", analyst, "progress", "--region=440000", "--json"))

            wait_until(lambda: any(c.get("enterprises_listed") for c in
                                   province_progress().get("capacity", [])),
                       "the province to count the DRC list")
            wait_until(lambda: ctl("gd", analyst, "case", "--case-id=sd-web-1",
                                   check=False) != "" and "rectifying" in ctl(
                                       "gd", analyst, "case", "--case-id=sd-web-1",
                                       check=False).lower(),
                       "Shunde's case to reach the province")
            wait_until(lambda: "closed_exited" in ctl("gd", analyst, "case",
                                                     "--case-id=nh-web-1").lower(),
                       "the exit to reach the province")

            # ---- The browser ----
            options = webdriver.ChromeOptions()
            options.binary_location = "/usr/bin/chromium"
            for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                        "--disable-gpu", "--window-size=1400,1000", "--lang=zh-CN"):
                options.add_argument(arg)
            driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
            base = f"http://127.0.0.1:{web['gd']}"

            def shot(name):
                driver.save_screenshot(os.path.join(shots, name + ".png"))

            def login(name, password):
                driver.get(base + "/login")
                driver.find_element(By.ID, "name").send_keys(name)
                driver.find_element(By.ID, "password").send_keys(password)
                driver.find_element(By.ID, "submit").click()

            # A wrong password is refused, and nothing is set.
            login("analyst", "wrong")
            assert "用户名或密码错误" in driver.find_element(By.ID, "error").text, driver.page_source[:1500]
            assert driver.get_cookie("th_session") is None
            shot("login-refused")
            login("analyst", USERS["analyst"][1])
            assert driver.find_element(By.ID, "insecure").is_displayed()  # announced
            cookie = driver.get_cookie("th_session")
            assert cookie and cookie["httpOnly"] and cookie["sameSite"] == "Strict", cookie
            wait_until(lambda: driver.find_element(By.ID, "bars").get_attribute("data-drawn")
                       is not None, "the chart to be drawn", 30)
            shot("overview-440000")

            # The overview's figures equal GetProgress for the same region.
            expected = progress_rows(province_progress())
            shown = {}
            for tr in driver.find_elements(By.CSS_SELECTOR, "#overview tr.row"):
                key = (tr.get_attribute("data-region"), tr.get_attribute("data-industry"))
                cell = lambda cls: int(tr.find_element(By.CSS_SELECTOR, "td." + cls).text)
                shown[key] = (cell("listed"), cell("exited"), cell("overdue"))
            assert shown and set(expected) <= set(shown), (shown, expected)
            for key, value in expected.items():
                assert shown[key] == value, (key, shown[key], value)
            assert "440600" in {k[0] for k in shown}
            # Capacity in the units the plan writes (Nanhai's exit counts in one), not enum names.
            capacities = " ".join(td.text for td in driver.find_elements(
                By.CSS_SELECTOR, "#overview td.capacity"))
            assert "_" not in capacities and any(
                u in capacities for u in ("吨/年", "平方米/年", "件/年", "标张/年", "MW", "重量箱/年",
                                          "kVAh/年")), capacities
            # Exits per month: this month's one exit, in the chart and in the API.
            month = time.gmtime(time.time() + 8 * 3600).tm_mon
            expected_months = ",".join("1" if m == month else "0" for m in range(1, 13))
            wait_until(lambda: driver.find_element(By.ID, "months").get_attribute("data-drawn")
                       is not None, "the chart of exits per month", 30)
            assert driver.find_element(By.ID, "months").get_attribute("data-drawn") == \
                expected_months
            # Regions behind their plans stand out; the plan's row says so.
            behind = {tr.get_attribute("data-region")
                      for tr in driver.find_elements(By.CSS_SELECTOR, "#overview tr.behind")}
            assert behind == {"440600"}, behind
            plans = driver.find_element(By.ID, "plans").text
            assert "落后" in plans and "佛山市" in plans, plans
            # Freshness: the children whose data the figures hold.
            fresh = driver.find_element(By.ID, "freshness").text
            assert "foshan" in fresh or "shunde" in fresh, fresh

            # Drill down: province -> Foshan -> Shunde -> the enterprise.
            driver.find_element(By.CSS_SELECTOR, "#overview a[href='/region/440600']").click()
            assert driver.find_element(By.ID, "region").get_attribute("data-code") == "440600"
            shot("overview-440600")
            driver.find_element(By.CSS_SELECTOR, "#overview a[href='/region/440606']").click()
            assert driver.find_element(By.ID, "region").get_attribute("data-code") == "440606"
            shot("overview-440606")
            driver.find_element(By.CSS_SELECTOR, f"a[href='/enterprise/{enterprise}']").click()
            page = driver.page_source
            assert chosen["企业名称"] in page and "sd-web-1" in page, page[:2000]
            assert "DRC" in driver.find_element(By.ID, "listings").text  # its list
            case = driver.find_element(By.CSS_SELECTOR, "div.case[data-case='sd-web-1']").text
            assert "RECTIFYING" in case and "ZG-WEB-1" in case, case
            # The deadline is a day (docs/DAYS.md), not the instant it is stored as.
            head = case.splitlines()[0]
            assert re.search(r"期限 \d{4}-\d{2}-\d{2}$", head), head
            assert "EXTENDED" in case and "COMPLIANT" in case, case  # allowed next steps
            assert "EQ-1" in driver.find_element(By.ID, "equipment").text
            shot("enterprise")
            # A closed case stays on its enterprise's page, with its whole history.
            driver.get(base + "/enterprise/" + exited["统一社会信用代码"])
            closed = driver.find_element(By.CSS_SELECTOR, "div.case[data-case='nh-web-1']").text
            assert "CLOSED_EXITED" in closed and "DOC-ordered_closed" in closed, closed
            for page_name in ("sync", "contradictions", "overdue", "power-alerts", "rounds",
                              "downloads"):
                driver.get(base + "/" + page_name)
                assert driver.find_elements(By.TAG_NAME, "h1"), page_name
                shot(page_name)
            driver.get(base + "/rounds?round=WEB")
            assert "DRC" in driver.find_element(By.ID, "round").text
            shot("round-WEB")
            driver.get(base + "/lang?to=en")
            assert "Overview" in driver.find_element(By.TAG_NAME, "h1").text
            shot("overview-440000-en")
            driver.get(base + "/lang?to=zh")

            # Repeated failures slow a name down (429 with Retry-After), others not; every
            # login and refusal is one line of the node's log.
            probe = Http(web["gd"])
            answers = [probe.request("POST", "/login", urllib.parse.urlencode(
                {"name": "nobody", "password": "x"}))[0] for _ in range(5)]
            assert answers[:4] == [401] * 4 and answers[4] == 429, answers
            log = open(os.path.join(tmp, "gd.log")).read()
            assert "console: login of analyst as ops:440000:analyst" in log, log[-2000:]
            assert "console: login refused for 'analyst'" in log and "wrong password" in log
            assert "too many failed logins" in log
            assert USERS["analyst"][1] not in log

            # Logout ends the session: the old cookie opens nothing any more.
            old = Http(web["gd"])
            old.cookie = "th_session=" + cookie["value"]
            assert old.request("GET", "/api/v1/progress")[0] == 200
            driver.find_element(By.ID, "logout").click()
            assert "/login" in driver.current_url
            assert old.request("GET", "/api/v1/progress")[0] == 401
            status, headers, _ = old.request("GET", "/")
            assert status == 303 and headers["Location"] == "/login", (status, headers)

            # The accounts file is read again when it changes: a user added while the node runs
            # logs in, and a removed user's session ends at its next request.
            def web_user(*args, password=None):
                p = subprocess.run(
                    [tierhubctl, "web-user", *args, f"--accounts={accounts}"] +
                    (["--password-stdin"] if password else []),
                    input=password + "\n" if password else None, capture_output=True, text=True,
                    timeout=60)
                assert p.returncode == 0, p.stderr
            web_user("add", "newcomer", "ops:440600:newcomer", password="newcomer-pass-3")
            newcomer = Http(web["gd"])
            newcomer.login("newcomer", "newcomer-pass-3")
            assert newcomer.request("GET", "/api/v1/progress?region=440600")[0] == 200
            web_user("remove", "newcomer")
            assert newcomer.request("GET", "/api/v1/progress?region=440600")[0] == 401
            assert "session of newcomer ended: the account was removed" in open(
                os.path.join(tmp, "gd.log")).read()

            # A county user: its own county, not another one, in pages and API.
            login("sdops", USERS["sdops"][1])
            assert driver.find_element(By.ID, "region").get_attribute("data-code") == "440606"
            shot("county-user-overview")
            driver.get(base + "/region/440605")
            err = driver.find_element(By.ID, "error").text
            assert err.startswith("403") and "440605" in err, err
            page = driver.page_source
            assert "南海区" not in page and "overview" not in page, page
            shot("county-user-403")
            county = Http(web["gd"])
            county.login("sdops", USERS["sdops"][1])
            status, _, body = county.request("GET", "/api/v1/progress?region=440605")
            assert status == 403, (status, body)
            assert b"capacity" not in body and b"enterprises" not in body, body
            status, _, body = county.request("GET", "/api/v1/progress?region=440600")
            assert status == 403, (status, body)
            status, _, body = county.request("GET", "/api/v1/progress?region=440606")
            assert status == 200 and b"440606" in body, (status, body)

            # Downloads: byte for byte what tierhubctl export / summary write.
            session = Http(web["gd"])
            session.login("analyst", USERS["analyst"][1])
            for fmt in ("csv", "xlsx"):
                out = os.path.join(tmp, "rect." + fmt)
                ctl("gd", analyst, "export", "--list=rectification_deadline", "--region=440000",
                    f"--format={fmt}", f"--out={out}")
                status, headers, body = session.request(
                    "GET", f"/download/disclosure?list=rectification_deadline&region=440000"
                    f"&format={fmt}")
                assert status == 200, (status, body[:200])
                assert "attachment" in headers["Content-Disposition"]
                # Byte for byte, the workbook too (it is dated by the day of its figures).
                assert body == open(out, "rb").read(), (fmt, len(body))
                if fmt == "xlsx":
                    assert zipfile.ZipFile(io.BytesIO(body)).testzip() is None
                if fmt == "csv":
                    assert enterprise.encode() in body
            out = os.path.join(tmp, "summary.csv")
            ctl("gd", analyst, "summary", "--region=440600", f"--year={year}", "--format=csv",
                f"--out={out}")
            status, _, body = session.request(
                "GET", f"/download/summary?region=440600&year={year}&format=csv")
            assert status == 200 and body == open(out, "rb").read(), (status, body[:300])

            # ---- Bad input: clear 4xx, nothing stored, gRPC keeps serving ----
            head_before = json.loads(ctl("gd", analyst, "status", "--json"))["last_seq"]
            assert session.request("GET", "/no/such/page")[0] == 404
            for path in ("/static/../../etc/passwd", "/static/..%2f..%2fetc%2fpasswd",
                         "/static/%2e%2e/%2e%2e/etc/passwd", "/static/chart.min.js/../x"):
                status, _, body = session.request("GET", path)
                assert status in (400, 404) and b"root:" not in body, (path, status)
            status, _, _ = session.request("POST", "/login", "name=a&password=" + "x" * 100000)
            assert status == 413, status
            # A session has a request budget (5/s, bursts of 30): a script that hammers the API
            # with a user's cookie is told to wait, and gets no data meanwhile.
            script = Http(web["gd"])
            script.login("analyst", USERS["analyst"][1])
            answers = [script.request("GET", "/api/v1/progress?region=440600") for _ in range(45)]
            codes = [a[0] for a in answers]
            assert codes.count(200) >= 30 and 429 in codes, codes
            throttled = next(a for a in answers if a[0] == 429)
            assert int(throttled[1]["Retry-After"]) >= 1 and b"440600" not in throttled[2], throttled
                        # Login CSRF: another site's form posting good credentials logs no one in.
            good = urllib.parse.urlencode({"name": "analyst", "password": USERS["analyst"][1]})
            for forged in ({"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"},
                           {"Origin": "null"}):
                status, headers, body = session.request("POST", "/login", good, headers=forged)
                assert status == 403 and "Set-Cookie" not in headers, (forged, status, headers)
                assert "another site" in body.decode(), body[:300]
            status, headers, _ = session.request(
                "POST", "/login", good, headers={"Origin": f"http://127.0.0.1:{web['gd']}"})
            assert status == 303 and "th_session=" in headers.get("Set-Cookie", ""), status
            hostile = "<script>alert(1)</script>' OR 1=1; DROP TABLE x; --"
            status, _, body = session.request(
                "GET", "/contradictions?region=" + urllib.parse.quote(hostile))
            assert status == 400 and b"<script>" not in body and b"&lt;script&gt;" in body, body
            status, _, body = session.request(
                "GET", "/api/v1/overdue?region=" + urllib.parse.quote(hostile))
            assert status == 400 and b"<script>" not in body, body
            status, _, body = session.request("GET", "/enterprise/" + urllib.parse.quote(hostile))
            assert status in (400, 404) and b"<script>" not in body, (status, body[:300])
            forged = Http(web["gd"])
            forged.cookie = "th_session=" + "0" * 64
            assert forged.request("GET", "/api/v1/progress")[0] == 401
            assert forged.request("GET", "/")[0] == 303
            forged.cookie = "th_session=" + "'; DROP TABLE sessions; --"
            assert forged.request("GET", "/api/v1/sync")[0] == 401
            with socket.create_connection(("127.0.0.1", web["gd"]), timeout=10) as s:
                s.sendall(b"GARBAGE\r\n\r\n")
                answer = s.recv(200)
                assert answer.startswith(b"HTTP/1.1 400"), answer
            with socket.create_connection(("127.0.0.1", web["gd"]), timeout=10) as s:
                s.sendall(b"GET /" + b"a" * 20000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
                answer = s.recv(200)
                assert answer.startswith(b"HTTP/1.1 414") or answer.startswith(b"HTTP/1.1 400"), \
                    answer
            assert json.loads(ctl("gd", analyst, "status", "--json"))["last_seq"] == head_before

            # ---- /metrics: a token or a session; promtool reads it ----
            anon = Http(web["gd"])
            assert anon.request("GET", "/metrics")[0] == 401
            assert anon.request("GET", "/metrics",
                                headers={"Authorization": "Bearer wrong-token-0000000"})[0] == 401
            assert anon.request("GET", "/healthz")[0] == 200
            bearer = {"Authorization": "Bearer " + METRICS_TOKEN}
            status, _, metrics = anon.request("GET", "/metrics", headers=bearer)
            assert status == 200, status
            check = subprocess.run(["promtool", "check", "metrics"], input=metrics,
                                   capture_output=True, timeout=60)
            assert check.returncode == 0, check.stdout + check.stderr
            text = metrics.decode()
            for name in ("tierhub_link_lag_seconds", "tierhub_link_pending_changes",
                         "tierhub_exchange_batches_total", "tierhub_exchange_changes_total",
                         "tierhub_exchange_bytes_total", "tierhub_exchange_refusals_total",
                         "tierhub_exchange_conflicts_total", "tierhub_exchange_resyncs_total",
                         "tierhub_store_size_bytes", "tierhub_store_pending_compaction_bytes",
                         "tierhub_store_write_stalls_total", "process_resident_memory_bytes",
                         "tierhub_build_info"):
                assert name + "{" in text or name + " " in text, name
            with open(os.path.join(shots, "metrics-gd.txt"), "wb") as f:
                f.write(metrics)
            assert session.request("GET", "/metrics")[0] == 200  # a session may read it too

            # Foshan's console is HTTPS: its cookie is Secure, plain HTTP gets no answer.
            foshan = Http(web["foshan"], ca)
            foshan.login("analyst", USERS["analyst"][1])
            status, _, body = foshan.request("GET", "/api/v1/progress?region=440600")
            assert status == 200 and b"440606" in body, (status, body[:200])
            status, headers, _ = Http(web["foshan"], ca).request(
                "POST", "/login", urllib.parse.urlencode(
                    {"name": "analyst", "password": USERS["analyst"][1]}))
            assert "; Secure;" in headers["Set-Cookie"], headers
            try:
                plain = Http(web["foshan"]).request("GET", "/healthz")[0]
            except (ConnectionError, http.client.HTTPException):
                plain = None
            assert plain != 200, plain

            def child_lag(peer):
                _, _, m = Http(web["foshan"], ca).request("GET", "/metrics", headers=bearer)
                for line in m.decode().splitlines():
                    if line.startswith("tierhub_link_lag_seconds{link=\"child\",peer=\"%s\"}"
                                       % peer):
                        return float(line.split()[-1])
                return None

            wait_until(lambda: child_lag("shunde") == 0.0, "Shunde connected to Foshan")
            nodes["shunde"].stop()
            del nodes["shunde"]
            wait_until(lambda: child_lag("shunde") > 1.0,
                       "Shunde's lag at Foshan to grow after Shunde stopped", 30)
            print("console browser test passed; screenshots in", shots)
        finally:
            if driver is not None:
                driver.quit()
            for node in nodes.values():
                node.stop()


if __name__ == "__main__":
    main()
