"""The reviewer's rulebook (score/review_packs): each rule fires on a form where the reviewer
would say it, and not where the form gives no cause; a pack changed as data changes the
result; no review rule accuses (never an error); the pack applied is said."""

import pytest

from conftest import SEEDS, run
from normalize.schema import BudgetLine, Form, Indicator
from score import check_form
from score.review import PackError, load_packs
from score.rules import load_rulesets

SEED0 = SEEDS / "000_64df670863fe3938.txt"
REVIEW = {"DEVIATION_REASON_MISSING", "OVER_TARGET_UNEXPLAINED", "TARGET_NOT_MEASURABLE", "TARGET_ACTUAL_UNITS_DIFFER",
          "TEMPLATE_WEIGHTS_CHANGED", "CATEGORY_MISSING"}


def _codes(findings, code):
    return [(f.indicator, f.severity) for f in findings if f.code == code]


def national():
    return next(r for r in load_rulesets([]) if r.id == "national-2020")


def ind(name, target, actual, weight, score, note=None, level1="产出指标", level2="数量指标"):
    i = Indicator(level1=level1, level2=level2, name=name, target=target, actual=actual, weight=weight,
                  score_declared=score, note=note)
    for role, v in (("name", name), ("target", target), ("actual", actual)):
        i.texts[role] = v
    i.texts["weight"], i.texts["score"] = f"{weight:g}", f"{score:g}"
    return i


def form(*inds, columns=("level1", "level2", "name", "target", "actual", "weight", "score", "note"), **kw):
    f = Form(path="x.txt", sha256="0" * 64, format="txt", indicators=list(inds),
             budget_lines=[BudgetLine(label="年度资金总额", kind="total", weight=10.0, adjusted=100.0, executed=95.0,
                                      rate_declared=0.95, score_declared=9.5)], **kw)
    f.columns = list(columns)
    f.year = 2022
    return f


def test_seed_000_a_target_missed_with_no_reason_is_said_and_accuses_no_one():
    """Seed 000 prints a 偏差原因 column: 支持1100余名街巷长开展工作 against 已支持1085名 (1085 < 1100)
    has no reason, nor have the qualitative rows claiming 基本达成 (below the top tier).  The
    rows that met their targets (6738 of 6720 numbers opened) are left alone."""
    r = run(SEED0)
    fds = [f for f in r["findings"] if f["code"] == "DEVIATION_REASON_MISSING"]
    names = [f["indicator"] for f in fds]
    assert any("1100余名街巷长" in n for n in names)
    assert any(n.startswith("7、支持基层工作人员的日常工作交流") for n in names)           # 基本达成预期指标
    assert not any("6720部连心通" in n for n in names)                                   # met: 6738 ≥ 6720
    assert {f["severity"] for f in fds} == {"warning"} and all(f["source"] for f in fds)
    assert r["forms"][0]["recomputed"]["review_pack"]["id"] == "national"
    assert not [f for f in r["findings"] if f["code"] in REVIEW and f["severity"] == "error"]


def test_no_reason_column_printed_no_deviation_finding():
    """A form whose table has no 偏差原因 column is not asked for one."""
    row = ind("处理案件数量", "≥100件", "90件", 10, 9)
    with_col, _ = check_form(form(row), national())
    without, _ = check_form(form(ind("处理案件数量", "≥100件", "90件", 10, 9),
                                 columns=("level1", "level2", "name", "target", "actual", "weight", "score")), national())
    assert _codes(with_col, "DEVIATION_REASON_MISSING") == [("处理案件数量", "warning")]
    assert _codes(without, "DEVIATION_REASON_MISSING") == []
    given, _ = check_form(form(ind("处理案件数量", "≥100件", "90件", 10, 9, note="受疫情影响，部分案件延期")), national())
    assert _codes(given, "DEVIATION_REASON_MISSING") == []
    dash, _ = check_form(form(ind("处理案件数量", "≥100件", "90件", 10, 9, note="—")), national())
    assert _codes(dash, "DEVIATION_REASON_MISSING") == [("处理案件数量", "warning")]       # '—' is no reason


