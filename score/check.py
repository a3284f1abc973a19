"""Recompute every figure of a form under its rule set and report each discrepancy."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from extract.grid import INKED_UNREAD
from normalize.schema import BudgetLine, Form, Indicator
from normalize.values import decimals, is_blank, parse_number

from .codes import registry
from extract.messages import Msg, N_, doubt_msg
from .sums import TableSums, inked_unread
from .indicator_checks import IndicatorChecks
from .rules import RuleSet

EPS = 1e-9


@dataclass
class Finding:
    code: str
    severity: str
    message: Msg
    indicator: str | None = None
    declared: float | None = None
    expected: float | None = None
    evidence: list = field(default_factory=list)   # provenance of the cells involved
    # a failing check of the form's own arithmetic, reported as a review flag on the OCR'd
    # figure it doubts (a total below its parts): score/reconcile weighs it like any failing check
    fails: bool = False
    source: str | None = None       # a review rule's source document (score/review_packs)

    def __post_init__(self):
        if self.code not in registry():         # a code nobody can look up is a bug, found by any test
            raise ValueError(f"finding code {self.code!r} is not in score/codes.toml")

    def to_dict(self, form: Form) -> dict:
        return {"path": form.path, "form_index": form.form_index, "project_name": form.project_name,
                "code": self.code, "severity": self.severity, "indicator": self.indicator,
                "declared": self.declared, "expected": self.expected, "message": self.message.render(),
                "message_id": self.message.to_dict(),
                "sha256": form.sha256, "evidence": [_plain(e) for e in self.evidence],
                **({"source": self.source} if self.source else {})}


def _plain(e: dict) -> dict:
    """An evidence entry for JSON: its place in English, and as a message for other languages."""
    place = e.get("place")
    return {**e, "place": place.render(), "place_id": place.to_dict()} if isinstance(place, Msg) else e


def precision_of(texts: list[str | None], default: int = 2) -> int:
    ds = [d for d in (decimals(t) for t in texts if t) if d is not None]
    return max(ds) if ds else default


def compare(declared: float, expected: float, precision: int, tolerance: float = 0.5) -> str:
    diff = declared - expected
    if abs(diff) <= EPS:
        return "ok"
    if abs(diff) <= tolerance * 10 ** -precision + EPS:
        return "rounding"
    return "over" if diff > 0 else "under"


class Checker(TableSums, IndicatorChecks):
    def __init__(self, form: Form, rules: RuleSet):
        self.f = form
        self.rules = rules
        self.findings: list[Finding] = []
        self.recomputed: dict = {"budget": [], "indicators": [], "goal": None}
        inds = form.indicators
        # the decimals the form prints its scores with; a score cut from cells run together is
        # no evidence of them (its decimals may be another figure's)
        score_texts = [i.texts.get("score") for i in inds if not i.texts.get("run_together")] + \
            [b.texts.get("score") for b in form.budget_lines]
        score_texts += [form.goal.texts.get("score"), form.texts.get("declared_total")]
        self.p = precision_of(score_texts, default=rules.rounding["default_decimals"])
        self.flagged: set = set()
        self.sev = rules.severity
        self.low_confidence = rules.confidence["ocr_low"]
        self.role_of = self._roles()

    def compare(self, declared: float, expected: float, precision: int | None = None) -> str:
        return compare(declared, expected, self.p if precision is None else precision,
                       self.rules.rounding["tolerance"])

    # ------------------------------------------------------------ helpers
    def add(self, code, severity, message, indicator=None, declared=None, expected=None, cells=(), fails=False,
            source=None):
        shown = [c for c in cells if c is not None]
        ev = [self._evidence(c) for c in shown]
        ev += [self._evidence(c, context=True) for c in self._context(shown) if all(c is not s for s in shown)]
        self.findings.append(Finding(code, severity, message, indicator, declared,
                                     None if expected is None else round(expected, 4), ev, fails, source))

    def _roles(self) -> dict:
        """Every cell the form was read from: id → (the row it belongs to, its role)."""
        f = self.f
        out = {id(c): (f, role) for role, c in f.cells.items()}
        out.update({id(c): (f, "label." + role) for role, c in f.labels.items()})
        for row in [*f.indicators, *f.budget_lines, f.goal]:
            out.update({id(c): (row, role) for role, c in row.cells.items()})
            out.update({id(c): (row, role) for role, c in getattr(row, "labels", {}).items()})
        return out

    def _evidence(self, c, context: bool = False) -> dict:
        """A cell's provenance with what it shows: its role and text, and whether it is only
        context (the row's label, the weight beside a score, the column's header)."""
        row, role = self.role_of.get(id(c), (None, None))
        prov = c.provenance()
        if role in LABELS and row is not None and prov.get("bbox") and (c.rowspan or 1) > 1:
            band = _band(row, c.page)
            if band is not None:     # a group label merged down many rows: its column, at this row
                prov["bbox"] = [prov["bbox"][0], band[0], prov["bbox"][2], band[1]]
        return {**prov, "role": role, "place": self.place(c), "text": c.text, **({"context": True} if context else {})}

    def _context(self, cells: list) -> list:
        """What a reader needs beside the cells a finding compares: the row's label and group
        labels (一级/二级), its weight and score, and each column's header."""
        out = []
        for c in cells:
            row, role = self.role_of.get(id(c), (None, None))
            if row is self.f:               # a form's field: its printed label ('总分', '自评得分')
                label = self.f.labels.get(role)
                if label is not None and label.clean:
                    out.append(label)
                continue
            if row is None:
                continue
            section = _section(row)
            out += [c for r, c in getattr(row, "labels", {}).items() if c is not None and c.clean]
            for r in ("name", "weight", "score"):
                if row.cells.get(r) is not None:
                    out.append(row.cells[r])
            for r in dict.fromkeys((role, "level1", "level2", "name", "weight", "score")) if section else ():   # in order
                head = self.f.cells.get(f"head.{section}.{r}")
                if head is not None:
                    out.append(head)
        seen = set()
        return [c for c in out if not (id(c) in seen or seen.add(id(c)))]

    def judge(self, code: str, declared: float, expected: float, what: str, indicator=None, cells=(),
              precision=None, expected_alt: float | None = None, over: str | None = None) -> str:
        p = self.p if precision is None else precision
        verdict = self.compare(declared, expected, p)
        if verdict in ("over", "under") and expected_alt is not None:
            alt = self.compare(declared, expected_alt, p)
            if alt in ("ok", "rounding"):
                verdict = "rounding"
        shown = round(expected, max(p, 2))
        if verdict == "rounding":
            self.add("ROUNDING", "info", N_("{what}: declared {declared:g}, recomputed {expected:.4f}; "
                                            "the difference is within the form's rounding ({p} decimals)",
                                            what=what, declared=declared, expected=expected, p=p),
                     indicator, declared, shown, cells)
        elif verdict == "over":
            self.add(code, over or self.sev["over_claim"],
                     N_("{what}: declared {declared:g} but the rules give {shown:g} (over-claim)",
                        what=what, declared=declared, shown=shown),
                     indicator, declared, shown, cells)
        elif verdict == "under":
            self.add(code, self.sev["under_claim"],
                     N_("{what}: declared {declared:g} but the rules give {shown:g} (under-claim)",
                        what=what, declared=declared, shown=shown),
                     indicator, declared, shown, cells)
        return verdict

    def exceeds(self, score, weight, what, indicator=None, cells=(), cut_from=None) -> bool:
        if score is not None and weight is not None and score > weight + EPS:
            # (a weight and score the reader cut from one run of digits are a guess: never an accusation)
            sev = self.sev["cut_figures"] if cut_from else self.sev["score_exceeds_weight"]
            shown = N_("{what} (figures cut from '{cut_from}')", what=what, cut_from=cut_from) if cut_from else what
            self.add("SCORE_EXCEEDS_WEIGHT", sev, N_("{what}: score {score:g} is above its weight {weight:g}",
                                                     what=shown, score=score, weight=weight),
                     indicator, score, weight, cells)
            return True
        return False

    def missing(self, what, indicator=None, cells=()):
        if self.doubtful(what, cells, indicator):
            return
        if any(inked_unread(c) for c in cells):
            what = N_("{what} (its cell has ink that OCR could not read: check it by eye)", what=what)
        self.add("MISSING_VALUE", self.sev["missing_value"], what, indicator, cells=cells)

    def doubtful(self, what, cells, indicator=None) -> bool:
        """Figures read by OCR with low confidence are flagged for review (LOW_CONFIDENCE)
        and the check that needs them is not run: neither trusted nor zeroed.  A blank or
        dash cell has no figure to doubt."""
        low = [c for c in cells if self.unsure(c) and not is_blank(c.text)]
        if not low:
            return False
        for c in low:
            if id(c) in self.flagged:
                continue
            why = N_(" ({doubt})", doubt=doubt_msg(c.doubt)) if c.doubt else \
                N_(" with confidence {confidence:.2f} (< {low})", confidence=c.confidence, low=self.low_confidence)
            self.review(what, c, why, indicator)
        return True

    def unsure(self, c) -> bool:
        """An OCR'd cell not to be trusted: read in doubt (its reason), or below ``ocr_low``."""
        return c is not None and (c.doubt is not None or c.confidence is not None and c.confidence < self.low_confidence)

    def unsigned(self, ind) -> bool:
        """A target printed apart from its sign (a 指标性质 column: '≤' | '819.38' | '万元')
        whose sign cell OCR found ink in but read nothing from: the target is known without
        its direction, so it is flagged for review, the sign's cell and the figure's as
        evidence, and no check runs on it."""
        op, target = ind.cells.get("target_op"), ind.cells.get("target")
        if op is None or target is None or INKED_UNREAD not in (op.doubt or "") or not is_blank(op.text) \
                or parse_number(ind.texts.get("target") or "") is None or id(target) in self.flagged:
            return False
        self.flagged.update((id(op), id(target)))
        self.add("LOW_CONFIDENCE", self.sev["low_confidence"],
                 N_("indicator {name}: {place}: the target's sign has ink that OCR could not read, so the "
                    "target {target!r} is read without it; check its sign by eye",
                    name=ind.name, place=self.place(op), target=ind.target), ind.name, cells=[op, target])
        return True

    def impossible(self, what, cells, indicator=None) -> bool:
        """An OCR'd weight or score above the form's full marks is no reading of it ('1945'
        for 10.45, its point and a digit lost; '1010' for two cells' 10 and 10 run together
        where a ruling was not seen): flagged for review, and no check runs on it."""
        bad = [c for c in cells if c is not None and c.confidence is not None
               and (parse_number(c.text) or 0) > self.rules.full_marks + EPS]
        for c in bad:
            if id(c) not in self.flagged:
                self.review(what, c, N_(", more than the form's full marks ({full:g})", full=self.rules.full_marks),
                            indicator)
        return bool(bad)

    def review(self, what: Msg, c, why: Msg, indicator=None, fails: bool = False) -> None:
        """An OCR'd figure flagged for a person to look at (LOW_CONFIDENCE), saying where it
        is and why its reading is in doubt; no check runs on it after.  ``fails``: the doubt
        is a check of the form's arithmetic that fails with this reading."""
        self.flagged.add(id(c))
        self.add("LOW_CONFIDENCE", self.sev["low_confidence"],
                 (N_("{what}: {place}: OCR read {text!r}{why}; check this figure by eye", what=what,
                     place=self.place(c), text=c.clean, why=why) if c.confidence is not None else
                  N_("{what}: {place}: read {text!r}{why}; check this figure by eye", what=what,
                     place=self.place(c), text=c.clean, why=why)), indicator, cells=[c], fails=fails)

    def place(self, c) -> Msg:
        """Where a cell sits, in the form's own words: its column's header and page, row, column."""
        row, role = self.role_of.get(id(c), (None, None))
        section = _section(row)
        head = self.f.cells.get(f"head.{section}.{role}") if section else None
        at = {"page": c.page, "row": c.row + 1, "col": c.col + 1}
        if head is not None and head.clean:
            return N_("column {head!r} (page {page}, row {row}, column {col})", head=head.clean, **at)
        if role:
            return N_("the {role} cell (page {page}, row {row}, column {col})", role=N_(role), **at)
        return N_("a cell (page {page}, row {row}, column {col})", **at)

    # ------------------------------------------------------------ checks
    def run(self) -> list[Finding]:
        self.unit()
        start = len(self.findings)
        self.budget()
        self._budget_on_run_together(self.findings[start:])
        self.goal()
        for ind in self.f.indicators:
            self.indicator(ind)
        start = len(self.findings)
        self.weights()
        self.total()
        self._sums_on_run_together(self.findings[start:])
        return self.findings

    def unit(self):
        f = self.f
        if f.unit_declared and f.unit_used and f.unit_declared != f.unit_used:
            self.add("UNIT_INCONSISTENT", self.sev["unit_inconsistent"],
                     N_("budget block is labelled {declared} but its figures are in {used}: {evidence}",
                        declared=f.unit_declared, used=f.unit_used, evidence=f.unit_evidence),
                     cells=[c for b in f.budget_lines[:1] for c in b.cells.values()])

    def primary_budget_line(self):
        lines = self.f.budget_lines
        return next((b for b in lines if b.kind == "total"), lines[0] if lines else None)

    def budget(self):
        f = self.f
        if f.texts.get("budget_unread"):
            self.add("EXTRACTION_INCOMPLETE", self.sev["extraction_incomplete"],
                     N_("budget line(s) printed with their figures run together, which no cut fits the line's "
                        "arithmetic, were not read: {lines}", lines=f.texts['budget_unread']))
        primary = self.primary_budget_line()
        if primary is None:
            if "form_start" in f.texts:
                # the text starts at the indicator table: the budget block is not in it to read
                self.incomplete(N_("the text starts at the form's indicator table: its header, budget block and "
                                   "overall goal printed before it are not in the text, so they were not checked"))
            elif not self.rubric():
                self.missing(N_("no budget execution block could be read"))
            return
        self.lone_fund_line(primary)
        for b in f.budget_lines:
            rec = {"kind": b.kind, "rate": None, "score": None}
            self.recomputed["budget"].append(rec)          # one per line, in order
            has_claim = b.rate_declared is not None or b.score_declared is not None
            if b.adjusted is None and b.executed is None and not has_claim:
                continue
            what = N_("budget line {label}", label=b.label)
            if self.doubtful(what, [b.cells.get(k) for k in ("adjusted", "executed", "rate", "score", "weight")]):
                continue
            if any(id(c) in self.flagged for c in b.cells.values() if c is not None):
                continue            # a reading flagged for review: no check on it
            if b.adjusted is None or b.executed is None:
                if has_claim or b is primary:
                    self.missing(N_("{what}: budget figure is blank or unreadable, the execution rate cannot be "
                                    "checked", what=what) if b.adjusted is None else
                                 N_("{what}: executed figure is blank or unreadable, the execution rate cannot be "
                                    "checked", what=what),
                                 cells=list(b.cells.values()))
                continue
            adjusted, executed = b.adjusted, b.executed
            parts = [x for x in f.budget_lines if x is not b and x.adjusted and x.executed is not None]
            if b is primary and b.kind == "total" and adjusted == 0 and executed == 0 and parts:
                # a total line printed as zeros over sub-lines that hold the money: the total is theirs
                adjusted, executed = sum(x.adjusted for x in parts), sum(x.executed for x in parts)
                what = N_("{what} (printed as 0; its lines {lines} sum to {adjusted:g} / {executed:g})", what=what,
                          lines="、".join(x.label for x in parts), adjusted=adjusted, executed=executed)
            if adjusted == 0:
                if has_claim:
                    self.missing(N_("{what}: budget figure is 0, no execution rate", what=what),
                                 cells=list(b.cells.values()))
                continue
            rate = executed / adjusted
            rec["rate"] = rate
            rp = precision_of([b.texts.get("rate")], 2)
            rate_p = rp + 2 if "%" in (b.texts.get("rate") or "%") else rp
            rate_verdict = "ok"
            if b.rate_declared is not None:
                cut = math.floor(rate * 10 ** rate_p + EPS) / 10 ** rate_p \
                    if self.rules.rounding["truncated_rates"] and math.isfinite(rate * 10 ** rate_p) else None
                rate_verdict = self.judge("BUDGET_RATE_MISMATCH", b.rate_declared, rate, N_("{what} 执行率", what=what), cells=[
                    b.cells.get("rate"), b.cells.get("adjusted"), b.cells.get("executed")], precision=rate_p,
                    expected_alt=cut)
            weight = b.weight if b.weight is not None else (f.section_weights.get("budget") or self.rules.budget_weight)
            if b.score_declared is None:
                if b is primary and not self.unscored("budget"):
                    self.missing(N_("{what}: budget score is blank or unreadable", what=what),
                                 cells=list(b.cells.values()))
                continue
            if weight is None:
                self.missing(N_("{what}: budget weight unknown", what=what), cells=list(b.cells.values()))
                continue
            expected = weight * min(rate, 1.0) if self.rules.score_cap else weight * rate
            rec["score"] = expected
            if self.exceeds(b.score_declared, weight, what, cells=[b.cells.get("score")]):
                continue
            # the score may follow the rate as printed when that rate is itself right (rounded)
            alt = weight * min(b.rate_declared, 1.0) if b.rate_declared is not None and \
                rate_verdict in ("ok", "rounding") else None
            self.judge("BUDGET_SCORE_MISMATCH", b.score_declared, expected, N_("{what} score (weight × 执行率)", what=what),
                       cells=[b.cells.get("score"), b.cells.get("rate")], expected_alt=alt)

    def lone_fund_line(self, total) -> None:
        """On an OCR'd form, the one fund line printed under the total (其中：当年财政拨款,
        the others blank) holds the total's money.  Where its figure is one character lost
        or added from the total's ('767190' under 7671900: the last '0' wrapped onto a line
        of its own in a narrow column and not read), one of the two readings is wrong: the
        one the total's declared 执行率 does not confirm is flagged for review (both, when
        the rate does not tell)."""
        if total is None or total.kind != "total":
            return
        parts = [b for b in self.f.budget_lines if b.kind in ("fiscal", "carryover", "other")]
        for role in ("initial", "adjusted", "executed"):
            filled = [b for b in parts if getattr(b, role)]
            if len(filled) != 1 or getattr(filled[0], role) == getattr(total, role):
                continue
            part = filled[0]
            pc, tc = part.cells.get(role), total.cells.get(role)
            pt, tt = ("".join((x.texts.get(role) or "").split()) for x in (part, total))
            if pc is None or tc is None or pc.confidence is None or not pt or not tt \
                    or (pt not in slips(tt) and tt not in slips(pt)):
                continue
            rate_holds = total.rate_declared is not None and bool(total.adjusted) and total.executed is not None \
                and self.compare(total.rate_declared, total.executed / total.adjusted, 4) in ("ok", "rounding")
            for c, other in ((pc, tt), (tc, pt))[:1 if rate_holds else 2]:
                if id(c) not in self.flagged:
                    self.review(N_("budget line {label} ({role})", label=part.label if c is pc else total.label,
                                   role=N_(role)), c,
                                N_(", one character from the total line's {other!r} it should equal", other=other)
                                if c is pc else
                                N_(", one character from the {label} line's {other!r} it should equal",
                                   label=part.label, other=other), None)

    def goal(self):
        g = self.f.goal
        weight = g.weight if g.weight is not None else self.f.section_weights.get("goal")
        if weight is None:
            return
        if self.doubtful(N_("overall goal (总体目标)"), [g.cells.get("score")]):
            return
        if g.score_declared is None:
            self.missing(N_("overall goal (总体目标) score is blank or unreadable"), cells=list(g.cells.values()))
            return
        if self.exceeds(g.score_declared, weight, N_("overall goal score"), cells=[g.cells.get("score")]):
            return
        self.qualitative_band(g.score_declared, weight, g.actual, g.target, N_("overall goal (总体目标)"), None,
                              [g.cells.get("score"), g.cells.get("actual")])

