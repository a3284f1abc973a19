"""PDF with a text layer, through pdfplumber.

Per page: ruled tables are found (lines strategy), each table's cell boxes become an
aligned grid (merged cells from boxes spanning several column/row edges), and the page's
words are assigned to the cell containing their centre.  Words outside every table are
lines of flowing text.  A table that runs on at the top of the next page is continued
into the same block (its boxes stacked below, so columns line up); a row broken by the
page break is joined back.  Pages with no usable text layer are handed to OCR
(``extract.scan``), which produces the same grid.
"""
from __future__ import annotations

from pathlib import Path

from .grid import Block, Cell, Document, UnreadableError, grid_from_boxes, sha256_of, text_block

EDGE = 60.0          # points from a page edge within which a table "touches" it
TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines", "snap_tolerance": 3,
                  "join_tolerance": 3, "intersection_tolerance": 3}


def _lines(words: list[dict]) -> tuple[list[str], list[list]]:
    """Words → text lines (with a space between separate words) and each line's word boxes."""
    words = sorted(words, key=lambda w: (round(w["top"]), w["x0"]))
    lines: list[list[dict]] = []
    for w in words:
        if lines and abs(lines[-1][0]["top"] - w["top"]) <= 3:
            lines[-1].append(w)
        else:
            lines.append([w])
    texts, boxes = [], []
    for ln in lines:
        ln.sort(key=lambda w: w["x0"])
        texts.append(" ".join(w["text"] for w in ln))
        boxes.append([(w["x0"], w["top"], w["x1"], w["bottom"]) for w in ln])
    return texts, boxes


def _cell_text(words: list[dict]) -> str:
    texts, _ = _lines(words)
    return "\n".join(t.replace(" ", "") if _cjk(t) else t for t in texts)


def _cjk(t: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in t)


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


class _Table:
    def __init__(self, page_no: int, bbox, boxes):
        self.page = page_no
        self.bbox = bbox
        self.boxes = boxes      # [((x0, top, x1, bottom), text, None)]


def read_pdf(path: str | Path, password: str | None = None, ocr_pages: bool = True) -> Document:
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    try:
        pdf = pdfplumber.open(str(path), password=password or "")
    except PDFPasswordIncorrect:
        raise UnreadableError("encrypted PDF: the password is missing or wrong (give --password)")
    except Exception as e:
        name = type(e).__name__
        inner = " ".join(type(a).__name__ for a in getattr(e, "args", ()))
        if "Password" in name or "Password" in inner or "Encrypt" in str(e):
            raise UnreadableError("encrypted PDF: the password is missing or wrong (give --password)")
        raise UnreadableError(f"not a readable PDF ({name}: {e}); the file is damaged or truncated")
    doc = Document(path=str(path), format="pdf", sha256=sha256_of(path))
    try:
        with pdf:
            doc.pages = len(pdf.pages)
            if not pdf.pages:
                raise UnreadableError("the PDF has no pages")
            items: list[tuple] = []      # (kind, page_no, payload) in reading order
            scan_pages = []
            for page_no, page in enumerate(pdf.pages, start=1):
                words = page.extract_words(x_tolerance=3, y_tolerance=3, keep_blank_chars=False)
                text = " ".join(w["text"] for w in words)
                if not words and not page.images:
                    continue                                  # a blank page
                if not words or text_layer_quality(text) < 0.8:
                    scan_pages.append(page_no)                # scanned, or a garbage text layer
                    items.append(("scan", page_no, None))
                    continue
                tables = [t for t in page.find_tables(TABLE_SETTINGS) if len(t.cells) >= 4]
                tables.sort(key=lambda t: t.bbox[1])
                inside = [[] for _ in tables]
                outside = []
                for w in words:
                    cx, cy = (w["x0"] + w["x1"]) / 2, (w["top"] + w["bottom"]) / 2
                    for i, t in enumerate(tables):
                        x0, top, x1, bottom = t.bbox
                        if x0 - 1 <= cx <= x1 + 1 and top - 1 <= cy <= bottom + 1:
                            inside[i].append(w)
                            break
                    else:
                        outside.append(w)
                events = [(w["top"], "w", w) for w in outside] + [(t.bbox[1], "t", i) for i, t in enumerate(tables)]
                events.sort(key=lambda e: (e[0], e[1]))
                run: list[dict] = []
                for _, kind, obj in events:
                    if kind == "w":
                        run.append(obj)
                        continue
                    if run:
                        items.append(("text", page_no, run))
                        run = []
                    t = tables[obj]
                    items.append(("table", page_no, (t, _assign(t, inside[obj]), page.height)))
                if run:
                    items.append(("text", page_no, run))
            if scan_pages:
                if not ocr_pages:
                    raise UnreadableError("no usable text layer")
                from .scan import ocr_pdf_pages
                ocr_blocks = ocr_pdf_pages(str(path), scan_pages, password)
                doc.ocr = True
            else:
                ocr_blocks = {}
    except UnreadableError:
        raise
    except Exception as e:
        raise UnreadableError(f"not a readable PDF ({type(e).__name__}: {e})")
    _assemble(doc, items, ocr_blocks)
    if not any(b.rows for b in doc.blocks):
        raise UnreadableError("the PDF has no text (not even after OCR)")
    return doc


