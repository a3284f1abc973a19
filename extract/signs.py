"""Comparison signs and lone glyphs a recogniser misses or misreads at a figure's head ('≥',
'≤', '=', a dash), read from their shape; a leading point put back."""
from __future__ import annotations

import numpy as np
import regex as re

from . import ocr
from .crops import _agreed, _ink_box, _inside, _key, _padded, _variants
from .grid import INKED_UNREAD, READINGS_DISAGREE
from .page_image import GRID_TOL, LINE


def dash_shape(w: dict) -> dict:
    """A lone stroke much wider than tall is a dash (a blank cell's '—'), whatever the
    recogniser guessed ('1', '一')."""
    if ocr.is_dash(w["text"], w["x1"] - w["x0"], w["bottom"] - w["top"]):
        w["text"] = "—"
    return w










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
