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

from score.codes import registry
from extract.messages import N_

from .files import atomic
from .reports import SEVERITY_ORDER
from .tables import TABLES, rows

SHEETS = ("findings", "forms", "budget_lines", "indicators")
assert set(SHEETS) == set(TABLES)
ROLLUP, YEARS, RISK = "units", "years", "risk"
# what a reader sees as each sheet's name and each column's header (translated where shown);
# the tables' keys stay those of findings.csv and the archive
LABELS = {
    "findings": N_("findings"), "forms": N_("forms"), "budget_lines": N_("budget lines"),
    "indicators": N_("indicators"), ROLLUP: N_("by unit"), YEARS: N_("year over year"),
    "also": N_("also read as"), "rate": N_("rate"),
    "file": N_("file"), "form_index": N_("form in file"), "project_name": N_("project"), "format": N_("format"),
    "pages": N_("pages"), "ocr": N_("OCR"), "year": N_("year"), "department": N_("department"),
    "implementing_unit": N_("implementing unit"), "declared_total": N_("declared total"),
    "total_of_parts": N_("parts summed"), "total_by_rules": N_("by the rules"), "unit_declared": N_("unit printed"),
    "unit_used": N_("unit of the figures"), "rule_set": N_("rules"), "goal_target": N_("overall goal"),
    "goal_actual": N_("overall goal achieved"), "goal_weight": N_("goal weight"), "goal_score": N_("goal score"),
    "errors": N_("errors"), "warnings": N_("warnings"), "infos": N_("info"), "missing": N_("not read"),
    "line_index": N_("line no."), "kind": N_("kind"), "label": N_("line"), "initial": N_("initial budget"),
    "adjusted": N_("budget"), "executed": N_("executed"), "rate_declared": N_("rate declared"),
    "rate_recomputed": N_("rate recomputed"), "weight": N_("weight"), "score_declared": N_("score declared"),
    "score_recomputed": N_("score recomputed"), "page": N_("page"), "min_confidence": N_("lowest OCR confidence"),
    "indicator_index": N_("row"), "level1": N_("一级"), "level2": N_("二级"), "name": N_("indicator"),
    "target": N_("target"), "actual": N_("actual"), "weight_inferred": N_("weight inferred"), "tier": N_("tier"),
    "direction": N_("direction"), "finding_index": N_("finding"), "code": N_("code"), "code_name": N_("name"),
    "severity": N_("severity"), "indicator": N_("indicator"), "declared": N_("declared"),
    "expected": N_("expected"), "message": N_("message"), "source": N_("source file"), "evidence": N_("picture"),
    "sha256": N_("sha256"), "unit": N_("implementing unit"), "declared_sum": N_("declared totals"),
    "by_rules_sum": N_("totals by the rules"), "over": N_("points over-claimed"), "info": N_("info"),
    "review_score": N_("reviewer's score (复核得分)"), "reviewed_by": N_("reviewed by"),
    "corrected_in_review": N_("corrected in review"), "waived": N_("waived"), "waive_reason": N_("why it is waived"),
    "waived_by": N_("waived by"), RISK: N_("risk ranking"), "rank": N_("rank"), "score": N_("risk score"),
    "reasons": N_("why"), "shares_set_with": N_("same indicator set as"),
}
# what a printed sheet keeps (the rest is there on screen): the reader's columns
PRINTED = {"findings": ("file", "form_index", "project_name", "code", "code_name", "severity", "indicator",
                        "declared", "expected", "message", "page"),
           "risk": ("rank", "score", "file", "form_index", "project_name", "unit", "year", "reasons", "shares_set_with")}
LEAD = ("file", "form_index", "project_name")
MONEY = {"initial", "adjusted", "executed"}
RATES = {"rate_declared", "rate_recomputed", "rate"}
SCORES = {"weight", "score_declared", "score_recomputed", "declared_total", "total_of_parts", "total_by_rules",
          "goal_weight", "goal_score", "declared", "expected", "review_score"}
FORMATS = {**{c: "#,##0.00" for c in MONEY}, **{c: "0.00%" for c in RATES}, **{c: "0.00" for c in SCORES},
           "min_confidence": "0.000"}
DIGITS = {"#,##0.00": 2, "0.00%": 4, "0.00": 2, "0.000": 3}
RATE_FINDINGS = {"BUDGET_RATE_MISMATCH"}            # their declared/expected are rates
WRAP = {"message", "reasons", "shares_set_with", "name", "project_name", "goal_target", "goal_actual", "target", "actual", "indicator", "code_name",
        "file"}
# printing: A4 landscape, 0.3 in margins, fit to the page's width.  Excel draws a column of
# width w (characters of its 11 pt font) in about 7w + 5 pixels at 96 dpi; the page holds
# (11.69 - 0.6) × 96 = 1065 pixels, so 11 printed columns of 200 characters or fewer come out
# at 1065 / (7 × 200 + 5 × 11) = 73% or more: text of 8.05 pt or more.  Headers wrap, so a
# column is as wide as its values need.
PRINT_MARGIN_IN = 0.3
PRINT_CHARS = 200
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
    first = [c for c in PRINTED.get(sheet, ()) if c in rest or c in ("code_name",)]
    rest = [c for c in rest if c not in first]
    return [*lead, *first, *rest, "source", *(["evidence"] if sheet == "findings" else []), "sha256"]


