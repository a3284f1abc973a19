"""The rules entirely as data: every policy key of a rule file is read, so changing it
changes the result (worked by hand on small forms)."""
import tomllib

import pytest

from conftest import SEEDS

from normalize.schema import BudgetLine, Form, Indicator
from score import check_form, load_rulesets, select
from score.rules import RULESET_DIR, from_dict, parse_printed


def national(**over) -> dict:
    with open(RULESET_DIR / "national-2020.toml", "rb") as f:
        d = tomllib.load(f)
    for k, v in over.items():
        d[k] = {**d.get(k, {}), **v} if isinstance(v, dict) else v
    return d


def form(*indicators: Indicator, total=None, budget=None) -> Form:
    f = Form(path="inline", sha256="0", format="test", year=2021)
    f.budget_lines = budget or []
    f.indicators = list(indicators)
    f.declared_total = total
    return f


def codes(f: Form, rules: dict) -> list[tuple]:
    findings, _ = check_form(f, from_dict(rules))
    return sorted((x.code, x.severity, x.expected) for x in findings
                  if x.code not in ("MISSING_VALUE", "EXTRACTION_INCOMPLETE"))


def ind(name, target, actual, weight, score, level2=None) -> Indicator:
    return Indicator(level1="产出指标", level2=level2, name=name, target=target, actual=actual,
                     weight=weight, score_declared=score, texts={"score": f"{score:.1f}"})


def test_positive_formula_is_read():
    # 8 of 10 done, weight 10: B/A gives 8, so a declared 10 is an over-claim; a formula
    # that gives full marks whenever anything was done (min(1, B)) makes 10 right.
    f = form(ind("培训人数", "10人", "8人", 10, 10))
    assert codes(f, national()) == [("INDICATOR_SCORE_MISMATCH", "error", 8.0)]
    assert codes(f, national(quantitative={"positive": "min(1, B)"})) == []


def test_a_target_whose_sign_cell_was_inked_but_unread_is_flagged_not_checked():
    """A target printed apart from its sign (指标性质 | 指标值: '≤' | '819.38'), whose sign
    cell OCR found ink in but read nothing from (a held-out scan: the target then read
    '819.38万元', unflagged): the direction is unknown, so the target is flagged for
    review with the sign's cell and the figure's, and no score is judged on it.  Read
    as '≥' (or printed blank: no ink), the row is checked as before (10 of 8 done: 8)."""
    from extract.grid import Cell

    def row(op_text, op_conf, op_doubt=None):
        i = ind("培训人数", "10人", "8人", 10, 10)
        i.texts["target"], i.texts["target_unit"] = "10", "人"        # 指标值 | 度量单位 apart
        i.cells["target"] = Cell("10", 3, 4, page=1, bbox=(400.0, 300.0, 480.0, 340.0), confidence=0.99)
        i.cells["target_op"] = Cell(op_text, 3, 3, page=1, bbox=(320.0, 300.0, 400.0, 340.0), confidence=op_conf,
                                    doubt=op_doubt)
        return i
    findings, _ = check_form(form(row("", 0.9, "inked but unread")), from_dict(national()))
    flags = [f for f in findings if f.code == "LOW_CONFIDENCE"]
    assert [f.code for f in findings if f.severity == "error"] == [] and len(flags) == 1
    assert {tuple(e["bbox"]) for e in flags[0].evidence if not e.get("context")} >= {(320.0, 300.0, 400.0, 340.0),
                                                                             (400.0, 300.0, 480.0, 340.0)}
    assert "sign" in flags[0].message and "'10人'" in flags[0].message
    assert codes(form(row("≥", 0.99)), national()) == [("INDICATOR_SCORE_MISMATCH", "error", 8.0)]
    assert codes(form(row("", None)), national()) == [("INDICATOR_SCORE_MISMATCH", "error", 8.0)]


def test_reverse_formula_and_direction_words_are_read():
    # a complaint rate (reverse by its name): target 2%, actual 4% gives weight × A/B = 5 × 0.5 = 2.5
    f = form(ind("投诉率", "2%", "4%", 5, 5))
    assert codes(f, national()) == [("INDICATOR_SCORE_MISMATCH", "error", 2.5)]
    # with no reverse names it is scored positive: 4% of 2% is above target, full marks, no finding
    assert codes(f, national(direction={"reverse_names": "^$"})) == []


