"""Seals on a scanned page: their rings and stars kept out of the ruling, a dark seal's ring
found, and the words under a seal flagged (UNDER_SEAL) or read again."""
from __future__ import annotations

import numpy as np
import regex as re

from . import ocr
from .crops import _figure_like, _inside, _key
from .grid import UNDER_SEAL
from .page_image import LINE

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
