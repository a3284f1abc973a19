"""No reader raises on real text, as published or broken the ways real text breaks
(fixtures/textfuzz.py mutates ../shared/real-forms at run time; nothing is committed)."""
import pytest
from conftest import run

from fixtures.textfuzz import REAL, campaign, real_texts

pytestmark = pytest.mark.skipif(not REAL.is_dir(), reason=f"the real forms are not here ({REAL})")


def test_every_real_form_is_read_without_a_fault_of_selfeval():
    """Case 44 (a department-wide rubric) raised TypeError in the header reader: a line
    continuing the declared total, a figure, was joined to it as text."""
    for p in sorted(REAL.glob("*.txt")):
        r = run(p)
        faults = [f for f in r["findings"] if f.get("trace")]
        assert not faults, (p.name, faults[0]["detail"], faults[0]["trace"])


def test_real_text_broken_as_real_text_breaks_raises_in_no_reader():
    res = campaign(150, seed=32, texts=real_texts())
    assert res["sources"] >= 20
    assert res["exceptions"] == 0, {k: (v["n"], v["source"], v["error"]) for k, v in res["kinds"].items()}


def test_column_order_around_a_transfer_budget_is_read_in_place():
    """Real form 41 (a 2022 employment-subsidy transfer, PDF of a spreadsheet): the total
    line's figures stand before its label, the block's label and unit after its lines, the
    local 主管部门 among the budget's cells, a fund label runs on in brackets
    ('其他资金 | (包括以前年度结转资 | 金)'), and the money of four levels of government."""
    f = run(next(REAL.glob("41_*.txt")))["forms"][0]
    assert f["department"] == "巴彦淖尔市临河区财政局"          # 地方主管部门 over 中央主管部门
    assert f["budget"]["unit_declared"] == "万元"
    lines = [(b["kind"], b["adjusted"], b["executed"]) for b in f["budget"]["lines"]]
    # 7165.32 = 3144.00 + 570.17 + 433.00 + 1426.90 + 1591.22 (+0.03 as printed)
    assert ("total", 71653200, 69929500) in lines
    assert [x for x in lines if x[0] != "total"] == [
        ("fiscal", 31440000, 31440000), ("fiscal", 5701700, 5701700), ("fiscal", 4330000, 4321000),
        ("fiscal", 14269000, 12948400), ("other", 15912200, 15518400)]


def test_a_form_named_only_in_its_title_and_a_list_numbered_before_its_names():
    """Real form 43 prints its project and department only in its title ('雅安市名山区林业局
    2024年度林业草原改革发展资金绩效评价表'); real form 46 lists its projects under 序号 |
    项目名称, a row number before each name: a name is never the number."""
    f43 = run(next(REAL.glob("43_*.txt")))["forms"][0]
    assert (f43["project_name"], f43["department"]) == ("林业草原改革发展资金", "雅安市名山区林业局")
    assert run(next(REAL.glob("46_*.txt")))["forms"][0]["project_name"] == "窗口人员月度考核奖"


@pytest.mark.parametrize("title, project, department", [
    ("雅安市名山区林业局2024年度林业草原改革发展资金绩效评价表", "林业草原改革发展资金", "雅安市名山区林业局"),
    ("2022年度就业补助资金绩效目标自评表", "就业补助资金", None),
    ("2021年度城市管理监督指挥平台运维（2021年）项目自评表", "城市管理监督指挥平台运维（2021年）", None),
    ("2021年度项目支出绩效自评表", None, None),                 # the template's words, no project
    ("2023年度部门整体支出绩效评价自评表", None, None),          # department-wide: no one project
    ("2021年度零陵区林业局部门整体支出绩效自评表", None, None),
])
def test_what_a_title_names(title, project, department):
    from normalize.finish import named_by_title
    from normalize.schema import Form
    f = Form(path="x", sha256="", format="txt", form_index=0)
    f.title = title
    named_by_title(f)
    assert (f.project_name, f.department) == (project, department)


def test_a_transfer_form_whose_cells_ran_together_is_read():
    """Real form 40, a web page's table dumped with no separators: '地方主管部门阆中市交通运输局
    资金使用单位阆中市交通运输局' (two labels in one piece), '年度资金总额:40004000100%'
    (4000 | 4000 | 100%: 4000 / 4000 = 100%), '绩效指标一级' / '指标' (a short glued piece cut
    at its label, the label's end joined)."""
    f = run(next(REAL.glob("40_*.txt")))["forms"][0]
    assert (f["department"], f["implementing_unit"]) == ("阆中市交通运输局", "阆中市交通运输局")
    total = next(b for b in f["budget"]["lines"] if b["kind"] == "total")
    assert (total["adjusted"], total["executed"], total["rate_declared"]) == (40000000, 40000000, 1.0)
    assert [i["level2"] for i in f["indicators"]][:3] == ["数量指标", "质量指标", "时效指标"]
    assert len(f["indicators"]) == 7


