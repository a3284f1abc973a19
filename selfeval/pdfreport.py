"""report.pdf, to print and file: the report.html template laid out for print by WeasyPrint
(A4 portrait, page numbers, CJK fonts embedded, one bookmark per form, every table open).
The cover lists the stack, its units and the forms ranked by errors; then one section per
form from a new page: its header fields, findings with their pictures, and the recomputation.

WeasyPrint needs Pango (installed with LibreOffice's system packages by ``make run``); where
it cannot load, report.pdf is not written and the run says why, the other reports unharmed."""
from __future__ import annotations

from pathlib import Path

from .files import atomic


def write_pdf(results: list[dict], out: Path, pictures: dict | None = None, lang: str = "zh") -> None:
    from weasyprint import HTML

    from .html import render_report
    page = render_report(results, out, pictures, lang, printed=True)
    with atomic(out) as tmp:
        HTML(string=page, base_url=str(out.parent)).write_pdf(str(tmp))
