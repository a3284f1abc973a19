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
