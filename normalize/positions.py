"""Flowing text that still has word positions (a PDF printed without table rulings):
the header row's words tell where each column is, every later word goes to the column
whose header it sits under (−1: the section's label column), and the lines of a row whose
cells wrapped are joined into one logical row before the aligned reader takes it."""
from __future__ import annotations

from dataclasses import replace

import regex as re

from extract.grid import Cell

from . import labels as L
from .values import is_figure


def _fragment(c: Cell) -> bool:
    """A piece of a wrapped column label: a parenthetical or a few characters, no digits."""
    t = c.clean
    return t[:1] in ("（", "(") or (len(t) <= 4 and not re.search(r"\d", t))


def _centre(c: Cell) -> float:
    return (c.bbox[0] + c.bbox[2]) / 2 if c.bbox is not None else 0.0


WRAP_GAP = 0.6      # a line wrapped in its cells starts within this many line heights below the one above


def wraps(pieces: list[list[Cell]], line: list[Cell]) -> bool:
    """``line`` is the text of the row above run on to a next line in its cells (a table
    continued on a page whose rulings were not found: '社会 | 城市运行保 | 有效提 | 达成预期 |
    8 | 7.6' then '效益 | 障能力 | 升 | 指标' then '指标').  ``pieces``: the row above, each of
    its words with the lines wrapped under it so far.  The line is on the same page just
    below, holds no figure while the row above does, and each of its words lies under
    exactly one of the row's words."""
    cells = [c for cs in pieces for c in cs] + line
    if any(c.bbox is None for c in cells) or len({c.page for c in cells}) > 1:
        return False
    if any(is_figure(c.text) for c in line) or not any(is_figure(cs[0].text) for cs in pieces):
        return False
    height = max(c.bbox[3] - c.bbox[1] for c in line)
    gap = min(c.bbox[1] for c in line) - max(cs[-1].bbox[3] for cs in pieces)
    if not -0.5 * height < gap <= WRAP_GAP * height:
        return False
    return all(len(_under(c, pieces)) == 1 for c in line)


def _under(c: Cell, pieces: list[list[Cell]]) -> list[int]:
    return [i for i, cs in enumerate(pieces)
            if min(o.bbox[0] for o in cs) < c.bbox[2] and c.bbox[0] < max(o.bbox[2] for o in cs)]


def run_on(pieces: list[list[Cell]], line: list[Cell]) -> None:
    """Each word of a wrapped line (``wraps``) onto the piece above it."""
    for c in line:
        pieces[_under(c, pieces)[0]].append(c)


def joined(pieces: list[list[Cell]]) -> list[Cell]:
    """One cell per piece, its wrapped lines joined, its box around them all."""
    out = []
    for cs in pieces:
        first = cs[0]
        box = first.bbox if len(cs) == 1 else (min(c.bbox[0] for c in cs), min(c.bbox[1] for c in cs),
                                               max(c.bbox[2] for c in cs), max(c.bbox[3] for c in cs))
        out.append(replace(first, text="\n".join(c.text.strip() for c in cs), bbox=box,
                           confidence=min((c.confidence for c in cs if c.confidence is not None), default=None)))
    return out


