"""What the reports show, as values for their templates: the forms (errors first, numbered
from 1), each with its findings and pictures; the roll-up per unit; the codes met, with their
names and what to do; the readings to check by eye.  report.html and report.pdf are drawn
from these values by the same template (``templates/report.html.j2``)."""
from __future__ import annotations

import base64
import os
from collections import defaultdict
from pathlib import Path
from urllib.parse import quote

from score import REVIEW
from score.codes import registry

from .evidence import number
from .reports import SEVERITY_ORDER, summary
from .tables import finding_key


def _forms(results: list[dict]) -> list[tuple[dict, dict, list[tuple[int, dict]]]]:
    """(file result, form, its findings with their index in the file), errors first."""
    out = []
    for r in results:
        for f in r["forms"]:
            fds = [(n, fd) for n, fd in enumerate(r["findings"]) if fd["form_index"] == f["source"]["form_index"]]
            fds.sort(key=lambda x: SEVERITY_ORDER.get(x[1]["severity"], 9))
            out.append((r, f, fds))
    count = lambda fds, sev: sum(1 for _, fd in fds if fd["severity"] == sev)
    out.sort(key=lambda x: (-count(x[2], "error"), -count(x[2], "warning"), x[1]["source"]["path"],
                            x[1]["source"]["form_index"]))
    return out


def _link(path: str, base: Path, page: int | None = None) -> str:
    """A link to the source file relative to the report's folder (and its PDF page)."""
    rel = quote(Path(os.path.relpath(os.path.abspath(path), os.path.abspath(base))).as_posix())
    return rel + (f"#page={page}" if page and path.lower().endswith(".pdf") else "")


def _picture(pic, lang: str) -> dict | None:
    from .i18n import render
    if pic is None:
        return None
    rel, png, note = pic
    return {"src": "data:image/png;base64," + base64.b64encode(png).decode() if png else None,
            "note": render(note, lang), "file": rel}


def score_text(v) -> str:
    """A score as printed: two decimals at most, '—' for none."""
    if v is None:
        return "—"
    return f"{v:,.2f}".rstrip("0").rstrip(".") if isinstance(v, float) else str(v)


def _counts(fds) -> dict:
    return {s: sum(1 for _, fd in fds if fd["severity"] == s) for s in SEVERITY_ORDER}


def rollup(forms: list) -> list[dict]:
    """Per unit (主管部门, then 实施单位 under it): forms, declared and recomputed totals,
    findings by severity, and points over-claimed (declared above the total by the rules)."""
    groups: dict = defaultdict(lambda: {"forms": 0, "declared": 0.0, "by_rules": 0.0, "error": 0, "warning": 0,
                                        "info": 0, "over": 0.0, "both": 0})
    for r, f, fds in forms:
        g = groups[(f.get("department") or "—", f.get("implementing_unit") or "—")]
        g["forms"] += 1
        for k, v in _counts(fds).items():
            g[k] += v
        d, b = f.get("declared_total"), (f.get("recomputed") or {}).get("total_by_rules")
        if d is not None and b is not None:
            g["declared"] += d
            g["by_rules"] += b
            g["both"] += 1
            g["over"] += max(0.0, d - b)
    return [{"department": k[0], "unit": k[1], **v} for k, v in
            sorted(groups.items(), key=lambda kv: (-kv[1]["error"], -kv[1]["warning"], kv[0]))]


def context(results: list[dict], out: Path, pictures: dict | None, lang: str) -> dict:
    pictures = pictures or {}
    forms = _forms(results)
    reg = registry()
    shown = []
    for k, (r, f, fds) in enumerate(forms):
        src = f["source"]
        rec = f.get("recomputed") or {}
        fd_rows = []
        for n, fd in fds:
            e = next((e for e in fd.get("evidence") or () if e.get("page")), None)
            fd_rows.append({**fd, "n": n, "name": reg[fd["code"]].name(lang) if fd["code"] in reg else "",
                            "picture": _picture(pictures.get(finding_key(r, fd, n)), lang),
                            "page": e.get("page") if e else None})
        shown.append({"k": k, "number": k + 1, "form": f, "src": src, "rec": rec, "findings": fd_rows,
                      "counts": _counts(fds), "link": _link(src["path"], out.parent),
                      "text": " ".join(str(x) for x in (src["path"], f["project_name"], f["implementing_unit"],
                                                        f["department"], f["year"]) if x).lower()})
    met = sorted({fd["code"] for r in results for fd in r["findings"]}, key=lambda c: list(reg).index(c) if c in reg else 99)
    by_eye = [(s, fd) for s in shown for fd in s["findings"] if fd["code"] in REVIEW and fd.get("evidence")]
    return {"lang": lang, "s": summary(results), "forms": shown, "rollup": rollup(forms),
            "codes": [reg[c] for c in met if c in reg], "registry": reg, "by_eye": by_eye,
            "bad": [r for r in results if r.get("error")], "severities": list(SEVERITY_ORDER),
            "number": number, "score": score_text}
