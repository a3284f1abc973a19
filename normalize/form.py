"""The schema, and the builder that maps a Document's rows onto it.

One state machine for every format.  Sections open on their label; inside a section,
a row of column labels tells the role of each column.  Data rows are then read by
column (aligned blocks) or in reading order (flowing blocks: text pulled from a PDF).
"""
from __future__ import annotations

import regex as re

from extract.grid import Cell, Document

from . import labels as L
from .positions import PositionedRows, _centre, joined, run_on, wraps
from .schema import BudgetLine, Form, Indicator
from .values import clean, is_blank, is_figure, parse_number, parse_weight, with_operator


def cell_text(cells: list[Cell]) -> str | None:
    """Cell text as written with whitespace (full-width too) and line breaks removed."""
    seen, parts = set(), []
    for c in cells:
        if id(c) in seen or (c.merged and any(o.text == c.text for o in cells if o is not c and not o.merged)):
            continue
        seen.add(id(c))
        t = "".join(c.text.split())
        if t and (not parts or parts[-1] != t):
            parts.append(t)
    out = "".join(parts)
    return out or None


def _roles_in(cells: list[Cell], table) -> dict[int, str]:
    out: dict[int, str] = {}
    for i, c in enumerate(cells):
        if c.merged or not c.clean or c.clean[0] in "（(":
            continue
        role = L.match(table, c.clean)
        if role == "level1" and role in out.values() and re.fullmatch(r"[-—－]?级指标", c.clean):
            # '级指标' is an OCR'd 一/二/三级指标 whose rank was lost: the next rank not taken
            role = next((r for r in ("level2", "name") if r not in out.values()), None)
        if role and role not in out.values():
            out[i] = role
    return out


class Builder(PositionedRows):
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
        if re.search(L.FORM_TITLE, t) and f.title is None:
            f.title = t
        m = re.search(r"((?:19|20)\d{2})\s*年度", t) or (re.search(r"((?:19|20)\d{2})年", t) if f.year is None and re.search(L.FORM_TITLE, t) else None)
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
        title_like = bool(re.search(L.FORM_TITLE, joined)) and len(joined) < 80 and sec != "notes" \
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
        if sec and sec != self.section and not (sec == "total" and self.section == "notes"):
            self._finish_section()
            self.section = sec
            self.roles, self.role_seq = {}, []
            self.head_text, self.data_started = "", False
            self.xcols, self.logical, self.label_x = [], None, _centre(own[0])
            self._open_section(row, own)
            return
        if self.xcols and not self.aligned and self.section in ("budget", "goal", "indicators"):
            self._positioned(own)
            return
        if self.section == "indicators" and not self.aligned and own[0].bbox is not None:
            if self.wrapping and wraps(self.wrapping, own):
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
                    rest = re.sub(r"^(项目名称|主管部门及代码|主管部门|主管单位|项目实施单位|实施单位|项目单位|预算单位|"
                                  r"填报日期|自评得分|自评总分)|^(项目名|主管部|实施单)$", "", c.clean)
                value_cells = [c] if rest else []
                if not rest and i + 1 < len(own) and not L.match(L.HEADER_FIELDS, own[i + 1].clean) \
                        and not re.search(r"[:：]$", own[i + 1].clean):
                    value_cells = [own[i + 1]]
                    rest = cell_text(value_cells) or ""
                    i += 1
                self._set_field(fld, rest, value_cells)
                self.pending_field = fld if not rest and not self.aligned else None
                if value_cells and value_cells[0].bbox is not None and not self.aligned:
                    header_cols.append((_centre(value_cells[0]), fld))
                if c.bbox is not None and not self.aligned:
                    header_cols.append((_centre(c), None))
            i += 1
        if header_cols:
            self.header_cols = header_cols
        elif self.header_cols and all(c.bbox is not None for c in own) \
                and not re.search(L.FORM_TITLE + r"|年度", cell_text(own) or ""):
            # a header line wrapped in its cell: each piece continues the field above it
            for c in own:
                x, fld = min(self.header_cols, key=lambda h: abs(h[0] - _centre(c)))
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

    def _budget_meta(self, text: str) -> None:
        f = self.form
        m = re.search(r"[（(]\s*(万元|千元|亿元|元)|单位[:：]\s*(万元|千元|亿元|元)", text)
        if m and f.unit_declared is None:
            f.unit_declared = m.group(1) or m.group(2)
        m = re.search(r"[（(](\d+(?:\.\d+)?)分[)）*×]|(\d+(?:\.\d+)?)分\*执行率", text)
        if m and "budget" not in f.section_weights:
            f.section_weights["budget"] = float(m.group(1) or m.group(2))

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
                self.xhead = [[_centre(c), c.clean] for c in own]
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
                mapping = dict(zip(roles[-len(values):], values))
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
                self.across = [(c.col, BudgetLine(kind=k, label=c.clean.rstrip(":："))) for c, k in kinds]
                return True
            return False
        role = _roles_in(own[:1], L.BUDGET_ROLES).get(0)
        if role is None:
            return False
        self._budget_weight(own[0])
        self.data_started = True
        for col, line in self.across:
            c = row[col] if col < len(row) else None
            if c is not None and c.clean and not is_blank(c.text):
                line.set_figure(role, parse_number(c.text), c.clean, c, "%" in clean(c.text))
        return True

    def _budget_line(self, kind: str, label: Cell, cells: dict[str, Cell]) -> None:
        f = self.form
        line = BudgetLine(kind=kind, label=label.clean.rstrip(":："))
        for role, c in cells.items():
            if role not in ("initial", "adjusted", "executed", "rate", "weight", "score"):
                continue
            line.set_figure(role, parse_number(c.text), c.clean, c, "%" in clean(c.text))
        f.add_budget_line(line)

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
            for lvl, cs in (("level1", l1), ("level2", l2)):
                t = cell_text(cs)
                if t:
                    self._level(lvl, t)
            data = {role: [c for c in cs if not c.merged] for role, cs in cols.items()}
        else:
            rest = list(own)
            if rest and L.level1_of(rest[0].clean) and len(rest[0].clean) <= 14:
                self._level("level1", rest.pop(0).clean)
            if rest and L.level2_of(rest[0].clean):
                self._level("level2", rest.pop(0).clean)
            if not rest:
                return
            roles = [r for r in (self.role_seq or ["name", "target", "actual", "weight", "score"])
                     if r not in ("level1", "level2")]
            data = assign_sequence(rest, roles, absorb="name")
        if not any(cell_text(cs) for cs in data.values()):
            return
        self.data_started = True
        ind = Indicator(level1=self.level1, level2=self.level2)
        if ind.level1 is None and ind.level2:
            ind.level1 = L.LEVEL1_OF_LEVEL2.get(ind.level2)
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

    def _level(self, lvl: str, text: str) -> None:
        if lvl == "level1":
            name = L.level1_of(text) or L.strip_weight(text)
            w = parse_weight(text)
            if w is not None:
                self.form.group_weights[name] = w
            if name != self.level1:
                self.level2 = None
            self.level1 = name
        else:
            t = L.strip_weight(text)
            if self.level2 and not L.level2_of(t) and L.level2_of(self.level2 + t):
                # a merged label cut in two by a page break ('可持续影' / '响指标')
                joined = self.level2 + t
                for ind in reversed(self.form.indicators):
                    if ind.level2 != self.level2:
                        break
                    ind.level2 = joined
                t = joined
            self.level2 = t

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
        self.section = "after_total"

    def _indicator_role_at(self, col: int) -> str | None:
        return self.indicator_roles.get(col)

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