def test_a_deadline_is_not_scored_as_a_ratio_of_years():
    # 完成时限 2019年 -> 2020年, 10 of 20: read as figures, B/A = 2020/2019 would give 20 and an
    # under-claim; a year is when, not how much, so it is no quantitative indicator
    f = form(ind("完成时限", "2019年", "2020年", 20, 10, "时效指标"))
    findings, recomputed = check_form(f, from_dict(national()))
    assert recomputed["indicators"][0]["kind"] == "qualitative"
    assert [x.code for x in findings if x.code == "INDICATOR_SCORE_MISMATCH"] == []
    # and a deadline met on time with full marks is consistent
    assert codes(form(ind("完成时限", "2019年12月底", "2019年12月底", 15, 15, "时效指标")), national()) == []


def test_either_direction_fits_both_ways():
    # a control rate with no ≥/≤: 92% against 100% is full marks if staying under is the aim
    # (A/B capped) and 1.84 if not (B/A); a declared 2 fits one of them, so nothing is raised
    f = form(ind("公用经费控制率", "100%", "92%", 2, 2))
    assert codes(f, national()) == []
    # a declared 1 fits neither (nearest 1.84): a warning, never an accusation
    f = form(ind("公用经费控制率", "100%", "92%", 2, 1))
    assert codes(f, national()) == [("INDICATOR_SCORE_MISMATCH", "warning", 1.84)]
    # once the rules drop the control-rate words, 2 against B/A = 1.84 is an over-claim
    f = form(ind("公用经费控制率", "100%", "92%", 2, 2))
    assert codes(f, national(direction={"either_names": "^$"})) == [("INDICATOR_SCORE_MISMATCH", "error", 1.84)]


def test_severity_and_rounding_are_read():
    f = form(ind("培训人数", "10人", "8人", 10, 10))
    assert codes(f, national(severity={"over_claim": "warning"})) == [("INDICATOR_SCORE_MISMATCH", "warning", 8.0)]
    # 8.3 declared against 8 recomputed, one decimal printed: 0.3 is beyond half a unit (0.05)
    # but within a tolerance of 5 units (0.5): ROUNDING, an info note
    f = form(Indicator(level1="产出指标", name="培训人数", target="10人", actual="8人", weight=10,
                       score_declared=8.3, texts={"score": "8.3"}))
    assert codes(f, national()) == [("INDICATOR_SCORE_MISMATCH", "error", 8.0)]
    assert codes(f, national(rounding={"tolerance": 5})) == [("ROUNDING", "info", 8.0)]


def test_confidence_threshold_is_read():
    from extract.grid import Cell
    i = ind("培训人数", "10人", "8人", 10, 10)
    i.cells["score"] = Cell("10", 0, 0, confidence=0.85)
    assert [c for c, _, _ in codes(form(i), national())] == ["LOW_CONFIDENCE"]
    assert codes(form(i), national(confidence={"ocr_low": 0.80})) == [("INDICATOR_SCORE_MISMATCH", "error", 8.0)]


def test_tier_words_and_low_inclusive_are_read():
    # '基本达到预期' is 基本达成 by the synonym 达到 -> 达成; a three-tier set places it between
    # 达成 (80-100%) and 部分达成 (60-80%), so 7 of 10 fits
    f = form(ind("群众满意", "达成预期指标", "基本达到预期", 10, 7))
    assert codes(f, national()) == []
    # without the synonym the phrase names no tier, and 'positive words' do not match: no check
    assert codes(f, national(tier_words={"synonyms": {}})) == []
    # 8 of 10 on the lower edge of 达成: inside while low_inclusive; once the edge is excluded
    # it is only said to sit on the edge (an info note), never a mismatch
    f = form(ind("群众满意", "达成预期指标", "达成预期指标", 10, 8))
    assert codes(f, national()) == []
    d = national()
    d["tiers"][0]["low_inclusive"] = False
    assert codes(f, d) == [("ROUNDING", "info", None)]


def test_positive_words_are_read():
    f = form(ind("工作及时", "及时", "按时完成", 5, 2))        # the top tier inferred from 按时: 4-5
    assert codes(f, national()) == [("QUALITATIVE_BAND_MISMATCH", "warning", 4.0)]
    assert codes(f, national(qualitative={"positive_words": "^$"})) == []


def test_rule_set_group_weights_are_read():
    # no group weight printed: the rule set's 产出指标 = 50 is compared (an info note: a template's weight, not printed)
    f = form(ind("培训人数", "10人", "10人", 30, 30), ind("覆盖率", "90%", "90%", 10, 10))
    f.texts["total_row"] = "总分"
    rules = national()
    assert ("GROUP_WEIGHT_MISMATCH", "info", 40.0) in codes(f, rules)
    assert ("GROUP_WEIGHT_MISMATCH", "info", 40.0) not in codes(f, national(group_weights={"产出指标": 40}))


