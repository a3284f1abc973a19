"""Column order (issue 33; real form 45): a table's figures printed row by row, then its
label column read down the page, names wrapped in a narrow column, each group label at its
merged cell's middle."""
from normalize.stream.colorder import Label, _segmented
from normalize.text import display_width


def test_names_wrapped_in_a_narrow_column_are_cut_where_a_line_falls_short():
    # 预算执行|率, 项目计划|完成率, 核心系统|数据纳入|灾备云 in a column 4 characters wide (8
    # display columns): a line narrower than 8 ends its name
    lines = ["预算执行", "率", "项目计划", "完成率", "核心系统", "数据纳入", "灾备云"]
    widths = [display_width(x) for x in lines]
    assert widths == [8, 2, 8, 6, 8, 8, 6]
    # 投入目标 spans row 0 (lines 0-2): its middle, line 1, stands before the line '率';
    # 产出目标 spans rows 1-2 (lines 2-7): its middle 4.5 stands before line 4 '核心系统'
    placed = [Label("level1", "投入目标", 1), Label("level1", "产出目标", 4)]
    cuts, levels = _segmented(widths, placed, 3)
    assert cuts == [(0, 2), (2, 4), (4, 7)]
    assert levels == [("投入目标", None), ("产出目标", None), ("产出目标", None)]


def test_a_label_at_its_cells_middle_tells_where_a_full_width_name_ends():
    # 环境质量|改善情况 and 群众办事|便利程度|工作 end on full lines but the last: only the
    # labels' places (生态效益指标 over row 0, lines 0-2, middle 1; 社会效益指标 over row 1,
    # lines 2-5, middle 3.5, before line 3) say the names part after line 2 (a part after
    # line 3 would put the second label's middle at 4)
    widths = [8, 8, 8, 8, 4]
    placed = [Label("level2", "生态效益指标", 1), Label("level2", "社会效益指标", 3)]
    cuts, levels = _segmented(widths, placed, 2)
    assert cuts == [(0, 2), (2, 5)]
    assert levels == [(None, "生态效益指标"), (None, "社会效益指标")]


def test_label_places_that_fit_two_parts_name_neither():
    # four full lines, labels before lines 1 and 3: rows of 2+2 lines (middles 1 and 3) or
    # of 3+1 (middles 1.5 and 3.5) both put them there: neither row is named
    cuts, _ = _segmented([8, 8, 8, 8], [Label("level2", "生态效益指标", 1), Label("level2", "社会效益指标", 3)], 2)
    assert cuts == [None, None]


def test_full_width_lines_no_label_parts_leave_the_names_untold():
    # two names over three lines, the first two as wide as the column: the second name may
    # start at line 1 or at line 2; neither row is named by a guess
    cuts, levels = _segmented([8, 8, 4], [], 2)
    assert cuts == [None, None]
    assert levels == [(None, None), (None, None)]


def test_rows_before_an_untold_end_keep_their_names():
    # '服务质量' narrower than the column is a name of its own; after it two names share
    # three lines whose first two are full: those two rows are not told, the first is
    cuts, _ = _segmented([6, 8, 8, 4], [], 3)
    assert cuts == [(0, 1), None, None]


def _row(target: str) -> dict:
    from normalize.stream.tok import Tok
    return {"target": [Tok(target, target, None, 0, False)]}


def test_a_row_past_a_part_the_pins_leave_open_is_named_where_every_cut_agrees():
    # real form 45's block: '开展项目|建设监理|建设灾备|云网络节|点(2个)' hold two names whose
    # part the pins ('(8个)' beside '=8个', '(2个)' beside '=2个') leave open; the names after
    # '点(2个)' stand at the same rows on every cut, so they are named, the two are not
    from normalize.stream.pins import _told_by_pins
    texts = ["建设灾备", "云节点(8个)", "开展项目", "建设监理", "建设灾备", "云网络节", "点(2个)",
             "灾备恢复", "速度", "灾备切换", "速度", "灾备存储", "空间"]
    rows = [_row(x) for x in ("=8个", "=4项", "=2个", "2小时", "5分钟", "80TB")]
    told = _told_by_pins(texts, 0, rows)
    names = [None if c is None else "".join(texts[c[0]:c[1]]) for c in told]
    # (the last name, ending the text, is left out: the text may end inside it)
    assert names == ["建设灾备云节点(8个)", None, None, "灾备恢复速度", "灾备切换速度"]


