"""Pages → blocks, shared by the text-layer PDF reader and the OCR reader.

A page is a sequence of items in reading order: ("text", page, words) for lines outside
tables and ("table", page, Table) for a ruled table whose cell boxes carry their text.
A table touching the bottom of a page followed by one touching the top of the next page
is one table: its boxes are stacked below the earlier ones so that columns line up, and
a row broken by the page break is joined back.  Words are dicts with x0, top, x1,
bottom, text and optionally conf (OCR confidence).
"""
from __future__ import annotations

from dataclasses import dataclass

from .grid import Block, Cell, Document, grid_from_boxes, text_block

EDGE = 0.08          # share of the page height within which a table "touches" its edge
SAME_WIDTH = 0.1     # a continued table this near its first part's width is the same ruling
SNAP = 0.012         # share of the table's width within which a continued part's column line
#                      is the first part's (a photographed or scanned page is placed and
#                      scaled a little differently from the one before it)


@dataclass
class Table:
    bbox: tuple          # (x0, top, x1, bottom) on its page
    boxes: list          # [((x0, top, x1, bottom), text, confidence, doubt)]
    height: float        # the page's height, same units
    tol: float = 3.0     # distance within which box edges are one grid line


def lines_of(words: list[dict]) -> tuple[list[str], list[list]]:
    """Words → text lines (a space between separate words) and each line's word boxes."""
    texts, boxes = [], []
    for ln in _grouped(words):
        texts.append(" ".join(w["text"] for w in ln))
        boxes.append([b for w in ln for b in _piece_boxes(w)])
    return texts, boxes


def _piece_boxes(w: dict) -> list[tuple]:
    """One box per whitespace-separated piece of a word (an OCR line holds several:
    '项目支出绩效自评表 （2023年度）'), its width shared by the characters."""
    parts = w["text"].split()
    if len(parts) <= 1:
        return [(w["x0"], w["top"], w["x1"], w["bottom"])]
    per = (w["x1"] - w["x0"]) / max(1, len(w["text"]))
    out, at = [], 0
    for p in parts:
        at = w["text"].index(p, at)
        out.append((w["x0"] + at * per, w["top"], w["x0"] + (at + len(p)) * per, w["bottom"]))
        at += len(p)
    return out


def cell_text_of(words: list[dict]) -> str:
    texts, _ = lines_of(words)
    return "\n".join(t.replace(" ", "") if _cjk(t) else t for t in texts)


def _cjk(t: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in t)


def assign_words(cell_boxes, words: list[dict]) -> list:
    """Each word to the smallest cell containing its centre → [(box, text, min confidence,
    the doubts of its words or None)]."""
    cells = sorted(cell_boxes, key=lambda b: (b[2] - b[0]) * (b[3] - b[1]))
    per: dict[int, list] = {i: [] for i in range(len(cells))}
    for w in words:
        cx, cy = (w["x0"] + w["x1"]) / 2, (w["top"] + w["bottom"]) / 2
        for i, (x0, top, x1, bottom) in enumerate(cells):
            if x0 - 0.5 <= cx <= x1 + 0.5 and top - 0.5 <= cy <= bottom + 0.5:
                per[i].append(w)
                break
    out = []
    for i, bbox in enumerate(cells):
        confs = [w["conf"] for w in per[i] if w.get("conf") is not None]
        out.append((bbox, cell_text_of(per[i]), min(confs) if confs else None, doubt_of(per[i])))
    return out


def doubt_of(words: list[dict]) -> str | None:
    """The reasons the words of one cell are in doubt, each once, or None."""
    reasons = list(dict.fromkeys(w["doubt"] for w in words if w.get("doubt")))
    return "; ".join(reasons) or None


def split_words(words: list[dict], tables: list) -> list[tuple]:
    """A page's items in reading order: words inside a table go to it, the rest are text
    runs between the tables.  ``tables`` holds (bbox, cell_boxes, height)."""
    tables = sorted(tables, key=lambda t: t[0][1])
    inside: list[list] = [[] for _ in tables]
    outside = []
    for w in words:
        cx, cy = (w["x0"] + w["x1"]) / 2, (w["top"] + w["bottom"]) / 2
        for i, (bbox, _, _) in enumerate(tables):
            if bbox[0] - 1 <= cx <= bbox[2] + 1 and bbox[1] - 1 <= cy <= bbox[3] + 1:
                inside[i].append(w)
                break
        else:
            outside.append(w)
    return outside, inside, tables


def page_items(page_no: int, words: list[dict], tables: list, tol: float = 3.0) -> list[tuple]:
    outside, inside, tables = split_words(words, tables)
    events = [(w["top"], 0, w) for w in outside] + [(t[0][1], 1, i) for i, t in enumerate(tables)]
    events.sort(key=lambda e: (e[0], e[1]))
    items, run = [], []
    for _, kind, obj in events:
        if kind == 0:
            run.append(obj)
            continue
        if run:
            items.append(("text", page_no, run))
            run = []
        bbox, cells, height = tables[obj]
        items.append(("table", page_no, Table(bbox, assign_words(cells, inside[obj]), height, tol)))
    if run:
        items.append(("text", page_no, run))
    return items