def test_a_lower_is_better_target_is_missed_upward():
    """≤ targets are missed by exceeding them: 98万元 spent against ≤90万元."""
    f, _ = check_form(form(ind("项目总成本", "≤90万元", "98万元", 10, 9.18, level2="成本指标")), national())
    assert _codes(f, "DEVIATION_REASON_MISSING") == [("项目总成本", "warning")]
    f, _ = check_form(form(ind("项目总成本", "≤90万元", "85万元", 10, 10, level2="成本指标")), national())
    assert _codes(f, "DEVIATION_REASON_MISSING") == []


def test_vague_targets_are_not_measurable_and_figures_are():
    f, _ = check_form(form(ind("群众满意程度", "效果明显", "达成预期指标", 10, 10, level2="社会效益指标"),
                           ind("办结率", "≥95%", "96%", 10, 10)), national())
    assert _codes(f, "TARGET_NOT_MEASURABLE") == [("群众满意程度", "info")]


def test_units_that_differ_are_said_and_a_bare_actual_is_in_its_targets_unit():
    """'≥5万元' against '48000元' are 元 against 万元 (scored as 48000 / 5 by the figures); '≥8万亩'
    against '8' is 8万亩, the unit printed once for both (a real form, 30): nothing to say."""
    f, _ = check_form(form(ind("补贴金额", "≥5万元", "48000元", 10, 10)), national())
    assert [c for c, _ in _codes(f, "TARGET_ACTUAL_UNITS_DIFFER")] == ["补贴金额"]
    f, _ = check_form(form(ind("管护面积", "≥8万亩", "8", 10, 10)), national())
    assert _codes(f, "TARGET_ACTUAL_UNITS_DIFFER") == []


def _pack_dir(tmp_path, text):
    d = tmp_path / "packs"
    d.mkdir()
    (d / "test.toml").write_text(text, encoding="utf-8")
    return d


def test_a_regional_pack_is_data_chosen_by_place_and_changes_the_result(tmp_path):
    """A pack written here (no Python): based on the national rules, for forms whose units name
    测试市, asking a reason where the actual reaches 105% of its target and fixing the 一级
    weights.  A form of 测试市 gets both; the same form elsewhere gets neither."""
    packs = load_packs([_pack_dir(tmp_path, '''
id = "testcity"
name = "test city"
zh_name = "测试市复核规则"
base = "national"
places = ["测试市"]
[rules.OVER_TARGET_UNEXPLAINED]
enabled = true
source = "a test"
ratio = 1.05
[rules.TEMPLATE_WEIGHTS_CHANGED]
enabled = true
rule_sets = ["national-2020"]
weights = { "预算执行" = 10, "产出指标" = 50, "效益指标" = 30, "满意度指标" = 10 }
''')])
    rows = lambda: [ind("处理案件数量", "≥100件", "110件", 40, 40), ind("受益人数", "≥50人", "50人", 40, 40,
                                                                     level1="效益指标", level2="社会效益指标")]
    here = form(*rows(), department="测试市财政局")
    f, rec = check_form(here, national(), packs)
    assert rec["review_pack"]["id"] == "testcity" and "测试市" in rec["review_pack"]["why"]
    assert _codes(f, "OVER_TARGET_UNEXPLAINED") == [("处理案件数量", "warning")]      # 110 / 100 = 110% ≥ 105%
    changed = [x for x in f if x.code == "TEMPLATE_WEIGHTS_CHANGED"]
    assert len(changed) == 1 and "产出指标 40" in changed[0].message.render()     # 40 printed, 50 fixed
    f, rec = check_form(form(*rows(), department="别处财政局"), national(), packs)
    assert rec["review_pack"]["id"] == "national"
    assert not _codes(f, "OVER_TARGET_UNEXPLAINED") and not [x for x in f if x.code == "TEMPLATE_WEIGHTS_CHANGED"]


def test_a_pack_cannot_make_a_review_rule_an_error(tmp_path):
    with pytest.raises(PackError, match="never an error"):
        load_packs([_pack_dir(tmp_path, '''
id = "harsh"
[rules.CATEGORY_MISSING]
severity = "error"
source = "x"
en = "x"
zh = "x"
''')])


