"""No reader raises on real text, as published or broken the ways real text breaks
(fixtures/textfuzz.py mutates ../shared/real-forms at run time; nothing is committed)."""
import pytest
from conftest import run

from fixtures.textfuzz import REAL, campaign, real_texts

pytestmark = pytest.mark.skipif(not REAL.is_dir(), reason=f"the real forms are not here ({REAL})")


def test_every_real_form_is_read_without_a_fault_of_selfeval():
    """Case 44 (a department-wide rubric) raised TypeError in the header reader: a line
    continuing the declared total, a figure, was joined to it as text."""
    for p in sorted(REAL.glob("*.txt")):
        r = run(p)
        faults = [f for f in r["findings"] if f.get("trace")]
        assert not faults, (p.name, faults[0]["detail"], faults[0]["trace"])


def test_real_text_broken_as_real_text_breaks_raises_in_no_reader():
    res = campaign(150, seed=32, texts=real_texts())
    assert res["sources"] >= 20
    assert res["exceptions"] == 0, {k: (v["n"], v["source"], v["error"]) for k, v in res["kinds"].items()}


def test_column_order_around_a_transfer_budget_is_read_in_place():
    """Real form 41 (a 2022 employment-subsidy transfer, PDF of a spreadsheet): the total
    line's figures stand before its label, the block's label and unit after its lines, the
    local 主管部门 among the budget's cells, a fund label runs on in brackets
    ('其他资金 | (包括以前年度结转资 | 金)'), and the money of four levels of government."""
    f = run(next(REAL.glob("41_*.txt")))["forms"][0]
    assert f["department"] == "巴彦淖尔市临河区财政局"          # 地方主管部门 over 中央主管部门
    assert f["budget"]["unit_declared"] == "万元"
    lines = [(b["kind"], b["adjusted"], b["executed"]) for b in f["budget"]["lines"]]
    # 7165.32 = 3144.00 + 570.17 + 433.00 + 1426.90 + 1591.22 (+0.03 as printed)
    assert ("total", 71653200, 69929500) in lines
    assert [x for x in lines if x[0] != "total"] == [
        ("fiscal", 31440000, 31440000), ("fiscal", 5701700, 5701700), ("fiscal", 4330000, 4321000),
        ("fiscal", 14269000, 12948400), ("other", 15912200, 15518400)]