def test_formula_rejects_anything_but_arithmetic():
    r = from_dict(national(quantitative={"positive": "__import__('os').getcwd()"}))
    with pytest.raises(ValueError):
        r.ratio("positive", 1, 1, 1)


def test_printed_rules_do_not_inherit_an_unrelated_set():
    # rules printed on a form of a year no shipped set covers: read over the defaults, not over
    # whichever set sorts first (county-2021 would give the budget 20 points)
    notes = ("注：定性指标分为达成预期指标、部分达成预期指标并具有一定效果、未达成预期指标且效果较差三档，"
             "分别按照该指标对应分值区间100-90%（含）、90-50%（含）、50-0%合理确定分值。")
    assert parse_printed(notes)
    f = Form(path="inline", sha256="0", format="test", year=2030, notes=notes)
    r = select(f, load_rulesets())
    assert r.source == "printed" and r.base == "defaults"
    assert r.budget_weight is None and r.group_weights == {}
    f.year = 2021
    r = select(f, load_rulesets())
    assert r.base == "national-2020" and r.budget_weight == 10


def line(kind, label, adjusted, executed, rate=None, weight=None, score=None) -> BudgetLine:
    b = BudgetLine(kind=kind, label=label, adjusted=adjusted, executed=executed, rate_declared=rate,
                   weight=weight, score_declared=score)
    b.texts = {"rate": f"{rate:.0%}" if rate is not None else None, "score": str(score)}
    return b


def test_a_wrong_printed_rate_does_not_excuse_the_score_that_follows_it():
    # 3824.26 / 4753.66 = 80.45%, printed 100%, score 10 of 10: the score follows the wrong rate,
    # so both are over-claims (10 × 0.8045 = 8.04)
    f = form(budget=[line("total", "年度资金总额", 4753.66, 3824.26, 1.0, 10, 10)])
    got = codes(f, national())
    assert ("BUDGET_RATE_MISMATCH", "error", 0.8) in got       # shown at the printed rate's precision
    assert ("BUDGET_SCORE_MISMATCH", "error", 8.04) in got


def test_a_total_line_printed_as_zeros_is_its_lines_sum():
    # the total row prints 0 | 0 | 执行率 0 | 得分 0 over a 财政拨款 line of 132.912 / 132.912:
    # the total is its lines' (100%), so 0% and 0 of 10 are under-claims, not a silent 0
    f = form(budget=[line("total", "年度资金总额", 0, 0, 0.0, 10, 0), line("fiscal", "本年财政拨款", 132.912, 132.912)])
    assert codes(f, national()) == [("BUDGET_RATE_MISMATCH", "warning", 1.0),
                                    ("BUDGET_SCORE_MISMATCH", "warning", 10.0)]


def test_a_scored_row_with_nothing_printed_is_a_missing_value():
    i = ind("三公经费变动率", None, None, 2, 2)
    i.texts["name"] = i.name
    findings, _ = check_form(form(i), from_dict(national()))
    assert [(x.code, x.indicator) for x in findings if x.code == "MISSING_VALUE" and x.indicator] == \
        [("MISSING_VALUE", "三公经费变动率")]
    # a county 项目管理 row is scored by its criteria, not by a target: nothing is missing
    i.level1 = "项目管理"
    findings, _ = check_form(form(i), from_dict(national()))
    assert not [x for x in findings if x.code == "MISSING_VALUE" and x.indicator]


def test_a_total_whose_budget_part_was_not_read_is_incomplete_not_wrong():
    # indicators 45 + 45 = 90 of 100 read, scored 40 + 45 = 85; the budget block's 10 points
    # were not read (no line, or a line with nothing in it): a declared 95 is not checked,
    # it is said to be unchecked.  With the budget's 10 of 10 read, 95 is right; with the
    # weights already at 100 there is nothing unread and 95 against 85 is an error.
    def total_findings(f):
        f.texts["total_row"] = "总分"
        findings, _ = check_form(f, from_dict(national()))
        return [(x.code, x.severity) for x in findings if x.code in ("TOTAL_MISMATCH", "EXTRACTION_INCOMPLETE")]
    a, b = ind("培训人数", "10人", "10人", 45, 40), ind("覆盖率", "90%", "95%", 45, 45)
    assert total_findings(form(a, b, total=95)) == [("EXTRACTION_INCOMPLETE", "warning")]
    assert total_findings(form(a, b, total=95, budget=[BudgetLine(kind="total", label="年度资金总额")])) == \
        [("EXTRACTION_INCOMPLETE", "warning")]
    assert total_findings(form(a, b, total=95, budget=[line("total", "年度资金总额", 100, 100, 1.0, 10, 10)])) == []
    a.weight = b.weight = 50
    assert total_findings(form(a, b, total=95)) == [("TOTAL_MISMATCH", "error")]