class PositionedRows:
    """Mixed into the form builder: state ``xhead``, ``xcols``, ``label_x``, ``logical``."""

    NUMERIC_ROLES = ("weight", "score", "rate", "adjusted", "executed", "initial")

    def _columns(self, own: list[Cell]) -> dict[int, list[Cell]]:
        """Each piece to the column whose header centre is nearest (−1: the section's label
        column, left of the first header); budget labels are labels wherever they sit."""
        out: dict[int, list[Cell]] = {}
        for c in own:
            col = -1 if self.section == "budget" and not is_figure(c.text) else self._nearest(c)
            out.setdefault(col, []).append(c)
        # two figures of one line never share a numeric column: where they fall nearest the same
        # one (a page of laid-out text set a little apart from the first), the right-hand one
        # goes to the next column while that column is empty in this line
        for i in sorted(k for k in out if k >= 0):
            cs = out[i]
            if len(cs) == 2 and self.xcols[i][1] in self.NUMERIC_ROLES and all(is_figure(c.text) for c in cs) \
                    and i + 1 < len(self.xcols) and i + 1 not in out:
                left, right = sorted(cs, key=lambda c: c.bbox[0] if c.bbox else 0.0)
                out[i], out[i + 1] = [left], [right]
        return out

    def _nearest(self, c: Cell) -> int:
        centres = [(self.label_x, -1)] + [(x, i) for i, (x, _) in enumerate(self.xcols)]
        return min(centres, key=lambda xc: abs(xc[0] - _centre(c)))[1]

    def _positioned(self, own: list[Cell]) -> None:
        cols = self._columns(own)
        label = cols.get(-1, [])
        in_label_column = [c for c in own if self._nearest(c) == -1]
        if in_label_column:
            self.head_text += "".join(c.clean for c in in_label_column)
            self._section_weight(self.section)
            if self.section == "budget":
                self._budget_meta(self.head_text)
        roles = [self.xcols[i][1] for i in cols if i >= 0]
        numeric = any(r in self.NUMERIC_ROLES for r in roles)
        if self.logical is None:
            if not self.data_started and all(_fragment(c) for i, cs in cols.items() if i >= 0 for c in cs):
                self._header_continues(own)  # '值（A）', '数', '指标': the rest of the column labels
                return
            self.logical = cols
            return
        prev = self.logical
        # a line continues the row above when it adds text only to columns that row has,
        # and brings no new figure — unless figures are all it holds (a number wrapped
        # in a narrow column: '615.3' / '4')
        continues = all(i in prev or i == -1 for i in cols) and (
            not numeric or (-1 not in cols and all(r in self.NUMERIC_ROLES for r in roles)))
        if self.section == "budget":
            # a label naming a fund line starts a line; a fragment ('拨款', '资金总额') continues one
            label_text = "".join(c.clean for c in label)
            if not numeric:
                continues = True                         # words only: the label runs on
            elif label_text:
                continues = not L.match(L.BUDGET_KINDS, label_text)   # '拨款 4' vs '其他资金 —'
            else:
                continues = all(i in prev for i in cols)              # a wrapped figure
        if continues:
            for i, cs in cols.items():
                prev.setdefault(i, []).extend(cs)
            return
        self._flush_logical()
        self.logical = cols

    def _header_continues(self, own: list[Cell]) -> None:
        if not self.xhead:
            return
        for c in own:
            if c.bbox is None:
                continue
            nearest = min(self.xhead + [[self.label_x, None]], key=lambda h: abs(h[0] - _centre(c)))
            if nearest[1] is not None:
                nearest[1] += c.clean
        self._derive_xcols()

    def _flush_logical(self) -> None:
        """Hand one logical row (its wrapped lines joined per column) to the aligned reader."""
        cols, self.logical = self.logical, None
        if not cols:
            return
        row = []
        for i, cs in sorted(cols.items()):
            first = cs[0]
            numeric_col = i >= 0 and self.xcols[i][1] in self.NUMERIC_ROLES
            text = ("" if numeric_col or i < 0 else "\n").join(c.text.strip() for c in cs)
            row.append(Cell(text, first.row, i, page=first.page, bbox=first.bbox,
                            confidence=min((c.confidence for c in cs if c.confidence is not None), default=None)))
        saved = self.aligned, self.roles
        self.aligned, self.roles = True, {i: role for i, (_, role) in enumerate(self.xcols)}
        try:
            getattr(self, "_" + self.section)(row, [c for c in row if c.clean])
        finally:
            self.aligned, self.roles = saved

    def _derive_xcols(self) -> None:
        """Roles of the header columns, from their labels as completed so far."""
        cols, seen = [], set()
        for x, text in self.xhead:
            role = L.match(self.xtable, text) if text and text[0] not in "（(" else None
            if role and role not in seen:
                seen.add(role)
                cols.append((x, role))
        self.xcols = sorted(cols)
