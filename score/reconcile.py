"""A scanned form's own arithmetic as a check on its OCR.

On an OCR'd form a failing sum may be the reader's fault, not the form's: one digit read
as its look-alike (``3.6`` as ``3.0`` under a seal, ``8`` as ``6``).  Before any finding
accuses the form:

1. every single look-alike substitution in an OCR'd figure that a failing check compares
   is tried, and the checks are run again on the form so changed (the checker itself is
   the arithmetic: no second copy of the rules);
2. a substitution that clears failing checks, and breaks none that held elsewhere on the
   form, and is the only one that clears that many, is taken: the figure is corrected and reported as
   ``OCR_CORRECTED`` (info) with both readings;
3. what still fails and compares an OCR'd figure read below ``ocr_high`` confidence is
   not reported against the form: it becomes ``LOW_CONFIDENCE`` on that figure.

So an error on a scanned form rests only on figures read with high confidence and
consistent with the rest of the form.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass

from normalize.schema import BudgetLine, Form
from normalize.values import parse_number

from .check import Checker, Finding
from .rules import RuleSet

ARITHMETIC = {"BUDGET_RATE_MISMATCH", "BUDGET_SCORE_MISMATCH", "INDICATOR_SCORE_MISMATCH",
              "QUALITATIVE_BAND_MISMATCH", "SCORE_EXCEEDS_WEIGHT", "GROUP_WEIGHT_MISMATCH",
              "WEIGHT_TOTAL_MISMATCH", "TOTAL_MISMATCH", "OVER_TARGET_DEDUCTION_MISSING"}
ROLES = ("weight", "score", "adjusted", "executed", "initial", "rate")
REVIEW = ("LOW_CONFIDENCE", "OCR_CORRECTED")      # the codes that ask a person to look at a reading


@dataclass
class Audit:
    form: Form
    findings: list[Finding]
    recomputed: dict


def audit_form(form: Form, rules: RuleSet) -> Audit:
    """The checks on one form; on an OCR'd form, its arithmetic reconciled with its OCR first."""
    c = Checker(form, rules)
    a = Audit(form, c.run(), c.recomputed)
    if not form.ocr:
        return a
    for _ in range(int(rules.confidence["max_corrections"])):
        better = _best_substitution(a, rules)
        if better is None:
            break
        a = better
    return _doubt(a, rules)


def _is_accusing(f: Finding) -> bool:
    return f.code in ARITHMETIC and f.severity in ("error", "warning")


def _accusing(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if _is_accusing(f)]


def _keys(findings: list[Finding]) -> set:
    return {(f.code, f.indicator) for f in _accusing(findings)}


def _figures(form: Form):
    """Every OCR'd figure a check reads: (where, role, cell, text)."""
    for i, ind in enumerate(form.indicators):
        for role in ("weight", "score"):
            yield ("indicators", i), role, ind.cells.get(role), ind.texts.get(role)
    for j, b in enumerate(form.budget_lines):
        for role in ROLES:
            yield ("budget_lines", j), role, b.cells.get(role), b.texts.get(role)
    for role in ("weight", "score"):
        yield ("goal",), role, form.goal.cells.get(role), form.goal.texts.get(role)
    yield ("form",), "declared_total", form.cells.get("declared_total"), form.texts.get("declared_total")


def _compared(findings: list[Finding]) -> set:
    """(page, bbox) of the cells the failing checks compare (not their context)."""
    return {(e.get("page"), tuple(e["bbox"])) for f in _accusing(findings) for e in f.evidence
            if e.get("bbox") and not e.get("context")}


def _spot(cell) -> tuple:
    return cell.page, tuple(round(v, 1) for v in cell.bbox)


def _lookalikes(rules: RuleSet) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for pair in rules.confidence["lookalike_digits"]:
        a, b = pair
        out.setdefault(a, set()).add(b)
        out.setdefault(b, set()).add(a)
    return out


def _variants(text: str, swaps: dict[str, set[str]]):
    for k, ch in enumerate(text):
        for other in sorted(swaps.get(ch, ())):
            yield text[:k] + other + text[k + 1:]


def _substituted(form: Form, where: tuple, role: str, text: str) -> Form | None:
    value = parse_number(text)
    if value is None:
        return None
    f = copy.deepcopy(form)
    if where[0] == "form":
        f.declared_total, f.texts[role] = value, text
        return f
    row = f.goal if where[0] == "goal" else getattr(f, where[0])[where[1]]
    if isinstance(row, BudgetLine):
        row.set_figure(role, value, text, row.cells.get(role), "%" in text)
    else:
        setattr(row, "score_declared" if role == "score" else role, value)
        row.texts[role] = text
    return f