def _ocr_form():
    """Seed 000 as if scanned: every figure OCR'd at high confidence."""
    from extract import read
    from normalize import build_forms
    (form,) = build_forms(read(SEEDS / "000_64df670863fe3938.txt"))
    form.ocr = True
    for row in [*form.indicators, *form.budget_lines, form.goal]:
        for c in row.cells.values():
            c.confidence, c.page, c.bbox = 0.999, 1, (float(c.row), float(c.col), c.row + 1.0, c.col + 1.0)
    c = form.cells["declared_total"]
    c.confidence, c.page, c.bbox = 0.999, 1, (99.0, 99.0, 100.0, 100.0)
    return form


def test_one_lookalike_digit_that_makes_the_arithmetic_hold_is_an_ocr_correction():
    """Seed 000's indicator '5、支持21个街乡镇…' is scored 5 (weight 5); the total 93.42 is
    its parts summed.  Read that '5' as '6' (a look-alike): score 6 > weight 5 and the
    parts sum to 94.42.  Swapping 6 -> 5 clears both; 6 -> 0 and 6 -> 8 clear neither
    (0: parts 88.42; 8: 8 > 5 and 96.42).  So the reading is corrected (OCR_CORRECTED,
    info, both readings) and the form gets exactly the findings its true figures give."""
    from score import audit_form, load_rulesets, select
    truth = audit_form(_ocr_form(), select(_ocr_form(), load_rulesets()))
    form = _ocr_form()
    ind = next(i for i in form.indicators if "1100余名" in i.name)
    assert ind.score_declared == 5 and ind.weight == 5 and form.declared_total == 93.42
    ind.score_declared, ind.texts["score"] = 6.0, "6"
    a = audit_form(form, select(form, load_rulesets()))
    assert next(i for i in a.form.indicators if i.name == ind.name).score_declared == 5.0
    # every reading is tried on the form as read: the one it was read from is left as it was
    assert (ind.score_declared, ind.texts["score"]) == (6.0, "6") and a.form is not form
    assert next(i for i in form.indicators if i.name == ind.name) is ind
    notes = [f for f in a.findings if f.code == "OCR_CORRECTED"]
    assert len(notes) == 1 and notes[0].severity == "info" and (notes[0].declared, notes[0].expected) == (6.0, 5.0)
    assert "'6'" in notes[0].message and "'5'" in notes[0].message
    rest = [(f.code, f.severity, f.indicator, f.message) for f in a.findings if f.code != "OCR_CORRECTED"]
    assert rest == [(f.code, f.severity, f.indicator, f.message) for f in truth.findings]


@pytest.mark.parametrize("read, confidence, why", [("7.5", 0.93, "confidence 0.93"),
                                                    ("50", 0.999, "one character lost or added")])
def test_a_failing_check_on_a_doubtful_reading_is_low_confidence_not_an_error(read, confidence, why):
    """Seed 000's score 5 (weight 5) misread with no look-alike to explain it: as '7.5' at
    confidence 0.93, below ocr_high 0.95; or as '50' (its point lost, '5.0') at 0.999, one
    character from the 5 with which the row and the total hold.  The score is above its
    weight, but the figure is doubtful, so the finding is LOW_CONFIDENCE on it, not
    SCORE_EXCEEDS_WEIGHT against the form.  On a text layer the same figures are its error."""
    from score import audit_form, load_rulesets, select
    form = _ocr_form()
    ind = next(i for i in form.indicators if "1100余名" in i.name)
    ind.score_declared, ind.texts["score"], ind.cells["score"].text = float(read), read, read
    ind.cells["score"].confidence = confidence
    a = audit_form(form, select(form, load_rulesets()))
    assert not [f for f in a.findings if f.severity == "error"], [f.message for f in a.findings]
    low = [f for f in a.findings if f.code == "LOW_CONFIDENCE" and f.indicator == ind.name]
    assert low and "SCORE_EXCEEDS_WEIGHT" in low[0].message and f"'{read}'" in low[0].message and why in low[0].message
    form.ocr = False
    assert any(f.code == "SCORE_EXCEEDS_WEIGHT" and f.severity == "error"
               for f in audit_form(form, select(form, load_rulesets())).findings)


