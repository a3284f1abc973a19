"""Metamorphic tests from the seeds: the same form written another way gives the same form
and the same findings.  Each variant is an edit a real stack shows: a synonym for a column
label, a percent sign set apart from its figure, the whole form flattened onto one line,
every space removed, one cell per line."""
import re

import pytest
from conftest import FIXTURES, SEEDS, run

S0, S4 = "000_64df670863fe3938.txt", "004_e7bc4ab4e4060ab5.txt"

VARIANTS = {
    # a synonym for each kind of column label (budget, target, actual)
    "本年安排数": lambda t: t.replace("预算数", "本年安排数"),
    "计划数": lambda t: t.replace("年度指标值", "计划数"),
    "全年完成数": lambda t: t.replace("实际完成值", "全年完成数"),
    # '100% 100%' printed as '100 % 100 %'
    "percent_apart": lambda t: re.sub(r"(\d)%", r"\1 %", t),
    # the structure gone in three ways
    "one_line": lambda t: re.sub(r"\s+", " ", t),
    "no_spaces": lambda t: re.sub(r"[ \t\u3000]+", "", t),
    "cell_per_line": lambda t: re.sub(r"[ \t\u3000]+", "\n", t),
}
CASES = [pytest.param(seed, name, id=f"{seed[:3]}-{name}")
         for seed in (S0, S4) for name in VARIANTS
         if VARIANTS[name]((SEEDS / seed).read_text(encoding="utf-8")) != (SEEDS / seed).read_text(encoding="utf-8")]


def _projection(res: dict):
    """What must not change: each form's header figures, budget lines, indicators, and the
    findings (ROUNDING aside: a rounding remark depends on how a figure was printed)."""
    forms = []
    for f in res["forms"]:
        forms.append({
            "head": (f["year"], f["project_name"], f["declared_total"]),
            "budget": [(b["kind"], b["adjusted"], b["executed"], b["rate_declared"], b["weight"], b["score_declared"])
                       for b in f["budget"]["lines"]],
            "indicators": [(i["name"], i["target"], i["actual"], i["weight"], i["score_declared"])
                           for i in f["indicators"]],
        })
    findings = sorted((x["form_index"], x["code"], x["indicator"] or "", x["severity"])
                      for x in res["findings"] if x["code"] != "ROUNDING")
    return forms, findings


@pytest.fixture(scope="module")
def baselines():
    return {seed: _projection(run(SEEDS / seed)) for seed in (S0, S4)}


@pytest.mark.parametrize("seed,name", CASES)
def test_a_seed_written_another_way_reads_the_same(tmp_path, baselines, seed, name):
    text = VARIANTS[name]((SEEDS / seed).read_text(encoding="utf-8"))
    p = tmp_path / f"{name}.txt"
    p.write_text(text, encoding="utf-8")
    forms, findings = _projection(run(p))
    want_forms, want_findings = baselines[seed]
    assert forms == want_forms
    assert findings == want_findings


def test_the_baselines_hold_the_seed_findings(baselines):
    # the variants are compared with these: they must be the seeds' own findings (seed 000's
    # one over-claim; seed 004's under-claims, warnings), so that equality means something
    errors = [f for f in baselines[S0][1] if f[3] == "error"]
    assert [e[1] for e in errors] == ["INDICATOR_SCORE_MISMATCH"]
    assert len(baselines[S4][0]) == 4 and not [f for f in baselines[S4][1] if f[3] == "error"]


# The seeds' renderings (docx, xlsx, PDF) printed other ways by fixtures/generate.py
# (seed_variants): figure columns in another order, the budget block transposed, the
# rulings stripped.  Each reads as the seed's own rendering in the same format reads.
RENDERED = FIXTURES / "corpus" / "seeds"
PRINTED = sorted((FIXTURES / "variants").iterdir())


@pytest.mark.parametrize("path", PRINTED, ids=[p.name[:3] + p.name[20:] for p in PRINTED])
def test_a_seed_printed_another_way_reads_the_same(path):
    seed = RENDERED / (path.name[:20] + path.suffix)
    assert _projection(run(path)) == _projection(run(seed))


def test_every_way_of_printing_is_there():
    assert {p.name[21:] for p in PRINTED} >= {"permuted.docx", "permuted.xlsx", "permuted.pdf", "transposed.xlsx",
                                             "transposed.docx", "ruleless.pdf"}


def test_a_transposed_budget_block_is_read_by_its_row_labels():
    # one column per funding source, one row per figure: 100 万元 budgeted (1,000,000 元), 95 spent,
    # 95.00%, 9.5 of 10 points; the 财政拨款 column has no points (—)
    from extract.grid import Document, grid_from_spans
    from normalize import build_forms
    spans = [(0, 0, 1, 1, "项目名称", {}), (0, 1, 1, 3, "某某项目", {}), (1, 0, 6, 1, "项目资金（万元）", {}),
             (1, 2, 1, 1, "年度资金总额", {}), (1, 3, 1, 1, "其中：财政拨款", {})]
    for r, row in enumerate([("全年预算数", "100", "80"), ("全年执行数", "95", "76"), ("执行率", "95.00%", "95.00%"),
                             ("分值", "10", "—"), ("得分", "9.5", "—")], start=2):
        spans += [(r, c, 1, 1, t, {}) for c, t in enumerate(row, start=1)]
    doc = Document(path="inline", format="test", sha256="0", blocks=[grid_from_spans(spans)])
    (form,) = build_forms(doc)
    got = [(b.kind, b.adjusted, b.executed, b.rate_declared, b.weight, b.score_declared) for b in form.budget_lines]
    assert got == [("total", 1e6, 950000, 0.95, 10, 9.5), ("fiscal", 800000, 760000, 0.95, None, None)]
