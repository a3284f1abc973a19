"""Forms in variants not seen in the seeds, made by editing the seed text."""
from conftest import run, variant

from selfeval.accuracy import field_pairs, same

S0 = "000_64df670863fe3938.txt"
S4 = "004_e7bc4ab4e4060ab5.txt"


def codes(findings, severity=None):
    return sorted({f["code"] for f in findings if severity is None or f["severity"] == severity})


def test_other_label_wording_gives_same_extraction(tmp_path, seed_truth):
    p = variant(tmp_path, S0,
                ("年初预算数（A）", "预算数"), ("全年执行数（B）", "执行数"), ("分值（10分）", "权重（10分）"),
                ("年度指标值(A)", "年初目标值（A）"), ("全年实际值(B)", "实际完成值（B）"),
                ("三级指标", "指标名称"), ("未完成原因分析", "偏差原因分析及改进措施"),
                ("年度资金总额：", "资金总额"), ("其中:财政拨款", "本年财政拨款"), ("项目资金", "预算执行情况"),
                ("实施单位", "项目实施单位"))
    res = run(p)
    (form,) = res["forms"]
    wrong = [(k, e, g) for k, e, g in field_pairs(form, seed_truth[S0][0]) if not same(e, g)]
    assert not wrong


def _swap_cells(text: str, header_a: str, header_b: str) -> str:
    """Swap two adjacent columns of the Word-table dump in every 9-cell indicator row."""
    blocks = text.split("\n\n")
    out = []
    for b in blocks:
        cells = b.split("\n\t")
        if len(cells) in (9, 6):       # indicator rows (one is split in two by a blank paragraph)
            cells[-3], cells[-2] = cells[-2], cells[-3]
        out.append("\n\t".join(cells))
    return "\n\n".join(out)


def test_other_column_order(tmp_path, seed_truth):
    p = variant(tmp_path, S0)
    p.write_text(_swap_cells(p.read_text(encoding="utf-8"), "分值", "得分"), encoding="utf-8")
    assert "\t得分\n\t分值" in p.read_text(encoding="utf-8")
    (form,) = run(p)["forms"]
    wrong = [(k, e, g) for k, e, g in field_pairs(form, seed_truth[S0][0]) if not same(e, g)]
    assert not wrong


def test_missing_note_column(tmp_path, seed_truth):
    p = variant(tmp_path, S0)
    text = p.read_text(encoding="utf-8")
    rows = text.split("\n\n")
    # drop the last cell of every indicator row (one is split in two by a blank paragraph: 3 + 6 cells)
    rows = ["\n\t".join(r.split("\n\t")[:-1]) if len(r.split("\n\t")) in (9, 6) else r for r in rows]
    p.write_text("\n\n".join(rows), encoding="utf-8")
    assert "\t未完成原因分析\n" not in p.read_text(encoding="utf-8")
    (form,) = run(p)["forms"]
    wrong = [(k, e, g) for k, e, g in field_pairs(form, seed_truth[S0][0]) if not same(e, g)]
    assert not wrong


def test_new_rule_set_only_in_printed_notes(tmp_path):
    # form 0 prints tiers 100-85 / 85-60 / 60-0: a goal score of 16/20 (80%) is now below the top band,
    # while under the shipped 2021 rules (80% included) it would be in it
    p = variant(tmp_path, S4, ("100-80%（含80%）、80-50%（含50%）、50-0%", "100-85%（含85%）、85-60%（含60%）、60-0%", 1),
                ("已完成，情况良好。 19", "已完成，情况良好。 16"), ("自评得分： 97", "自评得分： 94"))
    res = run(p)
    forms = res["forms"]
    assert forms[0]["rule_set"]["id"].startswith("printed:")
    assert forms[0]["rule_set"]["source"] == "printed"
    assert forms[1]["rule_set"]["id"] == "county-2021"
    band = [f for f in res["findings"] if f["code"] == "QUALITATIVE_BAND_MISMATCH"]
    assert [(f["form_index"], f["indicator"], f["severity"], f["expected"]) for f in band] == \
        [(0, None, "warning", 17.0)]
    assert not [f for f in res["findings"] if f["code"] == "TOTAL_MISMATCH"]


