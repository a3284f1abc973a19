"""Chinese for the people who read the reports: every message has its translation, the
reports and the CLI speak Chinese by default and English on request, the codes come from
one registry, and report.pdf is fit to file (bookmarks, fonts embedded, text ≥ 8 pt)."""
import csv
import json
import os
import re
import shutil
import string
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT, SEEDS

LOCALE = ROOT / "selfeval" / "locale" / "zh" / "LC_MESSAGES"


def _places(text: str) -> list[str]:
    if "%(" in text:
        return sorted(re.findall(r"%\((\w+)\)s", text))
    return sorted(f for _, f, _, _ in string.Formatter().parse(text) if f)


def test_every_message_in_the_code_has_its_chinese_translation():
    """Babel extracts every marked message from the code and the template; each must have a
    Chinese translation in selfeval.po with the same places, and the compiled .mo must hold
    the .po's translations (a translator's edit not compiled fails here)."""
    from babel.messages.extract import extract_from_dir
    from babel.messages.mofile import read_mo
    from babel.messages.pofile import read_po
    method_map = [("extract/**.py", "python"), ("normalize/**.py", "python"), ("score/**.py", "python"), ("selfeval/**.py", "python"), ("selfeval/templates/**.j2", "jinja2")]
    options = {"selfeval/templates/**.j2": {"extensions": "jinja2.ext.i18n"}}
    found = {m[2] for m in extract_from_dir(str(ROOT), method_map, options, keywords={"N_": None, "_": None})
             if isinstance(m[2], str)}
    assert len(found) > 150                      # the checks' messages, the reports' words, the CLI's
    po = {m.id: m for m in read_po(open(LOCALE / "selfeval.po", "rb")) if m.id}
    untranslated = sorted(i for i in found if i not in po or not po[i].string or po[i].fuzzy)
    assert not untranslated, f"messages without a Chinese translation: {untranslated[:10]}"
    lost = [i for i in found if _places(i) != _places(po[i].string)]
    assert not lost, f"translations that lose or add a place: {lost[:5]}"
    mo = {m.id: m.string for m in read_mo(open(LOCALE / "selfeval.mo", "rb")) if m.id}
    assert {i: po[i].string for i in found} == {i: mo.get(i) for i in found}, "selfeval.mo is not compiled from selfeval.po"


def _texts(m) -> set[str]:
    from extract.messages import Msg
    if not isinstance(m, Msg):
        return set()
    return {m.text, *(t for v in m.args.values() for t in _texts(v))}


def test_every_finding_on_the_fixtures_is_shown_in_chinese():
    """Every message (and every message inside one) of every finding on the seeds, the
    corpus's PDFs, the variants, the broken files and some scans is in the catalog, so no finding reaches a Chinese reader in English."""
    from selfeval.batch import run_batch
    from selfeval.i18n import localized, translations
    from extract.messages import Msg
    cat = translations("zh")
    scans = sorted((FIXTURES / "scans").glob("*"))[::3]       # OCR's doubts, a few scans and photos
    results = run_batch([SEEDS, FIXTURES / "corpus" / "pdf", FIXTURES / "corpus" / "seeds", FIXTURES / "variants",
                         FIXTURES / "bad", *scans], jobs=2)
    ids = [fd["message_id"] for r in results for fd in r["findings"] if fd.get("message_id")]
    assert len(ids) > 100
    texts = set().union(*(_texts(Msg.from_dict(i)) for i in ids))
    missing = sorted(t for t in texts if cat.gettext(t) == t and t != "{a}{b}")
    assert not missing, missing[:10]
    zh = localized(results, "zh")
    over = [fd["message"] for r in zh for fd in r["findings"] if fd["code"] == "INDICATOR_SCORE_MISMATCH"]
    assert over and all("按规则应为" in m for m in over)
    # the machine's keys and codes are the contract's, whatever the language
    en = localized(results, "en")
    assert [sorted(fd) for r in zh for fd in r["findings"]] == [sorted(fd) for r in en for fd in r["findings"]]


