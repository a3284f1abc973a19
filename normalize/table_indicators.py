"""The table reader's indicator table (mixed into the form builder): a row read by its
columns' roles, its 一级/二级 labels carried down their merged cells."""
from __future__ import annotations

import regex as re

from extract.grid import Cell

from . import labels as L
from .cells import assign_sequence, cell_text
from .schema import Indicator
from .values import parse_number, parse_weight, with_operator


POINTED = re.compile(r"[^\d\s（(]{2,14}[（(]\s*\d+(?:\.\d+)?\s*分\s*[)）]")    # a group label with its points


class IndicatorRows:
    """Mixed into the form builder: reads and writes its ``form``, ``roles``, ``level1`` and ``level2``."""

    # indicators -----------------------------------------------------------
    def _indicators(self, row: list[Cell], own: list[Cell], opener: bool = False) -> None:
        f = self.form
        if self._header_roles(own, L.INDICATOR_ROLES, 2 if self.aligned else 1) or not own:
            return
        if self._head(own) or (not self.aligned and all(c.clean[0] in "（(" for c in own)):
            return
        if self.aligned:
            cols = self._by_column(row)
            l1, l2 = cols.pop("level1", [])[:1], cols.pop("level2", [])[:1]
            if l1 and l2 and l2[0].merged and l2[0].colspan > 1 and l2[0].text == l1[0].text:
                l2 = []          # one label spanning both columns: no 二级指标 printed
                self.level2 = None
                self.level_cells.pop("level2", None)
            for lvl, cs in (("level1", l1), ("level2", l2)):
                t = cell_text(cs)
                if t:
                    self._level(lvl, t, cs[0])
            data = {role: [c for c in cs if not c.merged] for role, cs in cols.items()}
        else:
            rest = list(own)
            if "seq" in self.role_seq and rest and re.fullmatch(r"\d{1,3}", rest[0].clean):
                rest.pop(0)                     # the row's number (序号)
            if rest and self._held_level2(rest):
                self._level("level2", rest[0].clean, rest.pop(0))
            if rest and L.level1_of(rest[0].clean) and len(rest[0].clean) <= 14:
                self._level("level1", rest[0].clean, rest.pop(0))
            if rest and L.level2_of(rest[0].clean):
                self._level("level2", rest[0].clean, rest.pop(0))
            self._pointed_levels(rest)
            if not rest:
                return
            roles = [r for r in (self.role_seq or ["name", "target", "actual", "weight", "score"])
                     if r not in ("level1", "level2", "seq")]
            data = assign_sequence(rest, roles, absorb="name")
        if not any(cell_text(cs) for cs in data.values()):
            return
        self.data_started = True
        ind = Indicator(level1=self.level1, level2=self.level2, labels=dict(self.level_cells))
        if ind.level1 is None and ind.level2 and L.LEVEL1_OF_LEVEL2.get(ind.level2):
            ind.level1 = L.LEVEL1_OF_LEVEL2.get(ind.level2)
            ind.texts["level1_from"] = f"{ind.level2} belongs to {ind.level1}"
        for role, cs in data.items():
            t = cell_text(cs)
            if t is None:
                if role == "target_op":     # a sign cell OCR found ink in but read nothing from:
                    unread = next((c for c in cs if c.confidence == 0.0), None)     # the target's
                    if unread is not None:                                           # sign is unknown
                        ind.cells[role] = unread
                continue
            ind.texts[role] = t
            ind.cells[role] = cs[0]
            if role in ("weight", "score"):
                setattr(ind, "score_declared" if role == "score" else "weight", parse_number(t))
            elif role in ("name", "target", "actual", "note", "target_op", "target_unit"):
                setattr(ind, role, t) if hasattr(ind, role) else None
        ind.target = with_operator(ind.target, ind.texts.get("target_op"), ind.texts.get("target_unit"))
        if ind.name is None and ind.target is None and ind.score_declared is None:
            return
        if ind.name is None:
            ind.name = ind.target
        f.indicators.append(ind)

    def _held_level2(self, rest: list[Cell]) -> bool:
        """A row's one group label that is a 二级 of the 一级 open above it, though it could
        stand as a 一级 ('服务对象满意度指标' under 效果指标, which holds 满意度 groups)."""
        t = rest[0].clean
        if not self.level1 or not L.level2_of(t) or len(rest) > 1 and L.level2_of(rest[1].clean):
            return False
        family = L.level1_of(t)
        return bool(family) and family != L.strip_weight(t) and family != self.level1 \
            and family in L.LEVEL1_HOLDS.get(self.level1, ())     # ('满意度指标' itself stands as a 一级)

    def _pointed_levels(self, rest: list[Cell]) -> None:
        """Group labels the vocabulary does not know, told by the points they print ('规划
        （15分）', '基础信息（3分）'): leading cells of a row that print points before the
        row's own figures.  Two are the 一级 and the 二级; one alone is the 二级 where the
        table has a 二级 column (a new 一级 merged down its rows starts a new 二级 too),
        else the 一级."""
        pointed = 0
        while pointed < min(2, len(rest) - 1) and POINTED.fullmatch(rest[pointed].clean):
            pointed += 1
        if pointed == 2:
            self._level("level1", rest[0].clean, rest.pop(0))
            self._level("level2", rest[0].clean, rest.pop(0))
        elif pointed == 1:
            self._level("level2" if "level2" in self.role_seq else "level1", rest[0].clean, rest.pop(0))

    def _level(self, lvl: str, text: str, cell: Cell | None = None) -> None:
        if cell is not None:
            self.level_cells[lvl] = cell
        if lvl == "level1":
            name = L.level1_of(text) or L.strip_weight(text)
            w = parse_weight(text)
            if w is not None:
                self.form.group_weights[name] = w
            if name != self.level1:
                self.level2 = None
                self.level_cells.pop("level2", None)
            self.level1 = name
        else:
            t = L.strip_weight(text)
            w = parse_weight(text)
            if self.level2 and not L.level2_of(t) and L.level2_of(self.level2 + t):
                # a merged label cut in two by a page break ('可持续影' / '响指标')
                joined = self.level2 + t
                for ind in reversed(self.form.indicators):
                    if ind.level2 != self.level2:
                        break
                    ind.level2 = joined
                t = joined
            self.level2 = t
            if w is not None:
                self.form.subgroup_weights[t] = w

    def _indicator_role_at(self, col: int) -> str | None:
        return self.indicator_roles.get(col)
