"""An audit's results with the review ledger applied (``selfeval.ledger``): corrected values
replace the read ones and their forms are checked again, waived findings are flagged, the
reviewers' scores and notes go on their forms, and what no longer applies is said.

A correction is made on the form as the reader built it, before it is checked, by reading
the file again (the cache keeps what was read, never what was decided): the same checker
judges the corrected form, and the corrected field's provenance says ``"source": "review"``."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from extract.grid import Cell
from normalize.schema import Form

from . import ledger

ROLE_OF = {"score_declared": "score", "rate_declared": "rate"}


def set_field(form: Form, field_path: str, value) -> None:
    """One field of a built form set to a reviewer's value, as if printed so: its value, its
    text (the decimals the check reads), and its cell made sure (no OCR doubt left on it)."""
    parts = field_path.split(".")
    name = parts[-1]
    if parts[0] == "indicators":
        row = form.indicators[int(parts[1])]
    elif parts[0] == "budget":
        row = form.budget_lines[int(parts[2])]
    elif parts[0] == "goal":
        row = form.goal
    else:
        row = None
    text = _text(value, name)
    if row is None:                       # a field of the form itself
        setattr(form, name, value)
        if name == "declared_total":
            form.texts["declared_total"] = text
            form.cells["declared_total"] = _sure(form.cells.get("declared_total"), text)
        return
    role = ROLE_OF.get(name, name)
    setattr(row, name, value)
    row.texts[role] = text
    row.cells[role] = _sure(row.cells.get(role), text)


def _text(value, name: str) -> str:
    if isinstance(value, float):
        if name == "rate_declared":
            return f"{value * 100:g}%"
        return f"{value:g}"
    return "" if value is None else str(value)


def _sure(cell: Cell | None, text: str) -> Cell:
    """The cell a corrected value stands in: where it was printed, read by a person."""
    if cell is None:
        return Cell(text, row=0, col=0)
    return replace(cell, text=text, confidence=None, doubt=None)


def _mark(form_dict: dict, field_path: str, d: dict) -> None:
    """The corrected field's provenance says it was set in review, by whom and when."""
    parts = field_path.split(".")
    node = ledger.value_at(form_dict, ".".join(parts[:-1])) if len(parts) > 1 else form_dict
    if not isinstance(node, dict):
        return
    prov = node.setdefault("provenance", {}) or {}
    node["provenance"] = prov
    prov[parts[-1]] = {**(prov.get(parts[-1]) or {}), "source": "review", "reviewer": d.get("reviewer"),
                       "at": d.get("at"), "read": d.get("before")}


def apply(results: list[dict], out: Path, reread=None, read: tuple | None = None) -> tuple[list[dict], ledger.Applied]:
    """The results with ``out``'s ledger applied (``read``: the ledger as read already, by
    ``ledger.read``; else read now).  ``reread(path, corrections)`` reads one file again with
    {form_index: {field: value}} set before its forms are checked."""
    decisions, bad = read if read is not None else ledger.read(out)
    forms = {(f["source"]["sha256"], f["source"]["form_index"]): f for r in results for f in r.get("forms") or ()}
    plan = ledger.plan(decisions, forms)
    plan.unreadable = bad
    if not decisions:
        return results, plan
    by_sha: dict = {}
    for (sha, idx), fields in plan.corrections.items():
        by_sha.setdefault(sha, {})[idx] = fields
    out_results = []
    for r in results:
        fixes = by_sha.get(r.get("sha256"))
        if fixes and reread is not None:
            again = reread(r["path"], {i: {f: d["value"] for f, d in fs.items()} for i, fs in fixes.items()})
            if again is not None and not again.get("error"):
                for f in again["forms"]:
                    for field_path, d in fixes.get(f["source"]["form_index"], {}).items():
                        _mark(f, field_path, d)
                r = {**again, "cached": r.get("cached")}
        out_results.append(_decided(r, plan))
    return out_results, plan


def _decided(r: dict, plan: ledger.Applied) -> dict:
    """One file's result with its waives, reviewers' scores and notes."""
    findings = []
    for fd in r.get("findings") or ():
        w = ledger.waived_by(fd, plan.waives)
        findings.append({**fd, "waived": True, "waive_reason": w["reason"], "waived_by": w.get("reviewer"),
                         "waived_at": w.get("at")} if w else fd)
    forms = []
    for f in r.get("forms") or ():
        key = (f["source"]["sha256"], f["source"]["form_index"])
        scores = plan.scores.get(key, [])
        notes = [d for d in plan.notes if (d["sha256"], d["form_index"]) == key]
        reviewed = list(plan.corrections.get(key, {}).values())
        if scores or notes or reviewed:
            review_score = ledger.latest_score(scores)
            f = {**f, "review": {
                "score": review_score["value"] if review_score else None,
                "score_reason": review_score.get("reason") if review_score else None,
                "deductions": [{"field": d["field"], "value": d["value"], "reason": d["reason"],
                                "reviewer": d["reviewer"], "at": d["at"]} for d in scores if d.get("field")],
                "notes": [{"field": d["field"], "text": d["value"] or d["reason"], "reviewer": d["reviewer"],
                           "at": d["at"]} for d in notes],
                "corrected": sorted(plan.corrections.get(key, {})),
                "reviewers": sorted({d["reviewer"] for d in (*scores, *notes, *reviewed) if d.get("reviewer")}),
            }}
        forms.append(f)
    touched = any(fd.get("waived") for fd in findings) or any(f.get("review") for f in forms)
    return {**r, "findings": findings, "forms": forms, **({"reviewed": True} if touched else {})}
