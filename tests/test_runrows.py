"""Rows whose cells ran together, cut by their table's header (normalize/stream/runrows.py):
the header names the columns, each piece must look like its column and the row's arithmetic
must hold; a row two cuts explain equally well is left as printed."""
from extract.grid import Cell
from normalize.stream.runrows import (cut_budget_row, cut_indicator_row, cut_run_rows, cut_source_row, header_roles,
                                      unconfirmed_split)
from normalize.text import key

BUDGET = ["initial", "adjusted", "executed", "weight", "rate", "score"]


def test_a_header_run_together_is_cut_into_its_column_labels():
    table, cut = header_roles(key("资金情况（万元）年初预算数全年预算数全年执行数分值执行率得分"))
    assert table == "budget"
    # '执行率得分' is a label of its own too: the cut that names most columns wins
    assert [r for r, _ in cut] == ["label"] + BUDGET
    table, cut = header_roles(key("序号一级指标二级指标三级指标指标分值指标解释指标说明及评分标准自评得分"))
    assert table == "indicators"
    assert [r for r, _ in cut] == ["seq", "level1", "level2", "name", "weight", "explanation", "method", "score"]
    table, cut = header_roles(key("年度目标年初设定目标年度总体目标完成情况综述"))
    # '年度目标' opens the block though it could name the target: the target is '年初设定目标'
    assert table == "goal" and [r for r, _ in cut] == ["label", "target", "actual"]
    assert header_roles(key("项目名称居家养老服务补贴实施单位区民政局")) is None      # a header's fields: no table


def test_a_budget_line_is_cut_where_its_rate_and_score_hold():
    # 342.7 | 379.33 | 353.04: 353.04 / 379.33 = 0.93070 (93.07%), and 10 × 0.9307 = 9.31.
    # 342.73 | 79.33 | 353.04 would execute 4.5 times its budget; 1093.07% is no rate.
    got = cut_budget_row("年度资金总额342.7379.33353.041093.07%9.31", BUDGET, None)
    assert got == [("label", "年度资金总额"), ("initial", "342.7"), ("adjusted", "379.33"),
                   ("executed", "353.04"), ("weight", "10"), ("rate", "93.07%"), ("score", "9.31")]
    # 4000 | 4000 | 100%; 400040001 | 0 | 0% holds its rate only as nothing spent holds any
    got = cut_budget_row("年度资金总额:40004000100%", ["adjusted", "executed", "rate"], None)
    assert got[1:] == [("adjusted", "4000"), ("executed", "4000"), ("rate", "100%")]
    # 3.14 | 3 | 95.54%: 3 / 3.14 = 0.9554; 3.1 | 43 would execute 14 times its budget
    got = cut_budget_row("其他资金(包括以前年度结转资金)3.14395.54%", ["adjusted", "executed", "rate"], None)
    assert got[1:] == [("adjusted", "3.14"), ("executed", "3"), ("rate", "95.54%")]


def test_a_budget_line_no_arithmetic_decides_is_left_unread():
    # three figures and three blanks: 342.7 | 379.33 | 353.04 and 342.73 | 79.33 | 353.04 ...
    # nothing on the line tells them apart without a total line to agree with
    # the line's figures stay one run, unread, that no later reader cuts by a guess
    assert cut_budget_row("其中:当年财政拨款342.7379.33353.04———", BUDGET, None) == \
        [("label", "其中:当年财政拨款"), ("unread", "342.7379.33353.04———")]
    total = {"initial": 342.7, "adjusted": 379.33, "executed": 353.04}
    got = cut_budget_row("其中:当年财政拨款342.7379.33353.04———", BUDGET, total)
    assert got is not None and got[1:4] == [("initial", "342.7"), ("adjusted", "379.33"), ("executed", "353.04")]


def test_an_indicator_row_is_cut_where_score_stays_within_weight():
    roles = ["level1", "level2", "name", "target", "actual", "weight", "score", "note"]
    # '1413.3': 14 | 13.3 (141 | 3.3 is no weight, 1 | 413.3 no score within it)
    got = dict(cut_indicator_row(key("时效指标项目完成及时率≥95%95%1413.3"), roles))
    assert got == {"level2": "时效指标", "name": "项目完成及时率", "target": "≥95%", "actual": "95%",
                   "weight": "14", "score": "13.3"}
    # a row under merged level cells starts at its name
    got = dict(cut_indicator_row(key("采购设备数量≥157台159台1313"), roles))
    assert (got["name"], got["target"], got["actual"], got["weight"], got["score"]) == \
        ("采购设备数量", "≥157台", "159台", "13", "13")


