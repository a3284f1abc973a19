"""Every format through the same path: DOCX, text-layer PDF, XLSX, XLS, DOC."""
import json

import pytest
from conftest import FIXTURES, SEEDS, non_info, run

from extract.convert import soffice
from selfeval.accuracy import field_pairs, same

CORPUS = FIXTURES / "corpus"
HAVE_LIBREOFFICE = soffice() is not None
needs_libreoffice = pytest.mark.skipif(
    not HAVE_LIBREOFFICE, reason="LibreOffice is not installed: .doc files cannot be converted here "
                                 "(`make run` installs it on Debian as root; or apt-get install libreoffice-writer-nogui)")


@pytest.fixture(scope="module")
def report():
    from fixtures.evaluate import evaluate
    return evaluate(FIXTURES / "truth" / "corpus.json", CORPUS, jobs=2,
                    exclude=() if HAVE_LIBREOFFICE else ("doc/",))


def test_corpus_is_what_the_issue_asks_for():
    truth = json.loads((FIXTURES / "truth" / "corpus.json").read_text())["files"]
    singles = {rel.split("/")[1] for rel in truth if rel.startswith("docx/form")}
    assert len(singles) >= 30
    assert {t["layout"] for t in truth.values()} >= {"national2020", "county2021", "spreadsheet", "budgetsys",
                                                      "fengtai2019"}
    codes = {f[1] for t in truth.values() for f in t["findings"]}
    contract = {"BUDGET_RATE_MISMATCH", "BUDGET_SCORE_MISMATCH", "INDICATOR_SCORE_MISMATCH",
                "QUALITATIVE_BAND_MISMATCH", "SCORE_EXCEEDS_WEIGHT", "OVER_TARGET_DEDUCTION_MISSING",
                "GROUP_WEIGHT_MISMATCH", "WEIGHT_TOTAL_MISMATCH", "TOTAL_MISMATCH", "UNIT_INCONSISTENT",
                "MISSING_VALUE"}
    assert codes == contract
    clean = [rel for rel, t in truth.items() if not t["findings"]]
    assert len(clean) >= 30


def test_field_accuracy_per_format(report):
    for fmt in ("docx", "pdf", "xlsx", "xls"):
        assert report["per_format"][fmt] >= 0.99, (fmt, [w for w in report["wrong"] if w[0].startswith(fmt)][:10])
    assert report["fields"] > 10000


@needs_libreoffice
def test_field_accuracy_legacy_doc(report):
    assert report["per_format"]["doc"] >= 0.99, [w for w in report["wrong"] if w[0].startswith("doc")][:10]


def test_every_planted_finding_found_and_clean_forms_clean(report):
    assert report["recall"] == 1.0, report["misses"]
    assert report["clean_noise"] == []
    assert report["precision"] >= 0.98, report["extras"]


@pytest.mark.parametrize("ext", ["docx", "pdf", "xlsx"])
def test_seed_renderings_match_text_versions(ext, seed_truth):
    for stem in ("000_64df670863fe3938", "004_e7bc4ab4e4060ab5"):
        text = run(SEEDS / f"{stem}.txt")
        got = run(CORPUS / "seeds" / f"{stem}.{ext}")
        assert got["format"] == ext and got["error"] is None
        assert len(got["forms"]) == len(seed_truth[f"{stem}.txt"])
        for form, want in zip(got["forms"], seed_truth[f"{stem}.txt"]):
            assert [(k, e, g) for k, e, g in field_pairs(form, want) if not same(e, g)] == []
        assert non_info(got["findings"]) == non_info(text["findings"])


def test_pdf_provenance_has_page_and_box():
    res = run(CORPUS / "pdf" / "form00_national2020.pdf")
    (form,) = res["forms"]
    assert form["source"]["pages"] == [1, 2]
    prov = form["indicators"][-1]["provenance"]["score_declared"]
    assert prov["page"] == 2 and len(prov["bbox"]) == 4
    x0, top, x1, bottom = prov["bbox"]
    assert 0 < x0 < x1 < 600 and 0 < top < bottom < 850


def test_pdf_row_split_across_page_break_is_joined():
    truth = json.loads((FIXTURES / "truth" / "corpus.json").read_text())["files"]["pdf/form20_national2020.pdf"]
    (form,) = run(CORPUS / "pdf" / "form20_national2020.pdf")["forms"]
    names = [i["name"] for i in form["indicators"]]
    assert names == [row[2] for row in truth["forms"][0]["indicators"]]
    assert any(len(n) > 40 for n in names)


def test_docx_vertical_merge_covers_every_row():
    from extract import read
    doc = read(CORPUS / "docx" / "form00_national2020.docx")
    table = next(b for b in doc.blocks if b.aligned)
    col0 = [r[0] for r in table.rows]
    label_rows = [c for c in col0 if c.text == "绩效指标"]
    assert len(label_rows) > 10 and sum(not c.merged for c in label_rows) == 1


def test_xlsx_numbers_stored_as_text_or_numbers_read_alike():
    import openpyxl
    as_text = openpyxl.load_workbook(CORPUS / "xlsx" / "form01_county2021.xlsx").worksheets[0]
    as_num = openpyxl.load_workbook(CORPUS / "xlsx" / "form02_spreadsheet.xlsx").worksheets[0]
    assert any(isinstance(c.value, str) and c.value.replace(".", "").isdigit() for r in as_text.iter_rows() for c in r)
    assert any(isinstance(c.value, float) for r in as_num.iter_rows() for c in r)


def test_legacy_word_without_libreoffice_is_unreadable_with_reason(monkeypatch):
    import extract.convert
    monkeypatch.setattr(extract.convert, "soffice", lambda: None)
    res = run(CORPUS / "doc" / "form00_national2020.doc")
    assert res["forms"] == []
    (f,) = res["findings"]
    assert f["code"] == "UNREADABLE" and "LibreOffice" in f["message"] and "libreoffice-writer" in f["message"]


def test_borderless_pdfs_read_by_word_positions():
    """No rulings: columns come from the header words' positions, wrapped cells are joined."""
    from fixtures.evaluate import evaluate
    rep = evaluate(FIXTURES / "truth" / "borderless.json", FIXTURES / "borderless", jobs=2)
    assert rep["fields"] > 300
    assert rep["overall"] >= 0.99, rep["wrong"][:10]
    assert rep["recall"] == 1.0 and rep["precision"] == 1.0, (rep["misses"], rep["extras"])
    from extract import read
    doc = read(FIXTURES / "borderless" / "borderless01_national2020.pdf")
    assert not any(b.aligned for b in doc.blocks)          # pdfplumber finds no ruled table here