def test_lines_the_texts_end_cut_short_leave_the_rows_they_could_shift_unnamed():
    # '勒索病毒' is as wide as the column, so it may end a name ('勒索病毒' | '导致系统中断') or
    # not; the text then ends inside a name ('出具' | '1' | '份监', no whole name opens
    # there).  Neither count of names is forced, so no row from '勒索病毒' on is named
    from normalize.stream.pins import _told_by_pins
    texts = ["灾备恢复", "速度", "灾备切换", "速度", "勒索病毒", "导致系统", "中断", "灾备存储", "空间",
             "灾备自主", "灾备演练", "设备有效", "使用率", "出具", "1", "份监"]
    rows = [_row(x) for x in ("2小时", "5分钟", "0次", "80TB", "2次", "100%", "=1份", "100%")]
    told = _told_by_pins(texts, 0, rows)
    assert [None if c is None else "".join(texts[c[0]:c[1]]) for c in told] == ["灾备恢复速度", "灾备切换速度"]


def test_group_labels_without_points_group_the_rows_told_where_the_text_ends_in_the_block():
    # 投入目标 over rows 0-1 (lines 0-2, middle 1.5: before line 1), 产出目标 over rows 2-3
    # (lines 3-6, middle 5: before line 5); the text ends inside the block, so the spans
    # may run past its end, but no grouping other than this one cuts no told name
    from normalize.stream.labelspans import levels_by_places
    cuts = [(0, 1), (1, 3), (3, 5), (5, 7)]
    placed = [Label("level1", "投入目标", 1), Label("level1", "产出目标", 5)]
    assert levels_by_places(placed, cuts, 7) == [("投入目标", None), ("投入目标", None),
                                                  ("产出目标", None), ("产出目标", None)]
    # a block that opens inside a name (its first line a row's named elsewhere) gives no row a label
    assert levels_by_places(placed, [None, (1, 3), (3, 5), (5, 7)], 7) == [(None, None)] * 4


def test_labels_read_down_a_page_take_the_level_the_vocabulary_knows():
    from normalize.stream.colorder import _level_down_page
    from normalize.text import key
    # '质量指标（12分）' then '产出指标（40分）' one after the other: no 一级 and its 二级
    assert _level_down_page("level1", key("质量指标（12分）")) == "level2"
    assert _level_down_page("level2", key("产出指标（40分）")) == "level1"
    assert _level_down_page("level1", key("项目决策（2分）")) == "level1"     # (not the vocabulary's)


def test_criteria_printed_before_their_names_pair_in_order(tmp_path):
    # the county 决策/管理 block in column order (fixtures/colshapes.py, real forms 14/15's
    # template): each criterion's points and score, then its text, row by row; the names after
    from conftest import run
    p = tmp_path / "criteria.txt"
    p.write_text("广水市财政预算支出项目绩效目标自评表 项目名称 办公局域网维护费 项目权重 评价内容 分值 自评分 复核分 "
                 "评价标准及依据 2 2 有项目年度工作计划计2分，没有不得分。 3 2 1、单位财务管理制度1分。 "
                 "项目决策（2分） 决策依据 项目管理（3分） 财务制度", encoding="utf-8")
    inds = run(p)["forms"][0]["indicators"]
    assert [(i["level1"], i["name"], i["weight"], i["score_declared"]) for i in inds] == [
        ("项目决策", "决策依据", 2, 2), ("项目管理", "财务制度", 3, 2)]


