"""How well a binding of cells to the schema is supported by the form itself.

``quality`` ranks competing readers' bindings: fields found, values of their field's type,
and the form's own arithmetic (executed / budget ≈ rate, score ≤ weight, a sub-line within
its total line, a printed group weight equal to its rows' weights summed, scores summing to
the declared total).  ``consistency`` is the share of the
form's arithmetic claims that hold, the binding's confidence; ``missing`` names what a
complete form would have and this one lacks.
"""
from __future__ import annotations

from .schema import Form

TOL = 0.011


def _claims(f: Form) -> list[bool]:
    """Every arithmetic claim the form makes that its read figures can test."""
    out = []
    for b in f.budget_lines:
        if b.adjusted and b.executed is not None and b.rate_declared is not None:
            out.append(abs(b.executed / b.adjusted - b.rate_declared) <= TOL)
        if b.weight is not None and b.score_declared is not None and (b.adjusted or b.executed) is not None:
            out.append(b.score_declared <= b.weight + 1e-9)
    primary = next((b for b in f.budget_lines if b.kind == "total"), None)
    for b in f.budget_lines:
        if b is primary or primary is None:
            continue
        for fld in ("adjusted", "executed", "weight"):      # a line under the total (其中) is a part of it
            part, whole = getattr(b, fld), getattr(primary, fld)
            if part is not None and whole is not None:
                out.append(part <= whole * (1 + TOL) + 1e-6)
    for i in f.indicators:
        if i.weight is not None and i.score_declared is not None:
            out.append(i.score_declared <= i.weight + 1e-9)
    for group, want in f.group_weights.items():      # a printed group weight is its rows' weights summed
        members = [i.weight for i in f.indicators if i.level1 == group]
        if group and members and None not in members:
            out.append(abs(sum(members) - want) <= 1e-6)
    scores = [i.score_declared for i in f.indicators]
    if f.declared_total is not None and f.indicators and all(s is not None for s in scores):
        parts = sum(scores) + (primary.score_declared or 0 if primary else 0) + (f.goal.score_declared or 0)
        out.append(abs(parts - f.declared_total) <= 0.5)
    return out


def consistency(f: Form) -> float:
    claims = _claims(f)
    return sum(claims) / len(claims) if claims else 0.0


def quality(f: Form) -> float:
    q = sum(1.0 for v in (f.year, f.project_name, f.department, f.implementing_unit, f.declared_total)
            if v is not None)
    for b in f.budget_lines:
        q += 0.5 * sum(v is not None for v in (b.adjusted, b.executed, b.rate_declared, b.score_declared))
        if b.adjusted is None and b.executed is None and (b.rate_declared is not None or b.score_declared is not None):
            q -= 2      # a rate or score with no money figure beside it: figures bound to the wrong columns
    if f.goal.target:
        q += 1
    if f.goal.actual:
        q += 1
    for i in f.indicators:
        unit = i.texts.get("target_unit")
        if unit and (len(unit) > 4 or any(ch.isdigit() for ch in unit)):
            q -= 2      # a figure or a tier in the 度量单位 column: the row's cells shifted
        if i.name and i.weight is not None and i.score_declared is not None and i.score_declared <= i.weight:
            q += 2
        elif i.name and (i.target or i.actual):
            q += 0.5
        else:
            q -= 1
    claims = _claims(f)
    q += 2 * sum(claims) - 3 * (len(claims) - sum(claims))
    return q


def missing(f: Form) -> list[str]:
    out = []
    for fld in ("year", "project_name", "implementing_unit"):
        if getattr(f, fld) is None:
            out.append(fld)
    if not f.budget_lines:
        out.append("budget")
    if not f.indicators:
        out.append("indicators")
    if f.declared_total is None and any(i.score_declared is not None for i in f.indicators):
        out.append("declared_total")
    return out
