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
import regex as re

from . import lines, ocr, photo
from .grid import INK_BESIDE, INKED_UNREAD, READINGS_DISAGREE, UNDER_SEAL, Document, UnreadableError, detail_of, \
    sha256_of
from .limits import LIMITS
from .layout import assemble, page_items
from .messages import N_

DPI = 200
LINE = 3.0                # half a ruling line's thickness in pixels, after dilation
GRID_TOL = 8.0            # pixels within which cell edges are one grid line


# ---------------------------------------------------------------- clean-up
SEAL_RED = 1.2            # seal ink's red channel is about 0.8 of the paper's under it
LUMA = np.array([[0.114, 0.587, 0.299]], np.float32)   # BGR to grey (ITU-R 601)
def to_gray(img: np.ndarray) -> np.ndarray:
    """Grey page with red seal ink removed, contrast stretched to 2–98 %.

    A pixel whose red clearly exceeds its green and blue is seal ink; it takes its red
    channel's value, which red ink barely darkens: the paper's own brightness where the
    seal is on paper (in shadow too), dark where black or blue ink lies under it."""
    import cv2
    if img.ndim == 3:
        g = cv2.transform(img.astype(np.float32), LUMA)
        b, gch, r = cv2.split(img)
        red = cv2.subtract(r, cv2.max(gch, b)) > 35        # saturating: r - max(g, b) > 35
        g[red] = np.minimum(255.0, r[red] * SEAL_RED)
    else:
        g = img.astype(np.float32)
    lo, hi = np.percentile(g, [2, 98])
    if hi - lo < 10:
        return g.astype(np.uint8)
    g -= np.float32(lo)
    g *= np.float32(255.0 / (hi - lo))
    np.clip(g, 0, 255, out=g)
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


def is_grey(img: np.ndarray) -> bool:
    """A grey page (a seal on it is grey too), whether stored as one channel or three."""
    if img.ndim == 2:
        return True
    sample = img[::8, ::8].astype(np.int16)
    return float(np.percentile(np.abs(sample[:, :, 2] - sample[:, :, 1]), 99)) < 25


def normalized(img: np.ndarray, transform: dict) -> np.ndarray:
    """The cleaned page that OCR coordinates refer to, rebuilt from its recipe (a grey
    seal is left on it: evidence shows the page as it is)."""
    import cv2
    k = transform.get("scale", 1.0)
    if k != 1.0:
        img = cv2.resize(img, None, fx=k, fy=k, interpolation=cv2.INTER_AREA)
    gray = photo.even_light(to_gray(turn(img, transform.get("turn", 0))))
    if transform.get("warp"):
        gray = photo.warp(gray, transform["warp"])
    return rotate(gray, transform.get("angle", 0.0))


# ---------------------------------------------------------------- table grid
RING_BAND = 0.1           # a seal's arc lies within this part of its radius from its ring
RING_STAR = 0.45          # a seal's star lies within this part of its radius from its centre
RING_SHARE = 0.9          # a ruling piece this much on a seal's ring (or star) is the seal's


def _off_rings(mask: np.ndarray, rings) -> np.ndarray:
    """``mask``'s straight pieces without those lying on a seal's ring or its star: the ring
    of a seal as dark as the print is straight enough near its sides (top) for the opening
    to take it for a ruling line, and so are the star's edges; either splits the cell it
    crosses (a rate '94.35%' read '94.3' and '%', a total '100' read '10' and '0').  A real
    ruling crossing the seal runs on beyond the ring, so little of it lies on it."""
    import cv2
    if not rings:
        return mask
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    out = mask.copy()
    for k in range(1, n):
        x, y, w, h, area = stats[k]
        ys, xs = np.nonzero(labels[y:y + h, x:x + w] == k)
        for cx, cy, r in rings:
            d = np.hypot(xs + x - cx, ys + y - cy)
            if max((np.abs(d - r) <= RING_BAND * r).mean(), (d <= RING_STAR * r).mean()) >= RING_SHARE:
                out[labels == k] = 0
                break
    return out


def _rings(recipe: dict) -> list:
    """The seals' rings found on a cleaned page, lifted or not: [(x, y, radius)]."""
    return [*recipe.get("dark_seals", ()), *recipe.get("lifted_seals", ())]


RING_LEFT = 0.6           # a lifted seal whose ring stays this dark all round is as dark as the print


