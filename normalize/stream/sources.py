"""A budget block printed by the money's source: the sources as columns (中央 | 省、地 | 本级 |
其他 | 合计), then what was spent and its rate (执行数 | 执行率), one row of figures under them
(county templates, real forms 14 and 15).

A row's blank cells are gone from a stream, so which source a figure stood under is not
known; the block's own arithmetic says which figures are which: the last a rate, the one
before it what was spent, the one before that the total, and the rest the sources' amounts,
which must sum to the total (and spent / total = the rate).  Then the total is a line and
each source's amount a fiscal line ('其他' an other one only where it is the one named);
otherwise nothing is read from the block and its figures are reported.
"""
from __future__ import annotations

from ..schema import BudgetLine, Form
from .regions import Mapping
from .tokens import Tok, _figure

SOURCES = ("中央", "省、地", "省级", "市级", "县级", "本级", "其他", "自治区", "省")
TOTAL = ("合计",)
TOL = 0.011


def read_by_source(toks: list[Tok], f: Form, rep: Mapping) -> bool:
    """The block read as money by source (the module's rule); False where it is not one."""
    keys = [t.key for t in toks]
    sources = [k for k in keys if k in SOURCES]
    if len(sources) < 2 or not any(k in TOTAL for k in keys):
        return False
    # (its figures after its first column label: in reading order other labels come between)
    first = min(n for n, k in enumerate(keys) if k in SOURCES or k in TOTAL)
    figs = [t for t in toks[first + 1:] if _figure(t)[0]]
    if len(figs) < 4 or "%" not in figs[-1].key or len(figs) - 3 > len(sources):
        rep.unplaced.extend(t.text for t in figs)
        return True
    vals = [_figure(t)[1] for t in figs]
    amounts, total, spent, rate = vals[:-3], vals[-3], vals[-2], vals[-1]
    rate = rate / 100 if rate > 1.5 else rate
    if not total or abs(sum(amounts) - total) > TOL * total or abs(spent / total - rate) > TOL:
        rep.unplaced.append("a budget by source whose figures do not add up: " + " ".join(t.text for t in figs))
        return True
    line = BudgetLine(kind="total", label="合计")
    for role, t in zip(("adjusted", "executed", "rate"), figs[-3:]):
        ok, val, unit = _figure(t)
        line.set_figure(role, val, t.key, t.cell, "%" in t.key)
    f.add_budget_line(line)
    for t, val in zip(figs[:-3], amounts):
        part = BudgetLine(kind="fiscal", label="by source")
        part.set_figure("adjusted", val, t.key, t.cell, False)
        f.add_budget_line(part)
    f.budget_columns = ["adjusted", "executed", "rate"]
    return True
