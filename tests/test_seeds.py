"""The five real seed forms: every printed figure extracted, every discrepancy found.

Arithmetic worked by hand from each form's printed rules:

Seed 000 (2019, rules: 注1-4, budget weight 10, two decimals):
  budget 9090720 / 9122160 = 0.996553 → 99.66% ✓ (rounding), 10 × 0.996553 = 9.9655 → 9.97 ✓ (rounding)
  label says 万元 but 912.216万元 (cost indicator) = 9122160 元 → UNIT_INCONSISTENT, unit used 元
  1100余名 target, 1085 actual: 1085/1100 × 5 = 4.93 < declared 5 → INDICATOR_SCORE_MISMATCH (error)
  6738/6720, 22000/20000, 55万/50万 are above target: capped at the weight, declared = weight ✓
  cost 912.216万元 cap, 909.072万元 spent: reverse, A/B × 2 = 2.007 → capped 2 ✓
  qualitative: 3.6/4, 3.8/4, 4/4, 5/5, 18/20 in 达成 [90%,100%]; 0.8/1, 5.6/7, 5.25/7 in 基本达成 [75%,90%) ✓
  weights: 产出 50 = 5+3+5+4+5+4+1+4+4+4+4+5+2; 效果 40 = 20+7+7+6; 10+50+40 = 100 ✓
  total: 9.97 + 48.6 + 34.85 = 93.42 ✓
Seed 004 (2021, rules: 备注1-4, budget 20, goal 20, indicators 60 → 10 per 二级指标, integers):
  form 0: 35.47/35.5 = 0.99915 → 99.92% ✓; 20 × 0.99915 = 19.98 → 20 (rounding);
          工作实效提升率 94/95 × 10 = 9.89 > 9 (under-claim warning); 满意度 84/85 × 10 = 9.88 > 9 (warning)
          total 20+19+40+9+9 = 97 ✓
  form 1: 69.72/84.76 = 0.82256 → 82.26% ✓; 20 × 0.82256 = 16.45 → 16 (rounding);
          预算支出控制率 80/100 × 10 = 8 ✓; 满意度 9.88 > 9 (warning); total 16+16+48+9 = 89 ✓
  form 2: 10-15件/人/日 target, 15件以上 actual: inside the range → 10 ✓; 较高/全 and 5/5 ✓ (5 = 10 split in two);
          满意度 9.88 > 9 (warning); total 20+20+40+5+5+9 = 99 ✓
  form 3: 工作实效提升率 95/95 × 10 = 10 > 9 (warning); total 20+20+40+9+10 = 99 ✓
"""
from conftest import SEEDS, non_info, run

from selfeval.accuracy import accuracy, field_pairs, same

SEED_000 = "000_64df670863fe3938.txt"
SEED_004 = "004_e7bc4ab4e4060ab5.txt"


def test_every_seed_figure_is_extracted(seed_truth):
    for name in (SEED_000, SEED_004):
        res = run(SEEDS / name)
        assert res["error"] is None
        truth = seed_truth[name]
        assert len(res["forms"]) == len(truth)
        for got, want in zip(res["forms"], truth):
            pairs = field_pairs(got, want)
            wrong = [(k, e, g) for k, e, g in pairs if not same(e, g)]
            assert not wrong, f"{name} form {got['source']['form_index']}: {wrong}"
            assert got["rule_set"]["id"] == want["rule_set"]
            assert got["rule_set"]["source"] == "shipped"
            ok, n = accuracy(pairs)
            assert n > 30


def test_seed_000_findings():
    res = run(SEEDS / SEED_000)
    assert non_info(res["findings"]) == [
        (0, "INDICATOR_SCORE_MISMATCH", "error", "5、支持21个街乡镇的约1100余名街巷长开展街巷管理相关工作。", 5.0, 4.93),
        (0, "UNIT_INCONSISTENT", "warning", None, None, None),
    ]
    rounding = [f for f in res["findings"] if f["code"] == "ROUNDING"]
    assert len(rounding) == 4          # rate and score on the total and on the 财政拨款 line
    assert all(f["severity"] == "info" for f in rounding)
    unit = next(f for f in res["findings"] if f["code"] == "UNIT_INCONSISTENT")
    assert "9,122,160" in unit["message"]


def test_seed_004_findings():
    res = run(SEEDS / SEED_004)
    assert non_info(res["findings"]) == sorted([
        (0, "INDICATOR_SCORE_MISMATCH", "warning", "工作实效提升率", 9.0, 9.89),
        (0, "INDICATOR_SCORE_MISMATCH", "warning", "服务对象满意度", 9.0, 9.88),
        (1, "INDICATOR_SCORE_MISMATCH", "warning", "服务对象满意度", 9.0, 9.88),
        (2, "INDICATOR_SCORE_MISMATCH", "warning", "报警群众服务满意度", 9.0, 9.88),
        (3, "INDICATOR_SCORE_MISMATCH", "warning", "工作实效提升率", 9.0, 10.0),
    ])
    rounding = sorted((f["form_index"], f["declared"]) for f in res["findings"] if f["code"] == "ROUNDING")
    assert rounding == [(0, 0.9992), (0, 20.0), (1, 0.8226), (1, 16.0)]
    assert not [f for f in res["findings"] if f["severity"] == "error"]


def test_extract_cli_json_matches_contract(tmp_path):
    import json
    import subprocess
    import sys
    out = subprocess.run([sys.executable, "-m", "selfeval.cli", "extract", str(SEEDS / SEED_004), "--json"],
                         capture_output=True, text=True, check=True)
    forms = json.loads(out.stdout)
    assert len(forms) == 4
    f = forms[0]
    assert set(f) >= {"source", "year", "project_name", "department", "implementing_unit", "declared_total",
                      "budget", "goal", "indicators"}
    assert set(f["source"]) >= {"path", "sha256", "format", "form_index", "pages", "ocr"}
    assert f["source"]["format"] == "txt" and f["source"]["ocr"] is False
    line = f["budget"]["lines"][0]
    assert line == {**line, "kind": "total", "adjusted": 355000.0, "executed": 354700.0,
                    "rate_declared": 0.9992, "weight": 20.0, "score_declared": 20.0}
    assert f["indicators"][0]["weight_inferred"] is True
    assert f["goal"]["score_declared"] == 19


def test_audit_cli_writes_contract_reports(tmp_path):
    import csv
    import json
    import subprocess
    import sys
    out = tmp_path / "out"
    subprocess.run([sys.executable, "-m", "selfeval.cli", "audit", "--no-pdf", "--fail-on", "never", str(SEEDS), "--out", str(out),
                    "--jobs", "1", "--no-html", "--no-xlsx", "--no-pdf"], capture_output=True, text=True, check=True)
    findings = json.loads((out / "findings.json").read_text())
    keys = {"path", "form_index", "project_name", "code", "severity", "indicator", "declared", "expected", "message"}
    assert all(keys <= set(f) for f in findings)
    assert sum(f["severity"] == "error" for f in findings) == 1
    rows = list(csv.DictReader(open(out / "findings.csv", encoding="utf-8-sig")))
    assert len(rows) == len(findings)
    assert findings[0]["severity"] == "error"   # sorted: errors first