def assemble(doc: Document, items: list[tuple]) -> None:
    """Reading order → blocks; a table touching the bottom of a page followed by a table
    touching the top of the next page is one table."""
    pending: list[tuple] = []      # boxes of the table being continued: (box, text, conf, page)
    doubts: dict[tuple, str] = {}  # (page, box) -> why its reading is in doubt
    last_bottom_gap = None
    tol = 3.0

    def flush():
        nonlocal pending
        if pending:
            block = _stack(pending, tol)
            for row in block.rows:
                for cell in row:
                    if cell.bbox is not None:
                        cell.doubt = doubts.get(_spot(cell.page, cell.bbox))
            doc.blocks.append(block)
            pending = []

    for kind, page_no, payload in items:
        if kind == "text":
            flush()
            texts, boxes = lines_of(payload)
            block = text_block(texts, page=page_no, boxes=boxes)
            confs = [[(w.get("conf"), w.get("doubt")) for w in ln for _ in _piece_boxes(w)] for ln in _grouped(payload)]
            for row, cs in zip(block.rows, confs):
                if len(row) == len(cs):
                    for cell, (c, d) in zip(row, cs):
                        cell.confidence, cell.doubt = c, d
            doc.blocks.append(block)
            continue
        table: Table = payload
        continues = bool(pending) and pending[-1][3] == page_no - 1 and table.bbox[1] < EDGE * 2 * table.height \
            and last_bottom_gap is not None and last_bottom_gap < EDGE * 2 * table.height
        if pending and not continues:
            flush()
        pending.extend((b, t, c, page_no) for b, t, c, _ in table.boxes)
        doubts.update({_spot(page_no, b): d for b, _, _, d in table.boxes if d})
        tol = table.tol
        last_bottom_gap = table.height - table.bbox[3]
    flush()


def _spot(page, box) -> tuple:
    """A box on its page, told apart to a tenth of a unit (the key a cell's doubt is kept by)."""
    return page, tuple(round(v, 1) for v in box)


def _grouped(words: list[dict]) -> list[list[dict]]:
    """The same line grouping as ``lines_of``, keeping the word dicts."""
    words = sorted(words, key=lambda w: (round(w["top"]), w["x0"]))
    lines: list[list[dict]] = []
    for w in words:
        if lines and abs(lines[-1][0]["top"] - w["top"]) <= 3:
            lines[-1].append(w)
        else:
            lines.append([w])
    return [sorted(ln, key=lambda w: w["x0"]) for ln in lines]


def _stack(boxes: list[tuple], tol: float = 3.0) -> Block:
    """One block from a table's boxes on one or more pages: later pages' boxes are placed
    below the earlier ones, then a row split by a page break is joined back."""
    pages = sorted({b[3] for b in boxes})
    offset, offsets = 0.0, {}
    for p in pages:
        offsets[p] = offset - min(b[0][1] for b in boxes if b[3] == p)
        offset += max(b[0][3] for b in boxes if b[3] == p) - min(b[0][1] for b in boxes if b[3] == p)
    xmap = _column_map(boxes, pages, tol)
    shifted = [((xmap(p, x0), top + offsets[p], xmap(p, x1), bottom + offsets[p]), t, c)
               for (x0, top, x1, bottom), t, c, p in boxes]
    block = grid_from_boxes(shifted, tol=tol)
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


def _column_map(boxes: list[tuple], pages: list, tol: float):
    """``xmap(page, x)``: a continued part's x placed on the first part's columns.  The same
    ruling photographed or scanned page by page is shifted and scaled a little from page to
    page; its outer border gives the shift and scale (when the widths agree within
    SAME_WIDTH), and a column line within SNAP of one already seen is that line.  Pages of a
    text-layer PDF map onto themselves."""
    def extent(p):
        return (min(b[0][0] for b in boxes if b[3] == p), max(b[0][2] for b in boxes if b[3] == p))
    l0, r0 = extent(pages[0])
    width = max(r0 - l0, 1e-6)
    seen = sorted({x for b in boxes if b[3] == pages[0] for x in (b[0][0], b[0][2])})
    maps = {pages[0]: {}}
    for p in pages[1:]:
        lp, rp = extent(p)
        scale = width / (rp - lp) if rp > lp and abs((rp - lp) / width - 1) < SAME_WIDTH else None
        snap = max(2 * tol, SNAP * width)
        m = {}
        for x in sorted({x for b in boxes if b[3] == p for x in (b[0][0], b[0][2])}):
            y = l0 + (x - lp) * scale if scale is not None else x
            near = min(seen, key=lambda e: abs(e - y)) if seen else None
            m[x] = near if near is not None and abs(near - y) <= snap else y
        seen = sorted({*seen, *m.values()})
        maps[p] = m
    return lambda p, x: maps[p].get(x, x)


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
