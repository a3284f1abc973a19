"""The indicator table's sums, mixed into the checker: whether a table was read whole, the
weights' totals (group, section, full marks), the declared total against its parts, and the
rules under which a sum is not judged (figures cut or set aside, rows run together, parts
unread) but said to be incomplete."""
from __future__ import annotations

from extract.grid import INKED_UNREAD
from normalize.schema import FIGURES_UNREAD, UNNAMED, Indicator
from normalize.text import key
from normalize.values import is_blank, parse_number

from extract.messages import Msg, N_


class TableSums:
    """Mixed into the checker: reads its form ``f``, ``rules``, ``sev``, ``recomputed`` and
    ``flagged``, and adds findings through it."""

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
                fnd.message = N_("{message} (the rows' figures were parted from text whose cells ran together, "
                                 "{n} row(s): check the sum on the page)", message=fnd.message, n=len(glued))

    BUDGET = ("BUDGET_RATE_MISMATCH", "BUDGET_SCORE_MISMATCH")

    def _budget_on_run_together(self, found: list) -> None:
        """A budget line's figures parted from text whose cells ran together accuse no one
        where their arithmetic fails: a wrong parting that fits one check ('494.4 / 3548.62 =
        2%') fails the next; a warning sends a person to the page."""
        primary = self.primary_budget_line()
        if primary is None or not primary.texts.get("run_together"):
            return
        for fnd in found:
            if fnd.code in self.BUDGET and fnd.severity == "error":
                fnd.severity = "warning"
                fnd.message = N_("{message} (the line's figures were parted from text whose cells ran together: "
                                 "check them on the page)", message=fnd.message)

    def incomplete(self, what: Msg) -> None:
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
        aside = [a for a in aside or () if {"weight", "score"} & set(a.get("figures") or {})
                 or a.get("why") in (UNNAMED, FIGURES_UNREAD)]     # (a row not read whole is one in any template)
        cut = [i.name for i in self.f.indicators if i.texts.get("figures_cut")]
        if cut:             # figures cut from a run of digits are a guess: no sum rests on them
            self.incomplete(N_("the figures of {n} row(s) were cut from digits run together "
                               "({names}), a guess, so group weights, the weight total and "
                               "the declared total were not checked against the table's sums",
                               n=len(cut), names=", ".join(map(repr, cut[:3]))))
            return True
        if not aside:
            return False
        names = ", ".join(repr(a["name"]) for a in aside[:3])
        if any(a.get("why") == FIGURES_UNREAD for a in aside):
            self.incomplete(N_("{n} row(s) of the indicator table were not read whole ({names}) and set aside, "
                               "so group weights, the weight total and the declared total were not checked "
                               "against its sums", n=len(aside), names=names))
            return True
        self.incomplete(N_("{n} row(s) of the indicator table were read with no indicator's name ({names}) "
                           "and set aside, so group weights, the weight total and the declared total were not "
                           "checked against its sums", n=len(aside), names=names))
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
        self.review(N_("declared total"), cell,
                    N_(", less than the {sure:g} its parts read so far add up to (a digit lost?)", sure=sure), fails=True)

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
            self.incomplete(N_("the indicator table was not read to its 总分/合计 row, so group weights, the "
                               "weight total and the declared total were not checked against its sums"))
            return
        if inds and "columns_inferred" in f.texts:
            self.incomplete(N_("the indicator table's text starts below its column header (the rows above it "
                               "were lost with their page), so group weights, the weight total and the declared "
                               "total were not checked against its sums"))
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
                self.incomplete(N_("a group labelled {want:g} points has no name read, so which indicators it "
                                   "holds is not known and its weights were not summed", want=want))
                continue
            unplaced = [i.name for i in inds if i.level1 is None]
            if s < want - 1e-6 and unplaced:
                # rows whose group was not read may be this group's: its sum is not known
                self.incomplete(N_("{group} is labelled {want:g} points and its read rows' weights sum to "
                                   "{sum:g}, but {n} row(s) have no group read ({names})", group=level1, want=want,
                                   sum=s, n=len(unplaced), names=", ".join(unplaced[:3])))
                continue
            if abs(s - want) > 1e-6:
                printed = level1 in f.group_weights
                self.add("GROUP_WEIGHT_MISMATCH", self.sev["group_weight" if printed else "rule_group_weight"],
                         N_("{group} is labelled {want:g} points but its indicators' weights sum to {sum:g}",
                            group=level1, want=want, sum=s) if printed else
                         N_("{group} is given by rule set {rules} {want:g} points but its indicators' weights sum "
                            "to {sum:g}", group=level1, rules=self.rules.id, want=want, sum=s), None, want, s,
                         cells=[i.cells.get("weight") for i in inds if i.level1 == level1])
        sec = f.section_weights.get("indicators")
        if sec is not None and inds and all(i.weight is not None for i in inds) \
                and not all(i.weight_inferred for i in inds):
            s = sum(i.weight for i in inds)
            if abs(s - sec) > 1e-6:
                self.add("GROUP_WEIGHT_MISMATCH", self.sev["group_weight"],
                         N_("the indicator block is labelled {want:g} points but its weights sum to {sum:g}",
                            want=sec, sum=s), None, sec, s,
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
            from normalize.values import is_blank, parse_number
            printed = parse_number(f.texts["full_marks"])
            cell = f.cells.get("full_marks")
            if printed is not None and abs(printed - full) > 1e-6 and abs(total - full) <= 1e-6 \
                    and cell is not None and cell.confidence is not None:
                # OCR's full marks contradict both the rule set's and the form's own weights:
                # the reading is in doubt, not the form
                self.review(N_("full marks"), cell,
                            N_(", but the weights add up to {total:g}, the rule set's full marks", total=total),
                            fails=True)
                return
            full = printed or full
        if total > 2 * self.rules.full_marks:
            # weights adding up to more than twice the rule set's full marks are another column's
            # figures read as weights (a score column, figures run together), not the form's
            # weighting (a full marks printed wrong is the form's own, judged below)
            self.incomplete(N_("the weights as read add up to {total:g}, more than twice the full marks "
                               "({full:g}): another column's figures were read as weights, so "
                               "they were not judged", total=total, full=self.rules.full_marks))
            return
        if abs(total - full) > 1e-6:
            self.add("WEIGHT_TOTAL_MISMATCH", self.sev["weight_total"],
                     N_("weights add up to {total:g} (budget {budget:g}, goal {goal:g}, indicators {indicators:g}) "
                        "instead of {full:g}", total=total, budget=parts['budget'], goal=parts['goal'],
                        indicators=sum(ind_w), full=full) if parts['goal'] else
                     N_("weights add up to {total:g} (budget {budget:g}, indicators {indicators:g}) instead of {full:g}",
                        total=total, budget=parts['budget'], indicators=sum(ind_w), full=full), None, total, full,
                     cells=[primary.cells.get("weight") if primary else None, f.goal.cells.get("weight"),
                            *(i.cells.get("weight") for i in inds)])

    def total(self):
        f = self.f
        by_rules = self.total_by_rules()
        if by_rules is not None and by_rules > max(self.rules.full_marks, self._weights_read() or 0) + 1e-6:
            # no form scores above its full marks under its rules, nor above the points its own
            # weights give (a form whose weights over-sum is wrong in its weights, said apart):
            # the parts it sums were misread (money read as a score), and the sum is no score
            self.incomplete(N_("the scores recomputed under the rules add up to {total:g}, more than the full "
                               "marks ({full:g}): figures were misread, so no total by the rules is given",
                               total=by_rules, full=self.rules.full_marks))
            by_rules = None
        self.recomputed["total_by_rules"] = by_rules
        if self.doubtful(N_("declared total"), [f.cells.get("declared_total")]) or self.sums_rest_on_guesses():
            return
        if f.declared_total is None and (self.unscored() or not f.indicators and self.unscored("budget")) \
                and all(i.score_declared is None for i in f.indicators):
            return          # a form without points (nor an indicator table, where its budget has none) declares no total
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
            self.missing(N_("declared total (总分/自评得分) is blank or unreadable"))
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
        started = "form_start" not in f.texts or self.rubric() and "columns_inferred" not in f.texts
        if not f.indicators or (unread and not agrees) or not self.table_read_to_end() or not started or \
                budget_unread and (not agrees or primary is not None and primary.weight is not None) or \
                goal_unread and not agrees:
            what = (N_("no indicator was read") if not f.indicators else
                    N_("{n} indicator score(s) were not read ({names})", n=len(unread),
                       names=", ".join(map(str, unread[:3]))) if unread else
                    N_("the budget score was not read") if budget_unread
                    else N_("the overall goal's score was not read") if goal_unread
                    else N_("the text starts at the indicator table: the parts printed before it are not in it")
                    if not started else N_("the indicator table was not read to its 总分/合计 row"))
            self.below_parts(read)
            self.incomplete(N_("declared total {total:g} not checked against its parts: {why}",
                               total=f.declared_total, why=what))
            return
        s = sum(parts)
        expected = s
        how = N_("the declared parts summed")
        if inapplicable and self.rules.prorate_inapplicable:
            expected = s * self.rules.full_marks / (self.rules.full_marks - inapplicable)
            how = N_("the declared parts summed and pro-rated to {full:g} ({inapplicable:g} points not applicable)",
                     full=self.rules.full_marks, inapplicable=inapplicable)
        self.recomputed["total_of_parts"] = expected
        self.judge("TOTAL_MISMATCH", f.declared_total, expected, N_("declared total vs {how}", how=how),
                   cells=[f.cells.get("declared_total")])


    def _weights_read(self) -> float | None:
        """The points the form's own weights give, where every one was read: the budget's,
        the goal's and the indicators'."""
        f, primary = self.f, self.primary_budget_line()
        parts = [primary.weight if primary is not None else None, *(i.weight for i in f.indicators)]
        if f.goal.score_declared is not None:
            parts.append(f.goal.weight if f.goal.weight is not None else f.section_weights.get("goal"))
        return None if not f.indicators or any(p is None for p in parts) else sum(parts)

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


def inked_unread(cell) -> bool:
    """An OCR'd figure cell that was not read, as opposed to a printed blank: ink that read
    as nothing (INKED_UNREAD), or a reading that is not a figure ('10\n区社会管理中心', a
    seal's words mixed in)."""
    if cell is None or cell.confidence is None:
        return False
    if is_blank(cell.text):
        return INKED_UNREAD in (cell.doubt or "")
    return parse_number(cell.text) is None


def _inapplicable(ind: Indicator) -> bool:
    return any("不适用" in (t or "") for t in (ind.target, ind.actual, ind.note))