def write_workbook(results: list[dict], out: Path, pictures: dict | None = None, lang: str = "zh") -> None:
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    from .i18n import gettext_for
    from .report_model import _forms, rollup, years
    _ = gettext_for(lang)
    base = out.parent
    data = rows(results)
    reg = registry()
    for rec in data["findings"]:
        rec["code_name"] = reg[rec["code"]].name(lang) if rec["code"] in reg else None
        rec["severity"] = _(rec["severity"])
        rec["waived"] = _("waived") if rec.get("waived") else None     # a word where waived, blank where not
    for recs in data.values():
        for rec in recs:
            if rec.get("form_index") is not None:
                rec["form_index"] += 1          # forms are numbered from 1 where people read them
    data[ROLLUP] = [{"department": u["department"], "unit": u["unit"], "forms": u["forms"],
                     "declared_sum": u["declared"] if u["both"] else None,
                     "by_rules_sum": u["by_rules"] if u["both"] else None, "over": u["over"] if u["both"] else None,
                     "errors": u["error"], "warnings": u["warning"], "info": u["info"],
                     "also": "、".join(u["also"]) or None}
                    for u in rollup(_forms(results))]
    data[YEARS] = [{"project_name": y["project"], "unit": y["unit"], "year": y["year"], "adjusted": y["budget"],
                    "executed": y["executed"], "rate": y["rate"], "declared_total": y["declared"],
                    "total_by_rules": y["by_rules"], "errors": y["error"], "warnings": y["warning"]}
                   for y in years(_forms(results))]
    from .risk import rank_results, rows_for
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
    # the forms to read first, first (rows made whole by the ranking: file and form named)
    data[RISK] = [{k: v for k, v in row.items() if k != "sha256"} for row in rows_for(
        rank_results(results), lang)]
    wb = openpyxl.Workbook(write_only=True)          # streaming: fast on thousands of rows
    bold, link_font = Font(bold=True), Font(color="0563C1", underline="single")
    wrap = Alignment(wrap_text=True, vertical="top")
    for name in (*([RISK] if data[RISK] else []), *SHEETS, ROLLUP, *([YEARS] if data[YEARS] else [])):
        ws = wb.create_sheet(_(LABELS[name].text))
        recs = data[name]
        cols = _columns(recs, name) if name in SHEETS else list(recs[0]) if recs else ["department"]
        heads = {c: _(LABELS[c].text) if c in LABELS else c for c in cols}
        widths = {c: min(_width(heads[c]), 8) for c in cols}     # a longer header wraps
        for rec in recs[:WIDTH_SAMPLE]:
            for c in cols:
                widths[c] = max(widths[c], _width(_shown(rec, c)))
        for i, c in enumerate(cols, start=1):
            dim = ws.column_dimensions[get_column_letter(i)]
            # wrapped text at most 46 wide (the message) or 20, the rest 30: the printed findings
            # columns stay within PRINT_CHARS
            dim.width = min(46 if c == "message" else 20 if c in WRAP else 30, max(6, widths[c] + 2))
            if c == "sha256":
                dim.hidden = True
        # the row of headers and the columns that say which form a row is (file, form, project) stay in view
        ws.freeze_panes = "D2" if cols[:3] == list(LEAD) else "A2"
        if name in PRINTED:     # the reader's columns lead, and are what the page prints
            ws.print_area = f"A1:{get_column_letter(len(PRINTED[name]))}{len(recs) + 1}"
        ws.print_title_rows = "1:1"
        ws.page_setup.orientation = "landscape"
        ws.page_margins.left = ws.page_margins.right = PRINT_MARGIN_IN
        ws.page_setup.paperSize = 9          # A4
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        header = []
        for c in cols:
            cell = WriteOnlyCell(ws, value=heads[c])
            cell.font = bold
            cell.alignment = wrap
            header.append(cell)
        ws.append(header)
        for rec in recs:
            row = []
            for c in cols:
                if c == "source":
                    row.append(_source(ws, rec, base, link_font))
                elif c == "evidence":
                    row.append(_evidence(ws, rec, pictures or {}, link_font, _("picture")))
                else:
                    row.append(_cell(ws, c, rec, wrap))
            ws.append(row)
        last = get_column_letter(len(cols))
        ws.auto_filter.ref = f"A1:{last}{len(recs) + 1}"
        if name == "findings" and recs:
            col = get_column_letter(cols.index("severity") + 1)
            for sev, color in ((_(k), v) for k, v in SEVERITY_FILL.items()):
                ws.conditional_formatting.add(f"A2:{last}{len(recs) + 1}", FormulaRule(
                    formula=[f'${col}2="{sev}"'], fill=PatternFill("solid", bgColor=color)))
    with atomic(out) as tmp:
        wb.save(str(tmp))


def _shown(rec: dict, c: str):
    if c == "source":
        return (rec.get("file") or "") + (f" p.{rec['page']}" if rec.get("page") else "")
    if c == "evidence":
        return "picture"          # (the word's width only)
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


def _evidence(ws, rec: dict, pictures: dict, font, word: str):
    from openpyxl.cell import WriteOnlyCell
    rel = (pictures.get((rec.get("sha256"), rec.get("finding_index"))) or (None,))[0]
    if not rel:
        return None
    cell = WriteOnlyCell(ws, value=word)
    cell.hyperlink = rel
    cell.font = font
    return cell