def _cli(*args, lang: str | None = None, **kw):
    env = {k: v for k, v in os.environ.items() if k != "SELFEVAL_LANG"}
    if lang:
        env["SELFEVAL_LANG"] = lang
    return subprocess.run([sys.executable, "-m", "selfeval.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, env=env, **kw)


@pytest.fixture(scope="module")
def audits(tmp_path_factory):
    """The seeds audited twice: by default (Chinese) and with --lang en."""
    tmp = tmp_path_factory.mktemp("lang")
    zh = _cli("audit", SEEDS, "--out", tmp / "zh", "--fail-on", "never", "--jobs", "1")
    en = _cli("audit", SEEDS, "--out", tmp / "en", "--fail-on", "never", "--jobs", "1", "--lang", "en",
              "--no-pdf", "--pictures", "never")
    assert zh.returncode == 0 and en.returncode == 0, zh.stderr + en.stderr
    return tmp, zh, en


def test_reports_are_chinese_by_default_and_english_on_request(audits):
    import openpyxl
    tmp, zh, en = audits
    assert "问题" in zh.stdout and "报告已写入" in zh.stdout
    assert "findings" in en.stdout and "reports written to" in en.stdout
    page = (tmp / "zh" / "report.html").read_text(encoding="utf-8")
    assert "<html lang=\"zh-CN\">" in page and "总览" in page and "按单位汇总" in page and "本报告涉及的问题代码" in page
    assert "指标得分与计分规则不符" in page and "Overview" not in page
    assert "Overview" in (tmp / "en" / "report.html").read_text(encoding="utf-8")
    # forms are numbered from 1 where people read them; form_index in the JSON stays as it is
    assert re.search(r"<td class=\"num\">1</td>", page) and ">1. " in page
    forms = json.loads((tmp / "zh" / "forms.json").read_text(encoding="utf-8"))
    assert min(f["source"]["form_index"] for f in forms) == 0
    wb = openpyxl.load_workbook(tmp / "zh" / "report.xlsx")
    assert wb.sheetnames[:5] == ["风险排序", "问题", "表数", "预算执行", "指标"] and "按单位汇总" in wb.sheetnames
    ws = wb["问题"]
    heads = [c.value for c in ws[1]]
    assert heads[:6] == ["文件", "表序号", "项目", "代码", "名称", "级别"] and ws.freeze_panes == "D2"
    # findings.json's message follows --lang; findings.csv keeps the contract's headers
    fz = json.loads((tmp / "zh" / "findings.json").read_text(encoding="utf-8"))
    fe = json.loads((tmp / "en" / "findings.json").read_text(encoding="utf-8"))
    assert [f["code"] for f in fz] == [f["code"] for f in fe] and [sorted(f) for f in fz] == [sorted(f) for f in fe]
    assert any("多报" in f["message"] for f in fz) and any("over-claim" in f["message"] for f in fe)
    with open(tmp / "zh" / "findings.csv", encoding="utf-8-sig") as f:
        assert next(csv.reader(f))[:4] == ["path", "form_index", "project_name", "code"]


def test_unknown_language_is_a_usage_error():
    r = _cli("codes", "--lang", "fr")
    assert r.returncode == 2 and "fr" in r.stderr


def test_codes_lists_every_code_of_the_registry_in_either_language():
    from score.codes import registry
    zh, en = _cli("codes"), _cli("codes", "--lang", "en")
    assert zh.returncode == 0 and en.returncode == 0
    for c in registry().values():
        assert c.zh and c.name_en and c.zh_checks and c.action and c.zh_action
        assert f"{c.code}  {c.zh}" in zh.stdout and c.zh_checks in zh.stdout and c.zh_action in zh.stdout
        assert f"{c.code}  {c.name_en}" in en.stdout and c.action in en.stdout
    assert "检查内容" in zh.stdout and "what it checks" in en.stdout


def test_nothing_raises_a_code_outside_the_registry():
    """Every finding code written in the code as a literal is in the registry (a Finding
    with another code raises at once besides)."""
    from score.codes import registry
    used = set()
    for p in [*(ROOT / "score").glob("*.py"), *(ROOT / "selfeval").glob("*.py")]:
        text = p.read_text(encoding="utf-8")
        used |= set(re.findall(r"(?:add|Finding|unreadable)\(\s*\"([A-Z][A-Z_]{5,})\"", text))
        used |= set(re.findall(r"code=\"([A-Z][A-Z_]{5,})\"", text))
    assert used and not used - set(registry()), used - set(registry())


def test_report_pdf_is_fit_to_file(audits):
    """One bookmark per form, its fonts embedded, no text below 8 pt, A4 pages."""
    import pdfplumber

    from selfeval.pdfreport import Unavailable, weasyprint_html
    try:
        weasyprint_html()
    except Unavailable as e:
        pytest.skip(f"WeasyPrint cannot load here: {e}")
    if shutil.which("fc-list") and not subprocess.run(["fc-list", ":lang=zh"], capture_output=True,
                                                      text=True).stdout.strip():
        pytest.skip("no CJK font installed (fonts-noto-cjk: `make sysdeps`): the report's Chinese has no glyphs")
    tmp, _, _ = audits
    forms = json.loads((tmp / "zh" / "forms.json").read_text(encoding="utf-8"))
    with pdfplumber.open(tmp / "zh" / "report.pdf") as pdf:
        marks = [t[1] for t in pdf.doc.get_outlines()]
        assert len(marks) == len(forms) and marks[0].startswith("1. ")
        assert all(abs(p.width - 595) < 2 and abs(p.height - 842) < 2 for p in pdf.pages)
        sizes = [c["size"] for p in pdf.pages for c in p.chars]
        assert sizes and min(sizes) >= 8 - 0.01
        assert any("项目" in p.extract_text() for p in pdf.pages)
    if shutil.which("pdffonts"):
        rows = subprocess.run(["pdffonts", str(tmp / "zh" / "report.pdf")], capture_output=True, text=True).stdout
        fonts = rows.splitlines()[2:]
        assert fonts and all(" yes " in f for f in fonts), rows


def test_the_readme_shows_the_registry():
    """The README's table of codes is the registry's, row for row."""
    from score.codes import registry
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([A-Z_]+)` \| ([^|]+) \| ([^|]+) \| (\w+) \|", readme, re.M)
    assert [(code, zh.strip(), en.strip(), sev) for code, zh, en, sev in rows] == \
        [(c.code, c.zh, c.name_en, c.severity) for c in registry().values()]
