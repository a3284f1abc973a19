"""Word-position geometry of flowing text (a PDF printed without table rulings), pure
functions over cells with boxes: where a word's centre is, which column centre it sits
nearest, whether a line is the row above run on to a next line in its cells, and one cell
per wrapped piece.  What a column *is* (its label, its role) is the readers' business."""
from __future__ import annotations

from dataclasses import replace
from typing import Callable

import regex as re

from .grid import Cell

WRAP_GAP = 0.6      # a line wrapped in its cells starts within this many line heights below the one above


def centre(c: Cell) -> float:
    return (c.bbox[0] + c.bbox[2]) / 2 if c.bbox is not None else 0.0


def nearest(centres: list[tuple[float, int]], c: Cell) -> int:
    """The key of the column centre ``c``'s centre is nearest (``centres``: (x, key) pairs)."""
    return min(centres, key=lambda xc: abs(xc[0] - centre(c)))[1]


def fragment(c: Cell) -> bool:
    """A piece of a wrapped column label: a parenthetical or a few characters, no digits."""
    t = c.clean
    return t[:1] in ("（", "(") or (len(t) <= 4 and not re.search(r"\d", t))


def wraps(pieces: list[list[Cell]], line: list[Cell], figure: Callable[[str], bool]) -> bool:
    """``line`` is the text of the row above run on to a next line in its cells (a table
    continued on a page whose rulings were not found: '社会 | 城市运行保 | 有效提 | 达成预期 |
    8 | 7.6' then '效益 | 障能力 | 升 | 指标' then '指标').  ``pieces``: the row above, each of
    its words with the lines wrapped under it so far; ``figure``: which texts are figures.
    The line is on the same page just below, holds no figure while the row above does, and
    each of its words lies under exactly one of the row's words."""
    cells = [c for cs in pieces for c in cs] + line
    if any(c.bbox is None for c in cells) or len({c.page for c in cells}) > 1:
        return False
    if any(figure(c.text) for c in line) or not any(figure(cs[0].text) for cs in pieces):
        return False
    height = max(c.bbox[3] - c.bbox[1] for c in line)
    gap = min(c.bbox[1] for c in line) - max(cs[-1].bbox[3] for cs in pieces)
    if not -0.5 * height < gap <= WRAP_GAP * height:
        return False
    return all(len(_under(c, pieces)) == 1 for c in line)


def _under(c: Cell, pieces: list[list[Cell]]) -> list[int]:
    return [i for i, cs in enumerate(pieces)
            if min(o.bbox[0] for o in cs) < c.bbox[2] and c.bbox[0] < max(o.bbox[2] for o in cs)]


def run_on(pieces: list[list[Cell]], line: list[Cell]) -> None:
    """Each word of a wrapped line (``wraps``) onto the piece above it."""
    for c in line:
        pieces[_under(c, pieces)[0]].append(c)


def joined(pieces: list[list[Cell]]) -> list[Cell]:
    """One cell per piece, its wrapped lines joined, its box around them all."""
    out = []
    for cs in pieces:
        first = cs[0]
        box = first.bbox if len(cs) == 1 else (min(c.bbox[0] for c in cs), min(c.bbox[1] for c in cs),
                                               max(c.bbox[2] for c in cs), max(c.bbox[3] for c in cs))
        out.append(replace(first, text="\n".join(c.text.strip() for c in cs), bbox=box,
                           confidence=min((c.confidence for c in cs if c.confidence is not None), default=None)))
    return out