def test_low_confidence_is_not_raised_on_a_dash_and_names_the_column():
    from score import check_form, load_rulesets, select
    form = _ocr_form()
    ind = next(i for i in form.indicators if "1100余名" in i.name)
    ind.cells["score"].confidence = 0.42
    ind.cells["weight"].text, ind.cells["weight"].confidence = "—", 0.30
    findings, _ = check_form(form, select(form, load_rulesets()))
    low = [f for f in findings if f.code == "LOW_CONFIDENCE"]
    assert len(low) == 1 and "'5'" in low[0].message
    assert "column" in low[0].message and "row" in low[0].message


def test_a_worked_out_weight_accuses_no_one():
    """Weights worked out, not printed: 7 indicators sharing 60 points get 8.5714 each.
    Where every score exceeds that share (a weight column OCR lost, not a template without
    one) the split is contradicted by the form's own figures and stays unworked: no weight
    given, no accusation.  Where they fit, worked-out weights are not added up against full
    marks (59.9998 in all, by rounding alone), and one score above its share among fitting
    ones is the template's over-claim: an error."""
    rows = [ind(f"指标{k}", "10人", "10人", None, 10) for k in range(7)]
    f = form(*rows, budget=[BudgetLine(label="年度资金总额", kind="total", weight=20.0)])
    f.section_weights = {"indicators": 60.0, "goal": 20.0}
    f.texts["total_row"] = "总分"                      # read to its end: sums may be checked
    from normalize.finish import infer_weights
    infer_weights(f)
    assert [i.weight for i in f.indicators] == [None] * 7
    findings, _ = check_form(f, from_dict(national()))
    assert not [x for x in findings if x.code in ("SCORE_EXCEEDS_WEIGHT", "WEIGHT_TOTAL_MISMATCH")
                or x.severity == "error"]
    for i in f.indicators:                           # scores within the share but one: the split stands
        i.score_declared, i.texts["score"] = 8.0, "8.0"
    f.indicators[0].score_declared, f.indicators[0].texts["score"] = 10.0, "10"
    infer_weights(f)
    assert [i.weight for i in f.indicators] == [8.5714] * 7 and all(i.weight_inferred for i in f.indicators)
    findings, _ = check_form(f, from_dict(national()))
    assert not [x for x in findings if x.code == "WEIGHT_TOTAL_MISMATCH"]
    for i in f.indicators[1:]:
        i.score_declared, i.texts["score"] = 8.0, "8.0"
    findings, _ = check_form(f, from_dict(national()))
    assert [(x.code, x.severity) for x in findings if x.code == "SCORE_EXCEEDS_WEIGHT"] == [("SCORE_EXCEEDS_WEIGHT", "error")]
    # the same weights printed are the form's own figures: a total that falls short of 100
    for i in f.indicators:
        i.weight_inferred = False
    findings, _ = check_form(f, from_dict(national()))
    assert any(x.code == "WEIGHT_TOTAL_MISMATCH" for x in findings)


def test_a_rate_cut_at_its_last_decimal_is_rounding_and_the_key_is_read():
    # 1157.97 / 2000 = 57.8985%: printed 57.89% it is cut, not rounded (57.90%); 0.0085 points
    # beyond half a unit of the last decimal, yet within one unit: ROUNDING while truncated
    # rates are allowed, an under-claim when they are not
    b = line("total", "年度资金总额", 20_000_000.0, 11_579_700.0, 0.5789)
    b.texts["rate"] = "57.89%"
    got = codes(form(budget=[b]), national())
    assert got == [("ROUNDING", "info", 0.579)]
    assert codes(form(budget=[b]), national(rounding={"truncated_rates": False})) == \
        [("BUDGET_RATE_MISMATCH", "warning", 0.579)]
    # a rate printed above what the figures give is never excused by cutting (57.91% > 57.8985%)
    b.rate_declared, b.texts["rate"] = 0.5791, "57.91%"
    assert codes(form(budget=[b]), national()) == [("BUDGET_RATE_MISMATCH", "error", 0.579)]


