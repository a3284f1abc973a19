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

RISK_SHOWN = 20          # forms of highest risk listed first in report.html (all are in risk.csv)
from .i18n import render
from .ledger import DONE
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
    count = lambda fds, sev: sum(1 for _, fd in fds if fd["severity"] == sev and not fd.get("waived"))
    out.sort(key=lambda x: (-count(x[2], "error"), -count(x[2], "warning"), x[1]["source"]["path"],
                            x[1]["source"]["form_index"]))
    return out


def _link(path: str, base: Path, page: int | None = None) -> str:
    """A link to the source file relative to the report's folder (and its PDF page)."""
    rel = quote(Path(os.path.relpath(os.path.abspath(path), os.path.abspath(base))).as_posix())
    return rel + (f"#page={page}" if page and path.lower().endswith(".pdf") else "")


def _picture(pic, lang: str, folder: Path, page: Path | None = None) -> dict | None:
    """A finding's picture for the page: its bytes embedded (read from its file under
    ``folder`` one at a time), or with ``page`` a link to its file from that page's folder;
    its note in ``lang``, its file's name."""
    from .i18n import render
    from .pictures import png_of
    if pic is None:
        return None
    rel, _, note = pic
    if page is not None:
        src = quote(Path(os.path.relpath(folder / rel, page.parent)).as_posix()) if rel else None
    else:
        png = png_of(folder, pic)
        src = "data:image/png;base64," + base64.b64encode(png).decode() if png else None
    return {"src": src, "note": render(note, lang), "file": rel}


def score_text(v) -> str:
    """A score as printed: two decimals at most, '—' for none."""
    if v is None:
        return "—"
    return f"{v:,.2f}".rstrip("0").rstrip(".") if isinstance(v, float) else str(v)


def _over(f: dict) -> float:
    """Points a form declares above its total by the rules (0 where either is not read)."""
    d, b = f.get("declared_total"), (f.get("recomputed") or {}).get("total_by_rules")
    return max(0.0, d - b) if d is not None and b is not None else 0.0


def _counts(fds) -> dict:
    """Findings by severity, a waived one not counted."""
    return {s: sum(1 for _, fd in fds if fd["severity"] == s and not fd.get("waived")) for s in SEVERITY_ORDER}


def _one_apart(a: str, b: str) -> bool:
    """Two names of one length that differ in one character (an OCR look-alike: 礼 for 社)."""
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b)) == 1


def unit_names(forms: list) -> dict[str, str]:
    """Each unit name as read → the name it is grouped under.  A name read by OCR that is one
    character from a name read with confidence elsewhere in the stack (from a text layer, or
    on more forms) is that unit misread; every other name stands for itself."""
    seen: dict[str, dict] = defaultdict(lambda: {"forms": 0, "sure": 0})
    for _, f, _ in forms:
        for name in (f.get("department"), f.get("implementing_unit")):
            if name:
                seen[name]["forms"] += 1
                seen[name]["sure"] += 0 if f["source"].get("ocr") else 1
    out = {}
    for name, n in seen.items():
        if n["sure"]:
            continue                       # read from a text layer at least once: itself
        better = [o for o, m in seen.items() if o != name and _one_apart(o, name)
                  and (m["sure"] or m["forms"] > n["forms"])]
        if len(better) == 1:
            out[name] = better[0]
    return out


def unit_key(f: dict, names: dict[str, str]) -> tuple[str, str]:
    """The (主管部门, 实施单位) a form is rolled up under, its names as ``unit_names`` groups them."""
    dept, unit = f.get("department"), f.get("implementing_unit")
    return names.get(dept, dept) or "—", names.get(unit, unit) or "—"


def rollup(forms: list) -> list[dict]:
    """Per unit (主管部门, then 实施单位 under it): forms, declared and recomputed totals,
    findings by severity, points over-claimed (declared above the total by the rules), and
    the names grouped under it as OCR misreadings (``unit_names``)."""
    groups: dict = defaultdict(lambda: {"forms": 0, "declared": 0.0, "by_rules": 0.0, "error": 0, "warning": 0,
                                        "info": 0, "over": 0.0, "both": 0, "also": set()})
    names = unit_names(forms)
    for r, f, fds in forms:
        dept, unit = f.get("department"), f.get("implementing_unit")
        g = groups[unit_key(f, names)]
        g["also"].update(n for n in (dept, unit) if n in names)
        g["forms"] += 1
        for k, v in _counts(fds).items():
            g[k] += v
        d, b = f.get("declared_total"), (f.get("recomputed") or {}).get("total_by_rules")
        if d is not None and b is not None:
            g["declared"] += d
            g["by_rules"] += b
            g["both"] += 1
            g["over"] += _over(f)
    return [{"department": k[0], "unit": k[1], **v, "also": sorted(v["also"])} for k, v in
            sorted(groups.items(), key=lambda kv: (-kv[1]["error"], -kv[1]["warning"], kv[0]))]


