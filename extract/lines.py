"""Text lines inside ruled cells, found from the ink itself.

Full-page text detection is the scan path's second cost.  Where the ruling lines give the
grid, a cell's text lines are its rows of ink: the rows of the cell's inside that hold ink
make runs; runs smaller than the page's text height (the strokes of '二', a '≥' bar) join
their neighbour while the line stays one text height tall; each line is then cut into
boxes at gaps wider than a few characters.  The text detector still runs where the ink
does not fall into such lines: outside every cell (the title, the unit line, signatures,
a header row the ruling leaves open) and in a cell whose lines are too tall (two lines
touching, a stamp, vertical text); a page where many cells cannot be split is detected
whole (a page on its side, a form without rulings).  The thresholds live in
``LineSettings``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class LineSettings:
    ink: int = 128              # darker than this is ink on the cleaned page
    inset: int = 8              # pixels inside a cell's edges that its ruling may still reach
    row_ink: int = 2            # a row (column) with this many ink pixels holds ink
    speck: int = 12             # a run with fewer ink pixels than this is a speck, not text
    joined: float = 1.3         # runs join while the line stays this many text heights tall
    too_tall: float = 1.6       # a line taller than this many text heights is not one line
    word_gap: float = 1.5       # a gap this many text heights wide parts two boxes of a line
    pad: float = 0.25           # margin round a line's ink, in text heights (as a detector box)
    unsplit_share: float = 0.25  # more of the inked cells than this unsplit: detect the page
    region_pad: int = 24        # margin round ink outside the cells given to the detector


SETTINGS = LineSettings()


def ink(gray: np.ndarray, rulings: np.ndarray, s: LineSettings = SETTINGS) -> np.ndarray:
    """The cleaned page's ink as a mask, specks (an opening) and the ruling lines taken out."""
    import cv2
    out = cv2.morphologyEx((gray < s.ink).astype(np.uint8), cv2.MORPH_OPEN, np.ones((2, 2), np.uint8)) > 0
    return out & (cv2.dilate(rulings, np.ones((5, 5), np.uint8)) == 0)


def _runs(profile: np.ndarray, least: int) -> list[tuple[int, int]]:
    """[start, end) of the stretches where ``profile`` reaches ``least``."""
    on = np.concatenate(([False], profile >= least, [False]))
    edges = np.flatnonzero(on[1:] != on[:-1])
    return list(zip(edges[::2].tolist(), edges[1::2].tolist()))


def _row_runs(ink: np.ndarray, s: LineSettings) -> list[tuple[int, int]]:
    return [(a, b) for a, b in _runs(ink.sum(axis=1), s.row_ink) if ink[a:b].sum() >= s.speck]


def _joined(runs: list[tuple[int, int]], height: float, s: LineSettings) -> list[tuple[int, int]]:
    """Neighbouring runs joined while the joined line stays ``joined`` text heights tall
    (a character's strokes apart, a line's pieces); nearest pairs first."""
    runs = list(runs)
    while len(runs) > 1:
        spans = [(runs[k + 1][1] - runs[k][0], k) for k in range(len(runs) - 1)]
        span, k = min(spans)
        if span > s.joined * height:
            break
        runs[k:k + 2] = [(runs[k][0], runs[k + 1][1])]
    return runs


def text_height(ink: np.ndarray, cells: list[tuple], s: LineSettings = SETTINGS) -> float | None:
    """The page's text height: the median height of the inked rows' runs in its cells
    that are at least half the tallest's median (strokes apart and specks aside)."""
    heights = []
    for cell in cells:
        inner = _inner(ink, cell, s)
        if inner is not None:
            heights += [b - a for a, b in _row_runs(inner, s)]
    if not heights:
        return None
    h = np.asarray(heights, dtype=float)
    return float(np.median(h[h >= 0.5 * np.median(h)]))


def _inner(ink: np.ndarray, cell: tuple, s: LineSettings) -> np.ndarray | None:
    x0, y0, x1, y1 = (int(v) for v in cell)
    inner = ink[y0 + s.inset:y1 - s.inset, x0 + s.inset:x1 - s.inset]
    return inner if inner.size and inner.any() else None