def test_a_worded_target_no_cut_can_part_from_its_name_stays_with_it():
    roles = ["level1", "level2", "name", "target", "actual", "score", "review", "method"]
    # '优质高效' opens as no worded target of the vocabulary does: where the name ends is unknown
    got = dict(cut_indicator_row(key("产出指标(40分)质量指标(20分)服务质量优质高效达成预期指标10"), roles))
    assert got["name"] == "服务质量优质高效" and "target" not in got      # not read, not guessed
    assert (got["actual"], got["score"]) == ("达成预期指标", "10")
    # '有效提升' opens as worded targets do (values.target_opens): the name ends before it
    got = dict(cut_indicator_row(key("效益指标(30分)社会效益指标(20分)城市运行保障能力有效提升达成预期指标10"), roles))
    assert (got["name"], got["target"], got["actual"]) == ("城市运行保障能力", "有效提升", "达成预期指标")


def test_a_run_together_table_goes_on_as_cells_and_other_lines_as_they_were():
    lines = [[Cell("项目资金（万元）全年预算数（A）全年执行数（B）预算执行率（B/A）")],
             [Cell("年度资金总额24.7524.2497.94%")],
             [Cell("年度总体目标预期目标实际完成情况")],
             [Cell("按计划完成2021年度省道公路建设。建设普通省道二级公路32.1公里。")],
             [Cell("项目名称道路养护")]]
    out, cut, _ = cut_run_rows(lines)
    assert [c.text for c in out[1]] == ["年度资金总额", "24.75", "24.24", "97.94%"]      # 24.24 / 24.75 = 0.9794
    assert [c.text for c in out[0]][1:] == ["全年预算数（A）", "全年执行数（B）", "预算执行率（B/A）"]  # as printed
    # the goal's labels are cut, its text is not: two sentences may be the target alone (real
    # form 40 leaves its actual blank), target and actual each, or one of several
    assert [c.text for c in out[2]] == ["年度总体目标", "预期目标", "实际完成情况"]
    assert out[3] == lines[3] and out[4] == lines[4] and set(cut) == {0, 1, 2}


def test_a_budget_by_source_is_cut_where_its_amounts_make_its_total():
    # 16.69 + 261.2 = 277.89, and 259.42 / 277.89 = 0.93353 (93.35%); 1 + 6.6 + 9 + 261.2 =
    # 277.8 misses the total by nine cents, more than rounding to the cent explains
    table, cut = header_roles(key("项目资金（万元）中央省、地本级其他合计执行数执行率"))
    assert table == "sources"
    roles = [r for r, _ in cut if r != "label"]
    got = cut_source_row("16.69261.2277.89259.4293.35%", roles)
    assert [p for _, p in got] == ["16.69", "261.2", "277.89", "259.42", "93.35%"]


def test_a_mistyped_rate_is_found_by_the_score_its_sums_give(tmp_path):
    """The grid's budgetsys form cut short, printed run together: its total line's rate does
    not hold (494.42 / 548.62 = 90.12%, printed 95.12%), but its score does: 10 × 90.12% =
    9.01, printed.  The score the rules give from the sums confirms the cut
    '516.43 | 548.62 | 494.42 | 10 | 95.12% | 9.01', and the mistyped rate is reported."""
    import json
    import subprocess
    import sys
    from conftest import FIXTURES
    out = tmp_path / "out"
    subprocess.run([sys.executable, "-m", "selfeval.cli", "audit", "--no-pdf", str(FIXTURES / "grid" / "text" / "budgetsys" /
                    "cut_run_together.txt"), "--out", str(out), "--pictures", "never", "--fail-on", "never"],
                   capture_output=True, check=True)
    forms = json.loads((out / "forms.json").read_text(encoding="utf-8"))
    total = forms[0]["budget"]["lines"][0]
    assert (total["adjusted"], total["executed"], total["rate_declared"], total["weight"]) == \
        (5486200.0, 4944200.0, 0.9512, 10.0)
    findings = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert [x["severity"] for x in findings if x["code"] == "BUDGET_RATE_MISMATCH"] == ["error"]


def test_a_budget_line_no_cut_explains_stays_unread():
    """The same line with a score neither its rate (10 × 95.12% = 9.51) nor its sums (9.01)
    give: no cut fits better than the others that read its figures otherwise, and its
    figures stay one run, unread."""
    roles = ["initial", "adjusted", "executed", "weight", "rate", "score"]
    assert cut_budget_row("年度资金总额516.43548.62494.421095.12%8.50", roles, None) == \
        [("label", "年度资金总额"), ("unread", "516.43548.62494.421095.12%8.50")]


