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
   not reported against the form: it becomes ``LOW_CONFIDENCE`` on that figure; so does
   what one character lost or added to one figure (``'8.6'`` for 98.6, ``'2'`` for 20)
   would clear together with another failing check, and what leans on a figure so doubted.

So an error on a scanned form rests only on figures read with high confidence and
consistent with the rest of the form.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass

from normalize.schema import BudgetLine, Form
from normalize.values import parse_number

from .check import Checker, Finding, slips as _slips
from extract.messages import N_, doubt_msg
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


def audit_form(form: Form, rules: RuleSet, packs=None, region: str | None = None) -> Audit:
    """The checks on one form; on an OCR'd form, its arithmetic reconciled with its OCR first;
    then, on the form as finally read, the reviewer's rulebook (``score.review``)."""
    c = Checker(form, rules)
    a = Audit(form, c.run(), c.recomputed)
    if form.ocr:
        for _ in range(int(rules.confidence["max_corrections"])):
            better = _best_substitution(a, rules)
            if better is None:
                break
            a = better
        a = _doubt(a, rules)
    return reviewed(a, rules, packs, region)


def reviewed(a: Audit, rules: RuleSet, packs=None, region: str | None = None) -> Audit:
    """An audit with the review rules' findings added and the pack applied in its mapping."""
    from .review import review
    c = Checker(a.form, rules)
    c.findings, c.recomputed = list(a.findings), a.recomputed
    c.recomputed["review_pack"] = review(c, packs, region)
    return Audit(a.form, c.findings, c.recomputed)


def _is_accusing(f: Finding) -> bool:
    return f.code in ARITHMETIC and f.severity in ("error", "warning")


def _accusing(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if _is_accusing(f)]


def _key(f: Finding) -> tuple:
    """A failing check, told apart across readings: its code and row; a failing check
    reported as a review flag (``fails``) also by the cell it doubts."""
    return (f.code, f.indicator, *(_evidence_spot(e) for e in f.evidence if not e.get("context"))) if f.fails \
        else (f.code, f.indicator)


def _keys(findings: list[Finding]) -> set:
    """Every failing check: the accusing findings and the review flags that are failing checks."""
    return {_key(f) for f in findings if _is_accusing(f) or f.fails}


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
    f = copy.copy(form)
    f.texts = dict(form.texts)
    if where[0] == "form":
        f.declared_total, f.texts[role] = value, text
        return f
    row = _own_row(f, where)
    if isinstance(row, BudgetLine):
        row.set_figure(role, value, text, row.cells.get(role), "%" in text)
    else:
        setattr(row, "score_declared" if role == "score" else role, value)
        row.texts[role] = text
    return f


def _own_row(f: Form, where: tuple):
    """The row at ``where`` in a shallow copy of a form, made its own (the copy's other
    rows are the original's: a checker reads a form and changes nothing in it, and a
    deep copy per reading tried was a tenth of a scanned page's time)."""
    if where[0] == "goal":
        row = f.goal = copy.copy(f.goal)
    else:
        rows = list(getattr(f, where[0]))
        row = rows[where[1]] = copy.copy(rows[where[1]])
        setattr(f, where[0], rows)
    row.texts, row.cells = dict(row.texts), dict(row.cells)
    return row


def _breaks_nothing(form: Form, where: tuple, before: set, after: set) -> bool:
    """A changed reading raises no failing check that did not fail before, but on its own
    row, where a check the failing one pre-empted may now speak (score ≤ weight holds,
    the score is judged)."""
    row = getattr(getattr(form, where[0])[where[1]], "name", None) if where[0] == "indicators" else None
    return all(k[1] is not None and k[1] == row for k in after - before)


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
            # it must clear something and break nothing elsewhere
            if len(after) >= len(before) or not _breaks_nothing(f, where, before, after):
                continue
            tried.append((len(before) - len(after), cell, text, new, Audit(f, findings, c.recomputed)))
    if not tried:
        return None
    tried.sort(key=lambda t: -t[0])
    if len(tried) > 1 and tried[1][0] == tried[0][0]:
        return None                 # two readings fit as well: not the arithmetic's to choose
    _, cell, old, new, out = tried[0]
    note = Finding("OCR_CORRECTED", "info",
                   N_("OCR read {old!r} (confidence {confidence:.2f}); the form's arithmetic holds only "
                      "with {new!r}, one look-alike digit apart, so {new!r} is used",
                      old=old, confidence=cell.confidence, new=new),
                   declared=parse_number(old), expected=parse_number(new),
                   evidence=[{**cell.provenance(), "text": old, "corrected": new}])
    out.findings = [*(f for f in a.findings if f.code == "OCR_CORRECTED"), note, *out.findings]
    return out


