"""The one representation every reader produces: a document as blocks of rows of cells.

A *block* is one table (or one run of text lines outside a table).  A row is a list of
cells.  In an *aligned* block (a real table: docx, xlsx, PDF ruling, OCR grid, or a Word
table dump) every row has one cell per grid column, and a cell covered by a merge repeats
the covering cell's text with ``merged=True`` so a merged label covers every row it spans.
In a *flowing* block (text pulled from a PDF with rows flattened onto lines) the cells of
a row are just its whitespace-separated pieces, in reading order, and columns mean nothing.

Every cell carries its provenance: page, row/column in its block and, where the format
has geometry, its box (x0, top, x1, bottom) in PDF points or image pixels.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from .messages import N_


# Why an OCR'd reading is in doubt, carried on its word and then its cell (``Cell.doubt``);
# score/ reads the reason, never a confidence with a special value.
INKED_UNREAD = "inked but unread"            # ink in the cell, no reading: not a printed blank
READINGS_DISAGREE = "readings disagree"      # read again (larger, binarised, by its strokes): no two agree
UNDER_SEAL = "under a seal"                  # a seal as dark as the print reaches it: a digit or point may be hidden
INK_BESIDE = "ink beside it unread"          # a glyph-tall mark in its cell no line was read from
# text that drops blank cells prints a row with fewer figures than its table has columns:
# which column each figure stands in is then told by its place alone
PLACED_BY_ORDER = "column told by its place alone"
DOUBTS = (INKED_UNREAD, READINGS_DISAGREE, UNDER_SEAL, INK_BESIDE, PLACED_BY_ORDER)


@dataclass
class Cell:
    text: str
    row: int = 0
    col: int = 0
    rowspan: int = 1
    colspan: int = 1
    merged: bool = False          # covered by a merge; text copied from the covering cell
    page: int | None = None       # 1-based page (PDF, scan) or sheet number (spreadsheet)
    bbox: tuple[float, float, float, float] | None = None
    confidence: float | None = None  # OCR recognition confidence, None when not OCR'd
    table: int | None = None      # which table of the document (aligned blocks counted in order)
    doubt: str | None = None      # why an OCR'd reading is in doubt, whatever its confidence (DOUBTS)

    @property
    def clean(self) -> str:
        """Text with every kind of whitespace removed (labels, numbers)."""
        return "".join(self.text.split()).replace("\u3000", "")

    def provenance(self) -> dict:
        out = {"page": self.page, "row": self.row, "col": self.col}
        if self.table is not None:
            out["table"] = self.table
        if self.bbox is not None:
            out["bbox"] = [round(v, 1) for v in self.bbox]
        if self.confidence is not None:
            out["confidence"] = round(self.confidence, 3)
        if self.doubt is not None:
            out["doubt"] = self.doubt
        return out


@dataclass
class Block:
    rows: list[list[Cell]]
    aligned: bool
    page: int | None = None
    sheet: str | None = None


@dataclass
class Document:
    path: str
    format: str
    sha256: str
    blocks: list[Block] = field(default_factory=list)
    pages: int | None = None
    ocr: bool = False
    page_transforms: dict = field(default_factory=dict)  # OCR'd page -> {turn, angle, dpi}
    warnings: list = field(default_factory=list)    # what the reader had to guess, for the auditor (messages)


class UnreadableError(Exception):
    """The file cannot be read as a document at all; the message is for a person.
    ``transient``: the outcome depends on this run (a password, a converter), not on the
    file alone, so it is not remembered.  ``detail``: the library's own words, kept for
    whoever debugs it, never the reason itself."""

    def __init__(self, message, transient: bool = False, detail: str | None = None):
        super().__init__(str(message))
        self.message = message          # a Msg (extract.messages), shown in the reader's language
        self.transient = transient
        self.detail = detail


def detail_of(e: BaseException) -> str:
    return f"{type(e).__name__}: {e}"[:300]


def sha256_of(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _union(a, b):
    """The box around two boxes (x0, top, x1, bottom); None when either is unknown."""
    if a is None or b is None:
        return None
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


def text_block(lines: list[str], page: int | None = None, start_row: int = 0,
               boxes: list | None = None) -> Block:
    """Lines of free text (titles, 填报日期 lines, notes, text pulled from a PDF): a flowing
    block, each line a row whose cells are its whitespace-separated pieces.  ``boxes``
    optionally gives each line's pieces' boxes (PDF words)."""
    rows = []
    for i, line in enumerate(lines):
        parts = line.split()
        if not parts:
            continue
        line_boxes = boxes[i] if boxes is not None and len(boxes[i]) == len(parts) else [None] * len(parts)
        pieces: list[list] = []
        for p, b in zip(parts, line_boxes):
            if p in ("%", "％", "‰") and pieces and pieces[-1][0][-1:].isdigit():
                # a percent sign set apart from its figure ('100 %'): one value
                pieces[-1] = [pieces[-1][0] + p, _union(pieces[-1][1], b)]
            else:
                pieces.append([p, b])
        rows.append([Cell(p, row=start_row + i, col=c, page=page, bbox=b)
                     for c, (p, b) in enumerate(pieces)])
    return Block(rows=rows, aligned=False, page=page)


def grid_from_spans(spans: list[tuple[int, int, int, int, str, dict]], page: int | None = None) -> Block:
    """Build an aligned block from merged-cell spans.

    ``spans`` holds (row, col, rowspan, colspan, text, extra) where extra may carry
    ``bbox`` and ``confidence``.  Positions covered by a span repeat its text with
    ``merged=True``; positions no span covers become empty cells.
    """
    if not spans:
        return Block(rows=[], aligned=True, page=page)
    n_rows = max(r + rs for r, _, rs, _, _, _ in spans)
    n_cols = max(c + cs for _, c, _, cs, _, _ in spans)
    from .limits import check_grid
    check_grid(n_rows, n_cols, N_("a table"))
    grid: list[list[Cell | None]] = [[None] * n_cols for _ in range(n_rows)]
    for r, c, rs, cs, text, extra in sorted(spans, key=lambda s: (s[0], s[1])):
        for rr in range(r, r + rs):
            for cc in range(c, c + cs):
                if grid[rr][cc] is not None:
                    continue
                grid[rr][cc] = Cell(text, row=rr, col=cc, rowspan=rs, colspan=cs,
                                    merged=(rr, cc) != (r, c), page=page,
                                    bbox=extra.get("bbox"), confidence=extra.get("confidence"))
    rows = [[cell if cell is not None else Cell("", row=ri, col=ci, page=page)
             for ci, cell in enumerate(row)] for ri, row in enumerate(grid)]
    return Block(rows=rows, aligned=True, page=page)


def _cluster(values: list[float], tol: float) -> list[float]:
    """Grid lines from box edges: edges that follow one another within ``tol`` are one line
    (a chain, so a line that bows a little across a photographed page stays one), placed at
    the middle of its edges."""
    groups: list[list[float]] = []
    for v in sorted(values):
        if groups and v - groups[-1][-1] <= tol:
            groups[-1].append(v)
        else:
            groups.append([v])
    return [g[len(g) // 2] for g in groups]


def grid_from_boxes(boxes: list[tuple[tuple[float, float, float, float], str, float | None]],
                    page: int | None = None, tol: float = 3.0) -> Block:
    """Build an aligned block from cell boxes (PDF ruling cells, OCR'd table cells).

    Each box is ((x0, top, x1, bottom), text, confidence).  Column and row edges are the
    clustered box edges; a box spanning several edges becomes a merged cell.
    """
    if not boxes:
        return Block(rows=[], aligned=True, page=page)
    xs = _cluster([b[0][0] for b in boxes] + [b[0][2] for b in boxes], tol)
    ys = _cluster([b[0][1] for b in boxes] + [b[0][3] for b in boxes], tol)

    def index(edges: list[float], v: float) -> int:
        return min(range(len(edges)), key=lambda i: abs(edges[i] - v))

    spans = []
    for (x0, top, x1, bottom), text, conf in boxes:
        c0, c1 = index(xs, x0), index(xs, x1)
        r0, r1 = index(ys, top), index(ys, bottom)
        if c1 <= c0 or r1 <= r0:
            continue
        spans.append((r0, c0, r1 - r0, c1 - c0, text,
                      {"bbox": (x0, top, x1, bottom), "confidence": conf}))
    return grid_from_spans(spans, page=page)