def test_the_guangxi_pack_asks_a_reason_for_130_percent_and_says_it_in_chinese():
    """Guangxi's budget system asks a reason where the actual reaches 130% of the target."""
    from selfeval.i18n import localized_finding
    f0 = form(ind("培训人次", "≥100人次", "140人次", 10, 10), department="南宁市人力资源和社会保障局")
    fds, rec = check_form(f0, national())
    assert rec["review_pack"]["id"] == "guangxi"
    over = [x for x in fds if x.code == "OVER_TARGET_UNEXPLAINED"]
    assert len(over) == 1 and over[0].severity == "warning" and "Guangxi" in over[0].source
    zh = localized_finding(over[0].to_dict(f0), "zh")["message"]
    assert "达到目标值" in zh and "140%" in zh and "130%" in zh
    fds, _ = check_form(form(ind("培训人次", "≥100人次", "120人次", 10, 10), department="南宁市人社局"), national())
    assert not [x for x in fds if x.code == "OVER_TARGET_UNEXPLAINED"]                # 120% < 130%


def test_region_given_on_the_command_line_chooses_the_pack(tmp_path):
    """`selfeval audit --region 广西` judges a form whose units name no place under the Guangxi
    pack, and says so; a region no pack knows is refused before any work."""
    import json
    import os
    import subprocess
    import sys
    from conftest import ROOT
    src = tmp_path / "in"
    src.mkdir()
    (src / SEED0.name).write_bytes(SEED0.read_bytes())
    env = {**os.environ, "SELFEVAL_LANG": "en"}

    def audit(*args):
        return subprocess.run([sys.executable, "-m", "selfeval.cli", "audit", str(src), "--out", str(tmp_path / "out"),
                               "--no-pdf", "--no-html", "--no-xlsx", "--fail-on", "never", "--jobs", "1", "-q", *args],
                              capture_output=True, text=True, cwd=ROOT, env=env)
    proc = audit("--region", "广西")
    assert proc.returncode == 0, proc.stderr
    form = json.loads((tmp_path / "out" / "forms.json").read_text())[0]
    assert form["recomputed"]["review_pack"]["id"] == "guangxi"
    assert "--region" in form["recomputed"]["review_pack"]["why"]
    assert json.loads((tmp_path / "out" / "summary.json").read_text())["region"] == "广西"
    proc = audit("--region", "火星")
    assert proc.returncode == 2 and "火星" in proc.stderr and "national" in proc.stderr


def test_a_required_category_missing_is_said_where_the_form_is_a_table_of_goals():
    """From 2021 the national pack asks for 成本指标: a 2022 form of three 数量指标 rows lacks it;
    the same form with a 成本指标 row, a 2020 form, and a rubric (no targets) are left alone."""
    rows = lambda: [ind(f"指标{k}", "≥10个", "10个", 10, 10) for k in range(3)]
    f, _ = check_form(form(*rows()), national())
    assert [(x.code, x.severity) for x in f if x.code == "CATEGORY_MISSING"] == [("CATEGORY_MISSING", "info")]
    assert "成本指标" in f[[x.code for x in f].index("CATEGORY_MISSING")].message.render()
    with_cost = form(*rows(), ind("项目总成本", "≤90万元", "88万元", 10, 10, level2="成本指标"))
    assert not [x for x in check_form(with_cost, national())[0] if x.code == "CATEGORY_MISSING"]
    old = form(*rows())
    old.year = 2020
    assert not [x for x in check_form(old, national())[0] if x.code == "CATEGORY_MISSING"]
    rubric = form(*rows(), columns=("level1", "level2", "name", "weight", "score"))
    assert not [x for x in check_form(rubric, national())[0] if x.code == "CATEGORY_MISSING"]


def test_the_notes_a_form_prints_choose_its_pack_before_its_units():
    """A form whose notes cite 广西壮族自治区's rules is judged under the Guangxi pack even where
    its units name no place of the region; the national pack otherwise."""
    f0 = form(ind("培训人次", "≥100人次", "140人次", 10, 10), department="某市人社局",
              notes="注：按《广西壮族自治区项目支出绩效自评办法》填报。")
    _, rec = check_form(f0, national())
    assert rec["review_pack"]["id"] == "guangxi" and "广西壮族自治区" in rec["review_pack"]["why"]
    _, rec = check_form(form(ind("培训人次", "≥100人次", "140人次", 10, 10), department="某市人社局"), national())
    assert rec["review_pack"]["id"] == "national"
