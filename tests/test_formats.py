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


def test_every_contract_code_planted_in_the_corpus_is_found(report):
    """Each finding code of the contract is planted somewhere in the corpus, and for each
    the planted findings are found: a code the checker stopped giving shows here by name."""
    truth = json.loads((FIXTURES / "truth" / "corpus.json").read_text())["files"]
    contract = {"BUDGET_RATE_MISMATCH", "BUDGET_SCORE_MISMATCH", "INDICATOR_SCORE_MISMATCH",
                "QUALITATIVE_BAND_MISMATCH", "SCORE_EXCEEDS_WEIGHT", "OVER_TARGET_DEDUCTION_MISSING",
                "GROUP_WEIGHT_MISMATCH", "WEIGHT_TOTAL_MISMATCH", "TOTAL_MISMATCH", "UNIT_INCONSISTENT",
                "MISSING_VALUE"}
    planted = {f[1] for rel, t in truth.items() for f in t["findings"]
               if HAVE_LIBREOFFICE or not rel.startswith("doc/")}
    assert planted >= contract
    missed = {w[1] for _, w in report["misses"]}
    assert not contract & missed, report["misses"]


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


def test_xlsx_numbers_stored_as_text_or_numbers_read_alike(tmp_path):
    """The same workbook saved twice, its figures once as numbers and once as text (as
    budget systems export them): selfeval reads the same form from both."""
    import openpyxl
    src = CORPUS / "xlsx" / "form02_spreadsheet.xlsx"
    wb = openpyxl.load_workbook(src)
    changed = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, (int, float)) and not isinstance(c.value, bool):
                    c.value, c.number_format = repr(c.value).removesuffix(".0") if float(c.value).is_integer() \
                        else repr(c.value), "@"
                    changed += 1
    assert changed > 20
    as_text = tmp_path / "as_text.xlsx"
    wb.save(as_text)

    def figures(path):
        (form,) = run(path)["forms"]
        return ([(b["initial"], b["adjusted"], b["executed"], b["rate_declared"], b["score_declared"])
                 for b in form["budget"]["lines"]],
                [(i["name"], i["weight"], i["score_declared"]) for i in form["indicators"]], form["declared_total"])
    got = figures(as_text)
    assert got == figures(src)
    assert sum(w is not None for _, w, _ in got[1]) >= 10


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
