"""Scanned and photographed pages: clean-up, table grid, OCR → the same page items as a
text-layer PDF (``extract.layout``), so normalize and score stay untouched.

Per page image:
1. clean-up: the red channel as grey (a red seal turns white, black and blue ink stay
   dark, so digits under a seal survive), contrast stretched;
2. deskew: the angle (±5°) that makes the ruling lines most horizontal (row-profile
   sharpness on a small copy); a page on its side or upside down is found from the
   detected lines' shape and the direction classifier (``extract.ocr.orientation``),
   turned, and detected once more;
3. table grid: ruling lines by morphology (long thin openings), cells as the regions
   the lines enclose (merged cells are simply larger regions), one table per connected
   ruling;
4. text lines: inside the cells from their ink (``extract.lines``), the detector on a
   reduced copy of the ink outside them and of cells it cannot split (``text_boxes``);
5. OCR (``extract.ocr``): the lines recognised; each goes to the cell containing its
   centre and carries its recognition confidence; cells with ink but no line, lone signs
   and unsure figures get a second look.
Coordinates are pixels of the cleaned page; ``Document.page_transforms`` records how to
rebuild that page (turn, angle, dpi) for evidence crops.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from . import lines, ocr
from .crops import _inside
from .grid import Document, UnreadableError, detail_of, sha256_of
from .layout import assemble, page_items
from .limits import LIMITS
from .messages import N_
from .page_image import (  # noqa: F401 (reached as scan.*)
    DPI,
    GRID_TOL,
    LINE,
    _cleaned,
    fit,
    normalized,
    rotate,
    skew_angle,
    to_gray,
    turn,
)
from .rechecks import recheck_figures, unread_ink
from .seals import _dark_lifted, _off_rings, _rings, under_seals
from .signs import dash_shape, head_signs, second_look, sign_shape  # noqa: F401 (reached as scan.*)


def table_cells(gray: np.ndarray, rings=()) -> tuple[list[tuple[tuple, list[tuple]]], np.ndarray]:
    """Ruled tables on a cleaned page: [(table bbox, [cell boxes])] in pixels, and the
    ruling lines found (a mask of the page).  ``rings``: seals' rings [(x, y, radius)]
    found on the page, whose arcs are no ruling."""
    import cv2
    h, w = gray.shape
    binv = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 15)
    horiz = cv2.morphologyEx(binv, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(20, w // 40), 1)))
    vert = cv2.morphologyEx(binv, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(20, h // 60))))
    # bridge short breaks in a ruling (a seal, a fold, faint toner)
    horiz = cv2.morphologyEx(horiz, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (max(15, w // 30), 1)))
    vert = cv2.morphologyEx(vert, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(15, h // 45))))
    horiz, vert = _off_rings(horiz, rings), _off_rings(vert, rings)
    grid = cv2.dilate(horiz | vert, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3)))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(grid, connectivity=8)
    tables = []
    for t in range(1, n):
        x, y, tw, th, area = stats[t]
        if tw < w * 0.3 or th < h * 0.03:
            continue
        sub = (labels[y:y + th, x:x + tw] == t).astype(np.uint8) * 255
        holes = 255 - sub
        m, hl, hs, _ = cv2.connectedComponentsWithStats(holes, connectivity=4)
        cells = []
        for k in range(1, m):
            cx, cy, cw, ch, _ = hs[k]
            if cx == 0 or cy == 0 or cx + cw >= tw or cy + ch >= th:
                continue            # outside the ruling
            if cw < 12 or ch < 10:
                continue
            # a hole stops at its ruling; grow it to the middle of the lines so that
            # neighbouring cells share their edges
            cells.append((float(x + cx - LINE), float(y + cy - LINE), float(x + cx + cw + LINE),
                          float(y + cy + ch + LINE)))
        if len(cells) >= 4:
            tables.append(((float(x), float(y), float(x + tw), float(y + th)), cells))
    return tables, grid


# ---------------------------------------------------------------- OCR
def text_boxes(gray: np.ndarray, tables: list, rulings: np.ndarray) -> list[np.ndarray]:
    """The page's text-line boxes: inside the cells from their ink (``extract.lines``), the
    text detector outside them and in cells whose ink is not in lines; all the page's ink
    detected when there are no cells, too many of them cannot be split, or the text runs
    down the page (it lies on its side)."""
    cells = [c for _, cs in tables for c in cs]
    with ocr.stage("lines"):
        found = lines.plan(lines.ink(gray, rulings), cells)
    detected = [b for b in ocr.detect_in(gray, found.regions) if not any(_inside(ocr.extent(b), c) for c in found.split)]
    boxes = found.boxes + detected
    return ocr.engine().sorted_boxes(np.array(boxes)) if boxes else []


def read_page(img: np.ndarray, page_no: int) -> tuple[list[tuple], dict]:
    """One page image → (page items, the transform that cleaned it).  Text is detected
    once; a page found lying on its side or upside down is turned and detected again."""
    img, scale = fit(img)
    with ocr.stage("clean"):
        gray, recipe = _cleaned(img, 0)
    with ocr.stage("grid"):
        found, rulings = table_cells(gray, _rings(recipe))
    boxes = text_boxes(gray, found, rulings)
    quarter = ocr.orientation(gray, boxes)
    if quarter:
        with ocr.stage("clean"):
            gray, recipe = _cleaned(img, quarter)
        with ocr.stage("grid"):
            found, rulings = table_cells(gray, _rings(recipe))
        boxes = text_boxes(gray, found, rulings)
    words = [dash_shape(w) for w in ocr.read_page_text(gray, boxes)]
    tables = [(bbox, cells, float(gray.shape[0])) for bbox, cells in found]
    cells = [c for _, cs in found for c in cs]
    with ocr.stage("second look"):
        words += second_look(gray, cells, words)
        words = head_signs(gray, cells, words)
        words = recheck_figures(gray, words, cells)
        dark = _dark_lifted(gray, recipe)
        words = under_seals(words, recipe.get("dark_seals", ()), cells, dark)
        words = unread_ink(gray, cells, words, [*recipe.get("dark_seals", ()), *dark])
    ocr.STATS["pages"] = ocr.STATS.get("pages", 0) + 1
    return page_items(page_no, words, tables, tol=GRID_TOL), {**recipe, "scale": scale}


def _finish(doc: Document, pages: dict[int, tuple]) -> None:
    items = []
    for page_no in sorted(pages):
        page_items_, transform = pages[page_no]
        items.extend(page_items_)
        doc.page_transforms[page_no] = transform
    doc.ocr = True
    assemble(doc, items)


def render_pdf_page(path: str, page_no: int, password: str | None = None, dpi: int = DPI) -> np.ndarray:
    import pypdfium2 as pdfium
    try:
        pdf = pdfium.PdfDocument(path, password=password)
        try:
            page = pdf[page_no - 1]
            w, h = page.get_size()
            scale = min(dpi / 72, (LIMITS.max_image_pixels / max(1.0, w * h)) ** 0.5)
            pil = page.render(scale=scale).to_pil().convert("RGB")
        finally:
            pdf.close()
    except pdfium.PdfiumError as e:
        raise UnreadableError(N_("not a readable PDF: page {page} could not be rendered to OCR it (damaged)", page=page_no),
                              detail=f"{type(e).__name__}: {e}")
    return np.asarray(pil)[:, :, ::-1].copy()          # RGB → BGR


def ocr_pdf_pages(path: str, pages: list[int], password: str | None, doc: Document) -> dict[int, list]:
    """Scanned pages of a PDF → {page: items}; records each page's transform in doc."""
    out = {}
    for p in pages:
        items, transform = read_page(render_pdf_page(path, p, password), p)
        out[p] = items
        doc.page_transforms[p] = transform
    doc.ocr = True
    return out


