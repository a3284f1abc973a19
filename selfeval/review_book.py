"""review.xlsx, the working papers of a review: one row per decision of the ledger, and one
row per form with the self-declared score (自评得分), the recomputed one and the reviewer's
(复核得分), with the deductions, notes and who reviewed it."""
from __future__ import annotations

import json
from pathlib import Path

from extract.messages import N_

from . import ledger
from .files import atomic

DECISIONS = ("at", "reviewer", "action", "sha256", "form_index", "field", "indicator", "before", "value", "code",
             "reason")
LABELS = {"at": N_("when"), "reviewer": N_("reviewer"), "action": N_("action"), "sha256": N_("sha256"),
          "form_index": N_("form in file"), "field": N_("field"), "indicator": N_("indicator"),
          "before": N_("value as read"), "value": N_("value"), "code": N_("code"), "reason": N_("reason"),
          "file": N_("file"), "project": N_("project"), "unit": N_("implementing unit"),
          "declared": N_("self-declared score (自评得分)"), "recomputed": N_("recomputed score"),
          "review": N_("reviewer's score (复核得分)"), "deductions": N_("deductions"), "notes": N_("notes"),
          "reviewers": N_("reviewed by"), "decisions": N_("decisions"), "forms": N_("forms")}


def write_review_book(out: Path, target: Path, lang: str = "zh") -> None:
    import openpyxl
    from openpyxl.styles import Alignment, Font

    from .i18n import gettext_for
    _ = gettext_for(lang)
    decisions, _bad = ledger.read(out)
    forms = json.loads((out / "forms.json").read_text(encoding="utf-8")) if (out / "forms.json").exists() else []
    plan = ledger.plan(decisions, {(f["source"]["sha256"], f["source"]["form_index"]): f for f in forms})
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = _(LABELS["decisions"].text)
    ws.append([_(LABELS[k].text) for k in DECISIONS])
    for d in decisions:
        ws.append([json.dumps(d[k], ensure_ascii=False) if isinstance(d[k], (dict, list)) else
                   d[k] + 1 if k == "form_index" else _(ledger.DONE[d[k]].text) if k == "action" else d[k]
                   for k in DECISIONS])
    fs = wb.create_sheet(_(LABELS["forms"].text))
    cols = ("file", "form_index", "project", "unit", "declared", "recomputed", "review", "deductions", "notes",
            "reviewers")
    fs.append([_(LABELS[k].text) for k in cols])
    for f in forms:
        key = (f["source"]["sha256"], f["source"]["form_index"])
        scores = plan.scores.get(key, [])
        review = ledger.latest_score(scores)
        notes = [d for d in plan.notes if (d["sha256"], d["form_index"]) == key]
        mine = [d for d in decisions if (d["sha256"], d["form_index"]) == key]
        fs.append([Path(f["source"]["path"]).name, key[1] + 1, f.get("project_name"),
                   f.get("implementing_unit") or f.get("department"), f.get("declared_total"),
                   (f.get("recomputed") or {}).get("total_by_rules"), review["value"] if review else None,
                   "; ".join(f"{d['field']} −{d['value']:g} {d.get('reason') or ''}".strip()
                             for d in scores if d.get("field")) or None,
                   "; ".join(str(d.get("value") or d.get("reason")) for d in notes) or None,
                   ", ".join(sorted({d["reviewer"] for d in mine if d.get("reviewer")})) or None])
    for sheet in (ws, fs):
        sheet.freeze_panes = "A2"
        for c in sheet[1]:
            c.font, c.alignment = Font(bold=True), Alignment(wrap_text=True, vertical="top")
        for col in sheet.columns:
            sheet.column_dimensions[col[0].column_letter].width = min(40, max(8, *(len(str(c.value or "")) + 2
                                                                                   for c in col)))
    with atomic(target) as tmp:
        wb.save(str(tmp))
