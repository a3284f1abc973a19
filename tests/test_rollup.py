"""The roll-ups an auditor reads first: per unit (OCR'd names grouped under the name read
with confidence), and the same project across years; worked by hand on small stacks."""
from selfeval.report_model import rollup, unit_names, years


def _form(project, unit, year, declared, by_rules, ocr=False, adjusted=100.0, executed=90.0, dept="区财政局"):
    return {"project_name": project, "implementing_unit": unit, "department": dept, "year": year,
            "declared_total": declared, "recomputed": {"total_by_rules": by_rules},
            "source": {"ocr": ocr, "path": f"{project}-{year}.pdf", "form_index": 0},
            "budget": {"lines": [{"kind": "total", "adjusted": adjusted, "executed": executed, "rate_declared": None}]}}


def _fd(sev):
    return (0, {"severity": sev})


def test_an_ocr_misreading_of_a_unit_is_grouped_under_the_name_read_with_confidence():
    forms = [(None, _form("网格化中心工作经费", "区社会管理网格化服务中心", 2021, 97, 95), [_fd("error")]),
             (None, _form("中心平台运行费", "区社会管理网格化服务中心", 2021, 89, 89), []),
             (None, _form("指挥中心接警", "区礼会管理网格化服务中心", 2021, 99, 96, ocr=True), [_fd("warning")]),
             # one character apart but read from a text layer: a unit of its own
             (None, _form("图书采购", "区图书馆", 2021, 90, 90), []),
             (None, _form("图书借阅", "区图书室", 2021, 90, 90), [])]
    assert unit_names(forms) == {"区礼会管理网格化服务中心": "区社会管理网格化服务中心"}
    rows = {r["unit"]: r for r in rollup(forms)}
    grid = rows["区社会管理网格化服务中心"]
    assert grid["forms"] == 3 and grid["also"] == ["区礼会管理网格化服务中心"]
    # declared 97 + 89 + 99 = 285 against 95 + 89 + 96 = 280: 2 + 0 + 3 = 5 points over-claimed
    assert grid["declared"] == 285 and grid["by_rules"] == 280 and grid["over"] == 5
    assert (grid["error"], grid["warning"]) == (1, 1)
    assert "区图书室" in rows and "区礼会管理网格化服务中心" not in rows
    assert list(rows)[0] == "区社会管理网格化服务中心"          # errors first


def test_a_unit_name_two_readings_could_claim_is_left_alone():
    forms = [(None, _form("甲", "区第一中学", 2021, 90, 90), []),
             (None, _form("乙", "区第二中学", 2021, 90, 90), []),
             (None, _form("丙", "区第三中学", 2021, 90, 90, ocr=True), [])]
    assert unit_names(forms) == {}


def test_the_same_project_across_years():
    forms = [(None, _form("道路养护", "区公路分局", 2021, 95, 93, adjusted=200.0, executed=180.0), [_fd("error")]),
             (None, _form("道路养护", "区公路分局", 2022, 96, 96, adjusted=220.0, executed=220.0), []),
             (None, _form("一次性项目", "区公路分局", 2022, 90, 90), [])]
    rows = years(forms)
    assert [(r["year"], r["budget"], r["declared"], r["by_rules"], r["error"]) for r in rows] == \
        [(2021, 200.0, 95, 93, 1), (2022, 220.0, 96, 96, 0)]
    assert rows[0]["rate"] == 0.9 and rows[1]["rate"] == 1.0           # 180 / 200, 220 / 220


# ---------------------------------------------------------------- pictures in context
ROW_LABELS = ("name", "label", "level1", "level2")


def _context_roles(fd: dict, page) -> set[str]:
    return {str(e.get("role")) for e in fd["evidence"] if e.get("context") and e.get("bbox") and
            (e.get("page") == page or str(e.get("role", "")).startswith("head."))}


def test_every_picture_cut_from_a_page_shows_its_row_label_and_column_header():
    """A picture is cut around the boxes of the finding's evidence: on PDF, scan and Word
    (LibreOffice's rendering) sources, the evidence of every error and warning compared on a
    page holds, with their boxes, the row's label (an indicator's name and its 一级/二级, a
    budget line's label, a total's '总分') and the compared columns' headers."""
    import shutil
    from conftest import FIXTURES
    from selfeval.batch import run_batch
    sources = [*sorted((FIXTURES / "corpus" / "pdf").glob("*.pdf"))[::2], *sorted((FIXTURES / "scans").glob("scan_*"))[:4],
               *sorted((FIXTURES / "variants").glob("*.pdf"))]
    if shutil.which("soffice") or shutil.which("libreoffice"):
        sources += sorted((FIXTURES / "corpus" / "docx").glob("*.docx"))[:4]
    checked = {"row": 0, "total": 0}
    for r in run_batch(sources, jobs=2):
        for fd in r["findings"]:
            compared = [e for e in fd["evidence"] if not e.get("context") and e.get("bbox")]
            if fd["severity"] not in ("error", "warning") or not compared or fd["code"] in ("LOW_CONFIDENCE",):
                continue
            page, roles = compared[0]["page"], {e.get("role") for e in compared}
            ctx = _context_roles(fd, page)
            if roles <= {"declared_total"}:
                assert "label.declared_total" in ctx, (r["path"], fd["code"], ctx)
                checked["total"] += 1
            elif roles & {"target", "actual", "score", "weight", "rate", "adjusted", "executed"}:
                assert ctx & set(ROW_LABELS) or roles & set(ROW_LABELS), (r["path"], fd["code"], ctx)
                assert any(c.startswith("head.") for c in ctx), (r["path"], fd["code"], ctx)
                checked["row"] += 1
    assert checked["row"] >= 10, checked


def test_the_printed_findings_sheet_keeps_its_text_at_8_pt(tmp_path):
    """The findings sheet prints its reader's columns (the print area) on A4 landscape fit to
    width: Excel draws a column of width w in about 7w + 5 pixels at 96 dpi and the page
    holds (11.69 in - both margins) × 96 pixels; the 11 pt text shrinks by their ratio."""
    import openpyxl
    from openpyxl.utils import column_index_from_string
    from conftest import FIXTURES, SEEDS
    from selfeval.batch import run_batch
    from selfeval.workbook import write_workbook
    results = run_batch([SEEDS, FIXTURES / "corpus" / "pdf", FIXTURES / "bad"], jobs=2)
    write_workbook(results, tmp_path / "report.xlsx", lang="zh")
    ws = openpyxl.load_workbook(tmp_path / "report.xlsx")["问题"]          # (the risk ranking's sheet comes first)
    area = ws.print_area.split("!")[1].replace("$", "")
    last = column_index_from_string("".join(ch for ch in area.split(":")[1] if ch.isalpha()))
    widths = [ws.column_dimensions[openpyxl.utils.get_column_letter(i)].width for i in range(1, last + 1)]
    page = (11.69 - ws.page_margins.left - ws.page_margins.right) * 96
    scale = min(1.0, page / sum(7 * w + 5 for w in widths))
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert 11 * scale >= 8, (widths, scale)
    assert ws.freeze_panes == "D2" and [c.value for c in ws[1]][:3] == ["文件", "表序号", "项目"]