def load_image_pages(path: str | Path) -> list[np.ndarray]:
    import cv2
    from PIL import Image

    from .limits import check_pixels
    Image.MAX_IMAGE_PIXELS = None       # Pillow only reads the header here; the limit is ours
    try:
        with Image.open(path) as im:
            frames = getattr(im, "n_frames", 1)
            check_pixels(im.width, im.height, frames)
            for k in range(1, min(frames, 64)):
                im.seek(k)
                check_pixels(im.width, im.height, frames)
    except UnreadableError:
        raise
    except Exception as e:
        raise UnreadableError(N_("an image file that cannot be decoded (damaged or not an image)"), detail=detail_of(e))
    ok, frames = cv2.imreadmulti(str(path), flags=cv2.IMREAD_COLOR)
    if ok and frames:
        return list(frames)
    img = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if img is None:
        raise UnreadableError(N_("an image file that cannot be decoded (damaged or not an image)"))
    return [img]


def read_image(path: str | Path) -> Document:
    """PNG / JPG / TIFF (every page of a multi-page TIFF)."""
    frames = load_image_pages(path)
    doc = Document(path=str(path), format="image", sha256=sha256_of(path), pages=len(frames))
    pages = {}
    for i, img in enumerate(frames, start=1):
        if min(img.shape[:2]) < 200:
            raise UnreadableError(N_("image too small to read ({width}×{height} pixels)", width=img.shape[1],
                                     height=img.shape[0]))
        pages[i] = read_page(img, i)
    _finish(doc, pages)
    return doc
