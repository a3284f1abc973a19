"""Text laid out by spaces on a character grid (``pdftotext -layout``, a printout's text):
its pieces with their places on the grid, as a PDF's words have theirs.

A piece is text whose words stand one space apart; two spaces or more end it, and so does
one space between Chinese characters, between two figures, or before a word where a column
starts (other lines near it start words there too).  A narrow column breaks a figure in
two ('5681' over '200'): the digits are put back.  Where cells end and which lines make one
table row is the readers' to tell (normalize/rows.py rebuilds the rows).
"""
from __future__ import annotations

import regex as re

from .grid import Block, Cell

Piece = tuple[str, int, int]        # text (spaces inside removed), first and past-last character


CHAR_W, LINE_H = 6.0, 12.0        # a laid-out text's character cell, in points: one column, one line
GAP = re.compile(r"\S+(?: \S+)*")   # a piece: words apart by single spaces; two or more end it


def laid_out(nonblank: list[str]) -> bool:
    """Text laid out by spaces on a character grid (``pdftotext -layout``, a printout's text):
    a third of its lines or more hold pieces two or more spaces apart after some text, and
    several lines are indented by runs of spaces, as columns make them."""
    inner = sum(1 for ln in nonblank if re.search(r"\S {2,}\S", ln))
    indented = sum(1 for ln in nonblank if re.match(r" {4,}\S", ln))
    return len(nonblank) >= 8 and inner >= 0.3 * len(nonblank) and indented >= 0.1 * len(nonblank)


def page_pieces(lines: list[str]) -> list[list[list[Piece]]]:
    """The text's pages (a form feed starts one), each a list of its lines' pieces."""
    parts = [part for ln in lines for part in ln.split("\f")]
    starts = column_starts(parts)
    pages: list[list[list[Piece]]] = [[]]
    n = 0
    for ln in lines:
        for part_no, part in enumerate(ln.split("\f")):
            if part_no:
                pages.append([])
            cols = starts[n] if n < len(starts) else set()
            n += 1
            # (a single space beside a digit or a Latin letter is pdftotext's between scripts,
            # '2020 年度', '≥9475 件': inside a piece; between two Chinese characters it parts
            # two columns set close, '二级指 三级指标'; before a column's start it parts two cells)
            pieces = [("".join(p.split()), m.start() + a, m.start() + b)
                      for m in GAP.finditer(part) for p, a, b in _apart(m.group(), m.start(), cols)]
            page = pages[-1]
            above = next((ps for ps in reversed(page) if ps), None) if page and page[-1] else None
            if above is not None and _wrapped_digits(pieces, above):
                digits = [p for p in pieces if WRAPPED_DIGITS.fullmatch(p[0])]
                for text, a, b in digits:           # the digits back onto the figures they end
                    k = next(k for k, (_, a0, b0) in enumerate(above) if a0 < b and a < b0)
                    t0, a0, b0 = above[k]
                    above[k] = (t0 + text, a0, max(b0, b))
                pieces = [p for p in pieces if p not in digits]
                if not pieces:
                    continue
            page.append(pieces)
    return [[ps for ps in page if ps] for page in pages if any(page)]


def positioned_blocks(lines: list[str]) -> list[Block]:
    """A laid-out text as pages of words at positions, each piece a cell whose box is its
    place on the character grid, as a PDF's words are."""
    blocks = []
    for no, page in enumerate(page_pieces(lines), 1):
        # (each piece its own cell: a '%' standing apart is the 度量单位 column's, not its figure's)
        rows = [[Cell(t, row=y, col=c, page=no, bbox=(a * CHAR_W, LINE_H * y, b * CHAR_W, LINE_H * (y + 0.8)))
                 for c, (t, a, b) in enumerate(ps)] for y, ps in enumerate(page)]
        blocks.append(Block(rows=rows, aligned=False, page=no))
    return blocks


POINTS = re.compile(r"[(（]\d+(?:\.\d+)?分[)）]")    # a label's points ('（20分）')
LABEL_POINTS = re.compile(r"\p{Han}{0,3}[(（]\d+(?:\.\d+)?分?[)）]?")   # a label's end and its points, or their start
WRAPPED_DIGITS = re.compile(r"\d{1,3}(?:\.\d+)?%?\p{Han}{0,2}")   # a figure's last digits, its unit after them
FIGURE_END = re.compile(r"[≥≤<>]?[\d,]*\.?\d+\.?")


