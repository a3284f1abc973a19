"""Scanned and photographed pages: clean-up, table grid, OCR → the same page items as a
text-layer PDF (``extract.layout``), so normalize and score stay untouched.

Per page image:
1. clean-up: the red channel as grey (a red seal turns white, black and blue ink stay
   dark, so digits under a seal survive), contrast stretched;
2. deskew: the angle (±5°) that makes the ruling lines most horizontal (row-profile
   sharpness on a small copy); 90°/180°/270° turns are caught after OCR: text boxes
   taller than wide, or low confidence, are retried turned and the best reading kept;
3. table grid: ruling lines by morphology (long thin openings), cells as the regions
   the lines enclose (merged cells are simply larger regions), one table per connected
   ruling;
4. OCR: RapidOCR (PP-OCRv4 Chinese models shipped inside ``rapidocr-onnxruntime``; no
   download) on the whole page once; each text box goes to the cell containing its
   centre and carries its recognition confidence.
Coordinates are pixels of the cleaned page; ``Document.page_transforms`` records how to
rebuild that page (turn, angle, dpi) for evidence crops.
"""
from __future__ import annotations

import time
from functools import lru_cache
from pathlib import Path

import numpy as np

from .grid import Document, UnreadableError, detail_of, sha256_of
from .limits import LIMITS, refuse
from .layout import assemble, page_items

DPI = 200
LINE = 3.0                # half a ruling line's thickness in pixels, after dilation
GRID_TOL = 8.0            # pixels within which cell edges are one grid line
STATS: dict = {}          # pages and OCR seconds, read by the benchmark


@lru_cache(maxsize=1)
def engine():
    from rapidocr_onnxruntime import RapidOCR
    return RapidOCR()


# ---------------------------------------------------------------- clean-up
def to_gray(img: np.ndarray) -> np.ndarray:
    """Grey page with red seal ink removed, contrast stretched to 2–98 %.

    A pixel whose red clearly exceeds its green and blue is seal ink and becomes paper;
    black or blue ink under the seal is dark in every channel and stays."""
    if img.ndim == 3:
        b, gch, r = (img[:, :, k].astype(np.int16) for k in range(3))   # OpenCV images are BGR
        g = (0.299 * r + 0.587 * gch + 0.114 * b).astype(np.float32)
        red = (r - np.maximum(gch, b) > 35) & (r > 140)     # dark pixels are ink, whatever their tint
        g[red] = 255.0
    else:
        g = img.astype(np.float32)
    lo, hi = np.percentile(g, 2), np.percentile(g, 98)
    if hi - lo < 10:
        return g.astype(np.uint8)
    g = np.clip((g - lo) * 255.0 / (hi - lo), 0, 255)
    return g.astype(np.uint8)


