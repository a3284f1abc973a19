"""Audit results flattened into four tables — forms, budget_lines, indicators, findings —
keyed by the file's sha256 and the form's index.  The workbook, the DuckDB/Parquet
archive and ``selfeval.load`` all read these rows."""
from __future__ import annotations

import json
from functools import lru_cache

TABLES = ("forms", "budget_lines", "indicators", "findings")


def _page(prov: dict) -> int | None:
    for v in (prov or {}).values():
        if isinstance(v, dict) and v.get("page"):
            return v["page"]
    return None


def _conf(prov: dict) -> float | None:
    cs = [v["confidence"] for v in (prov or {}).values() if isinstance(v, dict) and v.get("confidence") is not None]
    return min(cs) if cs else None


@lru_cache(maxsize=1)
def columns() -> dict[str, list[str]]:
    """Every table's columns, as ``rows`` makes them from one empty form and one finding."""
    from normalize.output import form_to_dict
    from normalize.schema import BudgetLine, Form, Indicator
    f = Form(path="", sha256="", format="", budget_lines=[BudgetLine(kind="total", label="")],
             indicators=[Indicator()])
    fd = {"path": "", "form_index": 0, "project_name": None, "code": "", "severity": "info", "indicator": None,
          "declared": None, "expected": None, "message": "", "evidence": []}
    data = rows([{"sha256": "", "forms": [form_to_dict(f)], "findings": [fd]}])
    return {t: list(data[t][0]) for t in TABLES}


def finding_key(r: dict, fd: dict, n: int) -> tuple[str | None, int]:
    """A finding's key: its file's sha256 and its index among the file's findings (the
    findings table's (sha256, finding_index); its evidence picture's name)."""
    return fd.get("sha256") or r.get("sha256"), n


def rows(results: list[dict]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {t: [] for t in TABLES}
    for r in results:
        sev_by_form: dict = {}
        for fd in r["findings"]:
            sev_by_form.setdefault(fd["form_index"], []).append(fd["severity"])
        for f in r["forms"]:
            src = f["source"]
            key = {"sha256": src["sha256"], "form_index": src["form_index"]}
            rec = f.get("recomputed") or {}
            sevs = sev_by_form.get(src["form_index"], [])
            out["forms"].append({
                **key, "path": src["path"], "format": src["format"], "pages": json.dumps(src["pages"]),
                "ocr": src["ocr"], "year": f["year"], "project_name": f["project_name"],
                "department": f["department"], "implementing_unit": f["implementing_unit"],
                "declared_total": f["declared_total"], "total_of_parts": rec.get("total_of_parts"),
                "total_by_rules": rec.get("total_by_rules"),
                "unit_declared": f["budget"]["unit_declared"], "unit_used": f["budget"]["unit_used"],
                "rule_set": (f.get("rule_set") or {}).get("id"), "goal_target": f["goal"]["target"],
                "goal_actual": f["goal"]["actual"], "goal_weight": f["goal"]["weight"],
                "goal_score": f["goal"]["score_declared"], "indicators": len(f["indicators"]),
                "errors": sevs.count("error"), "warnings": sevs.count("warning"), "infos": sevs.count("info"),
                # what an archive of years of forms must not hold silently: a form without its
                # year or project (the archive adds duplicate_of: the same project filed twice)
                "missing": ", ".join(k for k in ("year", "project_name") if f[k] is None) or None,
                # a review's outcome (review.jsonl applied): the reviewer's score, who reviewed, what was corrected
                "review_score": (f.get("review") or {}).get("score"),
                "reviewed_by": "、".join((f.get("review") or {}).get("reviewers") or ()) or None,
                "corrected_in_review": ", ".join((f.get("review") or {}).get("corrected") or ()) or None})
            rb = rec.get("budget") or []
            for i, b in enumerate(f["budget"]["lines"]):
                rr = rb[i] if i < len(rb) else {}
                out["budget_lines"].append({
                    **key, "year": f["year"], "line_index": i, "kind": b["kind"], "label": b.get("label"), "initial": b["initial"],
                    "adjusted": b["adjusted"], "executed": b["executed"], "rate_declared": b["rate_declared"],
                    "rate_recomputed": rr.get("rate"), "weight": b["weight"], "score_declared": b["score_declared"],
                    "score_recomputed": rr.get("score"), "page": _page(b.get("provenance")),
                    "min_confidence": _conf(b.get("provenance"))})
            ri = rec.get("indicators") or []
            for i, ind in enumerate(f["indicators"]):
                rr = ri[i] if i < len(ri) else {}
                out["indicators"].append({
                    **key, "year": f["year"], "indicator_index": i, "level1": ind["level1"], "level2": ind["level2"],
                    "name": ind["name"], "target": ind["target"], "actual": ind["actual"], "weight": ind["weight"],
                    "weight_inferred": ind.get("weight_inferred", False), "score_declared": ind["score_declared"],
                    "score_recomputed": rr.get("expected"), "kind": rr.get("kind"), "tier": rr.get("tier"),
                    "direction": rr.get("direction"), "page": _page(ind.get("provenance")),
                    "min_confidence": _conf(ind.get("provenance"))})
        forms_by_index = {f["source"]["form_index"]: f for f in r["forms"]}
        for n, fd in enumerate(r["findings"]):
            f = forms_by_index.get(fd["form_index"], {})
            page = next((e.get("page") for e in fd.get("evidence", []) if e.get("page")), None)
            out["findings"].append({
                "sha256": finding_key(r, fd, n)[0], "form_index": fd["form_index"], "finding_index": n,
                "path": fd["path"], "project_name": fd["project_name"], "department": f.get("department"),
                "year": f.get("year"), "code": fd["code"], "severity": fd["severity"], "indicator": fd["indicator"],
                "declared": fd["declared"], "expected": fd["expected"], "message": fd["message"], "page": page,
                "waived": bool(fd.get("waived")), "waive_reason": fd.get("waive_reason"),
                "waived_by": fd.get("waived_by")})
    return out
