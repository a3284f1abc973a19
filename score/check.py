"""Recompute every figure of a form under its rule set and report each discrepancy."""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import regex as re

from extract.grid import INKED_UNREAD
from normalize.schema import BudgetLine, Form, Indicator
from normalize.text import key
from normalize.values import MULTIPLIERS, decimals, is_blank, parse_number, parse_quantity

from .codes import registry
from .rules import RuleSet

EPS = 1e-9


@dataclass
class Finding:
    code: str
    severity: str
    message: str
    indicator: str | None = None
    declared: float | None = None
    expected: float | None = None
    evidence: list = field(default_factory=list)   # provenance of the cells involved
    # a failing check of the form's own arithmetic, reported as a review flag on the OCR'd
    # figure it doubts (a total below its parts): score/reconcile weighs it like any failing check
    fails: bool = False

    def __post_init__(self):
        if self.code not in registry():         # a code nobody can look up is a bug, found by any test
            raise ValueError(f"finding code {self.code!r} is not in score/codes.toml")

    def to_dict(self, form: Form) -> dict:
        return {"path": form.path, "form_index": form.form_index, "project_name": form.project_name,
                "code": self.code, "severity": self.severity, "indicator": self.indicator,
                "declared": self.declared, "expected": self.expected, "message": self.message,
                "sha256": form.sha256, "evidence": self.evidence}


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