def skew_angle(gray: np.ndarray) -> float:
    """Degrees to rotate (counter-clockwise) so that ruling lines become horizontal."""
    import cv2
    small = cv2.resize(gray, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    inv = 255 - small
    h, w = inv.shape
    centre = (w / 2, h / 2)

    def sharpness(a: float) -> float:
        m = cv2.getRotationMatrix2D(centre, a, 1.0)
        r = cv2.warpAffine(inv, m, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
        prof = r.sum(axis=1, dtype=np.float64)
        return float(np.sum(np.diff(prof) ** 2))
    best = max(np.arange(-5, 5.01, 0.5), key=sharpness)
    best = max(np.arange(best - 0.5, best + 0.51, 0.1), key=sharpness)
    return float(round(best, 2))


def rotate(img: np.ndarray, angle: float) -> np.ndarray:
    import cv2
    if abs(angle) < 0.05:
        return img
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    border = 255 if img.ndim == 2 else (255, 255, 255)
    return cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=border)


def turn(img: np.ndarray, quarter_turns: int) -> np.ndarray:
    """Rotate by 90° steps counter-clockwise."""
    return np.ascontiguousarray(np.rot90(img, quarter_turns % 4))


def normalized(img: np.ndarray, transform: dict) -> np.ndarray:
    """The cleaned page that OCR coordinates refer to, rebuilt from its recipe."""
    import cv2
    k = transform.get("scale", 1.0)
    if k != 1.0:
        img = cv2.resize(img, None, fx=k, fy=k, interpolation=cv2.INTER_AREA)
    return rotate(to_gray(turn(img, transform.get("turn", 0))), transform.get("angle", 0.0))


# ---------------------------------------------------------------- table grid
def table_cells(gray: np.ndarray) -> list[tuple[tuple, list[tuple]]]:
    """Ruled tables on a cleaned page: [(table bbox, [cell boxes])] in pixels."""
    import cv2
    h, w = gray.shape
    binv = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 15)
    horiz = cv2.morphologyEx(binv, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(20, w // 40), 1)))
    vert = cv2.morphologyEx(binv, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(20, h // 60))))
    # bridge short breaks in a ruling (a seal, a fold, faint toner)
    horiz = cv2.morphologyEx(horiz, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (max(15, w // 30), 1)))
    vert = cv2.morphologyEx(vert, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(15, h // 45))))
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
    return tables


# ---------------------------------------------------------------- OCR
def recognise(img: np.ndarray, **kw):
    """The OCR engine on one image.  onnxruntime reports running out of memory as a runtime
    error ('std::bad_alloc'); it is a MemoryError here, so that it counts against the
    per-file memory limit, not as a fault of the reader."""
    try:
        return engine()(img, **kw)
    except Exception as e:
        if "bad_alloc" in str(e) or "Failed to allocate" in str(e):
            raise MemoryError(str(e)[-200:]) from None
        raise


def ocr_words(gray: np.ndarray) -> list[dict]:
    t0 = time.perf_counter()
    result, _ = recognise(gray, use_cls=False)
    STATS["ocr_seconds"] = STATS.get("ocr_seconds", 0.0) + time.perf_counter() - t0
    words = []
    for box, text, conf in result or []:
        xs, ys = [p[0] for p in box], [p[1] for p in box]
        w = {"x0": float(min(xs)), "top": float(min(ys)), "x1": float(max(xs)), "bottom": float(max(ys)),
             "text": text, "conf": float(conf)}
        words.append(dash_shape(w))
    return words


DASH_READS = {"1", "l", "I", "|", "-", "_", "一", "二", "—", "－", "="}


def dash_shape(w: dict) -> dict:
    """A lone stroke much wider than tall is a dash (a blank cell's '—'), whatever the
    recogniser guessed ('1', '一')."""
    if w["text"].strip() in DASH_READS and (w["x1"] - w["x0"]) > 1.6 * (w["bottom"] - w["top"]):
        w["text"] = "—"
    return w


def second_look(gray: np.ndarray, cells: list[tuple], words: list[dict]) -> list[dict]:
    """Cells with ink but no detected text (a lone '≥', '—', a digit the detector
    missed): recognise the cell's inside as one line."""
    found = []
    for x0, y0, x1, y1 in cells:
        if any(x0 <= (w["x0"] + w["x1"]) / 2 <= x1 and y0 <= (w["top"] + w["bottom"]) / 2 <= y1 for w in words):
            continue
        m = int(LINE) + 5
        inner = gray[int(y0) + m:int(y1) - m, int(x0) + m:int(x1) - m]
        if inner.size == 0 or inner.shape[0] < 8 or inner.shape[1] < 8:
            continue
        ink = inner < 128
        if ink.mean() < 0.004:
            continue
        ys, xs = np.nonzero(ink)
        crop = inner[max(0, ys.min() - 6):ys.max() + 7, max(0, xs.min() - 6):xs.max() + 7]
        t0 = time.perf_counter()
        res, _ = recognise(crop, use_det=False, use_cls=False)
        STATS["ocr_seconds"] = STATS.get("ocr_seconds", 0.0) + time.perf_counter() - t0
        text, conf = (res[0][0].strip(), float(res[0][1])) if res else ("", 0.0)
        if text and conf >= 0.5:          # below that, a lone glyph is a guess (a '≥' read as '=')
            found.append(dash_shape({"x0": x0 + m + xs.min(), "top": y0 + m + ys.min(), "x1": x0 + m + xs.max(),
                                     "bottom": y0 + m + ys.max(), "text": text, "conf": conf}))
    return found


def _quality(words: list[dict]) -> float:
    if not words:
        return 0.0
    chars = sum(len(w["text"]) for w in words)
    return sum(w["conf"] * len(w["text"]) for w in words) / max(1, chars) * min(1.0, chars / 200)


def _vertical(words: list[dict]) -> bool:
    tall = sum(1 for w in words if (w["bottom"] - w["top"]) > 1.5 * (w["x1"] - w["x0"]) and len(w["text"]) > 1)
    return bool(words) and tall > 0.5 * len(words)


MAX_SIDE = 2400          # a larger scan (300 dpi A4 is 3508) is brought to about 200 dpi


def fit(img: np.ndarray) -> tuple[np.ndarray, float]:
    import cv2
    side = max(img.shape[:2])
    if side <= MAX_SIDE:
        return img, 1.0
    k = 2339 / side
    return cv2.resize(img, None, fx=k, fy=k, interpolation=cv2.INTER_AREA), k


TURNS = (0, 1, 3, 2)      # upright first; the other turns only if the reading is poor


def read_page(img: np.ndarray, page_no: int) -> tuple[list[tuple], dict]:
    """One page image → (page items, the transform that cleaned it)."""
    img, scale = fit(img)
    best = None
    for quarter in TURNS:
        gray0 = to_gray(turn(img, quarter))
        angle = skew_angle(gray0)
        gray = rotate(gray0, angle)
        words = ocr_words(gray)
        q = _quality(words)
        if best is None or q > best[0]:
            best = (q, quarter, angle, gray, words)
        if q > 0.6 and not _vertical(words):
            break
    q, quarter, angle, gray, words = best
    STATS["pages"] = STATS.get("pages", 0) + 1
    tables = [(bbox, cells, float(gray.shape[0])) for bbox, cells in table_cells(gray)]
    words += second_look(gray, [c for _, cells, _ in tables for c in cells], words)
    return page_items(page_no, words, tables, tol=GRID_TOL), {"turn": quarter, "angle": angle, "scale": scale}


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
    pdf = pdfium.PdfDocument(path, password=password)
    try:
        page = pdf[page_no - 1]
        w, h = page.get_size()
        scale = min(dpi / 72, (LIMITS.max_image_pixels / max(1.0, w * h)) ** 0.5)
        pil = page.render(scale=scale).to_pil().convert("RGB")
    finally:
        pdf.close()
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
        raise UnreadableError("an image file that cannot be decoded (damaged or not an image)", detail=detail_of(e))
    ok, frames = cv2.imreadmulti(str(path), flags=cv2.IMREAD_COLOR)
    if ok and frames:
        return list(frames)
    img = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if img is None:
        raise UnreadableError("an image file that cannot be decoded (damaged or not an image)")
    return [img]


def read_image(path: str | Path) -> Document:
    """PNG / JPG / TIFF (every page of a multi-page TIFF)."""
    frames = load_image_pages(path)
    doc = Document(path=str(path), format="image", sha256=sha256_of(path), pages=len(frames))
    pages = {}
    for i, img in enumerate(frames, start=1):
        if min(img.shape[:2]) < 200:
            raise UnreadableError(f"image too small to read ({img.shape[1]}×{img.shape[0]} pixels)")
        pages[i] = read_page(img, i)
    _finish(doc, pages)
    return doc
