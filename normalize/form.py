"""The column-table reader: the builder that maps a Document's rows onto the schema.

One state machine for every format.  Sections open on their label; inside a section,
a row of column labels tells the role of each column.  Data rows are then read by
column (aligned blocks) or in reading order (flowing blocks: text pulled from a PDF).
"""
from __future__ import annotations

import regex as re

from extract.grid import Cell, Document
from extract.positions import centre, joined, run_on, wraps

from . import labels as L
from .text import simplified
from .cells import _roles_in, _split_packed, assign_sequence, cell_text
from .finish import finish_form
from .table_positioned import PositionedRows
from .schema import BudgetLine, Form
from .table_budget import BudgetRows
from .table_indicators import IndicatorRows
from .values import is_blank, is_figure, parse_number


class Builder(PositionedRows, BudgetRows, IndicatorRows):
    def __init__(self, doc: Document):
        self.doc = doc
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.section = "header"
        self.aligned = True
        self.pending_rows: list[tuple] = []
        self.indicator_roles: dict = {}   # the indicator table's columns, for its 总分 row
        self.xhead: list = []             # header words and positions (flowing text with boxes)
        self.xcols: list = []
        self.logical = None
        self.label_x = 0.0
        self.header_cols: list = []
        self.wrapping: list | None = None  # a flowing indicator row whose cells may run on (``wraps``)

    # ---------- form boundaries
    def _new_form(self) -> Form:
        if self.form is not None:
            self.form.texts.setdefault("table_end", "next form")
        f = Form(path=self.doc.path, sha256=self.doc.sha256, format=self.doc.format,
                 form_index=len(self.forms), ocr=self.doc.ocr, page_transforms=self.doc.page_transforms)
        self.forms.append(f)
        self.form = f
        self.section = "header"
        self.roles: dict = {}         # column index (aligned) -> role, per section
        self.role_seq: list[str] = []  # roles in reading order (flowing)
        self.pending_kind: tuple[str, str, Cell] | None = None
        self.across: list[tuple[int, BudgetLine]] = []   # a transposed budget block's lines by column
        self.pending_field: str | None = None
        self.goal_cells: list[Cell] = []
        self.level1 = self.level2 = None
        self.level_cells: dict = {}    # the cells the open group labels were read from
        self.head_text, self.data_started = "", False
        self.xcols, self.logical, self.label_x = [], None, 0.0
        self.header_cols = []
        pending, self.pending_rows = self.pending_rows, []
        for row, own in pending:         # the title and header lines seen before the form began
            self._header(row, own)
        return f

    def _header_text(self, c: Cell | str) -> None:
        f = self.form
        t = c if isinstance(c, str) else c.clean
        if L.titled(t) and f.title is None:
            f.title = t
        m = re.search(r"((?:19|20)\d{2})\s*年度", t) or (re.search(r"((?:19|20)\d{2})年", t) if f.year is None and L.titled(t) else None)
        if m and f.year is None:
            f.year = int(m.group(1))

    # ---------- driver
    def run(self) -> list[Form]:
        for block in self.doc.blocks:
            self._flush_wrapped()
            self.aligned = block.aligned
            if self.form is not None:
                self.roles, self.role_seq = {}, []
            for row in block.rows:
                self._row(row)
            if block.aligned and self.form is not None and self.section == "indicators":
                self.form.texts.setdefault("table_end", "end of table")
        self._finish()
        return [f for f in self.forms if f.is_form()]

    def _row(self, row: list[Cell]) -> None:
        own = [c for c in row if not c.merged and c.clean]
        if not own:
            return
        first = own[0].clean
        joined = "".join(c.clean for c in own)
        sec = L.section_of(first)
        if sec == "total" and self.section == "budget" and L.match(L.BUDGET_KINDS, first):
            sec = None          # 合计 inside the budget block is a budget line
        title_like = L.titled(joined) and len(joined) < 80 and sec != "notes" \
            and self.section in ("header", "notes", "after_total", "analysis")
        starts_form = title_like or (first.startswith("项目名称") and
                                     (self.form is None or self.form.project_name))
        if starts_form and (self.form is None or self.form.is_form()):
            self._finish_section()
            if title_like:
                self.pending_rows.append((row, own))
            self._new_form()
            if title_like:
                return
        if self.form is None:
            self.pending_rows.append((row, own))
            return
        for c in own:
            if c.page is not None:
                self.form.pages.add(c.page)
        unlabelled = sec is None and self.section in ("header", "budget", "goal") and _indicator_heads(own)
        if unlabelled or (sec and sec != self.section and not (sec == "total" and self.section == "notes")):
            self._finish_section()
            self.section = sec or "indicators"
            self.roles, self.role_seq = {}, []
            self.head_text, self.data_started = "", False
            self.xcols, self.logical, self.label_x = [], None, centre(own[0])
            if unlabelled:          # the table's column labels, printed with no section label before them
                self._indicators(row, own)
            else:
                self._open_section(row, own)
            return
        if self.xcols and not self.aligned and self.section in ("budget", "goal", "indicators"):
            self._positioned(own)
            return
        if self.section == "indicators" and not self.aligned and own[0].bbox is not None:
            if self.wrapping and wraps(self.wrapping, own, is_figure):
                run_on(self.wrapping, own)
                return
            self._flush_wrapped()
            self.wrapping = [[c] for c in own]
            return
        self._flush_wrapped()
        getattr(self, "_" + self.section)(row, own)

    def _flush_wrapped(self) -> None:
        """Hand the flowing indicator row held for its wrapped lines to the reader."""
        if self.wrapping:
            cells, self.wrapping = joined(self.wrapping), None
            self._indicators(cells, cells)

    # ---------- header
    def _header(self, row: list[Cell], own: list[Cell]) -> None:
        f = self.form
        own = _split_packed(own)
        header_cols: list = []
        i = 0
        matched_any = False
        while i < len(own):
            c = own[i]
            fld = L.match(L.HEADER_FIELDS, c.clean)
            if fld:
                matched_any = True
                label_part = re.match(r"^[^:：]*[:：]", c.clean)
                rest = c.clean[label_part.end():] if label_part else ""
                if not label_part:
                    # the label stripped as Simplified (a Traditional cell's characters map one to one)
                    tail = re.sub(r"^(项目名称|主管部门及代码|主管部门|主管单位|项目实施单位|实施单位|项目单位|预算单位|"
                                  r"填报日期|自评得分|自评总分)|^(项目名|主管部|实施单)$", "", simplified(c.clean))
                    rest = c.clean[len(c.clean) - len(tail):] if tail else ""
                value_cells = [c] if rest else []
                if not rest and i + 1 < len(own) and not L.match(L.HEADER_FIELDS, own[i + 1].clean) \
                        and not re.search(r"[:：]$", own[i + 1].clean):
                    value_cells = [own[i + 1]]
                    rest = cell_text(value_cells) or ""
                    i += 1
                self._set_field(fld, rest, value_cells)
                if value_cells and value_cells[0] is not c:
                    self.form.labels[fld] = c          # the field's label beside its value: a picture's context
                self.pending_field = fld if not rest and not self.aligned else None
                if value_cells and value_cells[0].bbox is not None and not self.aligned:
                    header_cols.append((centre(value_cells[0]), fld))
                if c.bbox is not None and not self.aligned:
                    header_cols.append((centre(c), None))
            i += 1
        if header_cols:
            self.header_cols = header_cols
        elif self.header_cols and all(c.bbox is not None for c in own) \
                and not re.search(L.FORM_TITLE + r"|年度", cell_text(own) or ""):
            # a header line wrapped in its cell: each piece continues the field above it
            for c in own:
                x, fld = min(self.header_cols, key=lambda h: abs(h[0] - centre(c)))
                if fld and fld != "declared_total":
                    self._set_field(fld, self._printed(fld) + c.clean, [], append=True)
            return
        else:
            self.header_cols = []
        if not matched_any:
            if self.pending_field and not self.aligned:
                fld = self.pending_field
                self._set_field(fld, self._printed(fld) + (cell_text(own) or ""), own, append=True)
            for c in own:
                self._header_text(c)
            self._header_text(cell_text(own) or "")

    def _printed(self, fld: str) -> str:
        """A header field's text as printed so far (a figure's printed text, not its value),
        for a line that continues it."""
        v = self.form.texts.get(fld) if fld == "declared_total" else getattr(self.form, fld)
        return v if isinstance(v, str) else ""

    def _set_field(self, fld: str, text: str, cells: list[Cell], append: bool = False) -> None:
        f = self.form
        text = text.strip()
        if fld == "declared_total":
            v = parse_number(text)
            if v is not None:
                f.declared_total = v
                f.texts["declared_total"] = text
                if cells:
                    f.cells["declared_total"] = cells[0]
            return
        if is_blank(text):
            return
        setattr(f, fld, text)
        if cells and (fld not in f.cells or not append):
            f.cells[fld] = cells[0]

    # ---------- sections
    def _open_section(self, row: list[Cell], own: list[Cell]) -> None:
        self.head_text = "".join(c.clean for c in own)
        if self.section == "budget":
            self._budget_meta(self.head_text)
            self._budget(row, own[1:], opener=True)
        elif self.section == "goal":
            self._section_weight("goal")
            self._goal(row, own[1:], opener=True)
        elif self.section == "indicators":
            self._section_weight("indicators")
            self._indicators(row, own[1:], opener=True)
        elif self.section == "total":
            self._total(row, own)
        elif self.section in ("notes", "analysis"):
            getattr(self, "_" + self.section)(row, own)

    def _section_weight(self, name: str) -> None:
        m = re.search(r"[（(]\s*(\d+(?:\.\d+)?)\s*分", self.head_text)
        if m:
            self.form.section_weights[name] = float(m.group(1))

    def _head(self, own: list[Cell]) -> bool:
        """Flowing text: rows before the column labels continue the section's label
        ('项目绩效总目标（20' / '分）')."""
        if self.aligned or self.role_seq or self.data_started:
            return False
        self.head_text += "".join(c.clean for c in own)
        self._section_weight(self.section)
        return True


    def _header_roles(self, own: list[Cell], table, min_roles: int) -> bool:
        """A row of column labels: remember the role of each column (or their order)."""
        if self.data_started:
            return False
        found = _roles_in(own, table)
        if len(found) < min_roles or any(parse_number(c.text) is not None for c in own
                                          if not re.search(r"分", c.clean)):
            return False
        section = "indicators" if table is L.INDICATOR_ROLES else "budget" if table is L.BUDGET_ROLES else None
        for i, role in found.items() if section else ():
            # the column's label, shown beside a finding's cell as its header
            self.form.cells.setdefault(f"head.{section}.{role}", own[i])
            printed = self.form.columns if section == "indicators" else self.form.budget_columns
            if role not in printed:
                printed.append(role)
        if self.aligned:
            for i, role in found.items():
                self.roles[own[i].col] = role
        else:
            for role in found.values():
                if role not in self.role_seq:
                    self.role_seq.append(role)
            if all(c.bbox is not None for c in own):            # PDF words: columns by position
                self.xhead = [[centre(c), c.clean] for c in own]
                self.xtable = table
                self._derive_xcols()
        return True

    def _by_column(self, row: list[Cell]) -> dict[str, list[Cell]]:
        out: dict[str, list[Cell]] = {}
        for c in row:
            role = self.roles.get(c.col)
            if role:
                out.setdefault(role, []).append(c)
        return out


    # goal -----------------------------------------------------------------
    def _goal(self, row: list[Cell], own: list[Cell], opener: bool = False) -> None:
        if self._header_roles(own, L.GOAL_ROLES, 1) or not own or self._head(own):
            return
        if self.aligned:
            for role, cells in self._by_column(row).items():
                own_cells = [c for c in cells if not c.merged] or []
                t = cell_text(own_cells) if own_cells else None
                if t is None or is_blank(t):
                    continue
                self._goal_set(role, t, own_cells[0])
        else:
            self.data_started = True
            self.goal_cells.extend(own)

    def _goal_set(self, role: str, text: str, c: Cell) -> None:
        g = self.form.goal
        g.texts[role] = text
        g.cells[role] = c
        if role in ("weight", "score"):
            setattr(g, "score_declared" if role == "score" else "weight", parse_number(text))
        else:
            setattr(g, role, text)

    def _finish_goal(self) -> None:
        cells, self.goal_cells = self.goal_cells, []
        if not cells:
            return
        roles = self.role_seq or ["target", "actual"]
        mapping = assign_sequence(cells, roles, absorb="target")
        for role, cs in mapping.items():
            t = cell_text(cs)
            if t:
                self._goal_set(role, t, cs[0])


    # totals, notes ---------------------------------------------------------
    def _total(self, row: list[Cell], own: list[Cell]) -> None:
        f = self.form
        label = own[0].clean
        inline = re.search(r"[:：]\s*([\d.]+)$", label)
        nums = [c for c in own[1:] if parse_number(c.text) is not None]
        cell = None
        if inline:
            cell = own[0]
            text = inline.group(1)
        elif nums:
            cell = nums[-1]
            roles = {self._indicator_role_at(c.col): c for c in nums} if self.aligned else {}
            full_only = set(roles) == {"weight"}
            if len(nums) > 1 or full_only:
                cell = roles.get("score", nums[-1])
                if "weight" in roles:
                    f.texts["full_marks"] = roles["weight"].clean
                    f.cells["full_marks"] = roles["weight"]
            if full_only and "score" in self.indicator_roles.values():
                # only the full marks (分值 100) read; the 得分 cell blank or unread: no total
                if f.declared_total is None and "total_row" not in f.texts:
                    f.texts["total_row"] = label
                    blank = next((c for c in row if self._indicator_role_at(c.col) == "score" and not c.merged), None)
                    if blank is not None:        # the 得分 cell, blank, for evidence (none: no cell at all)
                        f.cells["declared_total"] = blank
                self.section = "after_total"
                return
            text = cell.clean
        else:
            return
        if f.declared_total is None or "total_row" not in f.texts:
            f.declared_total = parse_number(text)
            f.texts["declared_total"] = text
            f.texts["total_row"] = label
            f.cells["declared_total"] = cell
            if cell is not own[0]:
                f.labels["declared_total"] = own[0]
        self.section = "after_total"


    def _after_total(self, row: list[Cell], own: list[Cell]) -> None:
        self._notes(row, own)

    def _notes(self, row: list[Cell], own: list[Cell]) -> None:
        self.form.notes += "\n" + "".join(c.text.strip() for c in own)

    def _analysis(self, row: list[Cell], own: list[Cell]) -> None:
        self.form.analysis += "".join(c.clean for c in own)

    def _finish_section(self) -> None:
        if self.form is None:
            return
        self._flush_wrapped()
        if self.logical:
            self._flush_logical()
        if self.section == "goal":
            self._finish_goal()
        if self.section == "budget" and self.across:
            if any(line.cells for _, line in self.across):     # a lone row of labels is no block
                for _, line in self.across:
                    self.form.add_budget_line(line)
            self.across = []
        if self.section == "indicators" and self.aligned:
            self.indicator_roles = dict(self.roles)

    def _finish(self) -> None:
        self._finish_section()
        for f in self.forms:
            finish_form(f)


def _indicator_heads(own: list[Cell]) -> bool:
    """A row of the indicator table's column labels (三 of them at least, its 一级指标 or its
    name among them): the table begins here, whether or not a section label came first."""
    found = set(_roles_in(own, L.INDICATOR_ROLES).values())
    return len(found) >= 3 and bool(found & {"level1", "name"})