def _dark_lifted(gray: np.ndarray, recipe: dict) -> list:
    """The lifted seals whose ring is still on the cleaned page, as dark as the print
    (measured: a lifted ring leaves 14–35% of its round dark, where print crosses it; one
    as dark as the print 94–100%, and its star hid the '.9' of '9.9' and its ring the
    point of '100.00%')."""
    def left(cx, cy, r):
        a = np.linspace(0, 2 * np.pi, max(8, int(2 * np.pi * r)), endpoint=False)
        darkest = np.full(len(a), 255)
        for dr in range(-int(LINE), int(LINE) + 1):         # the ring's stroke, wherever it is drawn
            xs = np.clip((cx + (r + dr) * np.cos(a)).astype(int), 0, gray.shape[1] - 1)
            ys = np.clip((cy + (r + dr) * np.sin(a)).astype(int), 0, gray.shape[0] - 1)
            darkest = np.minimum(darkest, gray[ys, xs])
        return float((darkest < 128).mean())
    return [s for s in recipe.get("lifted_seals", ()) if left(*s) >= RING_LEFT]


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
def dash_shape(w: dict) -> dict:
    """A lone stroke much wider than tall is a dash (a blank cell's '—'), whatever the
    recogniser guessed ('1', '一')."""
    if ocr.is_dash(w["text"], w["x1"] - w["x0"], w["bottom"] - w["top"]):
        w["text"] = "—"
    return w


def _inside(w: dict, cell: tuple) -> bool:
    x0, y0, x1, y1 = cell
    return x0 <= (w["x0"] + w["x1"]) / 2 <= x1 and y0 <= (w["top"] + w["bottom"]) / 2 <= y1


def _ink_box(gray: np.ndarray, cell: tuple) -> tuple[int, int, int, int] | None:
    """The inked part of a cell's inside (page pixels), or None for a blank cell."""
    inner, ox, oy = _cell_inside(gray, cell)
    if inner.size == 0 or inner.shape[0] < 8 or inner.shape[1] < 8:
        return None
    ink = inner < 128
    if ink.mean() < 0.004:
        return None
    ys, xs = np.nonzero(ink)
    return ox + int(xs.min()), oy + int(ys.min()), ox + int(xs.max()), oy + int(ys.max())


def _cell_inside(gray: np.ndarray, cell: tuple) -> tuple[np.ndarray, int, int]:
    """A cell's inside, its rulings left out: (pixels, where they start on the page, x, y)."""
    m = int(LINE) + 5
    ox, oy = int(cell[0]) + m, int(cell[1]) + m
    return gray[oy:int(cell[3]) - m, ox:int(cell[2]) - m], ox, oy


def _padded(gray: np.ndarray, box: tuple, pad: int = 6) -> np.ndarray:
    x0, y0, x1, y1 = box
    return gray[max(0, y0 - pad):y1 + pad + 1, max(0, x0 - pad):x1 + pad + 1]


def _right_neighbour(cell: tuple, cells: list[tuple]) -> tuple | None:
    x0, y0, x1, y1 = cell
    row = [c for c in cells if abs(c[0] - x1) <= GRID_TOL and abs(c[1] - y0) <= GRID_TOL and abs(c[3] - y1) <= GRID_TOL]
    return row[0] if row else None


def _lone_glyph(text: str) -> bool:
    """One character that is neither a digit, nor a Chinese character, nor a dash: a '≥'
    alone is read as 'V', '=' or '>' as often as not."""
    return len(text) == 1 and not text.isdigit() and not re.match(r"\p{Han}", text) and text not in "—%‰"


