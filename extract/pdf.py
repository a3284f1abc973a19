"""PDF with a text layer, through pdfplumber.

Per page: ruled tables are found (lines strategy) and the page's words are assigned to
the cell containing their centre; words outside every table are lines of flowing text
(``extract.layout`` turns pages into blocks, for scans too).  Pages with no usable text
layer (none at all, or a garbage one: cid codes, mojibake) are handed to OCR
(``extract.scan``), which yields the same page items.
"""
from __future__ import annotations

import logging
from pathlib import Path

from .grid import Document, UnreadableError, detail_of, sha256_of
from .limits import LIMITS, refuse
from .layout import assemble, page_items
from .messages import N_

logging.getLogger("pdfminer").setLevel(logging.ERROR)      # damaged files are reported, not logged

TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines", "snap_tolerance": 3,
                  "join_tolerance": 3, "intersection_tolerance": 3}


def text_layer_quality(text: str) -> float:
    """Share of characters that are CJK, ASCII printable or common punctuation; garbage
    layers ('(cid:123)', mojibake) score low."""
    if not text.strip():
        return 0.0
    if "(cid:" in text:
        return 0.0
    t = "".join(text.split())
    good = sum(1 for ch in t if "\u4e00" <= ch <= "\u9fff" or 32 < ord(ch) < 127 or ch in "（）：；，。、％—“”《》【】≥≤·…－／～")
    return good / max(1, len(t))


def read_pdf(path: str | Path, password: str | None = None, ocr_pages: bool = True) -> Document:
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    try:
        pdf = pdfplumber.open(str(path), password=password or "")
    except PDFPasswordIncorrect:
        raise UnreadableError(N_("encrypted PDF: the password is missing or wrong (give --password)"), transient=True)
    except Exception as e:
        name = type(e).__name__
        inner = " ".join(type(a).__name__ for a in getattr(e, "args", ()))
        if "Password" in name or "Password" in inner or "Encrypt" in str(e):
            raise UnreadableError(N_("encrypted PDF: the password is missing or wrong (give --password)"), transient=True)
        raise UnreadableError(N_("not a readable PDF: the file is damaged or truncated"), detail=detail_of(e))
    doc = Document(path=str(path), format="pdf", sha256=sha256_of(path))
    try:
        with pdf:
            doc.pages = len(pdf.pages)
            if not pdf.pages:
                raise UnreadableError(N_("the PDF has no pages"))
            if doc.pages > LIMITS.max_pages:
                raise refuse(N_("a PDF of {n} pages", n=doc.pages), N_("{n} pages", n=LIMITS.max_pages))
            items: list[tuple] = []      # (kind, page_no, payload) in reading order
            scan_pages = []
            for page_no, page in enumerate(pdf.pages, start=1):
                if max(page.width, page.height) > LIMITS.max_page_side_pt:
                    raise refuse(N_("page {page} measures {width:.0f} × {height:.0f} pt", page=page_no,
                                    width=page.width, height=page.height), N_("{n:.0f} pt", n=LIMITS.max_page_side_pt))
                words = page.extract_words(x_tolerance=3, y_tolerance=3, keep_blank_chars=False)
                text = " ".join(w["text"] for w in words)
                if not words and not page.images:
                    continue                                  # a blank page
                if not words or text_layer_quality(text) < 0.8:
                    scan_pages.append(page_no)                # scanned, or a garbage text layer
                    items.append(("scan", page_no, None))
                    continue
                tables = [(t.bbox, t.cells, page.height) for t in page.find_tables(TABLE_SETTINGS)
                          if len(t.cells) >= 4]
                items.extend(page_items(page_no, words, tables))
            if len(scan_pages) > LIMITS.max_ocr_pages:
                raise refuse(N_("{n} pages without a text layer to OCR", n=len(scan_pages)), N_("{n} pages", n=LIMITS.max_ocr_pages))
            if scan_pages and not ocr_pages:
                raise UnreadableError(N_("no usable text layer"))
    except UnreadableError:
        raise
    except MemoryError:
        raise
    except Exception as e:
        raise UnreadableError(N_("not a readable PDF: its content could not be parsed (damaged)"), detail=detail_of(e))
    ocr_items: dict = {}
    if scan_pages:          # outside the parse: a fault while OCR'ing is selfeval's, not the file's
        from .scan import ocr_pdf_pages
        ocr_items = ocr_pdf_pages(str(path), scan_pages, password, doc)
    items = [it for item in items for it in (ocr_items[item[1]] if item[0] == "scan" else [item])]
    assemble(doc, items)
    if not any(b.rows for b in doc.blocks):
        raise UnreadableError(N_("the PDF has no text (not even after OCR)"))
    return doc