def test_a_table_read_in_column_order_names_no_row_by_a_value_or_a_header():
    """Real form 45 (a Suzhou form whose PDF text came in column order: labels, then the
    values, names broken across lines): rows came out named '健全', '合规', '80TB',
    '15%及其以下' (values in the name column) and '专款专用率政府采购规范性权重' (the header read
    into a row), each with a score read as if it were that row's.  No row is named so; rows
    whose names are not told keep their figures, set aside and said, and the form is reported
    read incomplete."""
    r = run(next(REAL.glob("45_*.txt")))
    f = r["forms"][0]
    names = [i["name"] for i in f["indicators"]]
    for bad in ("健全", "合规", "规范", "充分", "80TB", "120TB", "15%及其以下"):
        assert bad not in names
    assert not [n for n in names if n.endswith(("权重", "自评分", "目标值"))]
    assert [a for a in f["mapping"]["set_aside"] if a["why"] == "its name was not read" and a["figures"]]
    assert any(x["code"] == "EXTRACTION_INCOMPLETE" for x in r["findings"])


def test_a_unit_broken_over_lines_is_no_value():
    """Real form 15 (PDF reading order): '300 公 | 300 公 | … 里 | 里', the unit 公里 broken over
    two lines of its cells; the row's target and actual came out '里'.  A piece of a unit is
    no value: the row is said incomplete, never given '里'."""
    f = run(next(REAL.glob("15_*.txt")))["forms"][0]
    values = [v for i in f["indicators"] for v in (i["target"], i["actual"])]
    assert "里" not in values and "公" not in values


def test_a_budget_block_whose_rows_and_columns_are_numbered():
    """Real form 43 (the 2024 central-transfer layout): each line's label is followed by its
    行次 (row number), a 列次 row numbers the columns, and the columns B, C, D, D/C hold no
    field of the contract.  The lines read as printed: 52.8 of 52.8 budgeted, 30.8 spent,
    58.33%; a blank line's row number ('其他资金 … 4') is no figure of it (it was read as
    4 万元)."""
    f = run(next(REAL.glob("43_*.txt")))["forms"][0]
    lines = [(b["kind"], b["adjusted"], b["executed"], b["rate_declared"]) for b in f["budget"]["lines"]]
    assert lines == [("total", 528000, 308000, 0.5833), ("fiscal", 528000, 308000, 0.5833)]


def test_a_rubric_read_in_reading_order_keeps_no_row_that_is_criteria_or_group_text():
    """Real forms 14 and 15 (Guangshui county, PDF text in reading order): the criteria
    column ('2、三级指标按三级指标个数平均确定(15分÷') and the group column ('时效指
    标6分成本指') were read as indicators carrying weights (15, and a score of 85) no
    indicator has.  They are set aside and named, and the sums are not judged."""
    for case in ("14_", "15_"):
        r = run(next(REAL.glob(f"{case}*.txt")))
        f = r["forms"][0]
        names = [i["name"] for i in f["indicators"]]
        assert not [n for n in names if "分÷" in n or "指标6分" in n], names
        why = " ".join(a["why"] for a in f["mapping"].get("set_aside", []))
        assert "criteria column" in why or "group column" in why
        assert not [x for x in r["findings"] if x["severity"] == "error"]


def test_a_column_order_header_read_across_its_first_rows_pins_names_by_their_counts():
    """Real form 45: its column header ('目标值 | 权重 | 实际完成值 | 自评分') was read across
    the first rows' wrapped cells, and its block of names opens with the tail of a name
    printed before it ('性') and ends cut.  The labels give the columns; the names told from
    the block's start are pinned to the rows by their own counts and rates (a '…率' beside
    '=70%', '=100%'): 预算执行率 is the row of 100% | 6 | 94% | 4.2, the two after it theirs.
    Where a full line may end a name, the cut is the one the pins allow: '建设灾备云节点(8个)'
    is one name (its count beside '=8个'), the three before it one each.  The rows read
    across the header, and those whose names are not told, keep no name."""
    f = run(next(REAL.glob("45_*.txt")))["forms"][0]
    rows = [(i["name"], i["target"], i["weight"], i["actual"], i["score_declared"]) for i in f["indicators"]
            if i["weight"] is not None]
    assert rows[:3] == [("预算执行率", "100%", 6, "94%", 4.2), ("项目计划完成率", "=70%", 3.71, "70%", 3.71),
                        ("项目验收合格率", "=100%", 3.71, "100%", 3.71)]
    assert [r[:3] for r in rows[3:6]] == [("购置灾备云系统、备份与恢复系统", "=2个", 3.71),
                                          ("核心系统数据纳入灾备云", "=4个", 3.71), ("建设灾备云节点(8个)", "=8个", 3.74)]
    assert any("pinned to the rows" in u for u in f["mapping"]["unplaced"])
