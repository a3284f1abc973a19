import json
import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
FIXTURES = ROOT / "fixtures"
SEEDS = FIXTURES / "seeds"
# The suite reads messages and headings in English, the msgids; tests/test_i18n.py checks the
# Chinese the tool shows by default (it clears this variable or passes --lang zh)
os.environ["SELFEVAL_LANG"] = "en"


@pytest.fixture(scope="session")
def seed_truth():
    return json.loads((FIXTURES / "truth" / "seeds.json").read_text())


def run(path, **kw):
    from selfeval.pipeline import process_file
    return process_file(path, **kw).to_dict()


def variant(tmp_path, seed: str, *replacements, name="variant.txt"):
    """A seed form edited: each replacement is (old, new[, count]); every old must be present."""
    text = (SEEDS / seed).read_text(encoding="utf-8")
    for rep in replacements:
        old, new = rep[0], rep[1]
        count = rep[2] if len(rep) > 2 else -1
        assert old in text, f"variant edit not applicable: {old!r}"
        text = text.replace(old, new, count)
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def non_info(findings):
    """The arithmetic's warnings and errors (the rulebook's judgements have their own tests)."""
    from score.review import CODES
    return sorted((f["form_index"], f["code"], f["severity"], f["indicator"], f["declared"], f["expected"])
                  for f in findings if f["severity"] != "info" and f["code"] not in CODES)


# Debian's chromium and chromium-driver, for the tests that open a page in a real browser
# (nothing is downloaded); those tests skip, saying why, where either is absent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")


@pytest.fixture
def browser(tmp_path):
    """Headless Chromium through Selenium, its profile in the test's own folder."""
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service
    opts = Options()
    opts.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1280,1600"):
        opts.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    driver.implicitly_wait(2)
    yield driver
    driver.quit()
