"""report.html for a stack too large for one page: an index, and a page per unit or few.

Past ``HtmlSettings.split_at`` forms, report.html is an index: the totals, the forms of highest
risk, the roll-up per unit with its pages, and every form in one list that the severity and
code filters and the search box narrow (a JSON index read by a few lines of script: nothing
fetched, nothing drawn until asked).  The forms themselves are on pages under report/, units
kept whole and packed to at most ``page_forms`` forms a page (a larger unit over several),
each page drawn by report.html's own template with its filters; pictures are linked from
OUT/evidence, not embedded, so that a page stays small and no step holds every picture."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .files import write_text


@dataclass(frozen=True)
class HtmlSettings:
    # One self-contained page up to this many forms (218 forms make 2.6 MB with their
    # pictures embedded); past it, the index and pages.  At 5,602 forms the one page was
    # 82 MB and took headless Chromium 11 s to lay out.
    split_at: int = 400
    page_forms: int = 200       # forms on a page of a split report
    shown_rows: int = 300       # forms the index lists at once (the filters narrow the rest)
    pdf_forms: int = 300        # forms whose sections report.pdf lays out past split_at (~1,000 pages)


def pages_folder(out: Path) -> Path:
    """Where a split report.html keeps its pages: report/ beside it."""
    return out.with_suffix("")


def clear_pages(folder: Path) -> None:
    """An earlier run's pages gone (a larger stack's, or one split otherwise)."""
    if folder.is_dir():
        for old in folder.glob("page-*.html"):
            old.unlink()


def _page_results(results: list[dict], keep: set, pictures: dict) -> tuple[list[dict], dict]:
    """The files' results with only the forms in ``keep`` ((sha256, form_index)) and their
    findings, and the pictures under the findings' new places."""
    from .tables import finding_key
    out, pics = [], {}
    for r in results:
        forms = [f for f in r["forms"] if (f["source"]["sha256"], f["source"]["form_index"]) in keep]
        if not forms:
            continue
        idx = {f["source"]["form_index"] for f in forms}
        findings = []
        for n, fd in enumerate(r["findings"]):
            if fd["form_index"] in idx:
                old = pictures.get(finding_key(r, fd, n))
                if old is not None:
                    pics[finding_key(r, fd, len(findings))] = old
                findings.append(fd)
        out.append({**r, "forms": forms, "findings": findings})
    return out, pics


def _pages(forms: list, names: dict, settings: HtmlSettings) -> list[list]:
    """The forms (report_model._forms' order) packed into pages: a unit's forms together
    (``names``: report_model.unit_names), a page closed before a unit that would overflow it."""
    from .report_model import unit_key
    units: dict = {}
    for x in forms:
        units.setdefault(unit_key(x[1], names), []).append(x)
    pages: list[list] = [[]]
    for key, members in units.items():
        for k in range(0, len(members), settings.page_forms):
            chunk = members[k:k + settings.page_forms]
            if pages[-1] and len(pages[-1]) + len(chunk) > settings.page_forms:
                pages.append([])
            pages[-1].extend(chunk)
    return [p for p in pages if p]


def write_split(results: list[dict], out: Path, pictures: dict, lang: str, review=None,
                settings: HtmlSettings = HtmlSettings()) -> None:
    """report.html as an index, the forms on pages under report/ beside it."""
    from .html import CSS, PRINT_CSS, SCRIPT, template
    from .report_model import _counts, _forms, context, rollup, score_text, unit_key, unit_names
    from .reports import SEVERITY_ORDER, summary
    from .risk import rank_results, rows_for
    from score.codes import registry
    folder = pages_folder(out)
    folder.mkdir(parents=True, exist_ok=True)
    clear_pages(folder)
    forms = _forms(results)
    where: dict = {}                        # (sha256, form_index) → (href, number)
    names = unit_names(forms)
    pages = _pages(forms, names, settings)
    unit_pages: dict = {}                   # unit_key → its pages
    number = 0
    page_tpl = template(False, lang)
    for p, members in enumerate(pages, 1):
        name = f"page-{p:03d}.html"
        keep = {(f["source"]["sha256"], f["source"]["form_index"]) for _, f, _ in members}
        for _, f, _ in members:
            unit_pages.setdefault(unit_key(f, names), set()).add(f"{folder.name}/{name}")
        sub, pics = _page_results(results, keep, pictures)
        ctx = context(sub, folder / name, pics, lang, review, embed=False)
        for x in ctx["forms"]:
            number += 1
            where[(x["src"]["sha256"], x["src"]["form_index"])] = (f"{folder.name}/{name}#f{x['k']}", number)
        ctx.update(risk=[], years=[], waived=[], stale=[], conflicts=[], bad=[], index_link=f"../{out.name}")
        write_text(folder / name, page_tpl.render(**ctx, printed=False, css=CSS + PRINT_CSS, script=SCRIPT))
    reg = registry()
    rows = []
    for r, f, fds in forms:
        href, n = where.get((f["source"]["sha256"], f["source"]["form_index"]), (None, 0))
        live = [fd for _, fd in fds if not fd.get("waived")]
        c = _counts(fds)
        unit = f.get("implementing_unit") or f.get("department") or ""
        rows.append({"number": n, "href": href, "file": f["source"]["path"].split("/")[-1], "project": f.get("project_name") or "",
                     "unit": names.get(unit, unit), "year": str(f.get("year") or ""), "error": c["error"],
                     "warning": c["warning"], "codes": sorted({fd["code"] for fd in live}),
                     "findings": [[fd["severity"], fd["code"]] for fd in live],
                     "text": " ".join(str(x) for x in (f["source"]["path"], f.get("project_name"), f.get("implementing_unit"),
                                                       f.get("department"), f.get("year"),
                                                       *(fd.get("indicator") for fd in live)) if x).lower()})
    rows.sort(key=lambda x: x["number"])
    units = rollup(forms)
    for u in units:
        u["pages"] = sorted(unit_pages.get((u["department"], u["unit"]), ()))
    risk = [x for x in rows_for(rank_results(results), lang)[:20] if x["score"] > 0]
    for x in risk:
        x["href"] = where.get((x.get("sha256"), (x.get("form_index") or 1) - 1), (None,))[0]
    met = sorted({fd["code"] for r in results for fd in r["findings"]}, key=lambda c: list(reg).index(c) if c in reg else 99)
    index = json.dumps(rows, ensure_ascii=False).replace("</", "<\\/")
    write_text(out, template(False, lang, "report_index.html.j2").render(
        lang=lang, s=summary(results), pages=[f"{folder.name}/page-{p:03d}.html" for p in range(1, len(pages) + 1)],
        severities=list(SEVERITY_ORDER), codes=[reg[c] for c in met if c in reg], risk=risk, rollup=units,
        index=index, shown_rows=settings.shown_rows, bad=[r for r in results if r.get("error")], score=score_text,
        css=CSS))