def test_a_declared_total_below_its_read_parts_is_a_lost_digit_to_check():
    """The declared total 93.42 read '3.42' (its 9 under a seal) at confidence 0.999, with
    the budget's score not read: the total is not checked against its parts (they are
    incomplete), but the indicators' scores alone add up to 83.45, more than any total of
    them could be: the reading is flagged, never left standing as if read.  On a text
    layer it stays unchecked (incomplete), as before."""
    from score import audit_form, load_rulesets, select
    form = _ocr_form()
    form.declared_total, form.texts["declared_total"] = 3.42, "3.42"
    form.cells["declared_total"].text = "3.42"
    primary = next(b for b in form.budget_lines if b.kind == "total")
    primary.score_declared = None
    parts = sum(i.score_declared for i in form.indicators if i.score_declared is not None)
    assert round(parts, 2) == 83.45
    a = audit_form(form, select(form, load_rulesets()))
    low = [f for f in a.findings if f.code == "LOW_CONFIDENCE" and "declared total" in f.message]
    assert low and "'3.42'" in low[0].message and "83.45" in low[0].message
    assert not [f for f in a.findings if f.code == "TOTAL_MISMATCH"]     # (the seed's own error stays)
    form.cells["declared_total"].confidence = None
    form.ocr = False
    codes = [f.code for f in audit_form(form, select(form, load_rulesets())).findings]
    assert "EXTRACTION_INCOMPLETE" in codes and "LOW_CONFIDENCE" not in codes and "TOTAL_MISMATCH" not in codes


def test_ocr_full_marks_that_contradict_the_weights_and_the_rules_are_doubted():
    """The 总分 row's 分值 read '1' for 100 (a seal over it): the weights add up to 100, the
    rule set's full marks; the reading is flagged, not a WEIGHT_TOTAL_MISMATCH against the
    form.  Printed on a text layer, the same '1' is the form's own inconsistency."""
    from extract.grid import Cell
    from score import audit_form, load_rulesets, select
    form = _ocr_form()
    form.texts["full_marks"] = "1"
    form.cells["full_marks"] = Cell(row=30, col=6, text="1", confidence=0.97, page=1, bbox=(1.0, 2.0, 3.0, 4.0))
    weights = [form.budget_lines[0].weight, *(i.weight for i in form.indicators)]
    assert None not in weights and sum(weights) == 100
    a = audit_form(form, select(form, load_rulesets()))
    assert not [f for f in a.findings if f.code == "WEIGHT_TOTAL_MISMATCH"]
    assert any(f.code == "LOW_CONFIDENCE" and "full marks" in f.message and "'1'" in f.message for f in a.findings)
    form.cells["full_marks"].confidence = None
    form.ocr = False
    assert any(f.code == "WEIGHT_TOTAL_MISMATCH" and f.severity == "error"
               for f in audit_form(form, select(form, load_rulesets())).findings)


def test_a_part_that_lost_a_digit_explains_every_sum_and_check_it_breaks():
    """Seed 000's weight 20 ('1、经济效益', score 18) read '2', its 0 lost, at confidence
    0.999: 效果指标 (40) would sum to 22, the weights to 82 of 100, and 18 > 2.  One added
    '0' makes all of them hold (no other single reading does): one LOW_CONFIDENCE on the
    weight, and none of the three reported against the form.  The seed's own error stays."""
    from score import audit_form, load_rulesets, select
    form = _ocr_form()
    ind = next(i for i in form.indicators if i.name.startswith("1、经济效益"))
    assert (ind.weight, ind.score_declared, form.group_weights["效果指标"]) == (20.0, 18.0, 40.0)
    ind.weight, ind.texts["weight"], ind.cells["weight"].text = 2.0, "2", "2"
    a = audit_form(form, select(form, load_rulesets()))
    codes = [(f.code, f.severity) for f in a.findings]
    assert not {"GROUP_WEIGHT_MISMATCH", "WEIGHT_TOTAL_MISMATCH", "SCORE_EXCEEDS_WEIGHT"} & {c for c, _ in codes}
    (low,) = [f for f in a.findings if f.code == "LOW_CONFIDENCE"]
    assert "'20'" in low.message and low.evidence[0]["text"] == "2" and not low.evidence[0].get("context")
    assert ("INDICATOR_SCORE_MISMATCH", "error") in codes
    form.ocr = False            # printed so, the form's own figures: its errors
    got = {f.code for f in audit_form(form, select(form, load_rulesets())).findings}
    assert {"GROUP_WEIGHT_MISMATCH", "SCORE_EXCEEDS_WEIGHT"} <= got