def test_a_budget_weight_is_never_most_of_the_form():
    """'160.23 | 10 | 97.09%' run together also cuts as '0.2310 | 97.0 | 9%', whose score
    97 × 9% = 8.73 lies within its half-point rounding of the printed 9.21: a weight of 97
    (most of the form's 100 points) is a cut through other figures; the sums' own score
    (10 × 160.23 / 173.99 = 9.21) confirms the right cut."""
    roles = ["initial", "adjusted", "executed", "weight", "rate", "score"]
    got = cut_budget_row("年度资金总额169.06173.99160.231097.09%9.21", roles, None)
    assert [p for _, p in got] == ["年度资金总额", "169.06", "173.99", "160.23", "10", "97.09%", "9.21"]


def test_a_weight_and_score_cut_from_one_run_against_its_arithmetic_are_a_guess():
    roles = ["level1", "level2", "name", "target", "actual", "weight", "score", "note"]
    # '16' after the actual: 1 | 6 would put a score above its weight, nothing confirms it;
    # 16 is one figure that fits the weight, its score left blank
    got = dict(cut_indicator_row(key("数量指标组织培训人次≥1877人次2013人次16"), roles))
    assert got["weight"] == "16" and got["score"] is None      # (its blank said: '—' downstream)
    # 1 | 0 keeps score ≤ weight, but a lone 0 cut off a run confirms nothing: 10 is the weight
    got = dict(cut_indicator_row(key("数量指标组织培训人次≥1877人次2013人次10"), roles))
    assert got["weight"] == "10" and got["score"] is None
    # 8 | 7.6: a score within its weight; 10 | 11: no one figure fits (1011 is no weight), so
    # the cut stands, marked as cut from its run: the checker accuses no one on it
    assert unconfirmed_split([("weight", "8"), ("score", "7.6")]) == {}
    assert unconfirmed_split([("name", "服务质量"), ("weight", "10"), ("score", "11")]) == {1: "1011", 2: "1011"}


def test_a_cut_leaving_a_lone_zero_is_the_last_choice():
    roles = ["level1", "level2", "name", "target", "actual", "weight", "score", "note"]
    # '910' after the tier: 91 | 0 keeps score ≤ weight only as a 0 keeps any; 910 is no one
    # figure; 9 | 10 is read, marked as cut from its run (a score above its weight accuses no one)
    got = cut_indicator_row(key("生态效益指标环境质量改善情况逐步改善达成预期指标910"), roles)
    assert dict(got)["weight"] == "9" and dict(got)["score"] == "10"
    assert unconfirmed_split(got) != {}


def test_a_line_the_grammar_left_unread_is_not_cut_again_by_the_token_reader(tmp_path):
    # the total line's rate does not hold (582.51 / 604.24 = 96.4%, printed 100.00%), nor its
    # score (10 × 96.4% = 9.64, 10 × 100% = 10, printed 9.00): no cut explains it, and its
    # figures stay one token, not parted at points by the run-together token cuts
    from extract.text import read_text
    from normalize.stream.tokens import tokens_of
    src = tmp_path / "form.txt"
    src.write_text("项目资金（万元）年初预算数全年预算数全年执行数分值执行率得分\n"
                   "年度资金总额532.46604.24582.5110100.00%9.00\n"
                   "其中：当年财政拨款532.46604.24582.51———\n"
                   "上年结转资金000———\n", encoding="utf-8")
    keys = [t.key for t in tokens_of(read_text(src))]
    assert "532.46604.24582.5110100.00%9.00" in keys


def test_the_weights_of_evidence_are_passed_along_not_read_as_a_global():
    from normalize.stream.runrows import CutWeights
    roles = ["level1", "level2", "name", "target", "actual", "weight", "score", "note"]
    row = key("数量指标组织培训人次≥1877人次2013人次16")
    assert dict(cut_indicator_row(row, roles))["weight"] == "16"
    # were a blank score dearer than a blank weight, the lone figure would be the score
    assert dict(cut_indicator_row(row, roles, CutWeights(skip_score=3.5)))["score"] == "16"