def cell_boxes(ink: np.ndarray, cell: tuple, height: float, s: LineSettings = SETTINGS) -> list[np.ndarray] | None:
    """A cell's text-line boxes (4×2 quadrilaterals, page pixels) from its ink, [] for a
    blank cell, None when its ink does not fall into lines of the text height."""
    inner = _inner(ink, cell, s)
    if inner is None:
        return []
    ox, oy = int(cell[0]) + s.inset, int(cell[1]) + s.inset
    x_lo, y_lo, x_hi, y_hi = cell
    pad = s.pad * height
    boxes = []
    for a, b in _joined(_row_runs(inner, s), height, s):
        if b - a > s.too_tall * height:
            return None
        band = inner[a:b]
        cols = _runs(band.sum(axis=0), 1)
        pieces = [list(cols[0])]
        for c, d in cols[1:]:
            if c - pieces[-1][1] > s.word_gap * height:
                pieces.append([c, d])
            else:
                pieces[-1][1] = d
        for c, d in pieces:
            if band[:, c:d].sum() < s.speck:
                continue
            bx0, bx1 = max(x_lo, ox + c - pad), min(x_hi, ox + d + pad)
            by0, by1 = max(y_lo, oy + a - pad), min(y_hi, oy + b + pad)
            boxes.append(np.array([[bx0, by0], [bx1, by0], [bx1, by1], [bx0, by1]], dtype=np.float32))
    return boxes


def sideways(ink: np.ndarray, cells: list[tuple], height: float, s: LineSettings = SETTINGS,
             across: list[np.ndarray] | None = None) -> bool:
    """Whether the page's text runs down rather than across: read as rows, the ink of a
    page on its side falls into short stacked pieces, read as columns into long lines (a
    line is 'long' when over twice as wide as tall).  ``across``: the cells' boxes read as
    rows, when they are already found."""
    def boxes(mask: np.ndarray, cells_: list[tuple]) -> list[np.ndarray]:
        return [b for cell in cells_ for b in cell_boxes(mask, cell, height, s) or ()]

    def long_lines(found: list[np.ndarray]) -> int:
        return sum(1 for b in found if b[1, 0] - b[0, 0] > 2 * (b[2, 1] - b[1, 1]))
    across = boxes(ink, cells) if across is None else across
    down = boxes(ink.T, [(y0, x0, y1, x1) for x0, y0, x1, y1 in cells])
    return long_lines(down) > long_lines(across)


def outside(ink: np.ndarray, cells: list[tuple], s: LineSettings = SETTINGS) -> list[tuple[int, int, int, int]]:
    """Regions of ink outside every cell, for the text detector: runs of inked rows (a
    gap of more than ``region_pad`` parts two), each as wide as its ink, with a margin."""
    free = ink.copy()
    for x0, y0, x1, y1 in cells:
        free[max(0, int(y0)):int(y1) + 1, max(0, int(x0)):int(x1) + 1] = False
    h, w = free.shape
    rows = free.sum(axis=1)
    regions = []
    for a, b in _runs(rows, s.row_ink):
        if regions and a - regions[-1][3] <= s.region_pad:
            regions[-1][3] = b
        else:
            regions.append([0, a, 0, b])
    out = []
    for _, a, _, b in regions:
        if free[a:b].sum() < s.speck:
            continue
        cols = np.flatnonzero(free[a:b].any(axis=0))
        out.append((max(0, int(cols[0]) - s.region_pad), max(0, a - s.region_pad),
                    min(w, int(cols[-1]) + 1 + s.region_pad), min(h, b + s.region_pad)))
    return out


@dataclass
class Plan:
    """How a page's text lines are found: ``boxes`` from the ink of the ``split`` cells,
    and ``regions`` (x0, y0, x1, y1) left to the text detector."""
    boxes: list = field(default_factory=list)
    split: list = field(default_factory=list)
    regions: list = field(default_factory=list)
    whole: bool = False


def plan(ink: np.ndarray, cells: list[tuple], s: LineSettings = SETTINGS) -> Plan:
    """Lines from the cells' ink where it falls into lines; the detector for the ink outside
    the cells and for the cells it cannot split; the detector for all the page's ink when
    there are no cells, too many cannot be split, or the text runs down the page."""
    height = text_height(ink, cells, s) if cells else None
    out, unsplit, inked = Plan(), [], 0
    for cell in cells if height else ():
        got = cell_boxes(ink, cell, height, s)
        if got is None:
            unsplit.append(cell)
        else:
            out.split.append(cell)
            out.boxes += got
        inked += got is None or bool(got)
    if not height or len(unsplit) > s.unsplit_share * inked or sideways(ink, cells, height, s, out.boxes):
        return Plan(regions=outside(ink, [], s), whole=True)
    out.regions = outside(ink, cells, s) + [tuple(int(v) for v in c) for c in unsplit]
    return out
