"""The grid (fixtures/grid.py): every template family written in every text shape real pages
show, read as its truth says; and the rules the reader abstains by."""
import json

import pytest
from conftest import FIXTURES

GRID = FIXTURES / "grid"


@pytest.fixture(scope="module")
def text_grid():
    from fixtures.evaluate import grid_table
    return grid_table(GRID / "text" / "truth.json", GRID / "text", jobs=2)


# Cells run together with nothing between them (real form 40) are cut by their table's
# header, or under none by the grammar their rows fit (normalize/stream/runrows.py), but not
# all read to 97% yet (issue 33: 87.6-100% of fields a cell, measured 2026-12-07 on 40 such
# cells): they are held to accusing no one and to the floor below.
MEASURED_ONLY = {"run_together", "two_forms_run_together", "cut_run_together", "headless_run_together",
                 "tail_run_together", "ocr_run_together"}
RUN_TOGETHER_FLOOR = 0.85
# The Suzhou family prints its money in bands of column labels over figures, no line label:
# run together, a band of two figures ('22.831.34': 年初预算数 | 当年…调整预算数) has no sum of
# its own to cut by (the next band's allotment would tell it), so its budget is left unread
# there (84.0-100% of fields a run-together cell on the committed grid, 2026-12-07).
RUN_TOGETHER_FLOOR_OF = {"suzhou": 0.80}
# Names printed after the figures, wrapped in a narrow column (real form 45): a row is named
# only where every cut the names' lines, the group labels' places and the names' own counts
# allow agrees; rows they do not are set aside (issue 33: 55.7-100% of fields a cell,
# measured 2026-12-08 on the committed grid).  Held to no wrong value given as read and no
# false accusation; read to the floor.
PARTIAL = {"column_order": 0.50, "cut_column_order": 0.50}
# The same with the column header read across the first rows (45): the rows read across
# keep their figures, unnamed; the rest are paired with names where the names' own counts
# pin them, or where nothing before the rows after them is a name (issue 33: 40.8-100% of
# fields a cell on the committed grid, 34-68% on fresh seed 383, measured 2026-12-08)
PARTIAL["header_across_column_order"] = 0.35


def test_every_family_in_every_text_shape_reads_as_its_truth(text_grid):
    """Each cell of family × shape on its own (a shape a reader lost shows by name): at least
    97% of the fields and no figure given a wrong value as if read; no false accusation in
    any shape, cells run together included."""
    rep = text_grid["report"]
    files = json.loads((GRID / "text" / "truth.json").read_text(encoding="utf-8"))["files"]
    assert rep["false_accusations"] == [], rep["false_accusations"]      # in every shape
    low = {k: round(c["ok"] / c["n"], 3) for k, c in text_grid["cells"].items()
           if k[1] not in MEASURED_ONLY and c["ok"] < PARTIAL.get(k[1], 0.97) * c["n"]}
    assert not low, low
    floor = {k: round(c["ok"] / c["n"], 3) for k, c in text_grid["cells"].items()
             if k[1] in MEASURED_ONLY and c["ok"] < RUN_TOGETHER_FLOOR_OF.get(k[0], RUN_TOGETHER_FLOOR) * c["n"]}
    assert not floor, floor
    unflagged = [u for u in rep["unflagged"] if files[u[0]]["shape"] not in MEASURED_ONLY]
    assert unflagged == [], unflagged
    missed = [m for m in rep["misses"] if files[m[0]]["shape"] not in MEASURED_ONLY | set(PARTIAL)]
    assert missed == [], missed