def _best_substitution(a: Audit, rules: RuleSet) -> Audit | None:
    before = _keys(a.findings)
    if not before:
        return None
    spots = _compared(a.findings)
    swaps = _lookalikes(rules)
    tried = []
    for where, role, cell, text in _figures(a.form):
        if cell is None or cell.confidence is None or not cell.bbox or not text or _spot(cell) not in spots:
            continue
        for new in _variants(text, swaps):
            f = _substituted(a.form, where, role, new)
            if f is None:
                continue
            c = Checker(f, rules)
            findings = c.run()
            after = _keys(findings)
            # it must clear something and break nothing elsewhere; on its own row a check the
            # failing one pre-empted may now speak (score ≤ weight holds, the score is judged)
            row = getattr(getattr(f, where[0])[where[1]], "name", None) if where[0] == "indicators" else None
            if len(after) >= len(before) or any(k[1] is None or k[1] != row for k in after - before):
                continue
            tried.append((len(before) - len(after), cell, text, new, Audit(f, findings, c.recomputed)))
    if not tried:
        return None
    tried.sort(key=lambda t: -t[0])
    if len(tried) > 1 and tried[1][0] == tried[0][0]:
        return None                 # two readings fit as well: not the arithmetic's to choose
    _, cell, old, new, out = tried[0]
    note = Finding("OCR_CORRECTED", "info",
                   f"OCR read {old!r} (confidence {cell.confidence:.2f}); the form's arithmetic holds only "
                   f"with {new!r}, one look-alike digit apart, so {new!r} is used",
                   declared=parse_number(old), expected=parse_number(new),
                   evidence=[{**cell.provenance(), "text": old, "corrected": new}])
    out.findings = [*(f for f in a.findings if f.code == "OCR_CORRECTED"), note, *out.findings]
    return out


def _doubt(a: Audit, rules: RuleSet) -> Audit:
    """A failing check that compares a figure OCR read below ``ocr_high`` accuses no one:
    it becomes LOW_CONFIDENCE on that figure."""
    high = float(rules.confidence["ocr_high"])
    out, flagged = [], set()
    for f in a.findings:
        doubtful = [e for e in f.evidence if not e.get("context") and e.get("confidence") is not None
                    and e["confidence"] < high] if _is_accusing(f) else []
        slipped = [] if doubtful or not _is_accusing(f) else \
            [e for e in f.evidence if not e.get("context") and e.get("confidence") is not None
             and _one_slip(e.get("text") or "", f.declared, f.expected)]
        if not doubtful and not slipped:
            out.append(f)
            continue
        for e in doubtful or slipped:
            key = (e.get("page"), tuple(e.get("bbox") or ()))
            if key in flagged:
                continue
            flagged.add(key)
            why = (f"which OCR read with confidence {e['confidence']:.2f} (< {high})" if doubtful else
                   f"which one character lost or added by OCR would make {f.expected:g}, what the form's arithmetic gives")
            out.append(Finding("LOW_CONFIDENCE", rules.severity["low_confidence"],
                               f"{f.code} not reported: it rests on {e.get('place', 'a cell')}: {e.get('text')!r}, {why}; "
                               f"check this figure by eye ({f.message})",
                               f.indicator, evidence=[e]))
    a.findings = out
    return a


SLIPS = "0123456789."         # what OCR drops or adds in a figure: a digit, a decimal point


def _one_slip(text: str, declared, expected) -> bool:
    """The declared figure, as OCR read it, is one character lost or added away from what
    the arithmetic expects ('8.6' for 98.6 under a seal, '76' for 7.6 with its point lost):
    a reading to doubt, not a form to accuse."""
    t = "".join(text.split())
    if declared is None or expected is None or parse_number(t) != declared:
        return False
    scale = 100.0 if "%" in t and abs(declared) > 1.5 and abs(expected) <= 1.5 else 1.0
    # a character dropped anywhere; a digit lost at either end ('98.6' read '8.6', '9.44'
    # read '9.4'), or a decimal point anywhere ('7.6' read '76')
    edits = {t[:k] + t[k + 1:] for k in range(len(t))} | {t[:k] + "." + t[k:] for k in range(1, len(t))} | \
        {e for ch in SLIPS[:-1] for e in (ch + t, t + ch)}
    for e in edits:
        v = parse_number(e) if any(ch.isdigit() for ch in e) else None
        if v is not None and v != declared and abs(v / scale - expected) <= 0.005 + 1e-9:
            return True
    return False