def test_rows_run_together_under_no_header_take_the_grammar_they_fit():
    """The page before lost, and with it the header that says which cells a run-together row
    holds: the grammar its rows fit best stands in (vocabulary [grammars]).  A county row
    '数量指标覆盖社区（村）数量≥43个46个10' prints no weight column: its lone figure is the score,
    not a weight (the national grammar's '1 | 0' cut is a guess and no evidence); a split-target
    row keeps '≥90%' whole as its target where the comparator is printed in it; a group label
    alone on its line, or a scoring rule's sentence, chooses nothing."""
    from normalize.stream.runrows import headless_grammar
    county = headless_grammar(key("数量指标覆盖社区（村）数量≥43个46个10"))
    assert county == ("indicators", ["level1", "level2", "name", "target", "actual", "score", "note"])
    assert headless_grammar(key("产出指标(40分)")) is None
    assert headless_grammar(key("社会效益符合要求的得6分；每发现一处问题扣1分，扣完为止。")) is None
    from conftest import FIXTURES, run
    f = run(FIXTURES / "grid" / "text" / "county2021" / "headless_run_together.txt")["forms"][0]
    assert [(i["name"], i["target"], i["actual"], i["weight"], i["score_declared"]) for i in f["indicators"][:2]] == \
        [("覆盖社区（村）数量", "≥43个", "46个", None, 10), ("按时完成率", "≥100%", "100%", None, 10)]


def test_a_header_is_cut_into_the_labels_the_vocabulary_lists_whole():
    """'…得分计算方法得分未完成原因分析' names three columns however it is cut; the cut into
    labels the vocabulary lists whole (得分计算方法 | 得分 | 未完成原因分析) is the header, not
    得分 | 计算方法 | 得分未完成原因分析 (a score column before the method, a note holding 得分).
    A budget block's own 得分计算方法 column is a sentence, not a figure."""
    table, cut = header_roles(key("绩效指标一级指标二级指标三级指标分值年度指标值(A)全年实际值(B)得分计算方法得分未完成原因分析"))
    assert [p for r, p in cut][-3:] == ["得分计算方法", "得分", "未完成原因分析"]
    assert [r for r, p in cut][-3:] == ["method", "score", "note"]
    table, cut = header_roles(key("项目资金(万元)年初预算数(A)全年执行数(B)分值(10分)执行率(B/A)得分得分计算方法"))
    got = cut_budget_row(key("年度资金总额:310.2154.741050%5执行率*该指标分值,最高不得超过分值上限。"),
                         [r for r, _ in cut if r != "label"], None)
    assert got[1:6] == [("initial", "310.2"), ("executed", "154.74"), ("weight", "10"), ("rate", "50%"), ("score", "5")]


def test_rows_above_the_first_that_names_its_group_are_cut_by_its_grammar():
    """A header-less run-together text whose first row continues a group whose label went with
    the page before ('群众办事便利程度明显提升达成预期指标1312.35'): the grammar the next row
    chooses cuts it too, so its target and figures are read, not left glued to its name."""
    from conftest import FIXTURES, run
    f = run(FIXTURES / "grid" / "text" / "budgetsys" / "headless_run_together.txt")["forms"][0]
    first = f["indicators"][0]
    assert (first["name"], first["target"], first["actual"], first["weight"], first["score_declared"]) == \
        ("群众办事便利程度", "明显提升", "达成预期指标", 13, 12.35)


def test_a_small_rate_confirms_no_cut_beyond_its_printed_digits(tmp_path):
    """'712.92819.04705.41091.13%8.61': read whole, 705.4 of 819.04 is 86.13% where 91.13% is
    printed (a form's own error).  Cut as 819.0470 | 5.410 | 9 | 1.13%, the rate would 'hold'
    to half a point (5.41 / 819.047 = 0.66%) though it is printed to a hundredth of one: a rate
    holds to its printed digits, and no budget score is checked against 1.13% (it accused the
    form of an 8.55-point over-claim on a fresh grid, seed 227).  The score the sums give,
    10 × 86.13% = 8.61, printed, confirms the right cut, and the mistyped rate is the one error."""
    from extract.text import read_text
    from normalize.stream.tokens import tokens_of
    src = tmp_path / "form.txt"
    src.write_text("资金情况（万元）年初预算数全年预算数全年执行数分值执行率得分\n"
                   "年度资金总额712.92819.04705.41091.13%8.61\n"
                   "其中：当年财政拨款712.92819.04705.4———\n", encoding="utf-8")
    keys = [t.key for t in tokens_of(read_text(src))]
    assert "1.13%" not in keys and "819.0470" not in keys
    from conftest import run
    r = run(src)
    errors = [f for f in r["findings"] if f["severity"] == "error"]
    assert [(f["code"], f["declared"], round(f["expected"], 4)) for f in errors] == \
        [("BUDGET_RATE_MISMATCH", 0.9113, 0.8613)]
