"""Text the way pdftotext gives a form's PDF (fixtures/grid/pdftext: the corpus PDFs dumped in
-layout, -raw and reading order), the kinds of breakage named and each read in general."""
from conftest import FIXTURES, run

from extract.text import positioned_blocks

PDFTEXT = FIXTURES / "grid" / "pdftext"


def _rows(name: str) -> list[list[str]]:
    lines = (PDFTEXT / name).read_text(encoding="utf-8").split("\n")
    return [[c.text for c in row] for b in positioned_blocks(lines) for row in b.rows]


def test_cells_set_one_space_apart_part_where_a_column_starts():
    """pdftotext -layout leaves one space between cells a narrow column filled:
    '≤705.21 659.61 万元 10' is the target, the actual with its unit and the score, because
    '659.61' and '10' start where the header's '实际完成值' and '得分' and the other rows'
    figures start; '130 台' stays one cell (a unit after its figure)."""
    rows = _rows("form06_county2021.pdf_layout.txt")
    assert ["项目总成本", "≤705.21", "659.61万元", "10"] == rows[rows.index(next(
        r for r in rows if "项目总成本" in r))][-4:]
    assert ["采购设备数量", "≥128台", "130台", "10"] == next(r for r in rows if "采购设备数量" in r)[-4:]
    # a name that overran its column pushed the target one character short of its column
    assert ["案件按期办结率", "≥100%", "100%", "5"] == next(r for r in rows if "案件按期办结率" in r)


def test_figures_a_narrow_column_wrapped_are_whole_again():
    """'5681' over '200' and '489160' over '0' (a 7-digit sum in a column 4 characters
    wide): 5681200 and 4891600, and the label's own wrapped text '政拨款' stays a label."""
    rows = _rows("form17_spreadsheet.pdf_layout.txt")
    total = next(r for r in rows if "年度资金总额" in r)
    assert total[total.index("年度资金总额") + 1:][:3] == ["5582900", "5681200", "4891600"]
    assert ["政拨款"] in rows


def test_a_total_wrapped_in_its_column_is_read_whole_or_not_at_all():
    """'100.9' over '4' is 100.94: read as 100.9 it accused the form of over-claiming by
    0.96 points (the parts sum to 99.94)."""
    r = run(PDFTEXT / "form23_budgetsys.pdf_layout.txt")
    assert r["forms"][0]["declared_total"] in (100.94, None)
    assert not [f for f in r["findings"] if f["code"] == "TOTAL_MISMATCH"]


def test_a_label_column_printed_before_its_values_is_put_back():
    """Reading order gives 项目名称, 主管部门, 预算执行情况(万元)(20分), … 备注 first and
    then the values: every value fell under 备注 and the file read as no form at all.  With
    the labels back before their values the header and the budget read as printed."""
    r = run(PDFTEXT / "form06_county2021.pdf_reading.txt")
    assert not r.get("error"), r.get("error")
    f = r["forms"][0]
    assert f["project_name"] == "城市管理监督指挥平台运维（2021年）"
    assert f["department"] == "区农业农村局"
    assert f["implementing_unit"] == "区养老服务指导中心"
    tot = next(line for line in f["budget"]["lines"] if line["kind"] == "total")
    # 705.21 and 659.61 万元, the rate 93.53%, 19 of its 20 points
    assert (tot["adjusted"], tot["executed"], tot["rate_declared"], tot["score_declared"]) == \
        (7052100, 6596100, 0.9353, 19)
    assert tot["weight"] == 20


def test_rows_of_a_laid_out_page_are_rebuilt_from_where_the_text_stands():
    """pdftotext -layout of a Beijing budget-system form: labels broken down their narrow
    column ('产出指' / '标（54' / '分）', '可持' / '续影响指标'), figures a line lower than their
    row's label, a fund label wrapped ('其中：当年财政' / '拨款'): the rows rebuilt by where the
    pieces stand read as the form prints them, by the reader that rebuilds them."""
    r = run(PDFTEXT / "form03_budgetsys.pdf_layout.txt")
    f = r["forms"][0]
    assert f["mapping"]["reader"] == "rebuilt-rows"
    # 54 = 9 × 6 indicators under 产出, 26 = 9 + 9 + 8 under 效益
    assert f["group_weights"] == {"产出指标": 54, "效益指标": 26, "满意度指标": 10}
    fiscal = next(b for b in f["budget"]["lines"] if b["kind"] == "fiscal")
    assert (fiscal["label"], fiscal["initial"], fiscal["adjusted"], fiscal["executed"]) == \
        ("其中：当年财政拨款", 2651600, 2901800, 2667200)
    first = f["indicators"][0]
    assert (first["level1"], first["level2"], first["name"], first["target"], first["actual"]) == \
        ("产出指标", "成本指标", "项目总成本", "≤290.18万元", "266.72万元")
    assert any(i["level2"] == "可持续影响指标" and i["name"] == "设施持续使用率" for i in f["indicators"])
    assert not [x for x in r["findings"] if x["severity"] == "error"]


