"""How big a document may be before it is refused unread: the named thresholds of every
reader in one settings object (as pdfplumber keeps its table settings).

A form is a few pages, a few tables, some hundred cells.  A file that declares far more
(a 200-million-column span, a cell at XFD1048576, a 14400-pt page, a 32000² image, 500
pages to OCR) is not a form but a way to exhaust memory or time, and is reported
UNREADABLE with the limit it passed, before the library that would expand it is called.
"""
from __future__ import annotations

from dataclasses import dataclass

from .grid import UnreadableError
from .messages import N_


@dataclass(frozen=True)
class ReadLimits:
    max_pages: int = 300                  # pages of a PDF
    max_ocr_pages: int = 40               # pages without a text layer (or image frames) to OCR
    max_page_side_pt: float = 5000.0      # A0 is 2384 × 3370 pt
    max_image_pixels: int = 120_000_000   # an A3 page at 600 dpi is 70 million
    max_rows: int = 10_000                # rows of one table or sheet holding text
    max_cols: int = 256                   # columns (Word allows 63, .xls 256)
    max_span_cells: int = 100_000         # cells covered by one merge
    max_grid_cells: int = 1_000_000       # rows × columns of one table
    max_paragraphs: int = 200_000         # paragraphs and tables of a Word body
    max_unzipped_mb: int = 400            # the whole of a .docx / .xlsx once unzipped
    max_zip_ratio: int = 1000             # uncompressed / compressed size of a large member
    max_text_mb: int = 20                 # a plain-text document


LIMITS = ReadLimits()


def refuse(what, limit) -> UnreadableError:
    return UnreadableError(N_("{what}, past the {limit} a form could have; the file was not read "
                              "(a damaged file, or one made to exhaust memory)", what=what, limit=limit))


def check_zip(path, limits: ReadLimits = LIMITS) -> None:
    import zipfile
    with zipfile.ZipFile(path) as z:
        infos = z.infolist()
    total = sum(i.file_size for i in infos)
    if total > limits.max_unzipped_mb << 20:
        raise refuse(N_("its parts hold {n} MB once unzipped", n=total >> 20), N_("{n} MB", n=limits.max_unzipped_mb))
    for i in infos:
        if i.file_size > 8 << 20 and i.file_size > limits.max_zip_ratio * max(1, i.compress_size):
            raise refuse(N_("its part {part} unzips {n} times larger", part=i.filename,
                            n=i.file_size // max(1, i.compress_size)), N_("ratio {n}", n=limits.max_zip_ratio))


def check_grid(rows: int, cols: int, where: str, limits: ReadLimits = LIMITS) -> None:
    if rows > limits.max_rows:
        raise refuse(N_("{where} has {n} rows", where=where, n=rows), N_("{n} rows", n=limits.max_rows))
    if cols > limits.max_cols:
        raise refuse(N_("{where} has {n} columns", where=where, n=cols), N_("{n} columns", n=limits.max_cols))
    if rows * cols > limits.max_grid_cells:
        raise refuse(N_("{where} spans {rows} rows × {cols} columns", where=where, rows=rows, cols=cols),
                     N_("{n} cells", n=limits.max_grid_cells))


def check_span(cells: int, where: str, limits: ReadLimits = LIMITS) -> None:
    if cells > limits.max_span_cells:
        raise refuse(N_("{where} merges {n} cells into one", where=where, n=cells), N_("{n} cells", n=limits.max_span_cells))


def check_pixels(width: int, height: int, frames: int, limits: ReadLimits = LIMITS) -> None:
    if width * height > limits.max_image_pixels:
        raise refuse(N_("an image of {width} × {height} pixels", width=width, height=height),
                     N_("{n} million pixels", n=limits.max_image_pixels // 1_000_000))
    if frames > limits.max_ocr_pages:
        raise refuse(N_("an image of {n} pages to OCR", n=frames), N_("{n} pages", n=limits.max_ocr_pages))
