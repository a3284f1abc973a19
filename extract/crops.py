"""Crops of a scanned page for second looks, and what they are compared by: a word's cell,
a cell's inside and ink, a line cropped short of its ruling, the same crop larger and
binarised; a reading's key, readings agreed or left in doubt."""
from __future__ import annotations

import numpy as np
import regex as re

from . import ocr
from .page_image import LINE


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
