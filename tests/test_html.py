"""Forms published as web pages: HTML tables with rowspan/colspan, GB2312/GBK/UTF-8, MHTML."""
import json

import duckdb
import pytest
from conftest import FIXTURES, run
from test_batch import selfeval

PAGES = FIXTURES / "html"
TRUTH = json.loads((FIXTURES / "truth" / "html.json").read_text())["files"]


@pytest.fixture(scope="module")
def report():
    from fixtures.evaluate import evaluate
    return evaluate(FIXTURES / "truth" / "html.json", PAGES, jobs=2)


def test_a_gb2312_page_of_three_forms_with_merged_cells_reads_as_three(report):
    """A hand-made page in GB2312 (not UTF-8) with rowspan/colspan and three forms on it:
    three forms, each read as its truth says, the Chinese decoded."""
    rel = "hand/three_forms_gb2312.html"
    raw = (PAGES / rel).read_bytes()
    assert b"rowspan" in raw and b"charset=gb2312" in raw
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    got = run(PAGES / rel)["forms"]
    assert [f["project_name"] for f in got] == [f["project_name"] for f in TRUTH[rel]["forms"]]
    assert len(got) == 3 and report["per_file"][rel] >= 0.99


def test_web_pages_read_as_their_truth_says(report):
    assert report["fields"] >= 1500
    assert report["overall"] >= 0.99, report["wrong"][:10]
    assert report["false_accusations"] == [] and report["unflagged"] == []
    assert report["recall"] == 1.0, report["misses"]


def test_rowspan_and_colspan_become_merged_cells_with_table_provenance(tmp_path):
    """A hand-made table: a label spanning three rows and a header spanning two columns
    repeat over every position they cover; text around the table is lines; a script and a
    one-cell layout box are no tables; cells carry the table and row/column they sit in."""
    from extract import read
    page = tmp_path / "t.html"
    page.write_text(
        "<html><head><meta charset='utf-8'><script>var t='<table><tr><td>x</td></tr></table>'</script></head><body>"
        "<table><tr><td>项目支出绩效自评表</td></tr></table>"
        "<p>（2021年度）</p>"
        "<table border=1>"
        "<tr><td rowspan='3'>项目资金<br>（万元）</td><td colspan=2>预算</td><td>执行率</td></tr>"
        "<tr><td>年初</td><td>全年</td><td>95%</td></tr>"
        "<tr><td>10&nbsp;</td><td>12</td><td>—</td></tr>"
        "</table><div>填报日期：2022-01-05</div></body></html>", encoding="utf-8")
    doc = read(page)
    assert doc.format == "html"
    texts = [[c.text for c in row] for b in doc.blocks if not b.aligned for row in b.rows]
    assert texts == [["项目支出绩效自评表"], ["（2021年度）"], ["填报日期：2022-01-05"]]
    (grid,) = [b for b in doc.blocks if b.aligned]
    assert [[c.text for c in row] for row in grid.rows] == [
        ["项目资金\n（万元）", "预算", "预算", "执行率"],
        ["项目资金\n（万元）", "年初", "全年", "95%"],
        ["项目资金\n（万元）", "10", "12", "—"]]
    assert grid.rows[2][0].merged and not grid.rows[0][0].merged and grid.rows[0][2].merged
    cell = grid.rows[2][2]
    assert cell.provenance() == {"page": None, "row": 2, "col": 2, "table": 0}


@pytest.mark.parametrize("encoding,declared", [("gb18030", "gb2312"), ("gbk", None), ("utf-8", None),
                                               ("gbk", "utf-8")])
def test_the_page_encoding_is_found(tmp_path, encoding, declared):
    """GB2312/GBK with or without a declared charset, UTF-8 without one, and a page whose
    declared charset its bytes contradict (a site template saying utf-8 over GBK text)."""
    from extract import read
    meta = f"<meta http-equiv='Content-Type' content='text/html; charset={declared}'>" if declared else ""
    body = ("<table><tr><td>项目名称</td><td>社区（村）卫生服务≥95%</td></tr>"
            "<tr><td>主管部门</td><td>区财政局</td></tr></table>")
    page = tmp_path / "p.html"
    page.write_bytes(f"<html><head>{meta}</head><body>{body}</body></html>".encode(encoding))
    doc = read(page)
    (grid,) = [b for b in doc.blocks if b.aligned]
    assert grid.rows[0][1].text == "社区（村）卫生服务≥95%" and grid.rows[1][1].text == "区财政局"
    assert not doc.warnings


def test_a_browser_saved_mhtml_page_is_read():
    from extract import read
    doc = read(PAGES / "hand" / "saved_page.mhtml")
    assert doc.format == "html"
    names = {c.text for b in doc.blocks for row in b.rows for c in row}
    for form in TRUTH["hand/saved_page.mhtml"]["forms"]:
        assert form["project_name"] in names


def test_not_a_web_page_is_unreadable_with_a_reason(tmp_path):
    from extract import UnreadableError, read
    fake = tmp_path / "x.html"
    fake.write_bytes(b"%!PS-Adobe-3.0\n")
    with pytest.raises(UnreadableError, match="not a web page"):
        read(fake)


def test_audit_and_archive_read_web_pages(tmp_path):
    """The CLI end to end: every page is audited (its forms' findings as the truth lists
    them, evidence redrawn from the cells naming the table), then archived."""
    out = tmp_path / "out"
    proc = selfeval("audit", "--no-pdf", PAGES / "hand", "--out", out, "--fail-on", "never", "--jobs", "2")
    assert proc.returncode == 0, proc.stderr
    findings = json.loads((out / "findings.json").read_text())
    forms = json.loads((out / "forms.json").read_text())
    hand = {rel: t for rel, t in TRUTH.items() if rel.startswith("hand/")}
    errors = {(f["path"].rsplit("/", 1)[1], f["form_index"], f["code"]) for f in findings if f["severity"] == "error"}
    want = {(rel.split("/")[1], k, code) for rel, t in hand.items() for k, code, sev, _ in t["findings"] if sev == "error"}
    assert errors == want
    assert {f["source"]["format"] for f in forms} == {"html"}
    assert len(forms) == sum(len(t["forms"]) for t in hand.values())
    html = (out / "report.html").read_text()
    assert html.count("redrawn from the extracted cells") >= len(want)         # no page to crop: cells redrawn
    from selfeval.evidence import _where
    assert _where([{"table": 2, "row": 4, "col": 1}], "html", "en") == "html · table 3 · row 5, col 2"
    assert _where([{"table": 2, "row": 4, "col": 1}], "html", "zh") == "html · 第 3 个表格 · 第 5 行，第 2 列"
    db = tmp_path / "a.duckdb"
    proc = selfeval("archive", PAGES, "--db", db, "--parquet", tmp_path / "pq", "--jobs", "2", "-q")
    assert proc.returncode == 0, proc.stderr
    with duckdb.connect(str(db), read_only=True) as con:
        n = con.execute("select count(*) from forms").fetchone()[0]
    assert n == sum(len(t["forms"]) for t in TRUTH.values())
