"""The review desk in a real browser (Debian's chromium and chromium-driver through Selenium;
nothing is downloaded): an auditor corrects a scan figure, waives a finding and records a
复核得分, and the next audit of the folder holds all three.  Hostile text from a form shows
as text and runs nothing.  Skipped, saying why, where the browser or its driver is absent
(`make run` installs them as root on Debian)."""
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from conftest import CHROMEDRIVER, CHROMIUM, FIXTURES, ROOT, SEEDS

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install -e '.[dev]')")
pytestmark = pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER),
                                reason="chromium and chromedriver are not installed (Debian: apt-get install "
                                       "chromium chromium-driver; make run does it as root)")

SCANS = FIXTURES / "scans"
HOSTILE = "<img src=x onerror=alert(1)>"
HOSTILE_TIGHT = "<img/src=x/onerror=alert(2)>"      # the same, surviving a reader that drops spaces


def _env():
    return {**os.environ, "SELFEVAL_LANG": "zh"}


def _audit(src, out):
    return subprocess.run([sys.executable, "-m", "selfeval.cli", "audit", str(src), "--out", str(out), "--no-pdf",
                           "--fail-on", "never", "--jobs", "2", "-q"], capture_output=True, text=True, cwd=ROOT,
                          env=_env())


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def audited(tmp_path_factory):
    """Two scans (one with an indicator's score above the rules, one with a budget score
    above them) and a text form whose project name is an HTML payload, audited in Chinese."""
    root = tmp_path_factory.mktemp("desk")
    src = root / "in"
    src.mkdir()
    for name in ("scan_form01_county2021.pdf", "scan_form10_national2020.pdf"):
        shutil.copy(SCANS / name, src / name)
    seed = (SEEDS / "000_64df670863fe3938.txt").read_text(encoding="utf-8")
    (src / "hostile.txt").write_text(seed.replace("丰台区城指中心通讯保障资源运维项目", HOSTILE)
                                     .replace("丰台区城市管理监督指挥中心", HOSTILE_TIGHT), encoding="utf-8")
    out = root / "out"
    proc = _audit(src, out)
    assert proc.returncode == 0, proc.stderr
    return src, out


