"""report.xlsx: sheets forms, budget_lines, indicators, findings; findings sorted by
severity with conditional formatting; every row links to its source file (and page)."""
from __future__ import annotations

from pathlib import Path

from .files import atomic
from .reports import SEVERITY_ORDER
from .tables import TABLES, rows


def _link(path: str, page) -> str:
    uri = Path(path).resolve().as_uri()
    return f"{uri}#page={page}" if page and path.lower().endswith(".pdf") else uri


def _value(ws, v):
    """Text is always a string cell, never a formula ('=HYPERLINK(…)' from a submitted form
    stays text); numbers stay numbers."""
    if not isinstance(v, str):
        return v
    from openpyxl.cell import WriteOnlyCell
    cell = WriteOnlyCell(ws, value=v)
    cell.data_type = "s"
    return cell


def write_workbook(results: list[dict], out: Path) -> None:
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    data = rows(results)
    data["findings"].sort(key=lambda f: (SEVERITY_ORDER.get(f["severity"], 9), f["path"], f["form_index"] or 0))
    paths = {(f["sha256"], f["form_index"]): f["path"] for f in data["forms"]}
    wb = openpyxl.Workbook(write_only=True)          # streaming: fast on thousands of rows
    bold, link_font = Font(bold=True), Font(color="0563C1", underline="single")
    for name in TABLES:
        ws = wb.create_sheet(name)
        recs = data[name]
        cols = list(recs[0].keys()) if recs else ["(none)"]
        if "source" not in cols:
            cols.append("source")
        for i, c in enumerate(cols, start=1):
            ws.column_dimensions[get_column_letter(i)].width = min(60, max(10, len(c) + 4))
        ws.freeze_panes = "A2"
        header = []
        for c in cols:
            cell = WriteOnlyCell(ws, value=c)
            cell.font = bold
            header.append(cell)
        ws.append(header)
        for rec in recs:
            path = rec.get("path") or paths.get((rec.get("sha256"), rec.get("form_index")))
            row = [_value(ws, rec.get(c)) for c in cols[:-1]]
            if path:
                cell = _value(ws, Path(path).name + (f" p.{rec['page']}" if rec.get("page") else ""))
                cell.hyperlink = _link(path, rec.get("page"))
                cell.font = link_font
                row.append(cell)
            else:
                row.append(None)
            ws.append(row)
        last = get_column_letter(len(cols))
        ws.auto_filter.ref = f"A1:{last}{len(recs) + 1}"
        if name == "findings" and recs:
            col = get_column_letter(cols.index("severity") + 1)
            for sev, color in (("error", "F8CBAD"), ("warning", "FFE699"), ("info", "DDEBF7")):
                ws.conditional_formatting.add(f"A2:{last}{len(recs) + 1}", FormulaRule(
                    formula=[f'${col}2="{sev}"'], fill=PatternFill("solid", bgColor=color)))
    with atomic(out) as tmp:
        wb.save(str(tmp))