SLIPS = "0123456789"          # digits OCR drops at a figure's ends ('98.6' read '8.6', '9.44' read '9.4')


def slips(text: str):
    """Readings one character lost or added away: a character dropped anywhere, a digit at
    either end, a decimal point anywhere ('7.6' read '76')."""
    t = "".join(text.split())
    yield from dict.fromkeys([*(t[:k] + t[k + 1:] for k in range(len(t))),
                              *(t[:k] + "." + t[k:] for k in range(1, len(t))),
                              *(e for ch in SLIPS for e in (ch + t, t + ch))])


LABELS = ("label", "level1", "level2")      # a row's label cells (BudgetLine/Indicator.labels)


def _band(row, page) -> tuple[float, float] | None:
    """The vertical extent of a row's own cells on ``page``."""
    boxes = [c.bbox for c in row.cells.values() if c is not None and c.bbox is not None and c.page == page]
    return (min(b[1] for b in boxes), max(b[3] for b in boxes)) if boxes else None


def _section(row) -> str | None:
    """The table section a row was read in, as the header cells are keyed (head.<section>.<role>)."""
    return "indicators" if isinstance(row, Indicator) else "budget" if isinstance(row, BudgetLine) else None


def check_form(form: Form, rules: RuleSet, packs=None) -> tuple[list[Finding], dict]:
    """The form's arithmetic checked under its rule set, then the reviewer's rulebook
    (``score.review``: judgements, never errors) under the pack chosen for it."""
    from .reconcile import Audit, reviewed
    c = Checker(form, rules)
    a = reviewed(Audit(form, c.run(), c.recomputed), rules, packs)
    return a.findings, a.recomputed