@pytest.mark.parametrize("role, read", [("score", "1945"), ("weight", "1010")])
def test_an_ocr_figure_above_the_forms_full_marks_is_flagged_not_checked(role, read):
    """Seed 000 as scanned with one figure read as no form of 100 points can print it: a
    score '1945' (10.45 with its point and a digit lost, held-out scan; weight 5) or a
    weight '1010' (two cells' 10 and 10 run together where a ruling was not seen).  The
    reading is flagged (LOW_CONFIDENCE naming the full marks) and no check accuses the
    form with it: before, '1945' gave SCORE_EXCEEDS_WEIGHT, an error, and '1010' weight
    sums that fail by a thousand."""
    from score import audit_form, load_rulesets, select
    form = _ocr_form()
    ind = next(i for i in form.indicators if "1100余名" in i.name)
    setattr(ind, "score_declared" if role == "score" else "weight", float(read))
    ind.texts[role], ind.cells[role].text = read, read
    a = audit_form(form, select(form, load_rulesets()))
    assert not [f for f in a.findings if f.severity == "error"], [f.message for f in a.findings]
    low = [f for f in a.findings if f.code == "LOW_CONFIDENCE" and f.indicator == ind.name]
    assert len(low) == 1 and f"'{read}'" in low[0].message and "full marks (100)" in low[0].message
    assert not [f for f in a.findings if f.code in ("GROUP_WEIGHT_MISMATCH", "WEIGHT_TOTAL_MISMATCH")]


def test_a_lone_fund_lines_figure_one_character_from_the_totals_is_flagged():
    """Seed 000's only fund line (其中:财政拨款; 其他资金 blank) holds the total's money,
    9090720 executed.  Scanned with no rate or score of its own on that line and its
    executed read '909072' (a held-out scan: the last '0' wrapped onto its own line in a
    narrow column and not read), no check compares it; it is one character from the
    total's 9090720, whose declared 99.66% (9090720 / 9122160 = 0.99655) confirms the
    total, so the line's figure is flagged for review, and only it.  A figure the
    arithmetic cannot place (a genuinely different 5000000) and a text layer are left as read."""
    from score import audit_form, load_rulesets, select
    def audited(text, ocr=True):
        form = _ocr_form()
        fiscal = next(b for b in form.budget_lines if b.kind == "fiscal")
        fiscal.rate_declared = fiscal.score_declared = fiscal.weight = None
        for role in ("rate", "score", "weight"):
            fiscal.texts[role] = ""
            fiscal.cells.pop(role, None)
        fiscal.executed, fiscal.texts["executed"], fiscal.cells["executed"].text = float(text), text, text
        if not ocr:
            form.ocr = False
            for row in [*form.indicators, *form.budget_lines, form.goal]:
                for c in row.cells.values():
                    c.confidence = None
        return [f for f in audit_form(form, select(form, load_rulesets())).findings if f.code == "LOW_CONFIDENCE"]
    (low,) = audited("909072")
    assert "其中:财政拨款 (executed)" in low.message and "'909072'" in low.message and "'9090720'" in low.message
    assert audited("5000000") == [] and audited("909072", ocr=False) == []


def test_a_score_whose_point_ocr_lost_accuses_no_one_and_the_total_flag_it_explains_goes():
    """Seed 000 printed and scanned: the score 3.6 (weight 4) read '36' at 0.977, the
    budget's score not read.  The total is then not checked (its parts are incomplete) but
    flagged as below the 115.85 its read parts add up to; and 36 > 4 was an error,
    SCORE_EXCEEDS_WEIGHT.  One decimal point explains both: '3.6' makes the score fit its
    weight and the parts 83.45, below the total.  So the score is LOW_CONFIDENCE (the
    slip named) and the correctly read total carries no flag.  Printed so on a text layer,
    the same 36 is the form's error."""
    from score import audit_form, load_rulesets, select

    def scanned():
        form = _ocr_form()
        ind = next(i for i in form.indicators if i.score_declared == 3.6 and i.name.startswith("6、"))
        ind.score_declared, ind.texts["score"], ind.cells["score"].text = 36.0, "36", "36"
        ind.cells["score"].confidence = 0.977
        next(b for b in form.budget_lines if b.kind == "total").score_declared = None
        return form, ind
    form, ind = scanned()
    a = audit_form(form, select(form, load_rulesets()))
    assert not [f for f in a.findings if f.code == "SCORE_EXCEEDS_WEIGHT"], [f.message for f in a.findings]
    errors = [(f.code, f.indicator) for f in a.findings if f.severity == "error"]
    assert errors == [("INDICATOR_SCORE_MISMATCH", next(i.name for i in form.indicators if "1100余名" in i.name))]
    (low,) = [f for f in a.findings if f.code == "LOW_CONFIDENCE"]
    assert low.indicator == ind.name and "'36'" in low.message and "'3.6'" in low.message
    assert "decimal point" in low.message or "character" in low.message
    assert low.evidence[0]["text"] == "36"
    form.ocr = False
    got = [(f.code, f.severity) for f in audit_form(form, select(form, load_rulesets())).findings]
    assert ("SCORE_EXCEEDS_WEIGHT", "error") in got


