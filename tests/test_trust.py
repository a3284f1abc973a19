"""Trust: hostile text never reaches a report live, no number is NaN or infinite, nothing
half-written or wrongly remembered spoils a later run."""
import csv
import json
import os
import shutil
import subprocess
import sys

import openpyxl
import pytest
from conftest import FIXTURES

BAD = json.loads((FIXTURES / "truth" / "bad.json").read_text())

# A form whose texts are what an attacker (or a broken PDF exporter) would put in cells.
HOSTILE = [
    ["项目支出绩效自评表"], ["(2022年度)"],
    ["项目名称", '=HYPERLINK("http://evil.example/x","click")'],
    ["主管部门", "区财政局\x02", "实施单位", "+街道\x07办事处"],
    ["项目资金", "(万元)", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
    ["年度资金总额:", "100", "90", "10", "90%", "9"],
    ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
    ["产出指标(50分)", "数量指标", "=cmd|'/Ccalc'!A0", "10次", "10次", "50", "45"],
    ["效益指标(40分)", "社会效益指标", "@SUM(1+1)\x1b[0m", "提高", "达成预期指标", "40", "40"],
    ["总分", "100", "94"],
]
LIVE_START = ("=", "+", "-", "@", "\t", "\r")


def selfeval(*args):
    return subprocess.run([sys.executable, "-m", "selfeval.cli", *map(str, args)], capture_output=True, text=True)


@pytest.fixture(scope="module")
def hostile_audit(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    stack = root / "stack"
    stack.mkdir()
    (stack / "hostile.txt").write_text("\n\n".join(c for r in HOSTILE for c in r), encoding="utf-8")
    shutil.copy(FIXTURES / "seeds" / "000_64df670863fe3938.txt", stack / "good.txt")
    out = root / "out"
    proc = selfeval("audit", "--no-pdf", "--fail-on", "never", stack, "--out", out, "--jobs", "1")
    return stack, out, proc


def test_hostile_texts_are_written_as_text_and_every_report_is_written(hostile_audit):
    stack, out, proc = hostile_audit
    assert proc.returncode == 0, proc.stderr
    for name in ("findings.json", "findings.csv", "forms.json", "summary.json", "report.xlsx", "report.html"):
        assert (out / name).exists(), name
    forms = json.loads((out / "forms.json").read_text())
    hostile = next(f for f in forms if f["source"]["path"].endswith("hostile.txt"))
    assert hostile["project_name"] == '=HYPERLINK("http://evil.example/x","click")'
    assert hostile["department"] == "区财政局\\x02"                   # kept, made visible
    assert [i["name"] for i in hostile["indicators"]] == ["=cmd|'/Ccalc'!A0", "@SUM(1+1)\\x1b[0m"]
    # the good form beside it is read and checked as ever
    assert any(f["source"]["path"].endswith("good.txt") and f["indicators"] for f in forms)

    wb = openpyxl.load_workbook(out / "report.xlsx")
    texts = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (ws.title, c.coordinate, c.value)
                if isinstance(c.value, str):
                    texts.append(c.value)
    assert '=HYPERLINK("http://evil.example/x","click")' in texts and "=cmd|'/Ccalc'!A0" in texts

    with open(out / "findings.csv", encoding="utf-8-sig", newline="") as f:
        cells = [v for row in csv.reader(f) for v in row]
    assert not [v for v in cells if v.startswith(LIVE_START)]
    assert any(v.startswith("'=cmd|") for v in cells)          # the indicator's findings name it, guarded

    html = (out / "report.html").read_text(encoding="utf-8")
    assert "\x02" not in html and "\x1b" not in html and "@SUM(1+1)\\x1b[0m" in html
    from selfeval.html import SCRIPT
    assert html.lower().count("<script") == 1 and f"<script>{SCRIPT}</script>" in html   # the filter's own, nothing else


def test_every_writer_takes_a_result_full_of_control_characters(tmp_path):
    from selfeval.html import write_html
    from selfeval.pipeline import FileResult, unreadable
    from selfeval.reports import write_core
    from selfeval.workbook import write_workbook
    nasty = "a\x00b\x01c\x07d\x1b[0me\x7f\x9f\udc80"
    r = FileResult(str(tmp_path / f"x{nasty}.pdf"), "0" * 64, error=nasty,
                   findings=[unreadable(nasty, "0" * 64, nasty)]).to_dict()
    write_core([r], tmp_path / "out")
    write_workbook([r], tmp_path / "out" / "report.xlsx")
    write_html([r], tmp_path / "out" / "report.html")
    (fd,) = json.loads((tmp_path / "out" / "findings.json").read_text())
    assert fd["message"] == "a\\x00b\\x01c\\x07d\\x1b[0me\\x7f\\x9f\\x80"


def test_a_number_too_long_to_be_a_figure_is_null_never_nan(tmp_path):
    rows = [list(r) for r in HOSTILE]
    rows[2][1] = "长数字"
    rows[5] = ["年度资金总额:", "9" * 400, "90", "10", "90%", "9"]
    p = tmp_path / "long.txt"
    p.write_text("\n\n".join(c for r in rows for c in r), encoding="utf-8")
    out = tmp_path / "out"
    proc = selfeval("audit", "--fail-on", "never", p, "--out", out, "--jobs", "1", "--no-html", "--no-pdf")
    assert proc.returncode == 0, proc.stderr
    for name in ("forms.json", "findings.json"):
        text = (out / name).read_text()
        assert "NaN" not in text and "Infinity" not in text
        json.loads(text, parse_constant=lambda c: pytest.fail(f"{name} holds {c}"))
    (form,) = json.loads((out / "forms.json").read_text())
    total = form["budget"]["lines"][0]
    assert total["adjusted"] is None and total["executed"] == 900000
    codes = {f["code"] for f in json.loads((out / "findings.json").read_text())}
    assert "MISSING_VALUE" in codes


def test_a_truncated_cache_entry_is_read_again(tmp_path):
    src = FIXTURES / "seeds" / "000_64df670863fe3938.txt"
    out = tmp_path / "out"
    assert selfeval("audit", "--fail-on", "never", src, "--out", out, "--jobs", "1", "--no-html", "--no-xlsx", "--no-pdf").returncode == 0
    first = json.loads((out / "findings.json").read_text())
    (entry,) = (out / "cache").glob("*.json")
    entry.write_bytes(entry.read_bytes()[:100])            # a run killed while writing it
    proc = selfeval("audit", "--fail-on", "never", src, "--out", out, "--jobs", "1", "--no-html", "--no-xlsx", "--no-pdf")
    assert proc.returncode == 0, proc.stderr
    assert json.loads((out / "findings.json").read_text()) == first
    assert json.loads((out / "summary.json").read_text())["files_from_cache"] == 0
    json.loads(entry.read_text())                           # and the entry is whole again


def test_a_file_name_that_is_not_utf8_is_reported_with_its_bytes_escaped(tmp_path):
    stack = tmp_path / "stack"
    stack.mkdir()
    raw = os.fsencode(str(stack)) + b"/\xb1\xa8\xb8\xe6.txt"             # GBK bytes, not UTF-8
    shutil.copy(FIXTURES / "seeds" / "000_64df670863fe3938.txt", os.fsdecode(raw))
    out = tmp_path / "out"
    for _ in range(2):                                                     # and again from the cache
        proc = selfeval("audit", "--no-pdf", "--fail-on", "never", stack, "--out", out, "--jobs", "1")
        assert proc.returncode == 0, proc.stderr
        forms = json.loads((out / "forms.json").read_text())
        assert forms and forms[0]["source"]["path"].endswith("/\\xb1\\xa8\\xb8\\xe6.txt")
        for name in ("findings.csv", "report.xlsx", "report.html"):
            assert (out / name).stat().st_size > 0


def test_a_wrong_password_is_not_remembered(tmp_path):
    pdf = FIXTURES / "bad" / "encrypted.pdf"
    out = tmp_path / "out"
    selfeval("audit", "--fail-on", "never", pdf, "--out", out, "--jobs", "1", "--no-html", "--no-xlsx", "--no-pdf", "--password", "wrong")
    s = json.loads((out / "summary.json").read_text())
    assert s["files_unreadable"] == 1 and s["forms"] == 0
    selfeval("audit", "--fail-on", "never", pdf, "--out", out, "--jobs", "1", "--no-html", "--no-xlsx", "--no-pdf", "--password",
             BAD["encrypted_password"])
    s = json.loads((out / "summary.json").read_text())
    assert s["files_unreadable"] == 0 and s["forms"] == 1 and s["files_from_cache"] == 0


def test_a_second_audit_into_the_same_folder_is_refused_before_any_work(tmp_path):
    from selfeval.files import exclusive
    out = tmp_path / "out"
    src = FIXTURES / "seeds" / "000_64df670863fe3938.txt"
    with exclusive(out / ".selfeval.lock"):                   # a first run, still going
        proc = selfeval("audit", "--no-pdf", "--fail-on", "never", src, "--out", out, "--jobs", "1")
        assert proc.returncode == 2 and "another selfeval run" in proc.stderr
        assert not (out / "findings.json").exists() and not (out / "cache").exists()
    assert selfeval("audit", "--fail-on", "never", src, "--out", out, "--jobs", "1", "--no-html", "--no-pdf").returncode == 0


def test_the_archive_holds_a_form_once_when_the_same_bytes_come_under_two_names(tmp_path):
    import duckdb
    stack = tmp_path / "stack"
    stack.mkdir()
    src = FIXTURES / "seeds" / "000_64df670863fe3938.txt"
    shutil.copy(src, stack / "a.txt")
    shutil.copy(src, stack / "copy of a.txt")
    db = tmp_path / "forms.duckdb"
    proc = selfeval("archive", stack, "--db", db, "--jobs", "1")
    assert proc.returncode == 0, proc.stderr
    con = duckdb.connect(str(db), read_only=True)
    keys = con.execute("SELECT sha256, form_index, count(*) FROM forms GROUP BY 1, 2").fetchall()
    assert keys and all(n == 1 for _, _, n in keys)


def test_a_few_stray_bytes_are_replaced_and_said_not_the_whole_file_lost(tmp_path):
    from conftest import run
    src = FIXTURES / "seeds" / "000_64df670863fe3938.txt"
    raw = src.read_bytes()
    cut = raw.index(b"\n")                                  # the end of the first line
    p = tmp_path / "stray.txt"
    p.write_bytes(raw[:cut] + b"\xff" + raw[cut:])           # one byte no UTF-8 text holds
    clean, stray = run(src), run(p)
    assert stray["error"] is None
    assert [f["project_name"] for f in stray["forms"]] == [f["project_name"] for f in clean["forms"]]
    assert [f["indicators"] for f in stray["forms"]] == [f["indicators"] for f in clean["forms"]]
    (note,) = [f for f in stray["findings"] if f["code"] == "LOW_CONFIDENCE" and "could not be decoded" in f["message"]]
    assert note["severity"] == "warning" and note["message"].startswith("1 byte(s)")
