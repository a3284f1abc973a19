"""A split report.html in a real browser (Debian's chromium and chromium-driver through Selenium;
nothing is downloaded): the index's search and filters find forms that live on other pages,
and their links open the form on its page, with its picture linked from OUT/evidence.
Skipped, saying why, where the browser or its driver is absent."""
import pytest

from conftest import CHROMEDRIVER, CHROMIUM, FIXTURES

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install -e '.[dev]')")
pytestmark = pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER),
                                reason="chromium and chromedriver are not installed (Debian: apt-get install "
                                       "chromium chromium-driver; make run does it as root)")


@pytest.fixture(scope="module")
def split(tmp_path_factory):
    """The corpus audited (pictures drawn in the workers), report.html split at 5 forms, 12 a page."""
    from selfeval.batch import run_batch
    from selfeval.html import write_html
    from selfeval.html_split import HtmlSettings
    from selfeval.i18n import localized
    from selfeval.pictures import PictureSpec, assemble, draw_missing
    from selfeval.workers import FileLimits
    out = tmp_path_factory.mktemp("split")
    spec = PictureSpec(("error", "warning"), "en", str(out / "cache" / "pictures"), str(out / "renders"))
    results = localized(run_batch([FIXTURES / "corpus" / "pdf"], jobs=2, pictures=spec), "en")
    draw_missing(results, spec, 2, FileLimits())
    write_html(results, out / "report.html", assemble(results, out, spec), "en",
               settings=HtmlSettings(split_at=5, page_forms=12))
    return out, results


def _rows(driver):
    from selenium.webdriver.common.by import By
    return driver.find_elements(By.CSS_SELECTOR, "#rows tr")


def test_the_index_finds_forms_on_every_page_and_opens_them(split, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select
    out, results = split
    pages = sorted((out / "report").glob("page-*.html"))
    forms = [f for r in results for f in r["forms"]]
    assert len(pages) >= 3 and len(forms) > 24
    browser.get((out / "report.html").as_uri())
    assert len(_rows(browser)) == len(forms)            # every form listed, whatever its page
    # a project name as the index's search finds it: every row holds it, and the rows lead
    # to pages other than the first
    last = next(f for r in reversed(results) for f in r["forms"] if f.get("project_name"))
    browser.find_element(By.ID, "q").send_keys(last["project_name"])
    rows = _rows(browser)
    want = sum(1 for f in forms if last["project_name"].lower() in (f.get("project_name") or "").lower())
    assert len(rows) == want >= 1 and all(last["project_name"] in r.text for r in rows)
    browser.find_element(By.ID, "q").clear()
    # the code filter: only forms with that code, across pages
    code = "BUDGET_RATE_MISMATCH"
    having = sum(1 for r in results for f in r["forms"]
                 if any(fd["code"] == code and fd["form_index"] == f["source"]["form_index"] for fd in r["findings"]))
    Select(browser.find_element(By.ID, "code")).select_by_value(code)
    rows = _rows(browser)
    assert len(rows) == having >= 2 and all(code in r.text for r in rows), [r.text for r in rows]
    hrefs = {r.find_element(By.TAG_NAME, "a").get_attribute("href").split("#")[0] for r in rows}
    assert len(hrefs) >= 2                               # found on more than one page
    # a row's link opens its form on its page, where the finding and its picture are
    link = rows[-1].find_element(By.TAG_NAME, "a")
    target = link.get_attribute("href")
    link.click()
    assert browser.current_url == target
    section = browser.find_element(By.ID, target.split("#")[1])
    assert code in section.text
    img = section.find_element(By.CSS_SELECTOR, f".finding[data-code={code}] img.evidence")
    assert browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", img)
    assert "data:" not in img.get_attribute("src")       # linked from OUT/evidence, not embedded