def _doubt(a: Audit, rules: RuleSet) -> Audit:
    """A failing check that compares a figure OCR read below ``ocr_high``, or a figure one
    character lost or added from a reading that makes it and another failing check hold
    (``_slipped``), accuses no one: it becomes LOW_CONFIDENCE on that figure.  A failing
    check that leans on a figure so put in doubt (a score above a weight whose digit was
    lost) is not reported either."""
    high = float(rules.confidence["ocr_high"])
    why: dict[int, list] = {}
    runs: dict = {}             # (figure, reading) -> the failing checks then: shared by the findings
    for n, f in enumerate(a.findings):
        if not _is_accusing(f):
            continue
        low = [(e, N_("which OCR read in doubt ({doubt})", doubt=doubt_msg(e['doubt'])) if e.get("doubt") else
                N_("which OCR read with confidence {confidence:.2f} (< {high})", confidence=e['confidence'], high=high))
               for e in f.evidence
               if not e.get("context") and e.get("confidence") is not None and (e.get("doubt") or e["confidence"] < high)]
        why[n] = low or _slipped(a, f, rules, runs)
    doubted = {_evidence_spot(e): because for reasons in why.values() for e, because, *_ in reasons}
    # the failing checks a slipped reading clears are explained by it too (a total whose
    # part lost its last digit), wherever their evidence lies
    explained = {k: r[0] for reasons in why.values() for r in reasons if len(r) > 2 for k in r[2]}

    def leaning(f: Finding) -> list:
        """The doubted figure an accusing finding rests on though its own figures are sure."""
        e = next((e for e in f.evidence if _evidence_spot(e) in doubted), None) or explained.get((f.code, f.indicator))
        return [] if e is None else [({k: v for k, v in e.items() if k != "context"}, doubted[_evidence_spot(e)])]

    out, flagged, folded = [], {}, []
    for n, f in enumerate(a.findings):
        if f.fails and _key(f) in explained:
            folded.append((explained[_key(f)], f))      # a failing review flag the slip explains
            continue
        reasons = (why[n] or leaning(f)) if n in why else []
        if not reasons:
            out.append(f)
            continue
        for e, because, *_ in reasons:
            key = _evidence_spot(e)
            if key in flagged:
                flagged[key].message = N_("{message}; nor {code} ({also})", message=flagged[key].message,
                                          code=f.code, also=f.message)
                continue
            flagged[key] = Finding("LOW_CONFIDENCE", rules.severity["low_confidence"],
                                   N_("{code} not reported: it rests on {place}: {text!r}, {because}; check this "
                                      "figure by eye ({message})", code=f.code, place=e.get('place') or N_("a cell"),
                                      text=e.get('text'), because=because, message=f.message), f.indicator, evidence=[e])
            out.append(flagged[key])
    for e, f in folded:
        host = flagged.get(_evidence_spot(e))
        if host is None:
            out.append(f)                   # nothing took its place: it stays as it was
        else:
            host.message = N_("{message}; nor the flag on {also}", message=host.message, also=f.message)
    a.findings = out
    return a


def _evidence_spot(e: dict) -> tuple:
    return e.get("page"), tuple(round(v, 1) for v in e.get("bbox") or ())


def _slipped(a: Audit, f: Finding, rules: RuleSet, runs: dict) -> list[tuple[dict, str, set]]:
    """The OCR'd figure this failing check compares for which a reading one slip away
    makes it hold, breaking none that held, and no other figure's such reading does as much:
    [(evidence, why, the failing checks it clears)].  A slip of one character (lost or
    added) is only taken where it clears at least one more failing check: one character
    fits some sum by chance.  A decimal point lost or added ('36' for 3.6) may clear this
    check alone where the form then holds with no check failing anew, its own row's
    included: a figure ten times too large or small meets an equality only by that slip;
    for a score above its weight (an inequality, which any small figure meets, and which
    kept its row's own check from speaking) only where the reading is at least
    ``point_slip_ratio`` times its weight, more than any form claims.  ``runs`` keeps the checks' outcome per reading tried."""
    spots = {_evidence_spot(e): e for e in f.evidence if not e.get("context") and e.get("confidence") is not None}
    if not spots:
        return []
    before = _keys(a.findings)
    best: list = []             # (how many checks cleared, evidence, reading, those checks, a point slip)
    for where, role, cell, text in _figures(a.form):
        e = spots.get(_spot(cell)) if cell is not None and cell.bbox and text else None
        if e is None:
            continue
        tried = {parse_number(text), None}
        for new in _slips(text):
            if parse_number(new) in tried:
                continue            # ('5' and '5.0' from '50' are one reading)
            tried.add(parse_number(new))
            if (where, role, new) not in runs:
                g = _substituted(a.form, where, role, new)
                runs[(where, role, new)] = (g, _keys(Checker(g, rules).run()) if g is not None else before)
            g, after = runs[(where, role, new)]
            if g is None or _key(f) in after or not _breaks_nothing(g, where, before, after):
                continue
            # a point slip alone must make the form hold: no check failing after it that did
            # not before, not even on its own row (a score made small enough to clear an
            # over-claim is then an under-claim: the slip explains nothing); but a score above
            # its weight pre-empts its row's own check, which may then speak
            holds = after <= before or f.code == "SCORE_EXCEEDS_WEIGHT"
            best.append((len(before - after), e, new, before - after, _point_slip(text, new) and holds))
    best.sort(key=lambda b: -b[0])
    if best and best[0][0] >= 2 and not (len(best) > 1 and best[1][0] == best[0][0]):
        cleared, e, new, keys, _ = best[0]
        return [(e, N_("which one character lost or added by OCR would make {new!r}, a reading with which "
                       "{cleared} of the form's failing checks hold", new=new, cleared=cleared), keys)]
    points = [b for b in best if b[4]]
    ratio = float(rules.confidence["point_slip_ratio"])
    if not points or len({_evidence_spot(b[1]) for b in points}) > 1 or f.code == "SCORE_EXCEEDS_WEIGHT" and not (
            f.declared is not None and f.expected and f.declared >= ratio * f.expected):
        return []
    _, e, new, keys, _ = points[0]
    return [(e, N_("which a decimal point lost or added by OCR would make {new!r}, a reading with which this "
                   "check holds", new=new), keys)]


def _point_slip(old: str, new: str) -> bool:
    """Two readings of one figure that differ only by where (or whether) a point stands."""
    a, b = "".join(old.split()), "".join(new.split())
    return a != b and a.replace(".", "") == b.replace(".", "") and abs(a.count(".") - b.count(".")) <= 1
