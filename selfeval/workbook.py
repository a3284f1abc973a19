"""report.xlsx: sheets forms, budget_lines, indicators, findings; findings sorted by
severity with conditional formatting; every row links to its source file (and page)."""
from __future__ import annotations

from pathlib import Path

from .reports import SEVERITY_ORDER
from .tables import TABLES, rows


def _link(path: str, page) -> str:
    uri = Path(path).resolve().as_uri()
    return f"{uri}#page={page}" if page and path.lower().endswith(".pdf") else uri


def write_workbook(results: list[dict], out: Path) -> None:
    import openpyxl
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    data = rows(results)
    data["findings"].sort(key=lambda f: (SEVERITY_ORDER.get(f["severity"], 9), f["path"], f["form_index"] or 0))
    paths = {(f["sha256"], f["form_index"]): f["path"] for f in data["forms"]}
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name in TABLES:
        ws = wb.create_sheet(name)
        recs = data[name]
        cols = list(recs[0].keys()) if recs else ["(none)"]
        if "source" not in cols:
            cols.append("source")
        ws.append(cols)
        for c in ws[1]:
            c.font = Font(bold=True)
        for rec in recs:
            path = rec.get("path") or paths.get((rec.get("sha256"), rec.get("form_index")))
            ws.append([rec.get(c) if c != "source" else None for c in cols])
            if path:
                cell = ws.cell(ws.max_row, len(cols))
                cell.value = f"{Path(path).name}" + (f" p.{rec['page']}" if rec.get("page") else "")
                cell.hyperlink = _link(path, rec.get("page"))
                cell.font = Font(color="0563C1", underline="single")
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = ws.dimensions
        for i, c in enumerate(cols, start=1):
            ws.column_dimensions[get_column_letter(i)].width = min(60, max(10, len(c) + 4))
        if name == "findings" and recs:
            col = get_column_letter(cols.index("severity") + 1)
            rng = f"A2:{get_column_letter(len(cols))}{ws.max_row}"
            for sev, color in (("error", "F8CBAD"), ("warning", "FFE699"), ("info", "DDEBF7")):
                ws.conditional_formatting.add(rng, FormulaRule(formula=[f'${col}2="{sev}"'],
                                                               fill=PatternFill("solid", bgColor=color)))
    wb.save(str(out))
