"""What an audit run writes: findings.json / findings.csv (the contract), forms.json, and
the summary counts shared by the terminal, the workbook and the HTML report."""
from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

from .files import atomic, write_text
from .safe import as_text_cell


def _json(obj) -> str:
    """Strict JSON: a NaN or infinity that got this far is a bug, not output."""
    return json.dumps(obj, ensure_ascii=False, indent=1, allow_nan=False)


# Past this many forms, findings and forms are also written one object a line (findings.jsonl,
# forms.jsonl): a province's stack makes JSON arrays of hundreds of MB that a tool reads
# whole, where lines stream.  (The contract's arrays are written too, an element at a time.)
JSONL_FROM = 2000


def _write_array(target: Path, items, lines: bool) -> None:
    """A JSON array written an element at a time (as ``_json`` would give it), and with
    ``lines`` the same elements one a line beside it (``target`` with .jsonl)."""
    with atomic(target) as tmp, open(tmp, "w", encoding="utf-8") as fh:
        fh.write("[")
        for k, x in enumerate(items):
            fh.write(("," if k else "") + "\n " + json.dumps(x, ensure_ascii=False, indent=1, allow_nan=False)
                     .replace("\n", "\n "))
        fh.write("\n]" if items else "]")
    if lines:
        with atomic(target.with_suffix(".jsonl")) as tmp, open(tmp, "w", encoding="utf-8") as fh:
            for x in items:
                fh.write(json.dumps(x, ensure_ascii=False, allow_nan=False) + "\n")
    else:
        target.with_suffix(".jsonl").unlink(missing_ok=True)   # an earlier, larger run's: not this run's


SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
CSV_FIELDS = ["path", "form_index", "project_name", "code", "severity", "indicator", "declared",
              "expected", "message", "page"]


def all_findings(results: list[dict]) -> list[dict]:
    """Every finding, errors first; each with its index among its file's findings
    (``finding_index``: its evidence picture is evidence/<sha256[:12]>-<index>.png)."""
    out = [{**fd, "finding_index": n} for r in results for n, fd in enumerate(r["findings"])]
    return sorted(out, key=lambda f: (SEVERITY_ORDER.get(f["severity"], 9), f["path"], f["form_index"] or 0))


def summary(results: list[dict]) -> dict:
    skipped = [r for r in results if r.get("skipped")]
    results = [r for r in results if not r.get("skipped")]
    findings = [fd for r in results for fd in r["findings"]]
    sev = Counter(f["severity"] for f in findings)
    return {
        "files_in": len(results),
        "files_with_forms": sum(1 for r in results if r["forms"]),
        "files_unreadable": sum(1 for r in results if r.get("error")),
        "files_reported": sum(1 for r in results if r["forms"] or r.get("error")),
        "forms": sum(len(r["forms"]) for r in results),
        "files_from_cache": sum(1 for r in results if r.get("cached")),
        "findings": len(findings),
        "errors": sev.get("error", 0), "warnings": sev.get("warning", 0), "info": sev.get("info", 0),
        "by_code": dict(Counter(f["code"] for f in findings).most_common()),
        "by_format": dict(Counter(r.get("format") or "unreadable" for r in results)),
        "files_skipped": len(skipped),
        "skipped": [{"path": r["path"], "reason": r["skipped"]} for r in skipped],
        "unreadable": [{"path": r["path"], "reason": r["error"]} for r in results if r.get("error")],
    }


def write_core(results: list[dict], out: Path, review_lines: int | None = None, region: str | None = None) -> dict:
    """findings.json, findings.csv, forms.json and summary.json; ``review_lines``, the number of
    review.jsonl decisions this audit applied (read once at its start), is kept in the summary
    so that the desk knows which later decisions the written forms do not yet hold."""
    out.mkdir(parents=True, exist_ok=True)
    findings = all_findings(results)
    lines = sum(len(r["forms"]) for r in results) > JSONL_FROM
    _write_array(out / "findings.json", findings, lines)
    with atomic(out / "findings.csv") as tmp, open(tmp, "w", newline="", encoding="utf-8-sig") as f:
        w = csv.DictWriter(f, fieldnames=CSV_FIELDS, extrasaction="ignore")
        w.writeheader()
        for fd in findings:
            page = next((e.get("page") for e in fd.get("evidence", []) if e.get("page")), None)
            w.writerow({k: as_text_cell(v) for k, v in {**fd, "page": page}.items()})
    forms = [form for r in results for form in r["forms"]]
    _write_array(out / "forms.json", forms, lines)
    s = summary(results)
    if review_lines is not None:
        s["review_decisions_applied"] = review_lines
    if region:
        s["region"] = region            # the review pack every form was judged under (--region)
    write_text(out / "summary.json", _json(s))
    return s