def _split_packed(cells: list[Cell]) -> list[Cell]:
    """A header line kept in one cell ('单位名称(盖章)：  填报日期：…  自评得分： 95', a merged
    spreadsheet row) is split into its whitespace-separated pieces, as a PDF line would be."""
    out = []
    for c in cells:
        text = re.sub(r"(?<=\S)(?<!项目)(?=(" + L.HEADER_LABELS + r")\s*[:：])", " ", c.text)   # OCR joins them
        parts = text.split()
        if len(parts) > 1 and sum(1 for p in parts if re.search(r"[:：]", p)) >= 1 and \
                sum(1 for p in parts if L.match(L.HEADER_FIELDS, p)) >= 1:
            out.extend(Cell(p, c.row, c.col, page=c.page, bbox=c.bbox, confidence=c.confidence) for p in parts)
        else:
            out.append(c)
    return out


def lab_text(cells: list[Cell]) -> str:
    return "".join(c.text.strip() for c in cells)


def assign_sequence(cells: list[Cell], roles: list[str], absorb: str) -> dict[str, list[Cell]]:
    """Map a flowing row's pieces onto the header's roles in order.

    The same count maps one to one.  Extra pieces belong to the ``absorb`` role (a name or
    a goal text that the PDF broke into several pieces); missing pieces are taken from the
    roles between ``absorb`` and the numbers, keeping the trailing numbers aligned right.
    """
    if not roles:
        return {}
    n, k = len(cells), len(roles)
    if n == k:
        return {r: [c] for r, c in zip(roles, cells)}
    ai = roles.index(absorb) if absorb in roles else 0
    tail_roles = roles[ai + 1:]
    if n > k:
        head = roles[:ai]
        out = {r: [c] for r, c in zip(head, cells[:ai])}
        tail_n = len(tail_roles)
        out[absorb] = cells[ai:n - tail_n]
        out.update({r: [c] for r, c in zip(tail_roles, cells[n - tail_n:])})
        return out
    # fewer pieces than roles: keep the absorbing role first, align numbers to the right
    out = {absorb: [cells[0]]}
    rest = cells[1:]
    numeric_roles = [r for r in tail_roles if r in ("weight", "score")]
    text_roles = [r for r in tail_roles if r not in ("weight", "score")]
    nums = []
    while rest and parse_number(rest[-1].text) is not None and len(nums) < len(numeric_roles):
        nums.insert(0, rest.pop())
    out.update({r: [c] for r, c in zip(numeric_roles[-len(nums):] if nums else [], nums)})
    out.update({r: [c] for r, c in zip(text_roles, rest)})
    return out


