"""The table reader's rows of flowing text that still has word positions (a PDF printed
without table rulings): the header row's words, read as column labels, tell where each
column is; every later word goes to the column whose header it sits under (−1: the
section's label column), and the lines of a row whose cells wrapped are joined into one
logical row before the aligned reader takes it.  The geometry is ``extract.positions``."""
from __future__ import annotations

from extract.grid import Cell
from extract.positions import centre, fragment, nearest

from . import labels as L
from .values import is_figure


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
        return nearest([(self.label_x, -1)] + [(x, i) for i, (x, _) in enumerate(self.xcols)], c)

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
            if not self.data_started and all(fragment(c) for i, cs in cols.items() if i >= 0 for c in cs):
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
            nearest = min(self.xhead + [[self.label_x, None]], key=lambda h: abs(h[0] - centre(c)))
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
