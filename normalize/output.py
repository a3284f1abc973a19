"""A Form as the contract's JSON object (``selfeval extract --json``)."""
from __future__ import annotations

from .schema import Form


FIELD_OF_ROLE = {"score": "score_declared", "rate": "rate_declared"}


def _prov(cells: dict) -> dict:
    """Where each field was read: keyed by the output field's name."""
    return {FIELD_OF_ROLE.get(role, role): c.provenance() for role, c in cells.items()}


def _conf(cells: dict) -> dict | None:
    """OCR recognition confidence of each field read by OCR (None for born-digital text)."""
    out = {FIELD_OF_ROLE.get(role, role): round(c.confidence, 3) for role, c in cells.items()
           if c.confidence is not None}
    return out or None


def form_to_dict(f: Form) -> dict:
    return {
        "source": {"path": f.path, "sha256": f.sha256, "format": f.format, "form_index": f.form_index,
                   "pages": sorted(p for p in f.pages if p is not None), "ocr": f.ocr,
                   **({"page_transforms": {str(k): v for k, v in f.page_transforms.items()}} if f.ocr else {})},
        "year": f.year,
        "year_inferred": f.texts.get("year_inferred"),     # where a year the form does not print came from
        "title": f.title,
        "project_name": f.project_name,
        "department": f.department,
        "implementing_unit": f.implementing_unit,
        "fill_date": f.fill_date,
        "declared_total": f.declared_total,
        "budget": {
            "unit_declared": f.unit_declared,
            "unit_used": f.unit_used,
            "weight": f.section_weights.get("budget"),
            "lines": [{"kind": b.kind, "label": b.label, "initial": b.initial, "adjusted": b.adjusted,
                       "executed": b.executed, "rate_declared": b.rate_declared, "weight": b.weight,
                       "score_declared": b.score_declared, "confidence": _conf(b.cells),
                       "provenance": _prov(b.cells)}
                      for b in f.budget_lines],
        },
        "goal": {"target": f.goal.target, "actual": f.goal.actual, "weight": f.goal.weight
                 if f.goal.weight is not None else f.section_weights.get("goal"),
                 "score_declared": f.goal.score_declared, "confidence": _conf(f.goal.cells),
                 "provenance": _prov(f.goal.cells)},
        "indicators": [
            {"level1": i.level1, "level2": i.level2, "name": i.name, "target": i.target, "actual": i.actual,
             "weight": i.weight, "score_declared": i.score_declared, "note": i.note,
             "weight_inferred": i.weight_inferred, "confidence": _conf(i.cells), "provenance": _prov(i.cells),
             **({"breakdown": i.breakdown} if i.breakdown else {})}
            for i in f.indicators
        ],
        "group_weights": f.group_weights,
        "section_weights": f.section_weights,
        "notes": f.notes.strip() or None,
        "provenance": _prov(f.cells),
        "mapping": f.mapping or None,
    }