def _wrapped_digits(pieces: list[tuple[str, int, int]], above: list[tuple[str, int, int]]) -> bool:
    """A line whose figures are only a few digits each under a figure of the line above: the
    ends of figures a narrow column wrapped ('5681' / '200', '100.9' / '4', '1984' / '8 件',
    '≤77' / '7.98'); words with no digit beside them, or a label's points, are other cells'
    wrapped text ('政拨款 200 0', '(47 分) 标 7.98 万元')."""
    digits = [p for p in pieces if WRAPPED_DIGITS.fullmatch(p[0])]
    words = [p for p in pieces if p not in digits]
    if not digits or any(re.search(r"\d", p[0]) and not LABEL_POINTS.fullmatch(p[0]) for p in words):
        return False
    if any(len(t) > 3 and not LABEL_POINTS.fullmatch(t) for t, _, _ in words):
        return False            # a row of its own (a name, a target): its figures are its own
    for t, a, b in digits:
        over = [u for u, a0, b0 in above if a0 < b and a < b0]
        if len(over) != 1 or not FIGURE_END.fullmatch(over[0]):
            return False
        if "." in t and "." in over[0]:
            return False        # decimals go on a whole number only ('≤77' / '7.98')
    return True


COLUMN_WINDOW = 8       # lines either side whose words show where columns start
COLUMN_SEEN = 2         # other lines starting a word at the same place make it a column's start
WORD = re.compile(r"(?<!\S)\S")


def column_starts(lines: list[str]) -> list[set[int]]:
    """Per line, the places where a column starts: a place where this line and at least
    COLUMN_SEEN other lines near it start a word after a space (a column's left edge on a
    character grid, where cells set close leave a single space)."""
    at = [{m.start() for m in WORD.finditer(ln) if m.start()} for ln in lines]
    out = []
    for i, own in enumerate(at):
        near = at[max(0, i - COLUMN_WINDOW):i] + at[i + 1:i + 1 + COLUMN_WINDOW]
        seen = {x for x in set().union(*near) if sum(x in o for o in near) >= COLUMN_SEEN}
        # a cell that overran its column pushes the next one right or leaves it short of
        # its place by a character or two ('案件按期办结率 ≥100%'): a figure or a sign after
        # Chinese text starts a column within COLUMN_SLACK of one
        out.append({x for x in own if x in seen
                    or (any(abs(x - c) <= COLUMN_SLACK for c in seen) and FIGURE_AFTER_HAN.match(lines[i], x - 2)
                        and FIGURE_WORD.match(lines[i], x))})
    return out


COLUMN_SLACK = 2
FIGURE_AFTER_HAN = re.compile(r"\p{Han}\s[≥≤＞＜><=＝\d]")
FIGURE_WORD = re.compile(r"[≥≤＞＜><=＝]?\d[\d.,]*%?\p{Han}{0,3}(?=\s|$)")     # a figure, not prose ('85%。')


UNIT_AFTER = re.compile(r"[\d%％.]\s\p{Han}{1,2}$")


def _apart(piece: str, offset: int, cols: set[int]) -> list[tuple[str, int, int]]:
    """A piece parted where a single space stands between Chinese characters or between two
    figures ('100 99.09'), or before a word at a column's start (never between a figure and
    the unit after it, '130 台', nor inside brackets, '(63 分)')."""
    out = []
    for text, a, b in _han_apart(piece):
        start = a
        for m in re.finditer(r"\s(?=\S)", text):
            cut = a + m.end()
            word = re.match(r"\S+", piece[cut:]).group()
            two_figures = re.match(r"[\d%％\p{Han}]", piece[cut - 2]) and re.match(r"[≥≤＞＜<>]?\d", word) \
                and (not re.match(r"\p{Han}", piece[cut - 2]) or FIGURE_WORD.fullmatch(word))
            before = piece[start:cut]
            bracketed = before.count("(") + before.count("（") > before.count(")") + before.count("）")
            prose = re.search(r"[。，；、,;]$", word)          # a sentence runs on: '不低于 85%。'
            if not bracketed and not prose and (two_figures or offset + cut in cols
                                  and not UNIT_AFTER.search(piece[max(a, cut - 3):cut] + word)):
                out.append((piece[start:cut - 1], start, cut - 1))
                start = cut
        out.append((piece[start:b], start, b))
    return [o for o in out if o[0].strip()]


HAN_GAP = re.compile(r"(?<=[\p{Han}）)》”])\s(?=[\p{Han}（(《“])")


def _han_apart(piece: str) -> list[tuple[str, int, int]]:
    """A piece of laid-out text parted where a single space stands between Chinese characters:
    (text, start, end) within the piece."""
    out, start = [], 0
    for m in HAN_GAP.finditer(piece):
        out.append((piece[start:m.start()], start, m.start()))
        start = m.end()
    out.append((piece[start:], start, len(piece)))
    return [o for o in out if o[0].strip()]