def test_the_grid_covers_each_family_in_each_shape_named_for_a_real_form():
    from fixtures.forms import NO_TABLE, TEXT_LAYOUTS
    from fixtures.grid import ACROSS_SHAPES, OCR_SHAPES, SHAPES, SPEC_SHAPES
    files = json.loads((GRID / "text" / "truth.json").read_text(encoding="utf-8"))["files"]
    tabled = [f for f in TEXT_LAYOUTS if f not in NO_TABLE]      # (accidents inside an indicator table)
    drawn = {(t["layout"], t["shape"]) for t in files.values()}
    across = {x for x in drawn if x[1] in ACROSS_SHAPES}
    assert drawn - across == \
        {(f, s) for f in TEXT_LAYOUTS for s in SHAPES} | {(f, f"two_forms_{s}") for f in TEXT_LAYOUTS for s in SHAPES} \
        | {(f, f"{a}_{s}") for f in tabled for s in SHAPES for a in ("cut", "headless", "tail")} \
        | {(f, s) for f in TEXT_LAYOUTS for s in OCR_SHAPES} | {(f, s) for f in tabled for s in SPEC_SHAPES}
    # (a header read across its first rows: tables of figures beside their names, the family of 45 among them)
    assert ("suzhou", "header_across_column_order") in across and {f for f, _ in across} <= set(tabled)
    assert all(real.split() for real, _ in [*SHAPES.values(), *OCR_SHAPES.values(), *SPEC_SHAPES.values(),
                                            *ACROSS_SHAPES.values()])   # every shape names its real forms


