"""Second looks at a scanned page's figures: unsure or stray-marked figures read twice more
(agreeing readings make them surer, disagreeing ones leave READINGS_DISAGREE), and ink no
reading covers flagged (INKED_UNREAD)."""
from __future__ import annotations

import numpy as np

from . import ocr
from .crops import (  # noqa: F401
    _agreed,
    _binarised,
    _cell_inside,
    _figure_like,
    _inside,
    _key,
    _larger,
    _recrop,
    _stray,
)
from .grid import INK_BESIDE, READINGS_DISAGREE


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