def sign_shape(glyph: np.ndarray) -> str | None:
    """'=', '≥' or '≤' told apart by their strokes (the recogniser confuses them alone):
    two full-width bars are '='; otherwise a chevron in the upper part pointing right is
    '≥', pointing left '≤' (whether the bar under it is flat or slanted).  None for
    anything else."""
    import cv2
    if glyph.size == 0 or min(glyph.shape) < 6:
        return None
    _, ink = cv2.threshold(glyph, 0, 1, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    rows = np.nonzero(ink.sum(axis=1))[0]
    cols = np.nonzero(ink.sum(axis=0))[0]
    if len(rows) < 4 or len(cols) < 4:
        return None
    width, height = cols[-1] - cols[0] + 1, rows[-1] - rows[0] + 1
    runs = np.split(rows, np.nonzero(np.diff(rows) > 1)[0] + 1)
    bars = [r for r in runs if len(r) <= 0.35 * height
            and np.ptp(np.nonzero(ink[r].sum(axis=0))[0]) + 1 >= 0.75 * width]
    if len(runs) == 2 and len(bars) == 2:
        return "="
    # the chevron: above a separate bar, or the upper half where a slanted bar touches it
    upper = np.concatenate(runs[:-1]) if len(runs) >= 2 else rows[:max(3, len(rows) // 2)]
    if len(upper) < 3:
        return None
    right = np.array([np.nonzero(ink[y])[0].max() for y in upper])
    left = np.array([np.nonzero(ink[y])[0].min() for y in upper])
    k, j = int(right.argmax()), int(left.argmin())
    if 0 < k < len(upper) - 1 and right[k] - right[0] > 0.4 * width and right[k] > right[-1]:
        return "≥"
    if 0 < j < len(upper) - 1 and left[0] - left[j] > 0.4 * width and left[j] < left[-1]:
        return "≤"
    return None


def second_look(gray: np.ndarray, cells: list[tuple], words: list[dict]) -> list[dict]:
    """Cells with ink but no detected text (a lone '≥', '—', a digit the detector missed)
    get their inside read as one line; a lone glyph the recogniser is unsure of, or any
    lone sign, is read again together with the cell to its right, whose known text then
    tells where the glyph's reading ends.  Returns the words found in empty cells (the
    page's words are corrected in place); an inked cell that still reads as nothing gets
    an empty word in doubt (INKED_UNREAD), so that it is told from a printed blank."""
    s = ocr.SETTINGS
    todo, lone = [], []
    for cell in cells:
        inside = [w for w in words if _inside(w, cell)]
        if len(inside) == 1 and _lone_glyph(inside[0]["text"].strip()):
            lone.append((cell, inside[0]))
        elif not inside:
            box = _ink_box(gray, cell)
            if box is not None:
                todo.append((cell, box))
    for cell, w in lone:
        box = (int(w["x0"]), int(w["top"]), int(w["x1"]), int(w["bottom"]))
        better = _with_neighbour(gray, cell, cells, words, box)
        if better and better[0] != w["text"].strip():
            w["text"], w["conf"], agreed = better
            if not agreed:
                w["doubt"] = READINGS_DISAGREE
        _signed(gray, _ink_box(gray, cell), w)
    found = []
    for (cell, box), (text, conf) in zip(todo, ocr.read([_padded(gray, b) for _, b in todo])):
        text, agreed = text.strip(), True
        if text and (conf < s.lone_conf or _lone_glyph(text)):
            text, conf, agreed = _with_neighbour(gray, cell, cells, words, box) or (text, conf, True)
        w = _signed(gray, box, {"x0": box[0], "top": box[1], "x1": box[2], "bottom": box[3], "text": text, "conf": conf,
                                **({} if agreed else {"doubt": READINGS_DISAGREE})})
        if w["text"] and w["conf"] >= s.lone_conf:
            found.append(dash_shape(w))
        else:       # inked but unread (under a seal, a smudge): not a printed blank
            found.append({**w, "text": "", "doubt": INKED_UNREAD})
    return found


SIGN_READS = ("=", "≥", "≤", ">", "<", "V", "v")
HEAD = re.compile(r"[><＞＜]?\d")      # a figure, or one led by a sign the recogniser often gets wrong


def head_signs(gray: np.ndarray, cells: list[tuple], words: list[dict]) -> list[dict]:
    """A figure's leading sign, which the recogniser drops or misreads: '≥97%' read '97%'
    (the sign's thin strokes left out of the text line's box) or '>2555人次'.  Where the
    ink of a figure's line in its cell begins before the figure's box, or the figure
    begins with '>'/'<', that first glyph's strokes are told by ``sign_shape``; a '≥', '≤'
    or '=' they show is put back at the figure's head (the words are corrected in place).
    A point the figure's line begins with and its reading lacks ('.18万' read '18万') is
    put back, or the figure doubted, by ``_dot_put_back``."""
    for w in words:
        text = w["text"].strip()
        if not HEAD.match(text):
            continue
        cell = next((c for c in cells if _inside(w, c)), None)
        if cell is None or any(o is not w and _inside(o, cell) and o["x1"] <= w["x0"] + 1
                               and min(o["bottom"], w["bottom"]) > max(o["top"], w["top"]) for o in words):
            continue            # not in a cell, or a word of its own line stands before it
        t, b = int(w["top"]), int(np.ceil(w["bottom"])) + 1
        h = b - t
        if text[0].isdigit() and _lead_dot(gray[t:b, int(w["x0"]):int(np.ceil(w["x1"])) + 1], h):
            _dot_put_back(gray, cell, w, text)
            continue
        if text[0].isdigit():
            left = int(cell[0]) + int(LINE) + 3
            found = _first_glyph(gray[t:b, left:int(np.ceil(w["x1"])) + 1], h)
            if found is None or left + found[0] >= w["x0"] - 1:
                continue        # the line's first ink is the figure's own
            # the recogniser reads the glyph with the figure: a sign there, as its strokes
            # tell it (strokes alone take a '1' for '≤', a '2' for '≥': never without the
            # reading), or as two of the three readings agree when the strokes say nothing
            shape = sign_shape(found[1])
            signs = _signs_read(gray, (left + found[0], t, int(w["x1"]), b - 1), text)
            if shape is None:
                sign = next((g for g in set(signs) if signs.count(g) >= 2 and g in "≥≤="), None)
            else:
                sign = shape if shape in ("≥", "≤", "=") and signs else None
            if sign:
                w["text"] = sign + text
                w["x0"] = float(left + found[0])
        else:
            found = _first_glyph(gray[t:b, int(w["x0"]):int(np.ceil(w["x1"])) + 1], h)
            shape = sign_shape(found[1]) if found is not None else None
            if shape in ("≥", "≤"):
                w["text"] = shape + text[1:]
    return words


SIGN_OF = {"≧": "≥", "≦": "≤", "＝": "="}
DOT = 0.3                 # a point is no wider or taller than this part of its line's height...
DOT_LOW = 0.6             # ... and its ink lies below this part of the line's height
DOT_MIN = 0.06            # a speck smaller than this part of the line's height is no point


def _lead_dot(band: np.ndarray, height: int) -> bool:
    """The line's first glyph is a point at the foot of the line ('.18万', the second line
    of '≤852.18万元' wrapped in its cell, that the recogniser read as '18万')."""
    found = _first_run(band)
    if found is None or not found[2]:
        return False                    # no ink, or one glyph: the figure itself
    a, z, _ = found
    rows = np.nonzero((band[:, a:z + 1] < 160).any(axis=1))[0]
    w, h = z - a + 1, rows[-1] - rows[0] + 1
    return DOT_MIN * height <= min(w, h) and max(w, h) <= DOT * height and rows[0] >= DOT_LOW * height


def _dot_put_back(gray: np.ndarray, cell: tuple, w: dict, text: str) -> None:
    """A figure read without the point its line begins with: read twice more (larger,
    binarised); the point goes back where both give it, and the figure is doubted where
    they do not agree (a speck of the scan is no point: the readings tell)."""
    box = (int(w["x0"]), int(w["top"]), int(np.ceil(w["x1"])), int(np.ceil(w["bottom"])))
    got = [_key(t) for t, _ in ocr.read(_variants(gray, box, cell))]
    if got and all(g == "." + _key(text) for g in got):
        w["text"] = "." + text
    elif not all(g == _key(text) for g in got):
        w["doubt"] = READINGS_DISAGREE


def _signs_read(gray: np.ndarray, span: tuple, known: str) -> list[str]:
    """The span from a glyph to a figure's end, read three ways: the signs the readings
    that give the figure led by one sign put before it."""
    known = _key(known)
    out = []
    for got, _ in ocr.read([_padded(gray, span), *_variants(gray, span)]):
        got = _key(got)
        head = got[:-len(known)] if got.endswith(known) else None
        if head and (head in SIGN_READS or head in SIGN_OF):
            out.append(SIGN_OF.get(head, head))
    return out


def _first_glyph(band: np.ndarray, height: int) -> tuple[int, np.ndarray] | None:
    """The first glyph of a line's band, left to right (columns of ink up to the first
    gap): (where it starts in the band, its crop, padded); None when there is none, or it
    is too small or too wide to be a sign."""
    found = _first_run(band)
    if found is None:
        return None
    a, z, _ = found
    if not 0.3 * height <= z - a + 1 <= 1.2 * height:
        return None
    return a, band[:, max(0, a - 2):z + 3]


def _first_run(band: np.ndarray) -> tuple[int, int, bool] | None:
    """A line's band's first columns of ink, left to right, up to the first gap: (first,
    last, whether more ink follows); None when the band holds none."""
    if band.size == 0 or band.shape[1] < 3:
        return None
    cols = np.nonzero((band < 160).sum(axis=0) >= 2)[0]
    if not len(cols):
        return None
    gaps = np.nonzero(np.diff(cols) > 1)[0]
    return int(cols[0]), int(cols[gaps[0]] if len(gaps) else cols[-1]), bool(len(gaps))


def _signed(gray: np.ndarray, box: tuple | None, w: dict) -> dict:
    """A lone sign's reading checked against its strokes (``box``: the ink of its cell):
    where they disagree, the strokes' sign is kept, in doubt (READINGS_DISAGREE); where
    they agree, an unsure reading is kept at its low confidence, not dropped."""
    if w["text"] not in SIGN_READS and not _lone_glyph(w["text"]):
        return w
    shape = sign_shape(_padded(gray, box, pad=2)) if box else None
    if shape and shape != w["text"]:
        w["text"], w["doubt"] = shape, READINGS_DISAGREE
    if shape:
        w["conf"] = max(w["conf"], ocr.SETTINGS.lone_conf)      # a sign its strokes show is read, not a guess
    return w


def _with_neighbour(gray, cell, cells, words, box) -> tuple[str, float, bool] | None:
    """A lone glyph's reading, made from the glyph read together with the text of the cell
    to its right (three ways: as is, larger, binarised; the readings vote): its text, its
    confidence, and whether two readings agreed."""
    nb = _right_neighbour(cell, cells)
    theirs = sorted((w for w in words if _inside(w, nb)), key=lambda w: w["x0"]) if nb else []
    if not theirs:
        return None
    span = (box[0], min(box[1], int(theirs[0]["top"])), int(theirs[-1]["x1"]), max(box[3], int(theirs[-1]["bottom"])))
    known = _key("".join(w["text"] for w in theirs))
    readings = []
    for text, conf in ocr.read([_padded(gray, span), *_variants(gray, span)]):
        text = _key(text)
        if text.endswith(known) and len(text) > len(known):
            readings.append((text[:-len(known)], conf))
    return _agreed(readings) if readings else None


MAX_SIDE = 2400          # a larger scan (300 dpi A4 is 3508) is brought to about 200 dpi


def fit(img: np.ndarray) -> tuple[np.ndarray, float]:
    import cv2
    side = max(img.shape[:2])
    if side <= MAX_SIDE:
        return img, 1.0
    k = 2339 / side
    return cv2.resize(img, None, fx=k, fy=k, interpolation=cv2.INTER_AREA), k


def _cleaned(img: np.ndarray, quarter: int) -> tuple[np.ndarray, dict]:
    """The page turned, grey, evenly lit, flattened (a photo's keystone), a grey seal
    lifted, deskewed; and the recipe that rebuilds it (``normalized``)."""
    gray = photo.even_light(to_gray(turn(img, quarter)))
    gray, mat = photo.flatten(gray)
    angle = skew_angle(gray)
    gray, seals, dark = photo.lift_seals(rotate(gray, angle)) if is_grey(img) else (rotate(gray, angle), [], [])
    recipe = {"turn": quarter, "angle": angle, **({"warp": mat} if mat else {}),
              **({"seals": len(seals), "lifted_seals": [[round(v) for v in r[:3]] for r in seals]} if seals else {}),
              **({"dark_seals": [[round(v) for v in r[:3]] for r in dark]} if dark else {})}
    return gray, recipe


FIGURE = re.compile(r"[≥≤<>＞＜]?\d[\d.,]*%?")
STRAY = re.compile(r"[\d.,%≥≤<>＞＜()（）\-—]+")      # figures and marks only, no word or unit


def _stray(text: str) -> bool:
    t = _key(text)
    return bool(STRAY.fullmatch(t)) and not FIGURE.fullmatch(t) and t != "%"


def _figure_like(text: str) -> bool:
    """A figure, or a figure with its unit or sign ('≥320人次', '95.45', a lone '%')."""
    t = _key(text)
    return (bool(re.search(r"\d", t)) and len(t) <= 12) or t == "%"


def _recrop(gray: np.ndarray, box: tuple, cell: tuple | None = None) -> np.ndarray:
    """A line's crop for a second look: a margin around it that, within ``cell``, stops
    short of its ruling (a line at the crop's edge is read as a '1' or a '9')."""
    box = tuple(int(v) for v in box)
    if cell is not None:
        m = int(LINE) + 2
        x0, y0 = max(box[0] - 8, int(cell[0]) + m), max(box[1] - 8, int(cell[1]) + m)
        x1, y1 = min(box[2] + 8, int(cell[2]) - m), min(box[3] + 8, int(cell[3]) - m)
        if x1 > x0 and y1 > y0:
            return gray[y0:y1 + 1, x0:x1 + 1]
    return _padded(gray, box, pad=8)


def _larger(c: np.ndarray) -> np.ndarray:
    import cv2
    k = ocr.SETTINGS.recheck_scale
    return cv2.resize(c, None, fx=k, fy=k, interpolation=cv2.INTER_CUBIC)


def _binarised(c: np.ndarray) -> np.ndarray:
    """Ink to black, paper to white (a seal's grey and the paper's stains fall to white)."""
    import cv2
    return cv2.threshold(c, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)[1]


def _variants(gray: np.ndarray, box: tuple, cell: tuple | None = None) -> list[np.ndarray]:
    """The same line another two ways: larger, and binarised."""
    c = _recrop(gray, box, cell)
    return [_larger(c), _binarised(c)]


def recheck_figures(gray: np.ndarray, words: list[dict], cells: list[tuple] = ()) -> list[dict]:
    """Figures read unsure (below ``recheck_conf``) or with stray marks ('96.98%6', '18-':
    marks alone that are no figure; '111个' or '（2020年度）' are a figure and its words) are
    read twice more.  Readings that agree make the figure surer; readings that all differ
    leave it in doubt (READINGS_DISAGREE), never silently picked; readings that agree take
    that doubt off a figure an earlier look put it on."""
    s = ocr.SETTINGS
    todo = [w for w in words if _figure_like(w["text"])
            and (w["conf"] < s.recheck_conf or _stray(w["text"]) or w.get("doubt") == READINGS_DISAGREE)]
    if not todo:
        return words
    def cell_of(w):
        return next((c for c in cells if _inside(w, c)), None)
    crops = [_recrop(gray, (w["x0"], w["top"], w["x1"], w["bottom"]), cell_of(w)) for w in todo]
    # the binarised copy first; the larger one only where those two readings differ (were
    # they the same, the third could not outvote them)
    first = ocr.read([_binarised(c) for c in crops])
    readings = [[(w["text"].strip(), w["conf"])] + ([(t.strip(), c)] if t.strip() else []) for w, (t, c) in zip(todo, first)]
    split = [n for n, r in enumerate(readings) if len(r) < 2 or _key(r[0][0]) != _key(r[1][0])]
    for n, (t, c) in zip(split, ocr.read([_larger(crops[n]) for n in split])):
        if t.strip():
            readings[n].append((t.strip(), c))
    for w, r in zip(todo, readings):
        w["text"], w["conf"], agreed = _agreed(r)
        if not agreed:
            w["doubt"] = READINGS_DISAGREE
        elif w.get("doubt") == READINGS_DISAGREE:
            del w["doubt"]
    return words


def under_seals(words: list[dict], seals, cells: list[tuple] = (), lifted=()) -> list[dict]:
    """Words read where a seal as dark as the print lies.  A lone stroke centred on the
    ring is a piece of the ring (its side read '1' beside a label: '总分：1'), and Chinese
    wholly inside the ring in a cell that holds a figure is the seal's legend ('10' and
    '区' read into one weight cell), not text, as is Chinese reaching into the ring beside
    the table, where nothing is printed; a figure whose box reaches inside the ring
    is doubted: the seal's ink may hide a digit or a point ('98.63' read '98' with
    confidence 0.99, the star over '.63'), and no second look can take it off the print.
    ``lifted``: seals whose grey went with their legend but whose ring and star stayed as
    dark as the print: what Chinese is left under them is print ('得分' read '将分' beside
    the star), so only their ring's pieces go and the figures they reach are doubted."""
    if not seals and not lifted:
        return words
    rings = [*seals, *lifted]
    s = ocr.SETTINGS

    def on_ring(w):
        x, y = (w["x0"] + w["x1"]) / 2, (w["top"] + w["bottom"]) / 2
        return any(abs(np.hypot(x - cx, y - cy) - r) <= RING_BAND * r for cx, cy, r in rings)

    def within(w):
        return any(max(np.hypot(x - cx, y - cy) for x in (w["x0"], w["x1"]) for y in (w["top"], w["bottom"])) < r
                   for cx, cy, r in seals)

    def reaches(w, rings=rings):
        return any(max(w["x0"] - cx, 0.0, cx - w["x1"]) ** 2 + max(w["top"] - cy, 0.0, cy - w["bottom"]) ** 2 < r * r
                   for cx, cy, r in rings)

    def han(w):
        return re.fullmatch(r"\p{Han}+", _key(w["text"])) is not None

    legend = set()
    for cell in cells:
        inside = [w for w in words if _inside(w, cell)]
        if any(_figure_like(w["text"]) for w in inside):
            legend.update(id(w) for w in inside if han(w) and within(w))
    # beside the table, in its margin, nothing is printed: Chinese there that reaches into
    # the seal is its legend running past the table's border ('用' of '专用章')
    if cells:
        top, bottom = min(c[1] for c in cells), max(c[3] for c in cells)
        legend.update(id(w) for w in words if han(w) and reaches(w, seals) and top <= (w["top"] + w["bottom"]) / 2 <= bottom
                      and not any(_inside(w, c) for c in cells))
    out = []
    for w in words:
        if id(w) in legend or (w["text"].strip() in ocr.DASH_READS and on_ring(w)):
            continue
        if _figure_like(w["text"]) and reaches(w):
            w["doubt"] = UNDER_SEAL
        out.append(w)
    return out


UNREAD_INK = 170          # lighter print than ``lines``' ink: a light scan's thin glyph
UNREAD_TALL = 0.5         # ink this part of the figure's height tall is a glyph, not a speck


def unread_ink(gray: np.ndarray, cells: list[tuple], words: list[dict], rings=()) -> list[dict]:
    """A figure in a cell that holds more ink than its words: a glyph no line was found for
    (a light scan's '12.35' wrapped in its cell, '12.3' read and the '5' below it too faint
    to make a line: a total then 0.05 short of the parts was reported against a correct
    form).  Ink lighter than the lines' threshold, outside every word of the cell, as tall
    as half the figure, doubts the figure (its confidence below every check's threshold);
    ink inside the ring of a seal as dark as the print (``rings``) is the seal's, left to
    ``under_seals``; under a lifted one it is print the lifting thinned."""
    import cv2
    s = ocr.SETTINGS
    for cell in cells:
        inside = [w for w in words if _inside(w, cell)]
        figures = [w for w in inside if _figure_like(w["text"])]
        if not figures:
            continue
        inner, ox, oy = _cell_inside(gray, cell)
        inner = (inner < UNREAD_INK).astype(np.uint8)
        if inner.size == 0:
            continue
        for w in inside:
            inner[max(0, int(w["top"]) - oy - 2):max(0, int(np.ceil(w["bottom"])) - oy + 3),
                  max(0, int(w["x0"]) - ox - 2):max(0, int(np.ceil(w["x1"])) - ox + 3)] = 0
        n, _, stats, centres = cv2.connectedComponentsWithStats(
            cv2.dilate(inner, np.ones((3, 3), np.uint8)), connectivity=8)
        tall = UNREAD_TALL * min(w["bottom"] - w["top"] for w in figures)
        if any(stats[k, cv2.CC_STAT_HEIGHT] >= tall and not any(
                np.hypot(centres[k][0] + ox - cx, centres[k][1] + oy - cy) < r for cx, cy, r in rings)
               for k in range(1, n)):
            for w in figures:
                w["doubt"] = INK_BESIDE
    return words


def _key(text: str) -> str:
    """A reading with its spaces taken out (readings are compared so)."""
    return "".join(text.split())


def _agreed(readings: list[tuple[str, float]]) -> tuple[str, float, bool]:
    """The readings' vote: the text most of them give (spaces aside), surer when two agree
    (1 − the chance both are wrong); and whether any two agreed."""
    groups: dict[str, list[float]] = {}
    for t, c in readings:
        groups.setdefault(_key(t), []).append(c)
    best = max(groups, key=lambda k: (len(groups[k]), max(groups[k])))
    cs = sorted(groups[best], reverse=True)
    text = next(t for t, _ in readings if _key(t) == best)
    if len(cs) >= 2:
        return text, min(0.999, 1 - (1 - cs[0]) * (1 - cs[1])), True
    return text, cs[0], False


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