class Checker:
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
    def add(self, code, severity, message, indicator=None, declared=None, expected=None, cells=(), fails=False):
        shown = [c for c in cells if c is not None]
        ev = [self._evidence(c) for c in shown]
        ev += [self._evidence(c, context=True) for c in self._context(shown) if all(c is not s for s in shown)]
        self.findings.append(Finding(code, severity, message, indicator, declared,
                                     None if expected is None else round(expected, 4), ev, fails))

    def _roles(self) -> dict:
        """Every cell the form was read from: id → (the row it belongs to, its role)."""
        f = self.f
        out = {id(c): (f, role) for role, c in f.cells.items()}
        for row in [*f.indicators, *f.budget_lines, f.goal]:
            out.update({id(c): (row, role) for role, c in row.cells.items()})
        return out

    def _evidence(self, c, context: bool = False) -> dict:
        """A cell's provenance with what it shows: its role and text, and whether it is only
        context (the row's label, the weight beside a score, the column's header)."""
        role = self.role_of.get(id(c), (None, None))[1]
        return {**c.provenance(), "role": role, "place": self.place(c), "text": c.text, **({"context": True} if context else {})}

    def _context(self, cells: list) -> list:
        """What a reader needs beside the cells a finding compares: the row's label, its weight
        and score, and each column's header."""
        out = []
        for c in cells:
            row, role = self.role_of.get(id(c), (None, None))
            if row is None or row is self.f:
                continue
            section = _section(row)
            for r in ("name", "weight", "score"):
                if row.cells.get(r) is not None:
                    out.append(row.cells[r])
            for r in dict.fromkeys((role, "name", "weight", "score")) if section else ():   # in order
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
            self.add("ROUNDING", "info", f"{what}: declared {declared:g}, recomputed {expected:.4f}; "
                     f"the difference is within the form's rounding ({p} decimals)", indicator,
                     declared, shown, cells)
        elif verdict == "over":
            self.add(code, over or self.sev["over_claim"],
                     f"{what}: declared {declared:g} but the rules give {shown:g} (over-claim)",
                     indicator, declared, shown, cells)
        elif verdict == "under":
            self.add(code, self.sev["under_claim"],
                     f"{what}: declared {declared:g} but the rules give {shown:g} (under-claim)",
                     indicator, declared, shown, cells)
        return verdict

    def exceeds(self, score, weight, what, indicator=None, cells=()) -> bool:
        if score is not None and weight is not None and score > weight + EPS:
            self.add("SCORE_EXCEEDS_WEIGHT", self.sev["score_exceeds_weight"], f"{what}: score {score:g} is above its weight {weight:g}",
                     indicator, score, weight, cells)
            return True
        return False

    def missing(self, what, indicator=None, cells=()):
        if self.doubtful(what, cells, indicator):
            return
        if any(inked_unread(c) for c in cells):
            what += " (its cell has ink that OCR could not read: check it by eye)"
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
            why = f" ({c.doubt})" if c.doubt else f" with confidence {c.confidence:.2f} (< {self.low_confidence})"
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
                 f"indicator {ind.name}: {self.place(op)}: the target's sign has ink that OCR could not read, so the "
                 f"target {ind.target!r} is read without it; check its sign by eye", ind.name, cells=[op, target])
        return True

    def impossible(self, what, cells, indicator=None) -> bool:
        """An OCR'd weight or score above the form's full marks is no reading of it ('1945'
        for 10.45, its point and a digit lost; '1010' for two cells' 10 and 10 run together
        where a ruling was not seen): flagged for review, and no check runs on it."""
        bad = [c for c in cells if c is not None and c.confidence is not None
               and (parse_number(c.text) or 0) > self.rules.full_marks + EPS]
        for c in bad:
            if id(c) not in self.flagged:
                self.review(what, c, f", more than the form's full marks ({self.rules.full_marks:g})", indicator)
        return bool(bad)

    def review(self, what: str, c, why: str, indicator=None, fails: bool = False) -> None:
        """An OCR'd figure flagged for a person to look at (LOW_CONFIDENCE), saying where it
        is and why its reading is in doubt; no check runs on it after.  ``fails``: the doubt
        is a check of the form's arithmetic that fails with this reading."""
        self.flagged.add(id(c))
        self.add("LOW_CONFIDENCE", self.sev["low_confidence"],
                 f"{what}: {self.place(c)}: {'OCR read' if c.confidence is not None else 'read'} {c.clean!r}{why}; "
                 f"check this figure by eye", indicator, cells=[c], fails=fails)

    def place(self, c) -> str:
        """Where a cell sits, in the form's own words: its column's header and page, row, column."""
        row, role = self.role_of.get(id(c), (None, None))
        section = _section(row)
        head = self.f.cells.get(f"head.{section}.{role}") if section else None
        column = f"column {head.clean!r}" if head is not None and head.clean else f"the {role} cell" if role else "a cell"
        return f"{column} (page {c.page}, row {c.row + 1}, column {c.col + 1})"

    # ------------------------------------------------------------ checks
    def run(self) -> list[Finding]:
        self.unit()
        self.budget()
        self.goal()
        for ind in self.f.indicators:
            self.indicator(ind)
        start = len(self.findings)
        self.weights()
        self.total()
        self._sums_on_run_together(self.findings[start:])
        return self.findings

    SUMS = ("WEIGHT_TOTAL_MISMATCH", "TOTAL_MISMATCH", "GROUP_WEIGHT_MISMATCH")

    def _sums_on_run_together(self, found: list) -> None:
        """A sum that fails over rows read from text whose cells ran together accuses no one:
        where each figure ends was worked out, and a figure parted one digit wrong fails the
        sum as surely as a wrong form does (a warning says so; an auditor reads the page)."""
        glued = [i.name for i in self.f.indicators if i.texts.get("run_together")]
        if not glued:
            return
        for fnd in found:
            if fnd.code in self.SUMS and fnd.severity == "error":
                fnd.severity = "warning"
                fnd.message += (f" (the rows' figures were parted from text whose cells ran together, "
                                f"{len(glued)} row(s): check the sum on the page)")

    def unit(self):
        f = self.f
        if f.unit_declared and f.unit_used and f.unit_declared != f.unit_used:
            self.add("UNIT_INCONSISTENT", self.sev["unit_inconsistent"],
                     f"budget block is labelled {f.unit_declared} but its figures are in {f.unit_used}: "
                     f"{f.unit_evidence}",
                     cells=[c for b in f.budget_lines[:1] for c in b.cells.values()])

    def primary_budget_line(self):
        lines = self.f.budget_lines
        return next((b for b in lines if b.kind == "total"), lines[0] if lines else None)

    def budget(self):
        f = self.f
        primary = self.primary_budget_line()
        if primary is None:
            if not self.rubric():
                self.missing("no budget execution block could be read")
            return
        self.lone_fund_line(primary)
        for b in f.budget_lines:
            rec = {"kind": b.kind, "rate": None, "score": None}
            self.recomputed["budget"].append(rec)          # one per line, in order
            has_claim = b.rate_declared is not None or b.score_declared is not None
            if b.adjusted is None and b.executed is None and not has_claim:
                continue
            what = f"budget line {b.label}"
            if self.doubtful(what, [b.cells.get(k) for k in ("adjusted", "executed", "rate", "score", "weight")]):
                continue
            if any(id(c) in self.flagged for c in b.cells.values() if c is not None):
                continue            # a reading flagged for review: no check on it
            if b.adjusted is None or b.executed is None:
                if has_claim or b is primary:
                    self.missing(f"{what}: {'budget' if b.adjusted is None else 'executed'} figure is blank "
                                 f"or unreadable, the execution rate cannot be checked",
                                 cells=list(b.cells.values()))
                continue
            adjusted, executed = b.adjusted, b.executed
            parts = [x for x in f.budget_lines if x is not b and x.adjusted and x.executed is not None]
            if b is primary and b.kind == "total" and adjusted == 0 and executed == 0 and parts:
                # a total line printed as zeros over sub-lines that hold the money: the total is theirs
                adjusted, executed = sum(x.adjusted for x in parts), sum(x.executed for x in parts)
                what += f" (printed as 0; its lines {', '.join(x.label for x in parts)} sum to {adjusted:g} / {executed:g})"
            if adjusted == 0:
                if has_claim:
                    self.missing(f"{what}: budget figure is 0, no execution rate", cells=list(b.cells.values()))
                continue
            rate = executed / adjusted
            rec["rate"] = rate
            rp = precision_of([b.texts.get("rate")], 2)
            rate_p = rp + 2 if "%" in (b.texts.get("rate") or "%") else rp
            rate_verdict = "ok"
            if b.rate_declared is not None:
                cut = math.floor(rate * 10 ** rate_p + EPS) / 10 ** rate_p \
                    if self.rules.rounding["truncated_rates"] and math.isfinite(rate * 10 ** rate_p) else None
                rate_verdict = self.judge("BUDGET_RATE_MISMATCH", b.rate_declared, rate, f"{what} 执行率", cells=[
                    b.cells.get("rate"), b.cells.get("adjusted"), b.cells.get("executed")], precision=rate_p,
                    expected_alt=cut)
            weight = b.weight if b.weight is not None else (f.section_weights.get("budget") or self.rules.budget_weight)
            if b.score_declared is None:
                if b is primary and not self.unscored("budget"):
                    self.missing(f"{what}: budget score is blank or unreadable", cells=list(b.cells.values()))
                continue
            if weight is None:
                self.missing(f"{what}: budget weight unknown", cells=list(b.cells.values()))
                continue
            expected = weight * min(rate, 1.0) if self.rules.score_cap else weight * rate
            rec["score"] = expected
            if self.exceeds(b.score_declared, weight, what, cells=[b.cells.get("score")]):
                continue
            # the score may follow the rate as printed when that rate is itself right (rounded)
            alt = weight * min(b.rate_declared, 1.0) if b.rate_declared is not None and \
                rate_verdict in ("ok", "rounding") else None
            self.judge("BUDGET_SCORE_MISMATCH", b.score_declared, expected, f"{what} score (weight × 执行率)",
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
                    self.review(f"budget line {part.label if c is pc else total.label} ({role})", c,
                                f", one character from the {'total' if c is pc else part.label} line's {other!r} "
                                f"it should equal", None)

    def goal(self):
        g = self.f.goal
        weight = g.weight if g.weight is not None else self.f.section_weights.get("goal")
        if weight is None:
            return
        if self.doubtful("overall goal (总体目标)", [g.cells.get("score")]):
            return
        if g.score_declared is None:
            self.missing("overall goal (总体目标) score is blank or unreadable", cells=list(g.cells.values()))
            return
        if self.exceeds(g.score_declared, weight, "overall goal score", cells=[g.cells.get("score")]):
            return
        self.qualitative_band(g.score_declared, weight, g.actual, g.target, "overall goal (总体目标)", None,
                              [g.cells.get("score"), g.cells.get("actual")])

    def indicator(self, ind: Indicator):
        """One indicator's checks.  A weight worked out, not printed (a template with no weight
        column: its section's points shared equally), accuses only where the working-out is
        sure: what rests on it is a warning that says why where the row's group was read from
        cells run together, where half the scored rows' scores exceed their shares (a weight
        column that was not read), or, for a score above its share, where the score is within
        what its whole 二级 group holds (an unequal split)."""
        start = len(self.findings)
        self._indicator(ind)
        why, codes = self._share_unsure(ind)
        for f in self.findings[start:] if why else ():
            if f.severity == "error" and (codes is None or f.code in codes):
                f.severity = "warning"
                f.message += f" (the weight {ind.weight:g} is worked out{why})"

    def _share_unsure(self, ind: Indicator) -> tuple[str | None, tuple | None]:
        """Why a worked-out weight accuses no one, and which codes that holds for (None: all)."""
        if not ind.weight_inferred:
            return None, None
        if ind.texts.get("run_together"):
            return " over 二级 groups read from cells run together: the row's group, and so its share, is not sure", None
        inferred = [i for i in self.f.indicators if i.weight_inferred]
        if any(i.level2 is None for i in inferred) and any(i.level2 for i in inferred):
            return (" over 二级 groups not all read (a row's 二级 label is missing): the groups' sizes, and so the "
                    "shares, are not sure"), None
        if self._weights_misfit():
            return ", not printed, and half the rows' scores exceed theirs: a weight column may not have been read", None
        group = [i for i in self.f.indicators if i.weight_inferred and (i.level1, i.level2 or i.name) ==
                 (ind.level1, ind.level2 or ind.name)]
        held = sum(i.weight for i in group)
        if ind.score_declared is not None and len(group) > 1 and ind.score_declared <= held + EPS:
            return (f", its 二级 group's {held:g} points shared equally among {len(group)} rows; the score is "
                    f"within the group's points", ("SCORE_EXCEEDS_WEIGHT",))
        return None, None

    def _weights_misfit(self) -> bool:
        """Half the scored rows' scores exceed their worked-out weights."""
        inferred = [i for i in self.f.indicators if i.weight_inferred and i.score_declared is not None]
        return 2 * sum(i.score_declared > i.weight + EPS for i in inferred) >= len(inferred)

    def _indicator(self, ind: Indicator):
        rec = {"name": ind.name, "kind": None, "expected": None, "tier": None, "direction": None}
        self.recomputed["indicators"].append(rec)
        name = ind.name
        cells = [ind.cells.get("score"), ind.cells.get("target"), ind.cells.get("actual"), ind.cells.get("name")]
        satisfaction = "满意度" in key((ind.level1 or "") + (ind.level2 or ""))
        if _inapplicable(ind):
            rec["kind"] = "not applicable"
            return
        if self.doubtful(f"indicator {name}", [ind.cells.get(k) for k in ("weight", "score", "target", "actual")], name):
            return
        if self.unsigned(ind):
            return
        if self.impossible(f"indicator {name}", [ind.cells.get("weight"), ind.cells.get("score")], name):
            return
        if ind.weight is None and ind.score_declared is None and self.unscored():
            rec["kind"] = "unscored"        # the template prints no points: nothing missing, nothing to judge
            return
        if ind.weight is None:
            self.missing(f"indicator {name}: weight (分值) is blank or unreadable", name, [ind.cells.get("weight")])
            return
        if ind.score_declared is None:
            if satisfaction and self.rules.satisfaction_optional:
                self.add("MISSING_VALUE", "info", f"indicator {name}: satisfaction left unscored, "
                         f"which the form's rules allow", name, cells=cells)
            else:
                self.missing(f"indicator {name}: score (得分) is blank or unreadable", name, cells)
            return
        if self.exceeds(ind.score_declared, ind.weight, f"indicator {name}", name, [ind.cells.get("score")]):
            return
        if is_blank(ind.target) and is_blank(ind.actual) and not self.rubric() and not re.search(
                self.rules.qualitative["criteria_groups"], key(ind.level1 or "")) and ind.texts.get("name"):
            self.missing(f"indicator {name}: target and actual are both blank, the score "
                         f"{ind.score_declared:g} of {ind.weight:g} rests on nothing printed", name, cells)
            return
        tier = self.rules.tier_key(ind.actual or "")
        t, a = parse_quantity(ind.target), in_target_unit(parse_quantity(ind.actual), ind.actual, ind.target)
        if tier is None and t is not None and t.value is not None:
            if is_blank(ind.actual):
                self.missing(f"indicator {name}: actual value (实际值) is blank", name, cells)
                return
            if a is not None and a.value is not None and a.percent == t.percent:
                rec["kind"] = "quantitative"
                self.quantitative(ind, t, a, rec, cells)
                return
        rec["kind"] = "qualitative"
        rec["tier"] = self.qualitative_band(ind.score_declared, ind.weight, ind.actual, ind.target,
                                            f"indicator {name}", name, cells)

    def direction(self, ind: Indicator, t) -> str:
        """positive, reverse, or either (a control or change rate whose target prints no ≥/≤)."""
        d = self.rules.direction
        if t.comparator == "<=":
            return "reverse"
        if t.comparator == ">=":
            return "positive"
        if ind.level2 and re.search(d["reverse_cost_level2"], key(ind.level2)) and t.unit in d["reverse_cost_units"]:
            return "reverse"
        text = (ind.name or "") + (ind.target or "")
        if re.search(d["reverse_names"], text):
            return "reverse"
        if re.search(d["either_names"], text):
            return "either"
        return "positive"

    def expected_score(self, direction: str, t, A: float, B: float, w: float) -> tuple[float, float]:
        """(expected score, over-target deduction) of a quantitative indicator, one direction."""
        deduction = 0.0
        if t.high is not None:                       # a range: inside or beyond it is full marks
            ratio = 1.0 if B >= A else self.rules.ratio("positive", A, B, w)
            if direction == "reverse":
                ratio = 1.0 if B <= t.high else self.rules.ratio("reverse", t.high, B, w)
        else:
            ratio = self.rules.ratio(direction, A, B, w)
            if direction == "positive" and A:
                over = (B - A) / A
                for band in self.rules.over_target:
                    if over + EPS >= band["low"] and (band.get("high") is None or over < band["high"] - EPS):
                        deduction = band["deduct"]
        capped = min(ratio, 1.0) if self.rules.score_cap else ratio
        return max(0.0, w * capped - w * deduction), deduction

    def quantitative(self, ind: Indicator, t, a, rec: dict, cells):
        w, name = ind.weight, ind.name
        shown, over = name, None
        if ind.texts.get("figures_cut"):    # figures the reader cut apart: a guess, never an accusation
            shown, over = f"{name} (figures cut from '{ind.texts['figures_cut']}')", self.sev["cut_figures"]
        direction = self.direction(ind, t)
        rec["direction"] = direction
        A, B = t.value, a.value
        if A and B and not 1e-3 <= B / A <= 1e3:
            # a target and an actual a thousand times apart measure no completion: their units
            # were read apart (元 against 万元), not the form's work; nothing is judged on them
            self.add("EXTRACTION_INCOMPLETE", self.sev["extraction_incomplete"],
                     f"indicator {name}: target {ind.target!r} and actual {ind.actual!r} are read "
                     f"{max(A, B) / min(A, B):,.0f} times apart: their units differ as read, so the score "
                     f"{ind.score_declared:g} was not checked", name, cells=cells)
            return
        q = self.rules.quantitative
        if direction == "either":       # the score may follow either formula: only neither is a mismatch
            pos, _ = self.expected_score("positive", t, A, B, w)
            rev, _ = self.expected_score("reverse", t, A, B, w)
            near = min((pos, rev), key=lambda e: abs(ind.score_declared - e))
            rec["expected"] = near
            if self.compare(ind.score_declared, near) != "ok":
                self.judge("INDICATOR_SCORE_MISMATCH", ind.score_declared, near,
                           f"indicator {shown} (direction not printed: weight × {q['positive']} gives {pos:g}, "
                           f"weight × {q['reverse']} gives {rev:g}; A={A:g}, B={B:g})", name, cells,
                           over=over or self.sev["uncertain_direction"])
            return
        expected, deduction = self.expected_score(direction, t, A, B, w)
        rec["expected"] = expected
        if deduction:
            verdict = self.compare(ind.score_declared, expected)
            if verdict == "over":
                self.add("OVER_TARGET_DEDUCTION_MISSING", over or self.sev["over_target_deduction"],
                         f"indicator {shown}: actual {B:g} exceeds the target {A:g} by {(B - A) / A:.0%}; "
                         f"the rules deduct {deduction:.0%} of the weight, giving {expected:g}, "
                         f"but {ind.score_declared:g} is declared", name, ind.score_declared, expected, cells)
                return
        self.judge("INDICATOR_SCORE_MISMATCH", ind.score_declared, expected,
                   f"indicator {shown} ({direction}, weight × {q[direction]}, A={A:g}, B={B:g})", name, cells,
                   over=over)

    def qualitative_band(self, score, weight, actual, target, what, name, cells) -> str | None:
        key = self.rules.tier_key(actual or "")
        inferred = False
        if key is None:
            a, tgt = "".join((actual or "").split()), "".join((target or "").split())
            if a and (a == tgt or re.search(self.rules.qualitative["positive_words"], a)):
                key, inferred = "达成", True
            elif a and re.search(self.rules.qualitative["negative_words"], a):
                key, inferred = "未达成", True
            else:
                return None
        tier = self.rules.tier_for(key)
        if tier is None:
            if key == "基本达成":      # not a tier of three-tier rules: between 达成 and 部分达成
                hi = self.rules.tier_for("达成")
                lo = self.rules.tier_for("部分达成")
                if not (hi and lo):
                    return None
                low, high = lo.low, hi.high
            else:
                return None
        else:
            low, high = tier.low, tier.high
        lo_s, hi_s = low * weight, high * weight
        half = 0.5 * 10 ** -self.p + EPS
        exclusive_top = tier is not None and not tier.high_inclusive
        above_low = score >= lo_s - EPS if tier is None or tier.low_inclusive else score > lo_s + EPS
        inside = above_low and (score < hi_s - EPS if exclusive_top else score <= hi_s + EPS)
        label = f"{'inferred tier' if inferred else 'tier'} {key}"
        if inside:
            return key
        if lo_s - half <= score <= hi_s + half:
            self.add("ROUNDING", "info", f"{what}: {score:g} of {weight:g} sits on the edge of the {label} band "
                     f"[{lo_s:g}, {hi_s:g}]", name, score, None, cells)
            return key
        over = score > hi_s
        severity = self.sev["over_claim_inferred" if inferred else "over_claim"] if over else self.sev["under_claim"]
        self.add("QUALITATIVE_BAND_MISMATCH", severity,
                 f"{what}: {score:g} of {weight:g} lies outside the {label} band "
                 f"{low:.0%}–{high:.0%} = [{lo_s:g}, {hi_s:g}]", name, score, hi_s if over else lo_s, cells)
        return key

    def incomplete(self, what: str) -> None:
        """A check whose inputs were not all read is not run as a mismatch: it is said once
        (EXTRACTION_INCOMPLETE, a warning), never turned into an accusation."""
        if any(fd.code == "EXTRACTION_INCOMPLETE" and fd.message == what for fd in self.findings):
            return
        self.add("EXTRACTION_INCOMPLETE", self.sev["extraction_incomplete"], what)

    def unscored(self, block: str = "indicators") -> bool:
        """The block's printed columns are known and hold neither weight nor score: a
        template without points (a transfer form's), where a blank score is no missing value."""
        cols = self.f.columns if block == "indicators" else self.f.budget_columns
        return bool(cols) and not {"weight", "score"} & set(cols)

    def rubric(self) -> bool:
        """The indicator table's printed columns are known and hold points but neither a
        target nor an actual: a scoring rubric (a department-wide 部门整体 rubric), whose
        items stand on their weights and scores alone and whose template has no budget block."""
        cols = set(self.f.columns)
        return bool(cols) and bool({"weight", "score"} & cols) and not {"target", "actual"} & cols

    def sums_rest_on_guesses(self) -> bool:
        """The table's sums would rest on guesses: rows whose figures were cut from digits run
        together, or rows the reader set aside as no indicators (a figure or a header read as a
        name) that carried a weight or a score ('……', no figures, takes nothing from them).
        Then the sums are not checked, and that is said once."""
        aside = self.f.mapping.get("set_aside") if isinstance(self.f.mapping, dict) else None
        aside = [a for a in aside or () if {"weight", "score"} & set(a.get("figures") or {})]
        cut = [i.name for i in self.f.indicators if i.texts.get("figures_cut")]
        if cut:             # figures cut from a run of digits are a guess: no sum rests on them
            self.incomplete(f"the figures of {len(cut)} row(s) were cut from digits run together "
                            f"({', '.join(map(repr, cut[:3]))}), a guess, so group weights, the weight total and "
                            f"the declared total were not checked against the table's sums")
            return True
        if not aside:
            return False
        names = ", ".join(repr(a["name"]) for a in aside[:3])
        self.incomplete(f"{len(aside)} row(s) of the indicator table were read with no indicator's name ({names}) "
                        f"and set aside, so group weights, the weight total and the declared total were not "
                        f"checked against its sums")
        return True

    def table_read_to_end(self) -> bool:
        """The indicator table was read to its end (its 总分/合计 row, the end of a real table,
        the form's notes, or the next form): sums over it may be checked.  A text that stops
        inside the table (an excerpt, a cut page) is not."""
        f = self.f
        return "total_row" in f.texts or "table_end" in f.texts or bool(f.notes.strip()) or self._points_filled()

    def _points_filled(self) -> bool:
        """The rows read hold every point the form prints for them: each printed group's
        points are its rows' weights summed, and the weights with the budget's and the goal's
        come to full marks (a table cut short leaves a group, or the whole, short)."""
        f, inds = self.f, self.f.indicators
        if not inds or not f.group_weights or any(i.weight is None for i in inds):
            return False
        for group, points in f.group_weights.items():
            if abs(sum(i.weight for i in inds if i.level1 == group) - points) > 1e-6:
                return False
        primary = self.primary_budget_line()
        whole = sum(i.weight for i in inds) + (f.goal.weight or 0) + \
            (primary.weight if primary is not None and primary.weight is not None else 0)
        return abs(whole - self.rules.full_marks) <= 1e-6

    def below_parts(self, read: list[tuple[float, object]]) -> None:
        """Where the total is not checked against its parts (some unread or in doubt), an
        OCR'd declared total below what the surely read scores alone add up to (no total can
        be: a digit was lost, '8.6' for 98.6) is flagged for review."""
        f, cell = self.f, self.f.cells.get("declared_total")
        sure = sum(v for v, c in read if c is None or id(c) not in self.flagged)
        if f.declared_total is None or f.declared_total >= sure - 0.5 or cell is None \
                or cell.confidence is None or id(cell) in self.flagged:
            return
        self.review("declared total", cell, f", less than the {sure:g} its parts read so far add up to (a digit lost?)",
                    fails=True)

    def weights(self):
        f = self.f
        inds = [i for i in f.indicators]
        if any(c is not None and c.confidence is not None and (self.unsure(c) or id(c) in self.flagged)
               for i in inds for c in (i.cells.get("weight"),)):
            return          # a weight read with low confidence or impossible (flagged): no sums on guesses
        if self.sums_rest_on_guesses():
            return
        if self.unscored() and all(i.weight is None for i in inds):
            return          # no points printed: no sums to check
        if inds and not self.table_read_to_end():
            self.incomplete("the indicator table was not read to its 总分/合计 row, so group weights, the "
                            "weight total and the declared total were not checked against its sums")
            return
        # the group weights printed on the form; where a group prints none, the rule set's own
        # (unless the set was only guessed from the year)
        by_rules = {} if self.rules.source == "fallback" else \
            {g: w for g, w in self.rules.group_weights.items() if g not in f.group_weights}
        for level1, want in [*f.group_weights.items(), *by_rules.items()]:
            members = [i.weight for i in inds if i.level1 == level1]
            if not members or any(w is None for w in members):
                continue
            s = sum(members)
            if not level1.strip():
                # a printed group weight whose group's name was not read: which rows are its
                # members is not known, so neither is their sum
                self.incomplete(f"a group labelled {want:g} points has no name read, so which indicators it "
                                f"holds is not known and its weights were not summed")
                continue
            unplaced = [i.name for i in inds if i.level1 is None]
            if s < want - 1e-6 and unplaced:
                # rows whose group was not read may be this group's: its sum is not known
                self.incomplete(f"{level1} is labelled {want:g} points and its read rows' weights sum to "
                                f"{s:g}, but {len(unplaced)} row(s) have no group read ({', '.join(unplaced[:3])})")
                continue
            if abs(s - want) > 1e-6:
                printed = level1 in f.group_weights
                self.add("GROUP_WEIGHT_MISMATCH", self.sev["group_weight" if printed else "rule_group_weight"],
                         f"{level1} is {'labelled' if printed else f'given by rule set {self.rules.id}'} {want:g} "
                         f"points but its indicators' weights sum to {s:g}", None, want, s,
                         cells=[i.cells.get("weight") for i in inds if i.level1 == level1])
        sec = f.section_weights.get("indicators")
        if sec is not None and inds and all(i.weight is not None for i in inds) \
                and not all(i.weight_inferred for i in inds):
            s = sum(i.weight for i in inds)
            if abs(s - sec) > 1e-6:
                self.add("GROUP_WEIGHT_MISMATCH", self.sev["group_weight"],
                         f"the indicator block is labelled {sec:g} points but its weights sum to {s:g}", None, sec, s,
                         cells=[i.cells.get("weight") for i in inds])
        primary = self.primary_budget_line()
        parts = {"budget": (primary.weight if primary and primary.weight is not None
                            else f.section_weights.get("budget")),
                 "goal": f.goal.weight if f.goal.weight is not None else f.section_weights.get("goal")}
        ind_w = [i.weight for i in inds]
        if not inds or any(w is None for w in ind_w) or parts["budget"] is None or any(i.weight_inferred for i in inds):
            return          # (weights worked out from their section add up to it by construction)
        total = parts["budget"] + (parts["goal"] or 0) + sum(ind_w)
        full = self.rules.full_marks
        if "full_marks" in f.texts:
            from normalize.values import parse_number
            printed = parse_number(f.texts["full_marks"])
            cell = f.cells.get("full_marks")
            if printed is not None and abs(printed - full) > 1e-6 and abs(total - full) <= 1e-6 \
                    and cell is not None and cell.confidence is not None:
                # OCR's full marks contradict both the rule set's and the form's own weights:
                # the reading is in doubt, not the form
                self.review("full marks", cell, f", but the weights add up to {total:g}, the rule set's full marks",
                            fails=True)
                return
            full = printed or full
        if total > 2 * self.rules.full_marks:
            # weights adding up to more than twice the rule set's full marks are another column's
            # figures read as weights (a score column, figures run together), not the form's
            # weighting (a full marks printed wrong is the form's own, judged below)
            self.incomplete(f"the weights as read add up to {total:g}, more than twice the full marks "
                            f"({self.rules.full_marks:g}): another column's figures were read as weights, so "
                            f"they were not judged")
            return
        if abs(total - full) > 1e-6:
            self.add("WEIGHT_TOTAL_MISMATCH", self.sev["weight_total"],
                     f"weights add up to {total:g} (budget {parts['budget']:g}"
                     f"{', goal %g' % parts['goal'] if parts['goal'] else ''}, indicators {sum(ind_w):g}) "
                     f"instead of {full:g}", None, total, full,
                     cells=[primary.cells.get("weight") if primary else None, f.goal.cells.get("weight"),
                            *(i.cells.get("weight") for i in inds)])

    def total(self):
        f = self.f
        self.recomputed["total_by_rules"] = self.total_by_rules()
        if self.doubtful("declared total", [f.cells.get("declared_total")]) or self.sums_rest_on_guesses():
            return
        if f.declared_total is None and self.unscored() and all(i.score_declared is None for i in f.indicators):
            return          # a form without points declares no total
        primary = self.primary_budget_line()
        read = []           # (score, its cell)
        if primary is not None and primary.score_declared is not None:
            read.append((primary.score_declared, primary.cells.get("score")))
        if f.goal.score_declared is not None:
            read.append((f.goal.score_declared, f.goal.cells.get("score")))
        inapplicable = 0.0
        for i in f.indicators:
            if _inapplicable(i):
                inapplicable += i.weight or 0
                continue
            if i.score_declared is not None:
                read.append((i.score_declared, i.cells.get("score")))
        parts = [v for v, _ in read]
        if self.flagged:
            self.below_parts(read)
            return          # parts or the total read with low confidence: no sum check on guesses
        if f.declared_total is None:
            self.missing("declared total (总分/自评得分) is blank or unreadable")
            return
        # a row read whole with a blank score is a printed blank (MISSING_VALUE says so); a row
        # whose weight and score were both not read (a weight worked out, not printed, is not
        # read) was not read
        unread = [i.name for i in f.indicators if i.score_declared is None
                  and (i.weight is None or i.weight_inferred or inked_unread(i.cells.get("score"))) and not _inapplicable(i)
                  and not ("满意度" in key((i.level1 or "") + (i.level2 or "")) and self.rules.satisfaction_optional)]
        agrees = self.compare(f.declared_total, sum(parts)) in ("ok", "rounding")
        goal_weight = f.goal.weight if f.goal.weight is not None else f.section_weights.get("goal")
        goal_unread = f.goal.score_declared is None and goal_weight is not None
        # the budget's score not read while it carries points: its weight printed, or the
        # weights of the parts that were read fall short of full marks by what it would hold
        weights = [i.weight for i in f.indicators if not _inapplicable(i)]
        short = bool(weights) and None not in weights and \
            sum(weights) + (goal_weight or 0) + inapplicable < self.rules.full_marks - 1e-6
        budget_unread = (primary is None or primary.score_declared is None) and (
            (primary is not None and primary.weight is not None) or "budget" in f.section_weights or short
            or "score" in f.budget_columns)         # a score column printed, its figure not read
        if not f.indicators or (unread and not agrees) or not self.table_read_to_end() or \
                budget_unread and (not agrees or primary is not None and primary.weight is not None) or \
                goal_unread and not agrees:
            what = ("no indicator was read" if not f.indicators else
                    f"{len(unread)} indicator score(s) were not read ({', '.join(map(str, unread[:3]))})" if unread else
                    "the budget score was not read" if budget_unread
                    else "the overall goal's score was not read" if goal_unread
                    else "the indicator table was not read to its 总分/合计 row")
            self.below_parts(read)
            self.incomplete(f"declared total {f.declared_total:g} not checked against its parts: {what}")
            return
        s = sum(parts)
        expected = s
        how = "the declared parts summed"
        if inapplicable and self.rules.prorate_inapplicable:
            expected = s * self.rules.full_marks / (self.rules.full_marks - inapplicable)
            how = f"the declared parts summed and pro-rated to {self.rules.full_marks:g} ({inapplicable:g} points not applicable)"
        self.recomputed["total_of_parts"] = expected
        self.judge("TOTAL_MISMATCH", f.declared_total, expected, f"declared total vs {how}",
                   cells=[f.cells.get("declared_total")])


    def total_by_rules(self) -> float | None:
        """What the form scores under its rules: recomputed budget and quantitative scores,
        declared qualitative scores capped at their weights."""
        primary = self.primary_budget_line()
        rec_b = self.recomputed["budget"]
        parts = []
        if primary is not None:
            i = self.f.budget_lines.index(primary)
            parts.append(rec_b[i]["score"] if i < len(rec_b) and rec_b[i]["score"] is not None
                         else primary.score_declared)
        g = self.f.goal
        if g.score_declared is not None:
            gw = g.weight if g.weight is not None else self.f.section_weights.get("goal")
            parts.append(min(g.score_declared, gw) if gw is not None else g.score_declared)
        for ind, rec in zip(self.f.indicators, self.recomputed["indicators"]):
            if rec.get("expected") is not None:
                parts.append(rec["expected"])
            elif ind.score_declared is not None:
                parts.append(min(ind.score_declared, ind.weight) if ind.weight is not None else ind.score_declared)
        if any(p is None for p in parts) or not parts:
            return None
        return round(sum(parts), 4)


SLIPS = "0123456789"          # digits OCR drops at a figure's ends ('98.6' read '8.6', '9.44' read '9.4')


def slips(text: str):
    """Readings one character lost or added away: a character dropped anywhere, a digit at
    either end, a decimal point anywhere ('7.6' read '76')."""
    t = "".join(text.split())
    yield from dict.fromkeys([*(t[:k] + t[k + 1:] for k in range(len(t))),
                              *(t[:k] + "." + t[k:] for k in range(1, len(t))),
                              *(e for ch in SLIPS for e in (ch + t, t + ch))])


def inked_unread(cell) -> bool:
    """An OCR'd figure cell that was not read, as opposed to a printed blank: ink that read
    as nothing (INKED_UNREAD), or a reading that is not a figure ('10\n区社会管理中心', a
    seal's words mixed in)."""
    if cell is None or cell.confidence is None:
        return False
    if is_blank(cell.text):
        return INKED_UNREAD in (cell.doubt or "")
    return parse_number(cell.text) is None


def in_target_unit(a, actual: str | None, target: str | None):
    """A bare actual figure ('8') is counted in the unit its target prints ('≥8万亩', '90%'),
    as a 计量单位 column prints the unit once for both."""
    if a is None or not re.fullmatch(r"\s*\d[\d,]*(?:\.\d+)?\s*", actual or ""):
        return a
    m = re.search(r"\d[\d,]*(?:\.\d+)?\s*(万|千|亿)?\s*(%|百分比)?", "".join((target or "").split()))
    if not m:
        return a
    scale = MULTIPLIERS.get(m.group(1) or "", 1.0)
    if m.group(2):
        return replace(a, value=a.value / 100, percent=True)
    t = parse_quantity(target)
    return replace(a, value=a.value * scale, unit=t.unit if t else None)


def _section(row) -> str | None:
    """The table section a row was read in, as the header cells are keyed (head.<section>.<role>)."""
    return "indicators" if isinstance(row, Indicator) else "budget" if isinstance(row, BudgetLine) else None


def _inapplicable(ind: Indicator) -> bool:
    return any("不适用" in (t or "") for t in (ind.target, ind.actual, ind.note))


def check_form(form: Form, rules: RuleSet) -> tuple[list[Finding], dict]:
    c = Checker(form, rules)
    findings = c.run()
    return findings, c.recomputed
