"""The checks of one indicator, mixed into the checker: its direction, the score its rules
give a quantitative target and actual, a qualitative score's tier band, a weight worked out
rather than printed; and an actual counted in its target's unit."""
from __future__ import annotations

from dataclasses import replace

import regex as re

from normalize.schema import Indicator
from normalize.text import key
from normalize.values import MULTIPLIERS, is_blank, parse_quantity

from extract.messages import Msg, N_
from .sums import _inapplicable

EPS = 1e-9


class IndicatorChecks:
    """Mixed into the checker: reads its form ``f``, ``rules``, ``sev`` and ``recomputed``,
    and adds findings through it."""

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
                f.message = N_("{message} (the weight {weight:g} is worked out{why})",
                               message=f.message, weight=ind.weight, why=why)

    def _share_unsure(self, ind: Indicator) -> tuple[Msg | None, tuple | None]:
        """Why a worked-out weight accuses no one, and which codes that holds for (None: all)."""
        if not ind.weight_inferred:
            return None, None
        if ind.texts.get("run_together"):
            return N_(" over 二级 groups read from cells run together: the row's group, and so its share, "
                      "is not sure"), None
        inferred = [i for i in self.f.indicators if i.weight_inferred]
        if any(i.level2 is None for i in inferred) and any(i.level2 for i in inferred):
            return N_(" over 二级 groups not all read (a row's 二级 label is missing): the groups' sizes, and so "
                      "the shares, are not sure"), None
        if self._weights_misfit():
            return N_(", not printed, and half the rows' scores exceed theirs: a weight column may not have "
                      "been read"), None
        group = [i for i in self.f.indicators if i.weight_inferred and (i.level1, i.level2 or i.name) ==
                 (ind.level1, ind.level2 or ind.name)]
        held = sum(i.weight for i in group)
        if ind.score_declared is not None and len(group) > 1 and ind.score_declared <= held + EPS:
            return (N_(", its 二级 group's {held:g} points shared equally among {n} rows; the score is "
                       "within the group's points", held=held, n=len(group)), ("SCORE_EXCEEDS_WEIGHT",))
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
        if self.doubtful(N_("indicator {name}", name=name), [ind.cells.get(k) for k in ("weight", "score", "target", "actual")], name):
            return
        if self.unsigned(ind):
            return
        if self.impossible(N_("indicator {name}", name=name), [ind.cells.get("weight"), ind.cells.get("score")], name):
            return
        if ind.weight is None and ind.score_declared is None and self.unscored():
            rec["kind"] = "unscored"        # the template prints no points: nothing missing, nothing to judge
            return
        if ind.weight is None:
            self.missing(N_("indicator {name}: weight (分值) is blank or unreadable", name=name), name, [ind.cells.get("weight")])
            return
        if ind.score_declared is None:
            if satisfaction and self.rules.satisfaction_optional:
                self.add("MISSING_VALUE", "info", N_("indicator {name}: satisfaction left unscored, "
                                                     "which the form's rules allow", name=name), name, cells=cells)
            else:
                self.missing(N_("indicator {name}: score (得分) is blank or unreadable", name=name), name, cells)
            return
        if self.exceeds(ind.score_declared, ind.weight, N_("indicator {name}", name=name), name, [ind.cells.get("score")],
                        ind.texts.get("figures_cut")):
            return
        if is_blank(ind.target) and is_blank(ind.actual) and not self.rubric() and not re.search(
                self.rules.qualitative["criteria_groups"], key(ind.level1 or "")) and ind.texts.get("name"):
            self.missing(N_("indicator {name}: target and actual are both blank, the score "
                            "{score:g} of {weight:g} rests on nothing printed",
                            name=name, score=ind.score_declared, weight=ind.weight), name, cells)
            return
        tier = self.rules.tier_key(ind.actual or "")
        t, a = target_and_actual(ind)
        if tier is None and t is not None and t.value is not None:
            if is_blank(ind.actual):
                self.missing(N_("indicator {name}: actual value (实际值) is blank", name=name), name, cells)
                return
            if a is not None and a.value is not None and a.percent == t.percent:
                rec["kind"] = "quantitative"
                self.quantitative(ind, t, a, rec, cells)
                return
        rec["kind"] = "qualitative"
        rec["tier"] = self.qualitative_band(ind.score_declared, ind.weight, ind.actual, ind.target,
                                            N_("indicator {name}", name=name), name, cells)

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
            shown, over = N_("{what} (figures cut from '{cut_from}')", what=name, cut_from=ind.texts['figures_cut']), \
                self.sev["cut_figures"]
        direction = self.direction(ind, t)
        rec["direction"] = direction
        A, B = t.value, a.value
        if A and B and not 1e-3 <= B / A <= 1e3:
            # a target and an actual a thousand times apart measure no completion: their units
            # were read apart (元 against 万元), not the form's work; nothing is judged on them
            self.add("EXTRACTION_INCOMPLETE", self.sev["extraction_incomplete"],
                     N_("indicator {name}: target {target!r} and actual {actual!r} are read "
                        "{times:,.0f} times apart: their units differ as read, so the score "
                        "{score:g} was not checked", name=name, target=ind.target, actual=ind.actual,
                        times=max(A, B) / min(A, B), score=ind.score_declared), name, cells=cells)
            return
        q = self.rules.quantitative
        if direction == "either":       # the score may follow either formula: only neither is a mismatch
            pos, _ = self.expected_score("positive", t, A, B, w)
            rev, _ = self.expected_score("reverse", t, A, B, w)
            near = min((pos, rev), key=lambda e: abs(ind.score_declared - e))
            rec["expected"] = near
            if self.compare(ind.score_declared, near) != "ok":
                self.judge("INDICATOR_SCORE_MISMATCH", ind.score_declared, near,
                           N_("indicator {name} (direction not printed: weight × {positive} gives {pos:g}, "
                              "weight × {reverse} gives {rev:g}; A={A:g}, B={B:g})", name=shown,
                              positive=q['positive'], pos=pos, reverse=q['reverse'], rev=rev, A=A, B=B), name, cells,
                           over=over or self.sev["uncertain_direction"])
            return
        expected, deduction = self.expected_score(direction, t, A, B, w)
        rec["expected"] = expected
        if deduction:
            verdict = self.compare(ind.score_declared, expected)
            if verdict == "over":
                self.add("OVER_TARGET_DEDUCTION_MISSING", over or self.sev["over_target_deduction"],
                         N_("indicator {name}: actual {B:g} exceeds the target {A:g} by {over:.0%}; "
                            "the rules deduct {deduction:.0%} of the weight, giving {expected:g}, "
                            "but {declared:g} is declared", name=shown, B=B, A=A, over=(B - A) / A,
                            deduction=deduction, expected=expected, declared=ind.score_declared),
                         name, ind.score_declared, expected, cells)
                return
        self.judge("INDICATOR_SCORE_MISMATCH", ind.score_declared, expected,
                   N_("indicator {name} ({direction}, weight × {formula}, A={A:g}, B={B:g})", name=shown,
                      direction=N_(direction), formula=q[direction], A=A, B=B), name, cells,
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
        label = N_("inferred tier {key}", key=key) if inferred else N_("tier {key}", key=key)
        if inside:
            return key
        if lo_s - half <= score <= hi_s + half:
            self.add("ROUNDING", "info", N_("{what}: {score:g} of {weight:g} sits on the edge of the {label} band "
                                            "[{lo:g}, {hi:g}]", what=what, score=score, weight=weight, label=label,
                                            lo=lo_s, hi=hi_s), name, score, None, cells)
            return key
        over = score > hi_s
        severity = self.sev["over_claim_inferred" if inferred else "over_claim"] if over else self.sev["under_claim"]
        self.add("QUALITATIVE_BAND_MISMATCH", severity,
                 N_("{what}: {score:g} of {weight:g} lies outside the {label} band "
                    "{low:.0%}–{high:.0%} = [{lo:g}, {hi:g}]", what=what, score=score, weight=weight, label=label,
                    low=low, high=high, lo=lo_s, hi=hi_s), name, score, hi_s if over else lo_s, cells)
        return key


def target_and_actual(ind: Indicator):
    """An indicator's target and actual as quantities, a bare actual counted in its target's unit."""
    return parse_quantity(ind.target), in_target_unit(parse_quantity(ind.actual), ind.actual, ind.target)


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