def test_a_character_grid_is_read_by_its_rows_not_by_header_centres():
    """Wide characters sit a column or two off on a character grid: reading words under the
    header's centres read 41-59% of this family's fields; the rows rebuilt read them."""
    from extract.text import read_text
    from normalize.readers import READERS, readings
    doc = read_text(PDFTEXT / "form19_fengtai2019.pdf_layout.txt")
    assert [r.name for r, _ in readings(doc, READERS)] == ["rebuilt-rows", "token-stream"]
    f = run(PDFTEXT / "form19_fengtai2019.pdf_layout.txt")["forms"][0]
    assert f["group_weights"] == {"产出指标": 63, "效果指标": 27}       # '(63' / '分)' down the column
    assert [(i["name"], i["target"], i["actual"]) for i in f["indicators"][1:3]] == \
        [("组织培训人次", "≥1190人次", "1231人次"), ("处理案件数量", "≥18373件", "19405件")]


def test_a_cell_wrapped_down_a_narrow_column_is_one_cell_in_raw_text():
    """pdftotext -raw prints a cell's lines one after another: a long name in a narrow
    column is ten lines of six characters ('为辖区内各街' / '道、乡镇的网' / …), more pieces
    than a name is read from; a run of lines of one width is one cell.  And a sign printed
    in its own column (指标性质 '≤') goes before a figure that has its unit already."""
    f = run(PDFTEXT / "form00_national2020.pdf_raw.txt")["forms"][0]
    first = f["indicators"][0]
    assert first["name"].startswith("为辖区内各街道、乡镇的网格员和社区（村）工作人员提供移动数据终端")
    assert (first["target"], first["actual"], first["weight"], first["score_declared"]) == \
        ("≤271.13万元", "262.94万元", 6, 6)
    g = run(PDFTEXT / "form07_spreadsheet.pdf_raw.txt")["forms"][0]
    assert [i["target"] for i in g["indicators"][:2]] == ["≤842.37万元", "≥55台"]


def test_a_budget_row_a_line_lower_and_a_row_printing_fewer_cells():
    """-layout: the total's points, rate and score centred a line below its sums, set a column
    left ('年度资金总额 270.45 271.13 262.94' / '10 96.98% 9.7'), finish the row; a fund line
    printing two sums and two dashes under five columns gives the sums to the money columns
    (6707900 | 6197600, not 6197600 as a weight); a rate wrapped '88.3' / '4%' is 88.34%."""
    f = run(PDFTEXT / "form00_national2020.pdf_layout.txt")["forms"][0]
    total = next(b for b in f["budget"]["lines"] if b["kind"] == "total")
    assert (total["adjusted"], total["weight"], total["rate_declared"], total["score_declared"]) == \
        (2711300, 10, 0.9698, 9.7)
    g = run(PDFTEXT / "form19_fengtai2019.pdf_layout.txt")["forms"][0]
    fiscal = next(b for b in g["budget"]["lines"] if b["kind"] == "fiscal")
    assert (fiscal["adjusted"], fiscal["executed"], fiscal["weight"]) == (6707900, 6197600, None)
    h = run(PDFTEXT / "form27_spreadsheet.pdf_layout.txt")
    t27 = next(b for b in h["forms"][0]["budget"]["lines"] if b["kind"] == "total")
    assert (t27["adjusted"], t27["executed"], t27["rate_declared"]) == (8887100, 7851300, 0.8834)
    assert not [x for x in h["findings"] if x["severity"] == "error"]


def test_raw_text_wrapped_in_narrow_columns_reads_whole():
    """-raw: the goal's target wrapped at its column's width over three lines before the
    actual; a qualitative target's last character on the next line ('按计划完' / '成'); a
    name with '（2019 年）' parted between scripts; a rate's sign wrapped ('95.45' / '%')."""
    f = run(PDFTEXT / "form04_fengtai2019.pdf_raw.txt")["forms"][0]
    assert f["project_name"] == "居家养老服务补贴（2019年）"
    assert (f["goal"]["target"], f["goal"]["actual"]) == \
        ("按照年度计划完成项目建设和运行维护任务，保障相关工作有序开展，服务对象满意度不低于85%。", "项目按计划实施，年度目标基本完成。")
    assert any(i["name"] == "项目实施进度" and i["target"] == "按计划完成" for i in f["indicators"])
    g = run(PDFTEXT / "form07_spreadsheet.pdf_raw.txt")
    total = next(b for b in g["forms"][0]["budget"]["lines"] if b["kind"] == "total")
    assert (total["rate_declared"], total["weight"], total["score_declared"]) == (0.9545, 10, 9.04)
    # the one error the form was made with: 761.9 / 842.37 = 90.45%, not the 95.45% printed
    assert [x["code"] for x in g["findings"] if x["severity"] == "error"] == ["BUDGET_RATE_MISMATCH"]


