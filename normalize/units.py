"""Which money unit the budget figures are really in.

The unit printed in the budget label is sometimes wrong (seed 000 prints 万元 over figures
in 元).  The first witness is the form itself: a money amount written with its unit in an
indicator (a cost cap such as ``912.216万元``) that equals a budget figure under one unit
and not the other.  Failing that, magnitudes: a project budget of 十亿元 or more in a
万元 column is a 元 column, and small decimals in a 元 column are 万元.
"""
from __future__ import annotations

from extract.messages import N_

from .values import money_amounts

FACTORS = {"元": 1.0, "千元": 1e3, "万元": 1e4, "亿元": 1e8}


def resolve_unit(form) -> tuple[str | None, str]:
    """Returns (unit_used, evidence) and converts the budget figures to yuan in place;
    unit_used is None when no unit is printed and no money figure was read."""
    declared = form.unit_declared
    figures = [v for line in form.budget_lines for v in (line.initial, line.adjusted, line.executed)
               if v is not None]
    mentions = []
    for ind in form.indicators:
        for text in (ind.name, ind.target, ind.actual):
            mentions.extend(money_amounts(text))
    for text in (form.goal.target, form.goal.actual):
        mentions.extend(money_amounts(text))
    used, evidence = declared, "as printed"
    if figures:
        order = [declared] if declared else []
        order += [u for u in ("万元", "元") if u not in order]
        matched = [u for u in order if any(abs(fig * FACTORS[u] - m) <= 0.005 * m
                                           for fig in figures for m in mentions if m > 0)]
        big = max(figures)
        if matched:
            used = matched[0]
            if used != declared:
                m = next(m for m in mentions for fig in figures if abs(fig * FACTORS[used] - m) <= 0.005 * m)
                evidence = N_("an indicator states {m:,.2f} 元, which equals a budget figure read in {used}", m=m,
                              used=used)
        elif declared == "万元" and big >= 1e5:
            used, evidence = "元", N_("a budget of {big:,.0f} 万元 (≥ 十亿元) is implausible; the figures are in 元", big=big)
        elif declared == "元" and big < 1e4 and any(v != int(v) for v in figures):
            used, evidence = "万元", N_("budget figures such as {big} with decimals are implausible in 元", big=big)
        elif declared is None:
            used = "元" if big >= 1e5 else "万元"
            evidence = N_("no unit printed; judged by magnitude")
    if used is None and figures:
        used = "万元"
    factor = FACTORS.get(used or "", 1.0)
    for line in form.budget_lines:
        for attr in ("initial", "adjusted", "executed"):
            v = getattr(line, attr)
            if v is not None:
                setattr(line, attr, round(v * factor, 2))
    form.unit_used = used
    return used, evidence
