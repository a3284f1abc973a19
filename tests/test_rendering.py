"""A rendering read through pdfium (extract.rendering) gives the cells pdfplumber gives: the
Word files' evidence pictures are cropped where the same text stands in the same cell."""
from conftest import FIXTURES

from extract import read
from extract.rendering import read_rendering

# the corpus PDFs are LibreOffice renderings of the corpus forms, as the pictures' are
RENDERED = sorted((FIXTURES / "corpus" / "pdf").glob("*.pdf"))[::4]


def _tables(doc):
    return [[[(c.clean, c.page, tuple(round(v, 1) for v in c.bbox) if c.bbox else None) for c in row]
             for row in b.rows] for b in doc.blocks if b.aligned]


def test_a_rendering_read_through_pdfium_holds_the_cells_pdfplumber_reads():
    assert len(RENDERED) >= 8
    for path in RENDERED:
        ours, theirs = _tables(read_rendering(path)), _tables(read(path))
        assert theirs, path.name
        assert ours == theirs, path.name


def test_a_rendering_has_its_pages_and_its_lines_of_text():
    path = RENDERED[0]
    doc, ref = read_rendering(path), read(path)
    assert doc.pages == ref.pages
    text = lambda d: ["".join(c.clean for c in row) for b in d.blocks if not b.aligned for row in b.rows]
    assert text(doc) == text(ref)
