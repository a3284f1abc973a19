"""A PDF that selfeval made itself (a Word file rendered by LibreOffice for its evidence
pictures), read through pdfium: the same document model as ``extract.pdf`` gives, from
pdfium's characters and ruling paths instead of pdfminer's parse of the content streams.

Only for renderings: their text layer is LibreOffice's own (never a scan, never garbage),
so none of ``read_pdf``'s checks of a stranger's file apply.  The algorithms stay
pdfplumber's: its word grouping (``WordExtractor``) over pdfium's characters, its table
finding (merge edges, intersections, cells, tables) over pdfium's ruling segments, with
``extract.pdf.TABLE_SETTINGS``.  Measured on the 37 Word fixtures' renderings (2026-12-07):
the same cells as pdfplumber reads, at about a tenth of its time.
"""
from __future__ import annotations

from pathlib import Path

from .grid import Document, sha256_of
from .layout import assemble, page_items
from .pdf import TABLE_SETTINGS

# pdfplumber.Page.extract_words(x_tolerance=3, y_tolerance=3), as extract.pdf reads words
WORDS = {"x_tolerance": 3, "y_tolerance": 3, "keep_blank_chars": False}
EDGE_MIN_LENGTH = 3         # pdfplumber's TableSettings default: shorter segments are no rulings
ASCENT = 0.88               # of a font's size above its baseline (pdfplumber's tops on the fixtures' renderings)
AXIS_SLACK = 0.5            # a segment this far off its axis is still horizontal or vertical (pt)


def read_rendering(path: str | Path) -> Document:
    """The rendering's pages as the document model: its ruled tables and its lines of text."""
    import pypdfium2 as pdfium
    doc = Document(path=str(path), format="pdf", sha256=sha256_of(path))
    pdf = pdfium.PdfDocument(str(path))
    items: list[tuple] = []
    try:
        doc.pages = len(pdf)
        for page_no in range(1, len(pdf) + 1):
            page = pdf[page_no - 1]
            try:
                _, height = page.get_size()
                words = page_words(page, height)
                if not words:
                    continue
                tables = [(bbox, cells, height) for bbox, cells in page_tables(page, height) if len(cells) >= 4]
                items.extend(page_items(page_no, words, tables))
            finally:
                page.close()
    finally:
        pdf.close()
    assemble(doc, items)
    return doc


def page_words(page, height: float) -> list[dict]:
    """The page's words as pdfplumber's word dicts (top-left origin), from pdfium's characters
    grouped by pdfplumber's own word extractor."""
    import ctypes

    from pdfplumber.utils.text import WordExtractor
    from pypdfium2 import raw
    tp = page.get_textpage()
    x, y = ctypes.c_double(), ctypes.c_double()
    try:
        text = tp.get_text_range()
        chars = []
        for i, ch in enumerate(text[:tp.count_chars()]):
            left, _, right, _ = tp.get_charbox(i, loose=True)
            if right <= left and not ch.isspace():
                continue
            # the height from the baseline and the font's size, the same for every glyph of a
            # line (a glyph's own box, or a fallback font's, would break the line apart)
            raw.FPDFText_GetCharOrigin(tp.raw, i, ctypes.byref(x), ctypes.byref(y))
            size = raw.FPDFText_GetFontSize(tp.raw, i) or 1.0
            top = height - y.value - ASCENT * size
            chars.append({"text": ch, "x0": left, "x1": right, "top": top, "bottom": top + size,
                          "doctop": top, "upright": True, "size": size})
    finally:
        tp.close()
    return WordExtractor(**WORDS).extract_words(chars) if chars else []


def page_tables(page, height: float) -> list[tuple[tuple, list[tuple]]]:
    """The page's ruled tables, (bbox, cell bboxes) each, found by pdfplumber's lines strategy
    over the straight segments of the page's paths."""
    from pdfplumber.table import (
        cells_to_tables,
        edges_to_intersections,
        intersections_to_cells,
        merge_edges,
    )
    s = TABLE_SETTINGS
    edges = [e for e in ruling_edges(page, height)
             if (e["x1"] - e["x0"] if e["orientation"] == "h" else e["bottom"] - e["top"]) >= EDGE_MIN_LENGTH]
    edges = merge_edges(edges, snap_x_tolerance=s["snap_tolerance"], snap_y_tolerance=s["snap_tolerance"],
                        join_x_tolerance=s["join_tolerance"], join_y_tolerance=s["join_tolerance"])
    points = edges_to_intersections(edges, s["intersection_tolerance"], s["intersection_tolerance"])
    cells = intersections_to_cells(points)
    out = []
    for table in cells_to_tables(cells):
        bbox = (min(c[0] for c in table), min(c[1] for c in table), max(c[2] for c in table), max(c[3] for c in table))
        out.append((bbox, table))
    out.sort(key=lambda t: (t[0][1], t[0][0]))
    return out


def ruling_edges(page, height: float) -> list[dict]:
    """Every horizontal or vertical straight segment of the page's path objects (lines, and
    the sides of rectangles), in page coordinates with the top-left origin."""
    import ctypes

    from pypdfium2 import raw
    edges = []
    fx, fy = ctypes.c_float(), ctypes.c_float()
    for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_PATH]):
        m = obj.get_matrix()
        points = []
        for k in range(raw.FPDFPath_CountSegments(obj.raw)):
            seg = raw.FPDFPath_GetPathSegment(obj.raw, k)
            raw.FPDFPathSegment_GetPoint(seg, ctypes.byref(fx), ctypes.byref(fy))
            x, y = fx.value, fy.value
            kind = raw.FPDFPathSegment_GetType(seg)
            px, py = m.a * x + m.c * y + m.e, m.b * x + m.d * y + m.f
            if kind == raw.FPDF_SEGMENT_MOVETO or not points:
                points = [(px, py)]
            else:
                edges.extend(_edge(points[-1], (px, py), height))
                points.append((px, py))
            if raw.FPDFPathSegment_GetClose(seg) and len(points) > 2:
                edges.extend(_edge(points[-1], points[0], height))
    return edges


def _edge(a: tuple[float, float], b: tuple[float, float], height: float) -> list[dict]:
    (x0, y0), (x1, y1) = a, b
    if abs(y0 - y1) <= AXIS_SLACK and abs(x0 - x1) > AXIS_SLACK:
        top = height - y0
        return [{"x0": min(x0, x1), "x1": max(x0, x1), "top": top, "bottom": top, "width": abs(x1 - x0),
                 "height": 0.0, "orientation": "h", "object_type": "line"}]
    if abs(x0 - x1) <= AXIS_SLACK and abs(y0 - y1) > AXIS_SLACK:
        top, bottom = height - max(y0, y1), height - min(y0, y1)
        return [{"x0": x0, "x1": x0, "top": top, "bottom": bottom, "width": 0.0, "height": bottom - top,
                 "orientation": "v", "object_type": "line"}]
    return []
