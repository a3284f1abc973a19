"""The table reader's budget block (mixed into the form builder): its unit and printed weight,
a line per fund source, read by column or across a row that prints several lines' figures."""
from __future__ import annotations

import regex as re

from extract.grid import Cell

from . import labels as L
from .cells import _roles_in, lab_text
from .schema import BudgetLine
from .text import simplified
from .values import clean, is_blank, is_figure, parse_number, parse_weight


class BudgetRows:
    """Mixed into the form builder: reads its ``form``, ``roles`` and ``aligned``."""

    def _budget_meta(self, text: str) -> None:
        f = self.form
        text = simplified(text)         # ('（萬元）' printed in Traditional)
        m = re.search(r"[（(]\s*(万元|千元|亿元|元)|单位[:：]\s*(万元|千元|亿元|元)", text)
        if m and f.unit_declared is None:
            f.unit_declared = m.group(1) or m.group(2)
        m = re.search(r"[（(](\d+(?:\.\d+)?)分[)）*×]|(\d+(?:\.\d+)?)分\*执行率", text)
        if m and "budget" not in f.section_weights:
            f.section_weights["budget"] = float(m.group(1) or m.group(2))

    # budget ---------------------------------------------------------------
    def _budget(self, row: list[Cell], own: list[Cell], opener: bool = False) -> None:
        f = self.form
        if not opener and not self.data_started and not self.aligned:
            self.head_text += "".join(c.clean for c in own)
            self._budget_meta(self.head_text)
        if self._header_roles(own, L.BUDGET_ROLES, 1 if not self.aligned else 2):
            self.pending_kind = None
            for c in own:
                self._budget_weight(c)
            return
        if self.aligned and not self.roles and self._budget_across(row, own):
            return
        if self.aligned:
            kind_cell = next((c for c in own if not is_figure(c.text) and L.match(L.BUDGET_KINDS, c.clean)), None)
            if kind_cell is None:
                return
            self.data_started = True
            by_col = self._by_column([c for c in row if not c.merged])
            self._budget_line(L.match(L.BUDGET_KINDS, kind_cell.clean), kind_cell,
                              {k: v[0] for k, v in by_col.items()})
            return
        values = [c for c in own if is_figure(c.text)]
        words = [c for c in own if not is_figure(c.text) and c.clean[0] not in "（("]
        if words:
            if self.pending_kind is None:
                self.pending_kind = ("", words[0])
            label_cell = self.pending_kind[1]
            text = self.pending_kind[0] + lab_text(words)
            self.pending_kind = (text, label_cell)
        if values and self.pending_kind and self.role_seq:
            text, label_cell = self.pending_kind
            kind = L.match(L.BUDGET_KINDS, clean(text))
            self.pending_kind = None
            if kind is None:
                return
            self.data_started = True
            roles = self.role_seq
            if len(values) >= len(roles):
                mapping = dict(zip(roles, values))
            else:
                mapping = _fewer_values(roles, values)
            self._budget_line(kind, Cell(text, label_cell.row, label_cell.col, page=label_cell.page,
                                         bbox=label_cell.bbox), mapping)

    def _budget_weight(self, c: Cell) -> None:
        """The budget block's points printed in its 分值 label ('分值（10分）'), first one kept."""
        w = parse_weight(c.clean) if re.search(r"^(分值|权重)", c.clean) else None
        if w is not None and "budget" not in self.form.section_weights:
            self.form.section_weights["budget"] = w

    def _budget_across(self, row: list[Cell], own: list[Cell]) -> bool:
        """A transposed budget block: a row of funding-source labels (one column each), then
        one row per figure whose first cell names its role (年初预算数, 执行数, 执行率, 分值, 得分)."""
        if not own or is_figure(own[0].text):
            return False
        if not self.across:
            kinds = [(c, L.match(L.BUDGET_KINDS, c.clean)) for c in own]
            if all(k for _, k in kinds) and not self.data_started:
                self.across = [(c.col, BudgetLine(kind=k, label=c.clean.rstrip(":："), labels={"label": c}))
                               for c, k in kinds]
                return True
            return False
        role = _roles_in(own[:1], L.BUDGET_ROLES).get(0)
        if role is None:
            return False
        self._budget_weight(own[0])
        self.data_started = True
        self.form.cells.setdefault(f"head.budget.{role}", own[0])     # the row's label heads its figures
        for col, line in self.across:
            c = row[col] if col < len(row) else None
            if c is not None and c.clean and not is_blank(c.text):
                line.set_figure(role, parse_number(c.text), c.clean, c, "%" in clean(c.text))
        return True

    def _budget_line(self, kind: str, label: Cell, cells: dict[str, Cell]) -> None:
        f = self.form
        line = BudgetLine(kind=kind, label=label.clean.rstrip(":："), labels={"label": label})
        for role, c in cells.items():
            if role not in ("initial", "adjusted", "executed", "rate", "weight", "score"):
                continue
            line.set_figure(role, parse_number(c.text), c.clean, c, "%" in clean(c.text))
        f.add_budget_line(line)


MONEY_ROLES = ("initial", "adjusted", "executed")


def _fewer_values(roles: list[str], values: list[Cell]) -> dict[str, Cell]:
    """A budget row printing fewer cells than its columns (a merged score, a rate left out):
    from the right, the figures that fit the columns of points and rates (a dash, a rate, a
    number of points) to those columns; the sums of money left to the money columns in order
    ('其中:财政拨款 | 6707900 | 6197600 | — | —' under 年初预算数 | 全年执行数 | 分值 | 执行率 |
    得分: the two sums are the two sums, the dashes the last two).  Where that does not come
    out, the figures stay aligned right."""
    money = [r for r in roles if r in MONEY_ROLES]
    others = [r for r in roles if r not in MONEY_ROLES]
    out: dict[str, Cell] = {}
    rest = list(values)
    for role in reversed(others):
        if rest and _fits(role, rest[-1].text):
            out[role] = rest.pop()
    if len(rest) <= len(money) and all(_money(c.text) for c in rest):
        out.update(zip(money, rest))
        return out
    return dict(zip(roles[-len(values):], values))


def _fits(role: str, text: str) -> bool:
    t = "".join(text.split())
    if re.fullmatch(r"[—–\-/]+", t):
        return True
    v = parse_number(t)
    if v is None:
        return False
    return ("%" in t or v <= 1.5) if role == "rate" else ("%" not in t and v <= 100)


def _money(text: str) -> bool:
    t = "".join(text.split())
    return is_figure(t) and "%" not in t and not re.fullmatch(r"[—–\-/]+", t)
