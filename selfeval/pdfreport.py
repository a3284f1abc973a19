"""report.pdf, to print and file: the report.html template laid out for print by WeasyPrint
(A4 portrait, page numbers, CJK fonts embedded, one bookmark per form, every table open).
The cover lists the stack, its units and the forms ranked by errors; then one section per
form from a new page: its header fields, findings with their pictures, and the recomputation.

WeasyPrint needs Pango (installed with LibreOffice's system packages by ``make run``); where
it cannot load, report.pdf is not written and the run says why, the other reports unharmed."""
from __future__ import annotations

from pathlib import Path

from extract.messages import N_

from .files import atomic


class Unavailable(RuntimeError):
    """A report that this machine cannot write (a system library missing), said as such."""


def weasyprint_html():
    """WeasyPrint's HTML class, or Unavailable where its system libraries (Pango) are missing."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as e:
        raise Unavailable(N_("report.pdf needs Pango (apt-get install libpango-1.0-0 libpangoft2-1.0-0; "
                             "make run installs it as root): {error}", error=str(e)[:120])) from e
    return HTML


def write_pdf(results: list[dict], out: Path, pictures: dict | None = None, lang: str = "zh", review=None,
              settings=None) -> None:
    """report.pdf.  A stack past ``settings.split_at`` forms (the size at which report.html is
    split) keeps its cover whole (totals, risk, every unit's roll-up) and lays out the
    sections of its ``settings.pdf_forms`` forms of highest risk among those with an error or
    a warning, and says so: every form is in report.html and report.xlsx.  (WeasyPrint lays out
    about 3.6 pages a second: 5,602 forms would take it over half an hour.)"""
    HTML = weasyprint_html()

    from .html import CSS, PRINT_CSS, SCRIPT, render_report, template
    from .html_split import HtmlSettings, _page_results
    settings = settings or HtmlSettings()
    forms = sum(len(r["forms"]) for r in results)
    if forms <= settings.split_at:
        page = render_report(results, out, pictures, lang, printed=True, review=review)
    else:
        from .i18n import render
        from .report_model import _forms, context, rollup
        from .reports import summary
        from .risk import rank_results
        acted_on = _acted_on(results)
        acted = [x["form"] for x in rank_results(results)
                 if (x["form"]["source"]["sha256"], x["form"]["source"]["form_index"]) in acted_on][:settings.pdf_forms]
        keep = {(f["source"]["sha256"], f["source"]["form_index"]) for f in acted}
        sub, pics = _page_results(results, keep, pictures or {})
        ctx = context(sub, out, pics, lang, review)
        ctx.update(s=summary(results), rollup=rollup(_forms(results)), bad=[r for r in results if r.get("error")],
                   bounded=render(N_("report.pdf lays out the {shown} forms of highest risk with an error or a "
                                     "warning, of {forms} forms; every form is in report.html and report.xlsx.",
                                     shown=len(keep), forms=forms), lang))
        page = template(True, lang).render(**ctx, printed=True, css=CSS + PRINT_CSS, script=SCRIPT)
    with atomic(out) as tmp:
        HTML(string=page, base_url=str(out.parent)).write_pdf(str(tmp))


def _acted_on(results: list[dict]) -> set:
    """(sha256, form_index) of every form with an error or a warning not waived."""
    return {(r.get("sha256"), fd["form_index"]) for r in results for fd in r["findings"]
            if fd["severity"] in ("error", "warning") and not fd.get("waived") and fd["form_index"] is not None}
