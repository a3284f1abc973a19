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


def write_pdf(results: list[dict], out: Path, pictures: dict | None = None, lang: str = "zh", review=None) -> None:
    HTML = weasyprint_html()

    from .html import render_report
    page = render_report(results, out, pictures, lang, printed=True, review=review)
    with atomic(out) as tmp:
        HTML(string=page, base_url=str(out.parent)).write_pdf(str(tmp))
