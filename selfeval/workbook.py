"""report.xlsx, a workbook an auditor can work from: findings first (errors first), then
forms, budget lines and indicators.  Readable keys (file, form, project) lead each sheet and
the sha256 is last and hidden; rates are percentages, money has thousands separators, scores
two decimals; widths fit the content and messages wrap; every row links, relative to the
report's folder, to its source file (and PDF page) and a finding to its evidence picture
saved beside the report; each sheet prints landscape, fit to the page's width, with its
header row repeated."""
from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import quote

from .files import atomic
from .reports import SEVERITY_ORDER
from .tables import TABLES, rows

SHEETS = ("findings", "forms", "budget_lines", "indicators")
assert set(SHEETS) == set(TABLES)
LEAD = ("file", "form_index", "project_name")
MONEY = {"initial", "adjusted", "executed"}
RATES = {"rate_declared", "rate_recomputed"}
SCORES = {"weight", "score_declared", "score_recomputed", "declared_total", "total_of_parts", "total_by_rules",
          "goal_weight", "goal_score", "declared", "expected"}
FORMATS = {**{c: "#,##0.00" for c in MONEY}, **{c: "0.00%" for c in RATES}, **{c: "0.00" for c in SCORES},
           "min_confidence": "0.000"}
DIGITS = {"#,##0.00": 2, "0.00%": 4, "0.00": 2, "0.000": 3}
RATE_FINDINGS = {"BUDGET_RATE_MISMATCH"}            # their declared/expected are rates
WRAP = {"message", "name", "project_name", "goal_target", "goal_actual", "target", "actual"}
WIDTH_SAMPLE = 2000      # rows a column's width is fitted to
SEVERITY_FILL = {"error": "F8CBAD", "warning": "FFE699", "info": "DDEBF7"}


def _width(v) -> int:
    """Display width of a value: CJK characters take two columns."""
    s = "" if v is None else str(v)[:70]          # no column is wider than 60
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in s)


def _relative(target: str, base: Path) -> str:
    """A link that still works when the report folder moves with (or beside) its sources."""
    rel = os.path.relpath(os.path.abspath(target), os.path.abspath(base))    # a link's own place: a loop has no target
    return quote(Path(rel).as_posix())


def _columns(recs: list[dict], sheet: str) -> list[str]:
    cols = list(recs[0].keys()) if recs else ["sha256", "form_index"]
    cols = [c for c in cols if c not in ("path", "sha256") and not c.startswith("_")]
    lead = [c for c in LEAD if c in cols]
    rest = [c for c in cols if c not in lead]
    return [*lead, *rest, "source", *(["evidence"] if sheet == "findings" else []), "sha256"]


def write_workbook(results: list[dict], out: Path, pictures: dict | None = None) -> None:
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    base = out.parent
    data = rows(results)
    data["findings"].sort(key=lambda f: (SEVERITY_ORDER.get(f["severity"], 9), f["path"] or "", f["form_index"] or 0))
    forms = {(f["sha256"], f["form_index"]): f for f in data["forms"]}
    for recs in data.values():
        for rec in recs:
            path = rec.get("path") or (forms.get((rec.get("sha256"), rec.get("form_index"))) or {}).get("path")
            rec["_path"] = path
            rec["file"] = Path(path).name if path else None
            if "project_name" not in rec:
                rec["project_name"] = (forms.get((rec.get("sha256"), rec.get("form_index"))) or {}).get("project_name")
            if rec.get("pages"):
                rec["pages"] = ", ".join(str(p) for p in json.loads(rec["pages"]))
    wb = openpyxl.Workbook(write_only=True)          # streaming: fast on thousands of rows
    bold, link_font = Font(bold=True), Font(color="0563C1", underline="single")
    wrap = Alignment(wrap_text=True, vertical="top")
    for name in SHEETS:
        ws = wb.create_sheet(name)
        recs = data[name]
        cols = _columns(recs, name)
        widths = {c: _width(c) for c in cols}
        for rec in recs[:WIDTH_SAMPLE]:
            for c in cols:
                widths[c] = max(widths[c], _width(_shown(rec, c)))
        for i, c in enumerate(cols, start=1):
            dim = ws.column_dimensions[get_column_letter(i)]
            dim.width = min(60 if c in WRAP else 40, max(8, widths[c] + 2))
            if c == "sha256":
                dim.hidden = True
        ws.freeze_panes = "A2"
        ws.print_title_rows = "1:1"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = 9          # A4
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        header = []
        for c in cols:
            cell = WriteOnlyCell(ws, value=c)
            cell.font = bold
            header.append(cell)
        ws.append(header)
        for rec in recs:
            row = []
            for c in cols:
                if c == "source":
                    row.append(_source(ws, rec, base, link_font))
                elif c == "evidence":
                    row.append(_evidence(ws, rec, pictures or {}, link_font))
                else:
                    row.append(_cell(ws, c, rec, wrap))
            ws.append(row)
        last = get_column_letter(len(cols))
        ws.auto_filter.ref = f"A1:{last}{len(recs) + 1}"
        if name == "findings" and recs:
            col = get_column_letter(cols.index("severity") + 1)
            for sev, color in SEVERITY_FILL.items():
                ws.conditional_formatting.add(f"A2:{last}{len(recs) + 1}", FormulaRule(
                    formula=[f'${col}2="{sev}"'], fill=PatternFill("solid", bgColor=color)))
    with atomic(out) as tmp:
        wb.save(str(tmp))


def _shown(rec: dict, c: str):
    if c == "source":
        return (rec.get("file") or "") + (f" p.{rec['page']}" if rec.get("page") else "")
    if c == "evidence":
        return "picture"
    v = rec.get(c)
    return f"{v:,.2f}" if isinstance(v, float) else v


def _format(c: str, rec: dict) -> str | None:
    if c in ("declared", "expected") and rec.get("code") in RATE_FINDINGS:
        return "0.00%"
    return FORMATS.get(c)


def _cell(ws, c: str, rec: dict, wrap):
    """Text is always a string cell, never a formula ('=HYPERLINK(…)' from a submitted form
    stays text); numbers stay numbers, rounded to what their format shows."""
    from openpyxl.cell import WriteOnlyCell
    v = rec.get(c)
    if isinstance(v, bool) or v is None:
        return v
    fmt = _format(c, rec)
    cell = WriteOnlyCell(ws, value=round(v, DIGITS[fmt]) if fmt and isinstance(v, float) else v)
    if isinstance(v, str):
        cell.data_type = "s"
        if c in WRAP:
            cell.alignment = wrap
    elif fmt:
        cell.number_format = fmt
    return cell


def _source(ws, rec: dict, base: Path, font):
    from openpyxl.cell import WriteOnlyCell
    path = rec.get("_path")
    if not path:
        return None
    cell = WriteOnlyCell(ws, value=_shown(rec, "source"))
    cell.data_type = "s"
    page = rec.get("page")
    cell.hyperlink = _relative(path, base) + (f"#page={page}" if page and path.lower().endswith(".pdf") else "")
    cell.font = font
    return cell


def _evidence(ws, rec: dict, pictures: dict, font):
    from openpyxl.cell import WriteOnlyCell
    rel = (pictures.get((rec.get("sha256"), rec.get("finding_index"))) or (None,))[0]
    if not rel:
        return None
    cell = WriteOnlyCell(ws, value="picture")
    cell.hyperlink = rel
    cell.font = font
    return cell