def _primary(f: dict) -> dict | None:
    lines = f["budget"]["lines"]
    return next((b for b in lines if b["kind"] == "total"), lines[0] if lines else None)


def years(forms: list) -> list[dict]:
    """The same project (its name and implementing unit as grouped by ``unit_names``) filed in
    more than one year: a row per form, by year, with its budget, execution rate, declared
    total, total by the rules and findings."""
    names = unit_names(forms)
    by_project: dict = defaultdict(list)
    for r, f, fds in forms:
        if f.get("project_name") and f.get("year"):
            unit = f.get("implementing_unit") or f.get("department")
            by_project[(f["project_name"], names.get(unit, unit))].append((f, fds))
    out = []
    for (project, unit), rows in sorted(by_project.items(), key=lambda kv: kv[0]):
        if len({f["year"] for f, _ in rows}) < 2:
            continue
        for f, fds in sorted(rows, key=lambda x: x[0]["year"]):
            b = _primary(f) or {}
            rate = b.get("rate_declared")
            if rate is None and b.get("adjusted") and b.get("executed") is not None:
                rate = b["executed"] / b["adjusted"]
            out.append({"project": project, "unit": unit or "—", "year": f["year"], "budget": b.get("adjusted"),
                        "executed": b.get("executed"), "rate": rate, "declared": f.get("declared_total"),
                        "by_rules": (f.get("recomputed") or {}).get("total_by_rules"), **_counts(fds)})
    return out


def context(results: list[dict], out: Path, pictures: dict | None, lang: str, review=None,
            embed: bool = True) -> dict:
    """The report's values.  ``review``: the ledger as applied (selfeval.ledger.Applied): its
    stale decisions and conflicts go to an appendix; waived findings leave the forms' lists
    for their own appendix.  ``embed``: pictures in the page; else linked from the page at
    ``out`` (a split report's, one folder below OUT) to OUT/evidence."""
    pictures = pictures or {}
    forms = [(r, f, [(n, fd) for n, fd in fds]) for r, f, fds in _forms(results)]
    waived: list = []
    reg = registry()
    shown = []
    for k, (r, f, fds) in enumerate(forms):
        src = f["source"]
        rec = f.get("recomputed") or {}
        fd_rows = []
        for n, fd in fds:
            if fd.get("waived"):
                waived.append((k + 1, f, fd))
                continue
            e = next((e for e in fd.get("evidence") or () if e.get("page")), None)
            fd_rows.append({**fd, "n": n, "name": reg[fd["code"]].name(lang) if fd["code"] in reg else "",
                            "picture": _picture(pictures.get(finding_key(r, fd, n)), lang, out.parent if embed else out.parent.parent,
                                                None if embed else out),
                            "page": e.get("page") if e else None})
        shown.append({"k": k, "number": k + 1, "form": f, "src": src, "rec": rec, "findings": fd_rows,
                      "counts": _counts(fds), "link": _link(src["path"], out.parent),
                      "text": " ".join(str(x) for x in (src["path"], f["project_name"], f["implementing_unit"],
                                                        f["department"], f["year"]) if x).lower()})
    met = sorted({fd["code"] for r in results for fd in r["findings"]}, key=lambda c: list(reg).index(c) if c in reg else 99)
    by_eye = [(s, fd) for s in shown for fd in s["findings"] if fd["code"] in REVIEW and fd.get("evidence")]
    units = rollup(forms)
    from .risk import rank_results, rows_for
    risk = rows_for(rank_results(results),
                    lang)[:RISK_SHOWN]
    return {"lang": lang, "s": summary(results), "forms": shown, "rollup": units, "years": years(forms),
            "over": sum(u["over"] for u in units), "over_forms": sum(1 for _, f, _ in forms if _over(f) > 0),
            "risk": [r for r in risk if r["score"] > 0], "waived": waived, "stale": [(d, render(why, lang)) for d, why in getattr(review, "stale", ())],
            "conflicts": list(getattr(review, "conflicts", ())), "done": {k: m.text for k, m in DONE.items()},
            "codes": [reg[c] for c in met if c in reg], "registry": reg, "by_eye": by_eye,
            "bad": [r for r in results if r.get("error")], "severities": list(SEVERITY_ORDER),
            "number": number, "score": score_text}