def _year_from(f: Form, texts: list[str | None], where: str) -> None:
    """The one year that these texts print ('2021年'), if there is exactly one."""
    years = {int(y) for t in texts for y in re.findall(r"(?<!\d)((?:19|20)\d{2})年", "".join((t or "").split()))}
    if len(years) == 1:
        f.year = years.pop()
        f.texts["year_inferred"] = where


def finish_form(f: Form) -> None:
    """Form-level inferences that need the whole form: sub-rows, weights the template leaves out."""
    fold_breakdowns(f)
    infer_weights(f)
    if f.year is None and f.project_name:      # '2023年杨楼社区特色种养殖补贴到户项目'
        m = re.match(r"((?:19|20)\d{2})年(?!\d)", "".join(f.project_name.split()))
        if m:
            f.year = int(m.group(1))
    if f.year is None:       # the year the completion text reports on ('中心2021年较好地完成了…')
        _year_from(f, [f.goal.actual], "from the goal's completion text")
    if f.year is None:       # the year the deadlines fall in ('完成时间 2021年12月31日')
        _year_from(f, [i.target for i in f.indicators if re.search(
            L.DEADLINE, "".join(((i.level2 or "") + (i.name or "")).split()))], "from the deadlines of its 时效 indicators")
    for line in f.budget_lines:
        for c in line.cells.values():
            if c.page:
                f.pages.add(c.page)


def fold_breakdowns(f: Form) -> None:
    """In a scored table, a row that prints a weight and a score but no target or actual,
    followed by rows that print a target and an actual but no weight or score, is one
    indicator broken down ('★补助各类瓜果蔬菜种植面积 10 10' over '梨树种植面积 6亩 6亩', …):
    the sub-rows are its breakdown, not indicators of their own."""
    if sum(1 for i in f.indicators if i.weight is not None) < 2:
        return
    kept, parent = [], None
    for i in f.indicators:
        scored = i.weight is not None or i.score_declared is not None
        if scored:
            parent = i if i.target is None and i.actual is None else None
        elif parent is not None and (i.target or i.actual) and i.level2 == parent.level2:
            parent.breakdown.append([i.name, i.target, i.actual])
            continue
        else:
            parent = None
        kept.append(i)
    f.indicators = kept


def infer_weights(f: Form) -> None:
    """Where no weight column is printed (seed 004): the indicators' section weight split
    equally over the 二级指标, then equally inside each 二级指标.  Where the form prints a
    weight column, weights not read stay unread."""
    inds = f.indicators
    if not inds or any(i.weight is not None for i in inds) or "weight" in f.columns:
        return          # (a weight column printed whose figures were not read: they are unread, not equal)
    total = f.section_weights.get("indicators")
    if total is None:
        return
    groups: dict = {}
    for i in inds:
        groups.setdefault((i.level1, i.level2 or i.name), []).append(i)
    per_group = total / len(groups)
    for members in groups.values():
        for i in members:
            i.weight = round(per_group / len(members), 4)
            i.weight_inferred = True


def _document_year(forms: list[Form]) -> None:
    """A form that prints no year, in a document whose other forms all print one and the same
    (a page of a unit's forms under one 2023年 title), is of that year."""
    years = {f.year for f in forms if f.year is not None}
    if len(years) != 1:
        return
    year = years.pop()
    for f in forms:
        if f.year is None:
            f.year = year
            f.texts["year_inferred"] = "from the other forms of the document"


def build_forms(doc: Document) -> list[Form]:
    """Every form in a document, on the schema, money in yuan.

    Competing readers: the column-table reader (tables whose columns are real, and text
    whose rows kept their lines) and, where the document has no real table, the token-stream
    reader.  Each proposes its forms; the binding the form's own evidence supports best
    (labels placed, values of their field's type, the form's arithmetic) wins."""
    from .abstain import set_aside
    from .binding import consistency, missing, quality
    from .stream import read_stream
    from .units import resolve_unit
    forms = Builder(doc).run()
    for f in forms:
        f.mapping = {"reader": "column-table", "unplaced": []}
        set_aside(f)
    if not any(b.aligned for b in doc.blocks):
        stream = read_stream(doc)
        for f, rep in stream:
            finish_form(f)
            f.mapping = rep.to_dict()
            set_aside(f)
        alt = [f for f, _ in stream]
        if alt and not forms or sum(quality(f) for f in alt) > sum(quality(f) for f in forms):
            forms = alt
    _document_year(forms)
    for f in forms:
        f.mapping["columns"] = list(f.columns)      # what the review rules may rest on
        f.mapping["budget_columns"] = list(f.budget_columns)
        f.unit_used, f.unit_evidence = resolve_unit(f)
        f.mapping["missing"] = missing(f)
        f.mapping["confidence"] = round(consistency(f), 3)
    return forms