@pytest.mark.parametrize("read, weight, stays", [("36", 4.0, False), ("5.5", 5.0, True), ("9", 5.0, True)])
def test_a_decimal_point_alone_explains_a_score_above_its_weight_only_far_above_it(read, weight, stays):
    """Alone (no other check failing), a point slip explains a score above its weight only
    where the reading is at least twice the weight (no form claims that): '36' on 4 is
    doubted; '5.5' on 5 or '9' on 5, read surely, are over-claims a point cannot explain
    ('55' and '0.9' fit nothing better) and stay errors: recall is not given away."""
    from score import audit_form, load_rulesets, select
    form = _ocr_form()
    ind = next(i for i in form.indicators if "1100余名" in i.name)
    ind.weight, ind.texts["weight"], ind.cells["weight"].text = weight, f"{weight:g}", f"{weight:g}"
    ind.score_declared, ind.texts["score"], ind.cells["score"].text = float(read), read, read
    form.declared_total = None                 # the total unread: no second check to lean on
    form.texts.pop("declared_total", None)
    form.cells.pop("declared_total", None)
    a = audit_form(form, select(form, load_rulesets()))
    exceeds = [f for f in a.findings if f.code == "SCORE_EXCEEDS_WEIGHT"]
    assert bool(exceeds) == stays and (not exceeds or exceeds[0].severity == "error"), [f.message for f in a.findings]
    assert any(f.code == "LOW_CONFIDENCE" and f.indicator == ind.name for f in a.findings) != stays


def test_a_group_weight_whose_group_name_was_not_read_is_not_summed():
    """A printed group weight whose 一级指标 label OCR lost (the group ''): which rows it
    holds is unknown, so a mismatch over it is no accusation ('GROUP_WEIGHT_MISMATCH: is
    labelled 40 points' with no name, on a scan): it is EXTRACTION_INCOMPLETE."""
    from score import audit_form, load_rulesets, select
    form = _ocr_form()
    group = next(g for g in form.group_weights if g)
    form.group_weights = {("" if g == group else g): w for g, w in form.group_weights.items()}
    for i in form.indicators:
        if i.level1 == group:
            i.level1 = ""
    form.group_weights[""] += 5               # and its printed weight misread too
    a = audit_form(form, select(form, load_rulesets()))
    assert not [f for f in a.findings if f.code == "GROUP_WEIGHT_MISMATCH" and "labelled" in f.message
                and f.message.startswith(" ")], [f.message for f in a.findings]
    assert any(f.code == "EXTRACTION_INCOMPLETE" and "no name read" in f.message for f in a.findings)


def test_a_decimal_point_that_turns_an_over_claim_into_an_under_claim_explains_nothing():
    """Held-out scan seed 32: 采购设备数量, target 100台, actual 320台, weight 12, score
    '12' read surely; the rules deduct 10% for a target set too low (10.8), so 12 is
    OVER_TARGET_DEDUCTION_MISSING.  '1.2' also clears that check, but only by becoming an
    under-claim on the same row: the form does not hold with it, so the error stays."""
    from extract.grid import Cell
    from score import audit_form
    i = ind("采购设备数量", "100台", "320台", 12, 12)
    i.texts = {"weight": "12", "score": "12"}
    i.cells = {"weight": Cell("12", 3, 6, page=1, bbox=(600.0, 300.0, 650.0, 340.0), confidence=0.999),
               "score": Cell("12", 3, 7, page=1, bbox=(650.0, 300.0, 700.0, 340.0), confidence=0.999)}
    f = form(i)
    f.ocr = True
    fengtai = next(r for r in load_rulesets() if r.id.startswith("fengtai"))
    a = audit_form(f, fengtai)
    assert [(x.code, x.severity, x.declared) for x in a.findings if x.severity != "info"
            and x.code not in ("MISSING_VALUE", "EXTRACTION_INCOMPLETE")] == \
        [("OVER_TARGET_DEDUCTION_MISSING", "error", 12.0)], [x.message for x in a.findings]
