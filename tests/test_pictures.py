"""Evidence pictures drawn in the workers that read the files, kept in the picture store, and
assembled for the reports: the same pictures the report step used to draw one by one, none
drawn twice, Word files rendered many to one LibreOffice start."""
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def _spec(tmp_path, severities=("error", "warning")):
    from selfeval.pictures import PictureSpec
    return PictureSpec(severities, "zh", str(tmp_path / "store"), str(tmp_path / "renders"))


def _files():
    return [FIXTURES / "corpus" / "pdf" / "form07_spreadsheet.pdf", FIXTURES / "corpus" / "xlsx" / "form01_county2021.xlsx",
            FIXTURES / "corpus" / "docx" / "form01_county2021.docx"]


def test_workers_draw_the_pictures_and_the_report_step_only_assembles(tmp_path, monkeypatch):
    from selfeval import evidence
    from selfeval.batch import run_batch
    from selfeval.pictures import _lacks, assemble, draw_missing, stored
    from selfeval.workers import FileLimits
    spec = _spec(tmp_path)
    results = run_batch(_files(), jobs=2, pictures=spec)
    pdf, xlsx, docx = results
    assert stored(spec, pdf["sha256"]) and stored(spec, xlsx["sha256"])       # drawn in the workers
    assert not stored(spec, docx["sha256"])         # a Word file waits for the renderings made after
    draw_missing(results, spec, 2, FileLimits())
    assert not any(_lacks(r, spec) for r in results)
    # nothing is drawn again: the report step assembles what the store holds
    monkeypatch.setattr(evidence, "picture", lambda *a, **k: pytest.fail("a picture drawn twice"))
    draw_missing(results, spec, 1, FileLimits())
    out = tmp_path / "out"
    pics = assemble(results, out, spec)
    want = [(r, n, fd) for r in results for n, fd in enumerate(r["findings"]) if fd["severity"] in spec.severities]
    assert want and set(pics) == {(r["sha256"], n) for r, n, _ in want}
    monkeypatch.undo()
    # each picture the one the finding's own drawing gives, in OUT/evidence, its bytes not held
    for r, n, fd in want:
        rel, png, note = pics[(r["sha256"], n)]
        form = next(f for f in r["forms"] if f["source"]["form_index"] == fd["form_index"])
        direct, direct_note = evidence.picture(fd, form, form["source"]["format"], spec.render_dir, "zh")
        assert png is None and (out / rel).read_bytes() == direct and note == direct_note


def test_a_finding_keeps_its_picture_whatever_the_report_leaves_out(tmp_path):
    """The picture store is keyed by the finding, not by its place in a list that --min-severity
    or --ignore shortens, or by its message put in the reader's language."""
    from selfeval.batch import run_batch
    from selfeval.i18n import localized
    from selfeval.pictures import assemble, finding_digest
    spec = _spec(tmp_path)
    (r,) = run_batch([_files()[0]], jobs=1, pictures=spec)
    shown = localized([{**r, "findings": [fd for fd in r["findings"] if fd["severity"] == "error"]}], "zh")
    assert [finding_digest(fd) for fd in shown[0]["findings"]] == \
        [finding_digest(fd) for fd in r["findings"] if fd["severity"] == "error"]
    pics = assemble(shown, tmp_path / "out", spec)
    assert len(pics) == len(shown[0]["findings"]) >= 1
    assert all((tmp_path / "out" / rel).exists() for rel, _, _ in pics.values() if rel)


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed (make run installs it as root on Debian)")
def test_word_files_are_rendered_many_to_one_libreoffice_start(tmp_path, monkeypatch):
    import extract.convert
    from extract.convert import convert_many
    monkeypatch.setattr(extract.convert, "BATCH", 1)     # more batches than LibreOffice processes at once
    src = sorted((FIXTURES / "corpus" / "docx").glob("*.docx"))[:3]
    got = convert_many({f"k{i}": str(p) for i, p in enumerate(src)} | {"gone": str(tmp_path / "nothing.docx")},
                       "pdf", tmp_path / "renders", jobs=2)
    assert set(got) == {"k0", "k1", "k2", "gone"} and got["gone"] is None
    assert all(got[k] is not None and Path(got[k]).read_bytes()[:5] == b"%PDF-" for k in ("k0", "k1", "k2"))