def test_form_without_notes_falls_back_by_year(tmp_path):
    text = variant(tmp_path, S4).read_text(encoding="utf-8")
    first = text.split("备注：")[0]
    p = tmp_path / "nonotes.txt"
    p.write_text(first, encoding="utf-8")
    (form,) = run(p)["forms"]
    assert form["rule_set"] == {"id": "national-2020", "title": form["rule_set"]["title"], "source": "fallback"}


def test_clean_form_has_no_error_or_warning(tmp_path):
    p = variant(tmp_path, S4, ("工作实效提升率 95% 95% 9", "工作实效提升率 95% 95% 10"), ("自评得分： 99\n\n项目名称 12345", "自评得分： 100\n\n项目名称 12345"))
    res = run(p)
    assert [f for f in res["findings"] if f["form_index"] == 3 and f["severity"] != "info"] == []


def test_every_finding_code_planted_in_seed_000(tmp_path):
    p = variant(tmp_path, S0,
                ("\t　99.66%\n\t　9.97\n\n\t\n\t其中", "\t　98.66%\n\t　9.97\n\n\t\n\t其中"),  # rate wrong on the total line
                ("\t　99.66%\n\t　9.97\n\n\t\n\t其他", "\t　99.66%\n\t　10\n\n\t\n\t其他"),    # fiscal-line score
                ("(50分)", "(55分)"),                                                         # group weight
                ("\t　2\n\t2\n", "\t　3\n\t2\n"),                                              # weights sum to 101
                ("开通6720部连心通街巷长号码\n", "开通2000部连心通街巷长号码\n"),               # target set too low
                ("\t4\n\t3.6\n\t\n\n\t\n\t\n\t\n\t7、", "\t4\n\t4.2\n\t\n\n\t\n\t\n\t\n\t7、"),  # score above weight
                ("\t　1\n\t0.8", "\t　1\n\t0.95"),                                            # above 基本达成 band
                ("\t　4\n\t3.8\n\t\n\n\t\n\t\n\t\n\t流量包", "\t　4\n\t\n\t\n\n\t\n\t\n\t\n\t流量包"),  # blank score
                ("\t7\n\t5.25", "\t7\n\t4.0"),                                                # below band
                ("　93.42", "　95.00"))                                                       # total
    res = run(p)
    got = {(f["code"], f["severity"]) for f in res["findings"]}
    for want in [("BUDGET_RATE_MISMATCH", "warning"), ("BUDGET_SCORE_MISMATCH", "error"),
                 ("GROUP_WEIGHT_MISMATCH", "error"), ("WEIGHT_TOTAL_MISMATCH", "error"),
                 ("OVER_TARGET_DEDUCTION_MISSING", "error"), ("SCORE_EXCEEDS_WEIGHT", "error"),
                 ("QUALITATIVE_BAND_MISMATCH", "error"), ("QUALITATIVE_BAND_MISMATCH", "warning"),
                 ("MISSING_VALUE", "warning"), ("TOTAL_MISMATCH", "error"), ("UNIT_INCONSISTENT", "warning"),
                 ("INDICATOR_SCORE_MISMATCH", "error"), ("ROUNDING", "info")]:
        assert want in got, want
    over = next(f for f in res["findings"] if f["code"] == "OVER_TARGET_DEDUCTION_MISSING")
    # (6738 - 2000) / 2000 = 237% → deduct 10% of 5 → 4.5
    assert (over["declared"], over["expected"]) == (5.0, 4.5)
    rate = next(f for f in res["findings"] if f["code"] == "BUDGET_RATE_MISMATCH")
    assert (rate["declared"], rate["expected"]) == (0.9866, 0.9966)
    total = next(f for f in res["findings"] if f["code"] == "TOTAL_MISMATCH")
    # parts: 9.97 + (48.6 - 3.6 + 4.2 - 0.8 + 0.95 - 3.8) + (34.85 - 5.25 + 4.0) = 9.97 + 45.55 + 33.6 = 89.12
    assert total["declared"] == 95.0 and abs(total["expected"] - 89.12) < 1e-6


def test_unreadable_figure_is_missing_not_zero(tmp_path):
    p = variant(tmp_path, S4, ("35.5 35.47 99.92% 20", "35.5 —— 99.92% 20"))
    res = run(p)
    f0 = res["forms"][0]
    assert f0["budget"]["lines"][0]["executed"] is None
    assert ("MISSING_VALUE", "warning") in {(f["code"], f["severity"]) for f in res["findings"] if f["form_index"] == 0}