def _assign(table, words: list[dict]) -> list:
    cells = sorted(table.cells, key=lambda b: (b[2] - b[0]) * (b[3] - b[1]))
    per: dict[int, list] = {i: [] for i in range(len(cells))}
    for w in words:
        cx, cy = (w["x0"] + w["x1"]) / 2, (w["top"] + w["bottom"]) / 2
        for i, (x0, top, x1, bottom) in enumerate(cells):
            if x0 - 0.5 <= cx <= x1 + 0.5 and top - 0.5 <= cy <= bottom + 0.5:
                per[i].append(w)
                break
    return [(bbox, _cell_text(per[i]), None) for i, bbox in enumerate(cells)]


def _assemble(doc: Document, items: list[tuple], ocr_blocks: dict) -> None:
    """Reading order → blocks; a table touching the bottom of a page followed by a table
    touching the top of the next page is one table."""
    pending: list[tuple] = []      # boxes of the table being continued: (box, text, conf, page)
    last_bottom_gap = None

    def flush():
        nonlocal pending
        if pending:
            doc.blocks.append(_stack(pending))
            pending = []

    for kind, page_no, payload in items:
        if kind == "scan":
            flush()
            doc.blocks.extend(ocr_blocks.get(page_no, []))
            continue
        if kind == "text":
            flush()
            texts, boxes = _lines(payload)
            doc.blocks.append(text_block(texts, page=page_no, boxes=boxes))
            continue
        table, boxes, height = payload
        top_gap = table.bbox[1]
        continues = pending and pending[-1][3] == page_no - 1 and top_gap < EDGE * 2 and last_bottom_gap is not None \
            and last_bottom_gap < EDGE * 2
        if pending and not continues:
            flush()
        pending.extend((b, t, c, page_no) for b, t, c in boxes)
        last_bottom_gap = height - table.bbox[3]
    flush()


def _stack(boxes: list[tuple]) -> Block:
    """One block from a table's boxes on one or more pages: later pages' boxes are placed
    below the earlier ones, then a row split by a page break is joined back."""
    pages = sorted({b[3] for b in boxes})
    offset, offsets = 0.0, {}
    for p in pages:
        offsets[p] = offset - min(b[0][1] for b in boxes if b[3] == p)
        offset += max(b[0][3] for b in boxes if b[3] == p) - min(b[0][1] for b in boxes if b[3] == p)
    shifted = [((x0, top + offsets[p], x1, bottom + offsets[p]), t, c) for (x0, top, x1, bottom), t, c, p in boxes]
    block = grid_from_boxes(shifted)
    # give back real pages and boxes (provenance), and remember which page each row began on
    real = {}
    for (box, t, c, p), (sbox, _, _) in zip(boxes, shifted):
        real[(round(sbox[0], 1), round(sbox[1], 1))] = (box, p)
    row_page = []
    for row in block.rows:
        pg = None
        for cell in row:
            if cell.bbox is not None:
                box, p = real.get((round(cell.bbox[0], 1), round(cell.bbox[1], 1)), (cell.bbox, None))
                cell.bbox, cell.page = box, p
                if not cell.merged and pg is None:
                    pg = p
        row_page.append(pg)
    block.page = pages[0]
    if len(pages) > 1:
        block.rows = _join_split_rows(block.rows, row_page)
    return block


def _join_split_rows(rows: list[list[Cell]], row_page: list) -> list[list[Cell]]:
    out: list[list[Cell]] = []
    for i, row in enumerate(rows):
        if out and i > 0 and row_page[i] is not None and row_page[i - 1] is not None \
                and row_page[i] == row_page[i - 1] + 1 and _is_continuation(out[-1], row):
            prev = out[-1]
            for a, b in zip(prev, row):
                if b.clean and not b.merged:
                    a.text = (a.text + "\n" + b.text).strip()
            continue
        out.append(row)
    return out


def _is_continuation(prev: list[Cell], row: list[Cell]) -> bool:
    """A row broken by a page break: its second part has text only where the first part
    has text too, and is empty where the first part's short numeric cells (scores,
    weights) ended."""
    own = [(a, b) for a, b in zip(prev, row) if not a.merged and not b.merged]
    if not own:
        return False
    numbers_ended = any(_numeric(a.clean) and not b.clean for a, b in own)
    full_where_empty = any(b.clean and not a.clean for a, b in own)
    return numbers_ended and not full_where_empty and any(b.clean for _, b in own)


def _numeric(t: str) -> bool:
    return bool(t) and all(ch.isdigit() or ch in ".%" for ch in t)