def test_raw_figures_wrapped_after_their_first_digits():
    """-raw: a sum in yuan wrapped after four digits ('6683' / '400'), a target's sign and
    first digits on one line and the rest with its unit on the next ('≥12' / '57 人次')."""
    f = run(PDFTEXT / "form24_fengtai2019.pdf_raw.txt")["forms"][0]
    total = next(b for b in f["budget"]["lines"] if b["kind"] == "total")
    assert (total["adjusted"], total["executed"]) == (7052700, 6683400)
    assert any(i["name"] == "组织培训人次" and i["target"] == "≥1257人次" for i in f["indicators"])


def test_raw_figures_wrapped_in_a_row_whose_cells_all_wrap():
    """-raw prints a row's cells one after another, each wrapped cell's lines in turn: a
    target's sign and first digits over the rest ('≤70' / '5.27' / '万元'), a figure alone on
    its line after another's tail ('888.' / '71' / '785.1' / '3'), a count's last digits over
    its unit on a line of its own ('184' / '08' / '件': read before as '08件', a value given
    wrong as if read), and a line of several cells' ends ('质量 验收合格率 ≥95 96% 9 9' /
    '指标 %': read before as the name '质量验收合格率' under the group above)."""
    f = run(PDFTEXT / "form24_fengtai2019.pdf_raw.txt")["forms"][0]
    rows = {i["name"]: i for i in f["indicators"]}
    assert (rows["项目总成本"]["target"], rows["项目总成本"]["actual"]) == ("≤705.27万元", "668.34万元")
    assert (rows["验收合格率"]["level2"], rows["验收合格率"]["target"]) == ("质量指标", "≥95%")
    g = run(PDFTEXT / "form27_spreadsheet.pdf_raw.txt")["forms"][0]
    total = next(b for b in g["budget"]["lines"] if b["kind"] == "total")
    assert (total["adjusted"], total["executed"], total["rate_declared"]) == (8887100, 7851300, 0.8834)
    assert any(i["name"] == "处理案件数量" and i["actual"] == "18408件" for i in g["indicators"])
    # a figure ending in its decimal point is cut, alone on its line after a long name's last
    # line ('展' / '≤668.' / '23 万' / '元')
    h = run(PDFTEXT / "form10_national2020.pdf_raw.txt")["forms"][0]
    assert (h["indicators"][0]["target"], h["indicators"][0]["actual"]) == ("≤668.23万元", "568万元")


def test_names_read_into_a_value_column_are_no_values():
    """pdftotext's reading order prints a table's names and its values in separate runs;
    paired by place, rows got another row's name ('组织培训人次', '项目实施进度') or a piece
    of a wrapped name ('格员和社区') as their target or actual.  A worded value ending as
    names end (率, 性), or standing inside another row's name, is set aside and said."""
    for name in ("form10_national2020.pdf_reading.txt", "form10_national2020.pdf_reading_flat.txt"):
        f = run(PDFTEXT / name)["forms"][0]
        names = [i["name"] for i in f["indicators"]]
        for i in f["indicators"]:
            for v in (i["target"], i["actual"]):
                if v and not any(ch.isdigit() for ch in v):
                    assert not v.endswith(("率", "性")), (name, i["name"], v)
                    assert not any(v in n for n in names if n != i["name"]), (name, i["name"], v)
        assert any("names read out of order" in a["why"] or "ends as a name ends" in a["why"]
                   for a in f["mapping"]["set_aside"]), name


def test_a_table_whose_values_are_other_rows_names_reads_no_value():
    """A table whose names came as a block after its figures (form25 in reading order: read
    in row order it gave rows the actuals '组织培训人次' and '环境质量改善情况', and beside them
    figures of other rows) and whose names no cut pairs with its rows: no value of that
    table is read as if it were its row's, no name is given a row's figures; the rows keep
    their figures, set aside as rows whose name was not read, and the form is said read
    incomplete."""
    from normalize.schema import UNNAMED
    r = run(PDFTEXT / "form25_national2020.pdf_reading_flat.txt")
    f = r["forms"][0]
    assert all(i[k] is None for i in f["indicators"] for k in ("target", "actual", "weight", "score_declared"))
    unnamed = [a for a in f["mapping"]["set_aside"] if a["why"] == UNNAMED]
    assert len(unnamed) >= 8 and all(a["figures"] for a in unnamed)
    assert any(x["code"] == "EXTRACTION_INCOMPLETE" for x in r["findings"])