def test_a_generated_grid_is_its_seeds_alone(tmp_path):
    from fixtures.grid import generate
    a, b = generate(5, 1, tmp_path / "a"), generate(5, 1, tmp_path / "b")
    assert a == b and all((tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes() for rel in a)
    assert generate(6, 1, tmp_path / "c") != a


@pytest.mark.parametrize("name, why", [("≥", "sign"), ("10", "figure"), ("8.55", "figure"), ("100%", "figure"),
                                       ("件", "unit"), ("达成预期指标", "tier"), ("其他需要说明事项", "closing"),
                                       ("合计：", "closing"), ("年度指标值", "label"), ("……", "sign"),
                                       ("次2054", "a unit and a figure"), ("数量组织培训人次≥12指标57人次", "target"),
                                       ("校园安全设施改造北京市丰台区年初预算数实施单位", "labels"),
                                       ("分时效指标6分成本指", "group's label with its points"),
                                       ("2、三级指标按三级指标个数平均确定(15分÷", "scoring rule"),
                                       ("1、单位财务管理制度1分;没有不得分", "scoring rule"),
                                       ("其中:当年财政", "budget line's part")])
def test_a_row_named_by_a_figure_a_sign_or_a_label_is_no_indicator(name, why):
    from normalize.abstain import not_an_indicator
    assert why in (not_an_indicator(name) or "") or why in ("figure", "tier", "closing") and not_an_indicator(name)
    for fine in ("验收合格率", "服务对象满意度", "采购设备数量", "2021年度培训人次", "PM2.5达标天数", "预算执行率",
                 "项目预算控制912.216万元。", "支持基层工作人员预计处理2万件以上", "绩效指标得分率",
                 "考核评分", "建设普通省道二级公路32.1公里"):
        assert not_an_indicator(fine) is None, fine


def test_rows_set_aside_leave_the_sums_unjudged_and_are_named(tmp_path):
    """A pipe table whose last row binds a sign as a name ('≥ | 85 | % | 87% | 10 | 10'):
    the row is set aside, named in the mapping report, and the weights and the total are
    not judged over a table missing it (EXTRACTION_INCOMPLETE, no WEIGHT_TOTAL_MISMATCH)."""
    from conftest import run
    src = (GRID / "text" / "spreadsheet" / "pipe_00.txt").read_text(encoding="utf-8").splitlines()
    k = next(n for n, ln in enumerate(src) if ln.startswith("满意度指标"))
    src[k] = "≥ | 85 | % | 87% | 10 | 10 |  | "
    p = tmp_path / "aside.txt"
    p.write_text("\n".join(src), encoding="utf-8")
    r = run(p)
    (form,) = r["forms"]
    assert [a["name"] for a in form["mapping"]["set_aside"]] == ["≥"]
    codes = {f["code"] for f in r["findings"]}
    assert "EXTRACTION_INCOMPLETE" in codes and not codes & {"WEIGHT_TOTAL_MISMATCH", "TOTAL_MISMATCH"}
    assert any("set aside" in f["message"] for f in r["findings"] if f["code"] == "EXTRACTION_INCOMPLETE")


def test_the_mapping_report_names_the_columns_the_form_prints():
    from conftest import run
    r = run(GRID / "text" / "spreadsheet" / "cell_lines_00.txt")
    cols = r["forms"][0]["mapping"]["columns"]
    assert {"name", "target_op", "target", "target_unit", "actual", "weight", "score", "note"} <= set(cols)
    r = run(GRID / "text" / "county2021" / "cell_lines_00.txt")
    assert "weight" not in r["forms"][0]["mapping"]["columns"] or r["forms"][0]["indicators"][0]["weight"]


@pytest.mark.parametrize("role, text, value, aside", [
    ("weight", "0.8754", 0.8754, True),        # a rate read as a weight: four decimals
    ("weight", "1170", 1170.0, True),          # above any form's full marks
    ("weight", "2.5", 2.5, False), ("weight", "0.25", 0.25, False), ("weight", "97%", 0.97, True),
    ("score", "101", 101.0, True), ("score", "9.85", 9.85, False),
    ("total", "10097.5", 10097.5, True),       # full marks and the total run together
    ("total", "103.29", 103.29, False),        # a total above 100: the form's own over-claim, checked
])
def test_a_figure_that_cannot_be_what_it_was_bound_as_is_left_unread(role, text, value, aside):
    from normalize.abstain import no_figure_of
    assert (no_figure_of(role, text, value) is not None) == aside


def test_laid_out_text_is_read_as_words_at_their_places():
    """pdftotext -layout prints a table as text on a character grid: each piece of it is a
    word at its place (columns by where text stands), not a line of words."""
    from extract import read
    doc = read(GRID / "pdftext" / "form02_spreadsheet.pdf_layout.txt")
    words = [c for b in doc.blocks for row in b.rows for c in row]
    assert words and all(c.bbox is not None and c.page for c in words)
    head = next(c for c in words if "年初预算" in c.text)
    assert head.bbox[0] > 0 and head.bbox[2] > head.bbox[0]


def test_a_target_and_an_actual_a_thousand_times_apart_judge_no_score():
    """'≤431万元' against an actual read in 元 (4071700): units read apart, not the form's
    work: EXTRACTION_INCOMPLETE, no INDICATOR_SCORE_MISMATCH; 431 against 407.17 is judged."""
    from normalize.schema import Form, Indicator
    from score import check_form, load_rulesets, select

    def findings(actual):
        f = Form(path="x", sha256="0", format="test", year=2021)
        f.indicators = [Indicator(level1="产出指标", level2="成本指标", name="项目总成本", target="≤431万元",
                                  actual=actual, weight=10.0, score_declared=6.0, texts={"score": "6"})]
        return [(x.code, x.severity) for x in check_form(f, select(f, load_rulesets()))[0]]
    assert ("EXTRACTION_INCOMPLETE", "warning") in findings("4071700") and \
        not any(c == "INDICATOR_SCORE_MISMATCH" for c, _ in findings("4071700"))
    assert ("INDICATOR_SCORE_MISMATCH", "warning") in findings("407.17万元")      # 6 of 10: an under-claim


def test_a_template_without_points_misses_no_weight_or_score():
    """A transfer form prints no 分值 or 得分 anywhere (its columns say so): a blank weight or
    score is no missing value, no total is expected; its budget rate is still checked."""
    from conftest import run
    files = json.loads((GRID / "text" / "truth.json").read_text(encoding="utf-8"))["files"]
    for rel, t in files.items():
        if t["layout"] != "transfer" or t["shape"] in MEASURED_ONLY:
            continue
        r = run(GRID / "text" / rel)
        assert len(r["forms"]) == len(t["forms"])
        assert all(not {"weight", "score"} & set(form["mapping"]["columns"]) for form in r["forms"])
        # (a text that starts inside its table says that its head is not in it, once; one in
        # column order, that rows whose names were not told are set aside)
        lost = ["EXTRACTION_INCOMPLETE"] if t["shape"].startswith(("headless_", "tail_")) or \
            t["shape"] in PARTIAL and r["forms"][0]["mapping"].get("set_aside") else []
        assert sorted(f["code"] for f in r["findings"] if f["severity"] != "info") == \
            sorted([c for _, c, _, _ in t["findings"]] + lost), rel


def test_weights_adding_up_to_more_than_twice_the_full_marks_are_no_weighting():
    """pdftotext -layout of a fixture PDF: each row's score column read as its weight too
    ('6 6' as 66), weights adding up to 500. Another column's figures, not the form's
    weighting: EXTRACTION_INCOMPLETE, no WEIGHT_TOTAL_MISMATCH; 110 of 100 stays an error."""
    from normalize.schema import BudgetLine, Form, Indicator
    from score import check_form, load_rulesets, select

    def codes(w):
        f = Form(path="x", sha256="0", format="test", year=2021)
        f.texts["total_row"] = "总分"
        f.budget_lines = [BudgetLine(kind="total", label="年度资金总额", adjusted=10.0, executed=10.0, rate_declared=1.0,
                                     weight=10.0, score_declared=10.0)]
        f.indicators = [Indicator(level1="产出指标", name=f"指标{k}", target="达成", actual="达成预期指标", weight=w,
                                  score_declared=w * 0.9) for k in range(9)]
        return {(x.code, x.severity) for x in check_form(f, select(f, load_rulesets()))[0]}
    assert ("WEIGHT_TOTAL_MISMATCH", "error") not in codes(54.0) and ("EXTRACTION_INCOMPLETE", "warning") in codes(54.0)
    assert ("WEIGHT_TOTAL_MISMATCH", "error") in codes(11.0)          # 10 + 99 = 109 of 100: the form's own


def test_a_row_whose_figures_shifted_is_set_aside():
    """Cells run together ('…≤428.19万元382.49万元1414'): the target lost, its comparator in the
    actual, weight 38 and score 2.49 cut from the actual's money. A blank target beside an
    actual carrying a target's comparator is a row bound one place along: set aside."""
    from normalize.abstain import _shifted
    from normalize.schema import Indicator
    assert _shifted(Indicator(name="项目总成本", target=None, actual="≤428.19万元", weight=38.0, score_declared=2.49))
    assert _shifted(Indicator(name="项目总成本", target="≤428.19万元", actual="382.49万元")) is None
    assert _shifted(Indicator(name="合格率", target="≥80%", actual="≥80%")) is None      # printed so: both


def test_an_over_claim_on_a_share_worked_out_over_run_together_groups_is_a_warning():
    from normalize.schema import Form, Indicator
    from score import check_form, load_rulesets, select
    f = Form(path="x", sha256="0", format="test", year=2021)
    f.indicators = [Indicator(level1="效益指标", level2="社会效益指标", name="案件按期办结率", target="≥92%", actual="92%",
                              weight=3.3333, weight_inferred=True, score_declared=5.0, texts={"score": "5"})]
    f.indicators += [Indicator(level1="产出指标", level2=f"{k}指标", name=f"指标{k}", target="≥1个", actual="1个",
                               weight=10.0, weight_inferred=True, score_declared=10.0, texts={"score": "10"})
                     for k in "数量质量时效"]
    sev = {x.severity for x in check_form(f, select(f, load_rulesets()))[0] if x.code == "SCORE_EXCEEDS_WEIGHT"}
    assert sev == {"error"}                           # groups read whole: the template's equal share
    f.indicators[0].texts["run_together"] = "案件按期办结率≥92%92%5"
    sev = {x.severity for x in check_form(f, select(f, load_rulesets()))[0] if x.code == "SCORE_EXCEEDS_WEIGHT"}
    assert sev == {"warning"}


def test_a_rubric_stands_on_its_points_alone():
    """A department-wide rubric (fixtures/rubric.py, real form 44) prints 序号, group labels with
    their points ('投入（40分）'), a weight, an explanation, a scoring rule and a score, and no
    budget block, target or actual: nothing of those is missing, and a score above its weight
    (12 of 11) is the one finding."""
    from conftest import run
    clean = run(GRID / "text" / "rubric" / "pipe_00.txt")
    f = clean["forms"][0]
    assert clean["findings"] == []
    assert not {"target", "actual"} & set(f["mapping"]["columns"])
    assert [(i["level1"], i["level2"], i["name"], i["weight"], i["score_declared"]) for i in f["indicators"][:2]] == \
        [("投入", "目标设定", "绩效目标合理性", 11, 10.5), ("投入", "目标设定", "绩效指标明确性", 10, 10)]
    # the printed group weights: 投入 40 = 11 + 10 + 8 + 11
    assert f["group_weights"]["投入"] == 40 == sum(i["weight"] for i in f["indicators"] if i["level1"] == "投入")
    # one cell a line: the same rubric read by the token stream, a bare 社会效益 an item's name there
    over = run(GRID / "text" / "rubric" / "cell_lines_01.txt")
    assert [(x["code"], x["indicator"]) for x in over["findings"]] == [("SCORE_EXCEEDS_WEIGHT", "绩效目标合理性")]
    names = [i["name"] for i in over["forms"][0]["indicators"]]
    assert names.count("社会效益") == 1 and len(names) == 12


@pytest.mark.parametrize("value, why", [("得分", "label"), ("定性", "指标性质"), ("成。", "broken end"),
                                        ("实际完成值", "label"), ("分", "unit alone"), ("台", "unit alone"), ("3、一次性□", "box"),
                                        ("单位领导审签:", "awaiting"), ("≤668.", "decimal point")])
def test_a_target_or_actual_that_is_another_cells_text_is_no_value(value, why):
    from normalize.abstain import no_value_of
    assert why in no_value_of(value)


@pytest.mark.parametrize("value", ["达成预期指标", "部分达成预期指标并具有一定效果", "社会效益", "≥90%", "符合合同要求",
                                   "按计划完成", "已完成。", "无", "是", "全", "目标1：资金按规定用于职业培训补贴",
                                   "≤668.23万元"])
def test_a_target_or_actual_as_forms_print_them_is_kept(value):
    from normalize.abstain import no_value_of
    assert no_value_of(value) is None


def test_a_county_form_scored_by_criteria_and_by_points_shared_in_its_groups():
    """The county 决策/管理/绩效 family (fixtures/county_dm.py, real forms 14 and 15): no weight
    column, a row's weight its 二级 group's printed points shared among its rows; the money by
    source (one row under 中央 | 省、地 | 本级 | 其他 | 合计 | 执行数 | 执行率, its blanks gone,
    its figures told apart by their sums); no 总分 row, the 自评总分 in the header, and the
    table known whole because its rows hold every point the form prints (2 + 13 + 85 = 100)."""
    from conftest import run
    r = run(GRID / "text" / "county_dm" / "one_line_00.txt")
    truth = json.loads((GRID / "text" / "truth.json").read_text(encoding="utf-8"))["files"]["county_dm/one_line_00.txt"]
    f, want = r["forms"][0], truth["forms"][0]
    assert [i["level1"] for i in f["indicators"][:5]] == ["项目决策"] + ["项目管理"] * 4
    rows = [(i["name"], i["weight"], i["score_declared"]) for i in f["indicators"]]
    assert rows == [(n, w, s) for _, _, n, _, _, w, s in want["indicators"]]
    assert all(i["weight_inferred"] for i in f["indicators"][5:])
    total = next(b for b in f["budget"]["lines"] if b["kind"] == "total")
    want_total = next(b for b in want["budget"]["lines"] if b["kind"] == "total")
    assert (total["adjusted"], total["executed"], total["rate_declared"]) == \
        (want_total["adjusted"], want_total["executed"], want_total["rate_declared"])
    # the declared total is checked (the table was read whole): as the truth says, no finding
    assert [x["code"] for x in r["findings"] if x["severity"] != "info"] == [c for _, c, _, _ in truth["findings"]]


def test_a_table_reader_reads_traditional_labels_as_labels(tmp_path):
    """Rows kept on their lines, printed in Traditional Chinese (real forms 20, 34): the table
    reader matches the labels as Simplified and keeps what is printed, so a header label is
    never its own value ('項目名稱' read as the project's name), a group label keeps its
    characters ('產出指標') and the block's unit is read from '（萬元）'."""
    from conftest import run
    text = "\n".join([
        "2021年度校園安全設施改造項目自評表", "項目名稱 校園安全設施改造", "主管部門 區教育委員會 項目實施單位 區環境監測站",
        "預算執行情況（萬元）（20分） 預算數（A） 執行數（B） 執行率（B/A） 得分（20分*執行率）",
        "年度財政資金總額 300.01 297.14 99.04% 20",
        "項目年度績效指標（60分） 一級指標 二級指標 指標名稱 年初目標值（A） 實際完成值（B） 得分",
        "產出指標 成本指標 項目總成本 ≤300.01萬元 297.14萬元 10"])
    from extract import read
    from normalize.readers import ColumnTableReader, build_forms
    (tmp_path / "trad.txt").write_text(text, encoding="utf-8")
    (f,) = build_forms(read(tmp_path / "trad.txt"), (ColumnTableReader("column-table"),))   # that reader alone
    assert (f.project_name, f.department, f.implementing_unit) == ("校園安全設施改造", "區教育委員會", "區環境監測站")
    assert f.unit_declared == "万元"
    i = f.indicators[0]
    assert (i.level1, i.level2, i.name, i.target) == ("產出指標", "成本指標", "項目總成本", "≤300.01萬元")
    assert run(tmp_path / "trad.txt")["forms"][0]["project_name"] == "校園安全設施改造"


def test_ocr_look_alikes_of_a_label_are_folded_in_its_key_not_in_its_text():
    """Text dumps of scanned forms print '项Fl资金(万兀)', '顼目名称', '主管部n', '全年(If整)预算数'
    (vocabulary [ocr]): the keys labels are matched on read them as the labels; Latin letters
    among other letters, or a figure's unit, stay as printed."""
    from normalize.text import key
    assert [key(t) for t in ("项Fl资金(万兀)", "顼目名称", "主管部n重庆市", "全年(If整)预算数")] == \
        ["项目资金(万元)", "项目名称", "主管部门重庆市", "全年(调整)预算数"]
    assert [key(t) for t in ("iPhone采购", "PM2.5达标天数", "If you")] == ["iPhone采购", "PM2.5达标天数", "Ifyou"]


def test_a_text_holding_a_whole_rubric_keeps_its_total_judged(tmp_path):
    """A department rubric prints no points outside its indicator table: a text that starts
    at the table's column header holds everything its 合计 row sums, so a total the rows do
    not give (GRID_SEED=311: declared 98, the rows' scores 95) is a finding the truth lists,
    and the reader finds it."""
    from conftest import run

    from fixtures.grid import generate
    truth = generate(311, 1, tmp_path)
    rel = "rubric/headless_rows_flat.txt"
    assert truth[rel]["findings"] == [[0, "TOTAL_MISMATCH", "error", None]]
    r = run(tmp_path / rel)
    assert [f["code"] for f in r["findings"] if f["severity"] == "error"] == ["TOTAL_MISMATCH"]


def test_a_review_flag_on_a_text_cell_counts_by_its_row_and_column():
    """Text has no boxes: a LOW_CONFIDENCE finding whose evidence is the field's own cell (its
    page, row and column) flags the field, so a figure read in doubt is not counted as given
    wrong as if read; a flag on another cell, or a cell shown only as context, does not."""
    from fixtures.evaluate import flagged
    form = {"budget": {"lines": [{"kind": "total", "provenance": {"adjusted": {"page": None, "row": 22, "col": 0}}}]}}
    key = "budget.total.adjusted"
    at = lambda row, **kw: [{"code": "LOW_CONFIDENCE", "form_index": 0,
                             "evidence": [{"page": None, "row": row, "col": 0, **kw}]}]
    assert flagged(form, key, 0, at(22))
    assert not flagged(form, key, 0, at(23))
    assert not flagged(form, key, 0, at(22, context=True))
    assert not flagged(form, key, 1, at(22))


def test_no_points_are_shared_over_a_group_a_row_of_unknown_group_may_belong_to():
    """数量指标（16分） over two rows and 质量指标（12分） over one, a row between them whose
    group labels were not told (column order: the labels' places fit two groupings): it may
    be either group's, so neither group's points are shared (shared over the one row read
    under 质量指标 they gave it 12 where the form meant 6, a weight given wrong as if read);
    the group after them, whose rows are all known, still is."""
    from normalize.finish import weights_from_group_points
    from normalize.schema import Form, Indicator
    f = Form(path="x.txt", sha256="0", format="txt")
    f.columns = ["name", "target", "actual", "score"]
    f.subgroup_weights = {"数量指标": 16.0, "质量指标": 12.0, "时效指标": 6.0}
    f.texts["total_row"] = "总分"
    rows = [("产出指标", "数量指标", 8), ("产出指标", "数量指标", 8), (None, None, 6), ("产出指标", "质量指标", 6),
            ("产出指标", "时效指标", 6)]
    f.indicators = [Indicator(level1=a, level2=b, name=f"指标{n}", score_declared=s) for n, (a, b, s) in enumerate(rows)]
    weights_from_group_points(f)
    assert [i.weight for i in f.indicators] == [None, None, None, None, 6.0]
