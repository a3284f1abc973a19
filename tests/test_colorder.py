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