def test_rows_printed_column_by_column_are_put_back_in_rows():
    """pdftotext's reading order prints a stretch of rows one column at a time: the two rows'
    二级指标, names, targets, actuals and scores each a paragraph of two lines.  Put back, each
    row holds its own cells; the next stretch (words again after the scores) starts anew; a
    paragraph that mixes a name with its figures (one row, one cell a line) is left alone."""
    from extract.columns import rows_from_columns
    text = ("产出指标\n\n成本指标\n数量指标\n\n项目总成本\n处理案件数量\n\n≤28.55 万元\n≥1687 件\n\n"
            "24.27 万元\n1848 件\n\n10\n10\n\n时效指标\n质量指标\n\n按时完成率\n验收合格率\n\n≥100%\n≥90%\n\n"
            "100%\n90%\n\n10\n10\n\n服务对象满意度\n≥90%\n95%\n\n满意度指标\n满意度\n80%\n")
    got = [ln for ln in rows_from_columns(text.split("\n")) if ln]
    assert got == ["产出指标",
                   "成本指标  项目总成本  ≤28.55 万元  24.27 万元  10",
                   "数量指标  处理案件数量  ≥1687 件  1848 件  10",
                   "时效指标  按时完成率  ≥100%  100%  10",
                   "质量指标  验收合格率  ≥90%  90%  10",
                   "服务对象满意度", "≥90%", "95%", "满意度指标", "满意度", "80%"]
    r = run(PDFTEXT / "form11_county2021.pdf_reading.txt")
    rows = [(i["name"], i["target"], i["actual"], i["score_declared"]) for i in r["forms"][0]["indicators"]]
    assert ("处理案件数量", "≥1687件", "1848件", 10) in rows and ("验收合格率", "≥90%", "90%", 10) in rows


def _line(f: dict, kind: str) -> dict:
    return next(b for b in f["budget"]["lines"] if b["kind"] == kind)


def test_a_budget_figure_whose_column_is_told_by_place_alone_is_flagged_not_judged():
    """Reading order prints the budget block's column labels apart: only '年初预算数' stands
    before the lines, and '上年结转资金 | 0 | 0' prints more figures than that one column.
    '年度资金总额 | 823.42' is then one figure of a block of three money columns; the form's
    own full-year budget is 859.60 (the PDF's truth), so 823.42 read as it is a guess.  It
    is kept with its doubt, flagged for a person (LOW_CONFIDENCE), and no check of the
    execution rate rests on it."""
    r = run(PDFTEXT / "form08_budgetsys.pdf_reading.txt")
    f = r["forms"][0]
    tot = _line(f, "total")
    assert tot["adjusted"] == 8234200
    assert tot["provenance"]["adjusted"]["doubt"] == "column told by its place alone"
    flagged = [x for x in r["findings"] if x["code"] == "LOW_CONFIDENCE"
               and x["evidence"][0]["row"] == tot["provenance"]["adjusted"]["row"]]
    assert flagged and flagged[0]["severity"] == "warning"
    assert not [x for x in r["findings"] if x["code"].startswith("BUDGET_")]


def test_column_labels_read_after_the_lines_leave_every_line_in_doubt():
    """'年初预算数 | 年度资金总额 | 389.04 | … | 全年 | 全年执行 | 预算数 | 数 | 431.5 |
    407.17': the block's other money columns are labelled only after its lines, so the
    one figure each line prints has no known column (the PDF's truth: 389.04 is the
    initial budget, 431.56 the full-year one)."""
    f = run(PDFTEXT / "form30_national2020.pdf_reading.txt")["forms"][0]
    for kind in ("total", "fiscal"):
        line = _line(f, kind)
        assert line["provenance"]["adjusted"]["doubt"] == "column told by its place alone", kind


def test_a_line_printing_every_column_is_read_without_doubt():
    """The same form as -layout gives it: each line prints all its columns, so no figure's
    column is a guess and none carries a doubt."""
    f = run(PDFTEXT / "form30_national2020.pdf_layout.txt")["forms"][0]
    for line in f["budget"]["lines"]:
        assert not [p for p in (line.get("provenance") or {}).values() if p.get("doubt")], line["label"]


def test_rows_named_by_bare_figures_tell_a_table_not_in_row_order():
    """Reading order prints the indicator table's figures in blocks of their own: rows
    'named' '96.98%', '6', '6' are figures, not names.  Three such rows tell that no row's
    figures stand beside its name, so none is read as the row's (the names are kept) and
    the table is said to be incomplete: no score is given that belongs to another row."""
    r = run(PDFTEXT / "form00_national2020.pdf_reading.txt")
    f = r["forms"][0]
    assert f["indicators"], "the names are kept"
    assert all(i["weight"] is None and i["score_declared"] is None for i in f["indicators"])
    assert any("not in row order" in a["why"] for a in f["mapping"]["set_aside"])
    assert any(x["code"] == "EXTRACTION_INCOMPLETE" for x in r["findings"])
