"""The input / output / result family (苏州市级财政支出项目绩效自评表, real form 45's template):
its money in bands with no line labels, its one level of group labels (…目标), its weights to
two decimals; and the kinds of text it showed first: a worded target grading its name's
last word, a tail of rows with no label before the next form, figures of two columns side
by side run together."""
import pytest
from conftest import run

# one form, every cell its own (fixtures/suzhou.py lays it out so; figures worked by hand below)
ROWS = [
    ["苏州市级财政支出项目绩效自评表"],
    ["项目名称", "政务云平台扩容", "项目年份", "2021"],
    ["项目主管部门（单位）", "苏州市大数据管理局"],
    ["市级预算执行情况（万元）", "年初预算数", "当年使用上年结余、结转及当年调整预算数"],
    ["200", "10"],
    ["市级财政资金使用情况（万元）", "财政拨款数", "指标结余数", "实际支付数", "资金结余、结转数", "其中：结转数", "财政收回数"],
    ["210", "0", "189", "21", "21"],
    ["项目资金构成（详细列出各子项目名称和金额）", "子项名称", "预算数（万元）", "实际数（万元）"],
    ["设备购置", "150", "140"], ["系统集成", "60", "49"], ["合计", "210", "189"],
    ["项目绩效实现情况（80分）", "项目类别", "指标名称", "目标值", "权重", "实际完成值", "自评分"],
    ["投入目标", "预算执行率", "100%", "10", "90%", "9"],
    ["资金使用合规性", "合规", "10", "合规", "10"],
    ["产出目标", "建设灾备云节点(8个)", "=8个", "15", "8个", "15"],
    ["项目验收合格率", "=100%", "15", "100%", "15"],
    ["结果目标", "灾备存储空间", "80TB", "15", "120TB", "15"],
    ["设备有效使用率", "100%", "15", "100%", "15"],
]
SHAPES = {
    "pipe": lambda: "\n".join(" | ".join(r) + " |" for r in ROWS),
    "cell_lines": lambda: "\n".join(c for r in ROWS for c in r),
    "one_line": lambda: " ".join(c for r in ROWS for c in r),
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_the_family_reads_whole_in_each_shape(tmp_path, shape):
    p = tmp_path / f"{shape}.txt"
    p.write_text(SHAPES[shape](), encoding="utf-8")
    res = run(p)
    (form,) = res["forms"]
    assert (form["year"], form["project_name"], form["department"]) == (2021, "政务云平台扩容", "苏州市大数据管理局")
    # the two bands are one line: 年初 200 (+ 10 this year) = 财政拨款 210, of which 实际支付 189
    (line,) = form["budget"]["lines"]
    assert (line["kind"], line["initial"], line["adjusted"], line["executed"]) == ("total", 2000000, 2100000, 1890000)
    rows = [(i["level1"], i["level2"], i["name"], i["target"], i["actual"], i["weight"], i["score_declared"])
            for i in form["indicators"]]
    assert rows == [
        ("投入目标", None, "预算执行率", "100%", "90%", 10, 9),
        ("投入目标", None, "资金使用合规性", "合规", "合规", 10, 10),      # its name holds the word it grades
        ("产出目标", None, "建设灾备云节点(8个)", "=8个", "8个", 15, 15),
        ("产出目标", None, "项目验收合格率", "=100%", "100%", 15, 15),
        ("结果目标", None, "灾备存储空间", "80TB", "120TB", 15, 15),
        ("结果目标", None, "设备有效使用率", "100%", "100%", 15, 15),
    ]
    # the sub-items' 合计 is no total row, and the table's own label (80分) no group: 80 = 10+10+15×4
    assert form["declared_total"] is None and form["group_weights"] == {}
    assert not [f for f in res["findings"] if f["severity"] == "error"]


def test_run_together_rows_of_two_figure_columns_side_by_side(tmp_path):
    """权重 | 实际完成值 run together meet digit to digit ('152个': 15 | 2个); a score printed to
    two decimals is the weight × the rate to two decimals ('7.44' is 7.67 × 97%, not 7.6 ×
    100% of '797%'); a target and an actual with a unit are figures of the row's arithmetic."""
    p = tmp_path / "rt.txt"
    p.write_text("项目绩效实现情况（80分）项目类别指标名称目标值权重实际完成值自评分\n"
                 "投入目标预算执行率100%7.6797%7.44\n"
                 "产出目标购置灾备云系统(2个)=2个152个15\n"
                 "结果目标灾备存储空间80TB8120TB8\n", encoding="utf-8")
    (form,) = run(p)["forms"]
    rows = [(i["name"], i["target"], i["weight"], i["actual"], i["score_declared"]) for i in form["indicators"]]
    assert rows == [("预算执行率", "100%", 7.67, "97%", 7.44), ("购置灾备云系统(2个)", "=2个", 15, "2个", 15),
                    ("灾备存储空间", "80TB", 8, "120TB", 8)]


def test_a_worded_target_run_into_the_name_it_grades_is_cut_off(tmp_path):
    p = tmp_path / "graded.txt"
    p.write_text("项目绩效实现情况（80分）项目类别指标名称目标值权重实际完成值自评分\n"
                 "投入目标财务制度健全性健全12健全12\n预算执行率100%1290%10.8\n", encoding="utf-8")
    (form,) = run(p)["forms"]
    first = form["indicators"][0]
    assert (first["name"], first["target"], first["weight"], first["score_declared"]) == ("财务制度健全性", "健全", 12, 12)


def test_rows_with_no_label_before_a_title_are_a_form_s_tail(tmp_path):
    """The tail of one form (its rows, their group label lost with the page before), then the
    next form whole: two forms, the tail's rows its own."""
    tail = "灾备切换速度 |\n5分钟 |\n15 |\n5分钟 |\n15 |\n安全责任事故 |\n0起 |\n15 |\n0起 |\n15 |\n"
    p = tmp_path / "tail.txt"
    p.write_text(tail + SHAPES["cell_lines"](), encoding="utf-8")
    forms = run(p)["forms"]
    assert [f["project_name"] for f in forms] == [None, "政务云平台扩容"]
    assert [i["name"] for i in forms[0]["indicators"]] == ["灾备切换速度", "安全责任事故"]
    assert len(forms[1]["indicators"]) == 6


def test_a_list_of_numbered_names_before_a_title_is_no_form(tmp_path):
    """Numbers before a title that are no table's rows (a list's 序号, a page's metadata) make
    no form of their own."""
    p = tmp_path / "list.txt"
    p.write_text("序号 | 项目名称 |\n1 | 窗口人员月度考核奖 |\n2 | 标准化建设经费 |\n3 | 网上政务服务平台 |\n"
                 + SHAPES["pipe"](), encoding="utf-8")
    (form,) = run(p)["forms"]
    assert len(form["indicators"]) == 6 and form["budget"]["lines"][0]["adjusted"] == 2100000