@pytest.fixture
def desk(audited):
    src, out = audited
    port = _port()
    server = subprocess.Popen([sys.executable, "-m", "selfeval.cli", "review", str(out), "--port", str(port),
                               "--no-browser", "--reviewer", "张三"], cwd=ROOT, env=_env(),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/"
    for _ in range(100):
        try:
            urllib.request.urlopen(url, timeout=5).read()
            break
        except OSError:
            if server.poll() is not None:
                raise AssertionError(server.stderr.read().decode())
            time.sleep(0.2)
    yield src, out, url
    server.terminate()
    server.wait(timeout=10)


def _item(driver, code, file):
    from selenium.webdriver.common.by import By
    found = driver.find_elements(By.CSS_SELECTOR, f'.item[data-code="{code}"][data-file="{file}"]')
    return found[0] if found else None


def _send(driver, box, *keys) -> None:
    """Keys typed into a box whose form the last one submits, then the next page waited for
    (a correction re-reads its scan before the page comes back)."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
    page = driver.find_element(By.TAG_NAME, "html")
    box.send_keys(*keys)

    def gone(_) -> bool:
        # the old page's root no longer answers: stale, or (Chromium, mid-navigation) 'Node with
        # given id does not belong to the document', which Selenium raises as a plain WebDriverException
        try:
            page.is_enabled()
            return False
        except WebDriverException:
            return True
    WebDriverWait(driver, 120).until(gone)
    WebDriverWait(driver, 30).until(lambda d: d.execute_script("return document.readyState") == "complete")


def _no_dialog(driver) -> bool:
    from selenium.common.exceptions import NoAlertPresentException
    try:
        driver.switch_to.alert
    except NoAlertPresentException:
        return True
    return False


def test_hostile_text_shows_as_text_and_runs_nothing(desk, browser):
    from selenium.webdriver.common.by import By
    src, out, url = desk
    form = next(f for f in json.loads((out / "forms.json").read_text()) if f["source"]["path"].endswith("hostile.txt"))
    # read as text (the reader drops the spaces between characters, as it does in Chinese text)
    assert form["project_name"].replace(" ", "") == HOSTILE.replace(" ", "")
    assert form["implementing_unit"] == HOSTILE_TIGHT or form["department"] == HOSTILE_TIGHT
    for page in (url, (out / "report.html").as_uri()):                         # the desk, and the report
        browser.get(page)
        body = browser.find_element(By.TAG_NAME, "body").text
        assert form["project_name"] in body and HOSTILE_TIGHT in body, page    # shown as its characters
        assert not browser.find_elements(By.CSS_SELECTOR, "img[src='x'], imgsrc"), page   # never an element
        assert _no_dialog(browser), page


def test_correct_waive_and_score_at_the_desk_then_the_next_audit_holds_them(desk, browser):
    from openpyxl import load_workbook
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    src, out, url = desk
    browser.get(url)
    assert "复核得分" in browser.page_source and "指标得分与计分规则不符" in browser.page_source

    # correct: the scan's indicator score, 10 as read, typed by the reviewer as 8 (8 is what the
    # rules give 1720 of 2150 trained: 10 × 0.8); the key 'e' takes the cursor to the value box
    item = _item(browser, "INDICATOR_SCORE_MISMATCH", "scan_form01_county2021.pdf")
    assert item is not None
    browser.execute_script("arguments[0].scrollIntoView()", item)
    browser.find_element(By.TAG_NAME, "body").send_keys("j")                 # the keys move the cursor …
    box = item.find_element(By.CSS_SELECTOR, "form.correct input[name=value]")
    _send(browser, box, "8", Keys.ENTER)
    # the form is checked again at once: the finding is gone from the queue
    assert _item(browser, "INDICATOR_SCORE_MISMATCH", "scan_form01_county2021.pdf") is None
    done = browser.find_element(By.CSS_SELECTOR, "tr.decision.correct").text     # and listed as decided
    assert "scan_form01_county2021.pdf" in done and "张三" in done and " 10.0 8.0" in done

    # waive: the other scan's budget score, with a reason
    item = _item(browser, "BUDGET_SCORE_MISMATCH", "scan_form10_national2020.pdf")
    _send(browser, item.find_element(By.CSS_SELECTOR, "form.waive input[name=reason]"), "经财政部门批复调整", Keys.ENTER)
    item = _item(browser, "BUDGET_SCORE_MISMATCH", "scan_form10_national2020.pdf")
    assert "waived" in item.get_attribute("class") and "经财政部门批复调整" in item.text

    # score: a 复核得分 for that form
    row = browser.find_element(By.CSS_SELECTOR, 'tr.form[data-file="scan_form10_national2020.pdf"]')
    row.find_element(By.CSS_SELECTOR, "form.score input[name=value]").send_keys("86.5")
    _send(browser, row.find_element(By.CSS_SELECTOR, "form.score input[name=reason]"), "预算执行扣减", Keys.ENTER)
    row = browser.find_element(By.CSS_SELECTOR, 'tr.form[data-file="scan_form10_national2020.pdf"]')
    assert "86.5" in row.text and "张三" in row.text

    lines = [json.loads(x) for x in (out / "review.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [d["action"] for d in lines] == ["correct", "waive", "score"]
    assert lines[0]["before"] == 10 and lines[0]["value"] == 8 and all(d["reviewer"] == "张三" for d in lines)

    # the next audit of the folder applies the ledger
    proc = _audit(src, out)
    assert proc.returncode == 0, proc.stderr
    forms = {f["source"]["path"].rsplit("/", 1)[1]: f for f in json.loads((out / "forms.json").read_text())}
    corrected = forms["scan_form01_county2021.pdf"]
    ind = corrected["indicators"][int(lines[0]["field"].split(".")[1])]
    assert ind["score_declared"] == 8 and ind["provenance"]["score_declared"]["source"] == "review"
    findings = json.loads((out / "findings.json").read_text())
    waived = [f for f in findings if f.get("waived")]
    assert [(f["code"], f["waive_reason"]) for f in waived] == [("BUDGET_SCORE_MISMATCH", "经财政部门批复调整")]
    scored = forms["scan_form10_national2020.pdf"]
    book = load_workbook(out / "review.xlsx")
    sheet = book.worksheets[1]
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    head = rows[0]
    mine = next(r for r in rows[1:] if any(str(v).endswith("scan_form10_national2020.pdf") for v in r if v))
    got = dict(zip(head, mine))
    assert got["自评得分"] == scored["declared_total"] and got["复核得分"] == 86.5
    assert got["重算得分"] == scored["recomputed"]["total_by_rules"]
