"""Reports of a stack too large for one page, worked on a small stack with the thresholds set
low: report.html as an index and pages (every form on exactly one page, pictures linked, not
embedded), report.pdf bounded to the forms of highest risk with something to act on and
saying so, findings and forms also one object a line."""
import json
import re

import pytest

from conftest import FIXTURES


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    from selfeval.batch import run_batch
    from selfeval.i18n import localized
    from selfeval.pictures import PictureSpec, assemble, draw_missing
    from selfeval.workers import FileLimits
    out = tmp_path_factory.mktemp("big")
    spec = PictureSpec(("error", "warning"), "zh", str(out / "store"), str(out / "renders"))
    results = localized(run_batch([FIXTURES / "corpus" / "pdf", FIXTURES / "corpus" / "xlsx"], jobs=2, pictures=spec), "zh")
    draw_missing(results, spec, 2, FileLimits())
    return out, results, assemble(results, out, spec)


def test_a_split_report_holds_every_form_once_and_links_its_pictures(stack):
    from selfeval.html import write_html
    from selfeval.html_split import HtmlSettings
    out, results, pics = stack
    write_html(results, out / "report.html", pics, "zh", settings=HtmlSettings(split_at=10, page_forms=15))
    index = (out / "report.html").read_text(encoding="utf-8")
    rows = json.loads(re.search(r'<script id="index" type="application/json">(.*?)</script>', index, re.S)
                      .group(1).replace("<\\/", "</"))
    forms = [(r["sha256"], f["source"]["form_index"]) for r in results for f in r["forms"]]
    assert len(rows) == len(forms) and sorted(x["number"] for x in rows) == list(range(1, len(forms) + 1))
    pages = sorted((out / "report").glob("page-*.html"))
    assert len(pages) >= len(forms) // 15
    sections = [m for p in pages for m in re.findall(r'<section class="form[^"]*" id="(f\d+)"',
                                                      p.read_text(encoding="utf-8"))]
    assert len(sections) == len(forms)          # each form on one page, none twice, none lost
    for x in rows:                              # each index link leads to its form's section
        page, anchor = x["href"].split("#")
        assert f'id="{anchor}"' in (out / page).read_text(encoding="utf-8")
    text = "".join(p.read_text(encoding="utf-8") for p in pages)
    linked = re.findall(r'<img class="evidence" alt="[^"]*" src="([^"]+)"', text)
    assert linked and all(s.startswith("../evidence/") and (out / s[3:]).exists() for s in linked)
    assert "data:image" not in text and "data:image" not in index
    assert len(linked) == sum(1 for rel, _, _ in pics.values() if rel)
    # a smaller run into the same folder: one page again, the earlier pages gone
    write_html(results[:3], out / "report.html", pics, "zh")
    assert not list((out / "report").glob("page-*.html"))


def test_report_pdf_of_a_big_stack_lays_out_the_forms_to_act_on_first(stack):
    pdfium = pytest.importorskip("pypdfium2")
    from selfeval.html_split import HtmlSettings
    from selfeval.pdfreport import Unavailable, write_pdf
    out, results, pics = stack
    try:
        write_pdf(results, out / "report.pdf", pics, "zh", settings=HtmlSettings(split_at=10, pdf_forms=4))
    except Unavailable as e:
        pytest.skip(f"WeasyPrint cannot load here: {e}")
    pdf = pdfium.PdfDocument(str(out / "report.pdf"))
    titles = [item.get_title() for item in pdf.get_toc()]
    text = "".join(pdf[k].get_textpage().get_text_range() for k in range(len(pdf)))
    forms = sum(len(r["forms"]) for r in results)
    assert len(titles) == 4                     # one bookmark a form laid out
    assert f"本批共 {forms} 份表" in "".join(text.split()) or f"本批共{forms}份表" in "".join(text.split())


def test_findings_and_forms_also_come_one_a_line_past_the_threshold(stack, monkeypatch):
    from selfeval import reports
    out, results, _ = stack
    monkeypatch.setattr(reports, "JSONL_FROM", 5)
    reports.write_core(results, out / "core")
    for name in ("findings", "forms"):
        whole = json.loads((out / "core" / f"{name}.json").read_text(encoding="utf-8"))
        lines = [json.loads(x) for x in (out / "core" / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()]
        assert whole == lines and len(whole) > 5
    monkeypatch.setattr(reports, "JSONL_FROM", 10 ** 6)
    reports.write_core(results, out / "core")
    assert not (out / "core" / "findings.jsonl").exists()    # a smaller run's folder holds no stale lines