def test_a_full_line_the_group_labels_end_is_a_names_end_where_the_text_ends_in_the_block():
    # a transfer form in column order, its text ending with the block of names: '项目总成本'
    # is as wide as the column and may end a name or not, and the rows' count tells nothing
    # (the text may have lost the last names); 成本指标 stands before its first line, the
    # middle of a cell one line high, so the name ends there
    from normalize.stream.pins import _told_by_pins
    texts = ["项目总成本", "采购设备数", "量", "处理案件数", "量", "系统正常运", "行率"]
    rows = [_row(x) for x in ("≤263.12", "≥45", "≥5266", "≥97%")]     # (no unit to pin a name by)
    assert _told_by_pins(texts, 0, rows) is None        # (by the lines alone, no row)
    placed = [Label("level2", "成本指标", 0), Label("level2", "数量指标", 3), Label("level1", "产出指标", 3)]
    told = _told_by_pins(texts, 0, rows, placed)
    assert ["".join(texts[a:b]) for a, b in told] == ["项目总成本", "采购设备数量", "处理案件数量"]


def test_the_first_row_read_with_the_column_header_is_set_aside_and_the_rest_paired():
    """Column order whose first row was read across with the column header (45's kind): its
    figures, then its group label and its name's line ('成本指标 | 项目总成本'), stand before
    the other rows' figures.  That row keeps its figures, no name, set aside (so no sum over
    the table is judged without it); the rows after it pair with the block of names."""
    import json
    from conftest import FIXTURES, run
    grid = FIXTURES / "grid" / "text"
    rel = "spreadsheet/header_across_column_order_00.txt"
    want = json.loads((grid / "truth.json").read_text(encoding="utf-8"))["files"][rel]["forms"][0]
    r = run(grid / rel)
    f = r["forms"][0]
    assert [(i["level1"], i["name"], i["target"], i["actual"], i["weight"], i["score_declared"])
            for i in f["indicators"]] == [(a, n, t, ac, w, s) for a, _, n, t, ac, w, s, *_ in want["indicators"]]
    assert any(x["why"] == "its name was not read" for x in f["mapping"]["set_aside"])
    assert not [x for x in r["findings"] if x["severity"] == "error"]


def test_a_name_ending_in_a_unit_or_a_rate_pins_its_row_by_the_targets_unit():
    # '采购设备数量' | '组织培训人次' may be one name or two (both lines full); as one, the name
    # ending in 人次 would stand beside '≥100件': refuted.  A rate's name beside a count is too
    from normalize.stream.pins import _fits_pin
    assert not _fits_pin("采购设备数量组织培训人次", _row("≥100件"))
    assert _fits_pin("组织培训人次", _row("≥1248人次"))
    assert not _fits_pin("组织培训人次验收合格率", _row("≥1248人次"))
    assert _fits_pin("验收合格率", _row("≥100%"))
    assert _fits_pin("群众满意率", _row("明显提升"))            # (a worded target pins nothing)


def test_a_row_whose_score_was_printed_blank_is_a_row_in_column_order(tmp_path):
    """Past the first whole row, a row of figures with no points is a row whose score was
    printed blank (a MISSING_VALUE), not text read across the table's head: the block of
    names still pairs with every row (before, every row was left unnamed)."""
    import json
    from conftest import FIXTURES, run
    grid = FIXTURES / "grid" / "text"
    rel = "county2021/column_order_00.txt"
    text = (grid / rel).read_text(encoding="utf-8")
    assert text.count("≥14154件 14505件 10 ") == 1
    p = tmp_path / "blank_score.txt"
    p.write_text(text.replace("≥14154件 14505件 10 ", "≥14154件 14505件 "), encoding="utf-8")
    want = json.loads((grid / "truth.json").read_text(encoding="utf-8"))["files"][rel]["forms"][0]["indicators"]
    r = run(p)
    got = [(i["name"], i["target"], i["actual"], i["score_declared"]) for i in r["forms"][0]["indicators"]]
    assert got == [(n, t, a, None if k == 1 else s) for k, (_, _, n, t, a, _, s, *_) in enumerate(want)]
    assert any(x["code"] == "MISSING_VALUE" and x["indicator"] == want[1][2] for x in r["findings"])
