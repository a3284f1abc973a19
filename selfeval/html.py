"""report.html: one self-contained page for a reviewer, light enough to open on any machine.

At the top, an overview with one row per form (errors first) linking to the form; a filter
by severity and code and a search box (a few lines of inline script, nothing fetched);
ROUNDING remarks hidden until asked for.  Per form: its findings first, each with the
picture of its cells in context (embedded for the severities pictures were saved for), then
the recomputation beside the declared figures, folded away.  Drawn from the values of
``report_model`` by ``templates/report.html.j2``, in the reader's language; printed (and as
report.pdf) it keeps to A4 with its own stylesheet."""
from __future__ import annotations

from pathlib import Path

from .files import write_text

CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:24px;color:#222}
h1{font-size:22px} h2{font-size:18px;border-bottom:1px solid #ccc;padding-bottom:4px;margin-top:32px}
h3{font-size:15px;margin:18px 0 6px} table{border-collapse:collapse;margin:6px 0;font-size:13px}
td,th{border:1px solid #bbb;padding:3px 6px;vertical-align:top} th{background:#f0f0f0}
td.num{text-align:right}
.error{background:#fbe0d6}.warning{background:#fff2c2}.info{background:#e6f0fa}
.diff{font-weight:bold;color:#b00000} .finding{margin:10px 0;padding:8px;border-left:4px solid #999}
.finding.error{border-color:#c00}.finding.warning{border-color:#d9a400}.finding.info{border-color:#58c}
img.evidence{display:block;margin-top:6px;border:1px solid #aaa;max-width:100%}
.muted{color:#777;font-size:12px} #filters{position:sticky;top:0;background:#fff;padding:6px 0;border-bottom:1px solid #ddd}
#filters label{margin-right:12px} .hidden{display:none}
table.legend td:nth-child(3),table.legend td:nth-child(4){font-size:12px}
"""

# printed (report.html from a browser, and report.pdf): A4 portrait, no filters, tables that
# fit the page's width, no row split across pages, each form from a new page, and text no
# smaller than 8 pt
PRINT_CSS = """
@page{size:A4 portrait;margin:16mm 12mm 16mm 12mm;
      @bottom-center{content:counter(page) " / " counter(pages);font-size:9pt;color:#555}}
@media print{
  body{margin:0;font-size:9.5pt} #filters,.screen,script{display:none}
  h1{font-size:18pt} h2{font-size:13pt;margin-top:14pt} h3{font-size:11pt}
  table{width:100%;table-layout:auto;font-size:8.5pt;page-break-inside:auto}
  tr{page-break-inside:avoid} thead{display:table-header-group}
  td,th{padding:2pt 3pt;overflow-wrap:anywhere} td.num{white-space:nowrap;overflow-wrap:normal}
  .muted{font-size:8.5pt} section.form{page-break-before:always} section.form.brief{page-break-before:auto}
  h1,h2,h3{bookmark-level:none} h2.form-title{bookmark-level:1}
  img.evidence{max-width:100%;max-height:120mm;page-break-inside:avoid}
  .finding{page-break-inside:avoid;font-size:9pt}
  details>summary{display:none} details{display:block}
  a{color:inherit;text-decoration:none}
}
"""

SCRIPT = """
function apply(){
  var sev={}, all=true, q=document.getElementById('q').value.trim().toLowerCase(),
      code=document.getElementById('code').value, rounding=document.getElementById('rounding').checked;
  document.querySelectorAll('#filters input[data-sev]').forEach(function(b){sev[b.dataset.sev]=b.checked; all=all&&b.checked;});
  var narrowed = !all || code;
  document.querySelectorAll('.finding').forEach(function(f){
    var show=sev[f.dataset.sev] && (!code || f.dataset.code===code) && (rounding || f.dataset.code!=='ROUNDING')
             && (!q || f.closest('section').dataset.text.indexOf(q)>=0 || f.textContent.toLowerCase().indexOf(q)>=0);
    f.classList.toggle('hidden', !show);
  });
  document.querySelectorAll('section.form').forEach(function(s){
    var shown=s.querySelectorAll('.finding:not(.hidden)').length;
    var hit=(!q || s.dataset.text.indexOf(q)>=0 || shown) && (!narrowed || shown);
    s.classList.toggle('hidden', !hit);
    var n=s.querySelector('.count'); if(n) n.textContent=shown;
    var row=document.getElementById('o-'+s.id); if(row) row.classList.toggle('hidden', !hit);
  });
}
document.querySelectorAll('#filters input, #filters select').forEach(function(e){e.addEventListener('input', apply);});
apply();
"""


def template(printed: bool, lang: str, name: str = "report.html.j2"):
    """A report's template with the gettext of ``lang`` installed (Jinja2's i18n extension:
    the same catalogs as every message)."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    from .i18n import translations
    env = Environment(loader=FileSystemLoader(str(Path(__file__).with_name("templates"))),
                      autoescape=select_autoescape(["html", "j2"]), extensions=["jinja2.ext.i18n"],
                      trim_blocks=True, lstrip_blocks=True)
    env.install_gettext_translations(translations(lang), newstyle=True)
    return env.get_template(name)


def render_report(results: list[dict], out: Path, pictures: dict | None, lang: str, printed: bool,
                  review=None) -> str:
    """report.html's page (``printed``: as report.pdf lays it out: no filters, every table open)."""
    from .report_model import context
    return template(printed, lang).render(**context(results, out, pictures, lang, review), printed=printed,
                                          css=CSS + PRINT_CSS, script=SCRIPT)


def write_html(results: list[dict], out: Path, pictures: dict | None = None, lang: str = "zh", review=None,
               settings=None) -> None:
    """report.html: one page, or past ``settings.split_at`` forms an index with pages beside it
    (``selfeval.html_split``)."""
    from .html_split import HtmlSettings, clear_pages, pages_folder, write_split
    settings = settings or HtmlSettings()
    if sum(len(r["forms"]) for r in results) > settings.split_at:
        write_split(results, out, pictures or {}, lang, review, settings)
        return
    clear_pages(pages_folder(out))          # a split report of an earlier, larger run: gone with it
    write_text(out, render_report(results, out, pictures, lang, printed=False, review=review))
