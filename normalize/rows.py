"""Table rows rebuilt from where text stands (a page of text laid out by spaces, a PDF's
words with no rulings): which lines make one row, and which pieces one cell.

A cell too long for its column wraps onto the lines below, a cell centred in a tall row
stands a line lower than its neighbours, a merged label's text runs down beside several
rows.  The rule applied, line by line down a page:

* a line opening with a label (a section's, a header field's, a budget line's, a column's,
  a group's) starts a row;
* a line of fragments, each under its own cell of the row above, starting no further left
  than that cell and no longer than it by more than SLACK, no figure among them, continues
  that row: each fragment joins the cell above it;
* a line of figures only, each where the row above has nothing, is the rest of that row
  (its cells centred a line lower);
* any other line starts a row, after giving back the end of a label broken over two rows
  ('数量' / '指标', '项目资金（万' / '元）') and a label's points printed a row lower.

The rebuilt rows are read as text of one row a line is (normalize/form.py).
"""
from __future__ import annotations

from dataclasses import replace
from statistics import median

import regex as re

from extract.grid import Block, Cell, Document

from . import labels as L

Piece = tuple[str, float, float]        # text, left and right edge


def rebuilt(doc: Document) -> Document | None:
    """The document with each block of positioned text (every cell with its box, no table
    structure) as its rows rebuilt; None where no block has positions."""
    blocks, changed = [], False
    for block in doc.blocks:
        lines = [[c for c in row if c.clean] for row in block.rows]
        lines = [ln for ln in lines if ln]
        if block.aligned or not lines or any(c.bbox is None for ln in lines for c in ln):
            blocks.append(block)
            continue
        changed = True
        blocks.append(_rows_of(lines, block.page))
    return replace(doc, blocks=blocks) if changed else None


def _rows_of(lines: list[list[Cell]], page: int | None) -> Block:
    widths = [(c.bbox[2] - c.bbox[0]) / max(1, len(c.clean)) for ln in lines for c in ln]
    char = median(widths) if widths else 1.0
    rows: list[list[list]] = []          # each cell: [text, left, right]
    for line in lines:
        pieces = sorted(((c.clean, c.bbox[0], c.bbox[2]) for c in line), key=lambda p: p[1])
        if rows:
            while pieces:               # the ends of labels above, or their points, a row lower
                owner = _label_end_of(rows, pieces[0])
                if owner is None:
                    break
                owner[0] += pieces[0][0]
                pieces = pieces[1:]
            if not pieces:
                continue
            owners = None if _starts(rows[-1], pieces[0], len(pieces) == 1) else _continues(rows[-1], pieces, char)
            if owners:
                for (text, a, b), cell in zip(pieces, owners):
                    cell[0] += text
                    cell[1], cell[2] = min(cell[1], a), max(cell[2], b)
                continue
            if _spread(rows[-1], pieces, char):
                rows[-1] = sorted(rows[-1] + [[t, a, b] for t, a, b in pieces], key=lambda c: c[1])
                continue
        rows.append([[t, a, b] for t, a, b in pieces])
    cells = [[Cell(t, row=r, col=c, page=page) for c, (t, _, _) in enumerate(row)] for r, row in enumerate(rows)]
    return Block(rows=cells, aligned=False, page=page)


def _starts(row: list[list], first: Piece, alone: bool = False) -> bool:
    """A line's first piece is a label a row starts with, unless it ends the label above it:
    the upper alone is no label and the two are one ('项目年度' / '绩效指标'), or it stands
    alone on its line under a row's label that figures follow ('年度财政资金' / '总额')."""
    if not _opens(first[0]):
        return False
    over = [c for c in row if c[1] < first[2] and first[1] < c[2]]
    if len(over) != 1:
        return True
    upper, joined = over[0][0], over[0][0] + first[0]
    if _opens(joined) and (not _opens(upper) or L.section_of(upper) and L.section_of(joined) == L.section_of(upper)):
        return False            # (the upper a section label's beginning: '项目年度' of 项目年度绩效指标)
    figures = any(FIGURE.fullmatch(c[0]) for c in row)
    return not (alone and figures and over[0] is row[0] and not L.section_of(first[0]))


def _opens(text: str) -> bool:
    """The piece is a label a row starts with: a section's, a header field's, a budget
    line's, a column's or a group's (the vocabulary's; a title too)."""
    return bool(L.section_of(text) or _at_start(L.HEADER_FIELDS, text) or _at_start(L.BUDGET_KINDS, text)
                or L.level1_of(text) or L.level2_of(text) or L.titled(text)
                or (len(text) >= 3 and (_at_start(L.INDICATOR_ROLES, text) or _at_start(L.BUDGET_ROLES, text)
                                        or _at_start(L.GOAL_ROLES, text))))


def _at_start(table: list[tuple[str, str]], text: str) -> bool:
    """Some label of the table begins the text (a label's words inside other text do not:
    '成原因分' holds 原因 but begins no label)."""
    return any(re.match(p.lstrip("^"), text) for _, p in table)


FIGURE = re.compile(r"[-+≥≤<>=＞＜]?\d[\d,]*(?:\.\d+)?%?\p{Han}{0,2}|[—–-]")
POINTS = re.compile(r"[(（]\d+(?:\.\d+)?分[)）]")
POINTS_TAIL = re.compile(r"[(（]\d+(?:\.\d+)?分?[)）]?$")  # a label's points, whole or begun, at its end
NOTE = re.compile(r"[(（][^\d()（）]{1,6}[)）]")            # a label's note in brackets ('（万元）')
NOTE_OPEN = re.compile(r"[(（]\p{Han}{1,3}")                  # such a note begun, its line broken ('（万')
POINTS_OPEN = re.compile(r"[(（]\d+(?:\.\d+)?分?")      # points broken before their bracket closes
KEY_VALUE = re.compile(r"[^:：\s]{4,10}[:：][^:：\s]{0,12}")    # '填报日期：2022-01-16', not '其中：当年…' 
SLACK = 2           # a wrapped piece may be this many characters longer than the piece above it


def _continues(row: list[list], pieces: list[Piece], char: float) -> list[list] | None:
    """The cells of the row above the line's pieces continue, or None: no figure of its own
    (a group's points '（50分）' are a label's), each piece under its own cell, starting no
    further left than it and no longer than it by more than SLACK, and not a row of several
    full cells."""
    if any(FIGURE.fullmatch(t) and not POINTS.fullmatch(t) for t, _, _ in pieces):
        return None
    if any(KEY_VALUE.fullmatch(c[0]) for c in row):
        return None             # a line of 'label：value' pairs is whole (a header line)
    if len(pieces) >= 3 and all(len(t) >= 4 for t, _, _ in pieces):
        return None
    owners: list[list] = []
    for piece in pieces:
        cell = _owner(row, piece, char)
        if cell is None or any(cell is o for o in owners):
            return None
        if len(piece[0]) > len(cell[0]) + SLACK or piece[1] < cell[1] - 1.5 * char:
            return None
        owners.append(cell)
    return owners


def _owner(row: list[list], piece: Piece, char: float) -> list | None:
    """The cell of the row a wrapped piece belongs to: the one it stands under; of two it
    stands under or between (a character grid places wide characters loosely), the one it
    completes a label with ('二级' + '指标', not '三级指标' + '指标')."""
    text, a, b = piece
    near = [c for c in row if c[1] - 1.5 * char < b and a < c[2] + 1.5 * char]
    if len(near) > 1:
        labels = [c for c in near if not _opens(c[0]) and _opens(c[0] + text)]
        if len(labels) == 1:
            return labels[0]
    over = [c for c in row if c[1] < b and a < c[2]]
    return over[0] if len(over) == 1 else None


LABEL_ENDS = "标称门位额款金况值数分率表"     # the last characters labels end with: a piece ending so is whole
TAIL = 3            # the end of a label broken over two rows is this many characters at most


def _label_end_of(rows: list[list[list]], first: Piece) -> list | None:
    """The label cell a line's leading piece ends, or None: the nearest cell above the piece
    (three rows up at most, nothing between) is a label, and the piece is its points
    ('项目绩效总目标' … '（20分）'), closes its bracket ('项目资金（万' / '元）'), or is a few
    Chinese characters ending a label left unfinished (not in one of LABEL_ENDS): a merged
    cell's label broken over the rows beside it ('数量' / '指标', '产' / '出' / '指' / '标')."""
    text, a, b = first
    cell = None
    for row in rows[-3:][::-1]:
        over = [c for c in row if c[1] < b and a < c[2]]
        if over:
            cell = over[0] if len(over) == 1 else None
            break
    if cell is None or _starts(rows[-1], first):
        return None
    above = cell[0]
    if re.search(r"\d", re.split(r"[（(]", above)[0]):
        return None             # a figure's cell, not a label's
    unclosed = above.count("（") + above.count("(") > above.count("）") + above.count(")")
    if POINTS.fullmatch(text) or POINTS_OPEN.fullmatch(text) or unclosed and re.match(r"\p{Han}{0,%d}[)）]" % TAIL, text):
        return cell             # (its points, or their first half: '产出指标' / '(63' / '分)')
    if (NOTE.fullmatch(text) or NOTE_OPEN.fullmatch(text)) and re.fullmatch(r"[\p{Han}]{2,8}", above):
        return cell             # its note in brackets, the unit most often: '项目资金' / '（万元）', '（万' / '元）'
    if re.fullmatch(r"[\p{Han}（(]{1,6}", above):
        head = POINTS_TAIL.sub("", text)
        if re.fullmatch(r"\p{Han}{1,%d}" % TAIL, head) and above[-1] not in LABEL_ENDS:
            return cell         # a few characters ending a label left unfinished ('产出指' / '标（54')
        if re.fullmatch(r"\p{Han}{1,6}", head) and not _opens(above) and _opens(above + head):
            return cell         # the rest of a label its column broke ('可持' / '续影响指标')
    return None


def _spread(row: list[list], pieces: list[Piece], char: float) -> bool:
    """The line holds only figures, each where the row above has nothing, or all from the
    row's last figure on (a grid sets them a column or two left): the rest of that row, its
    cells centred a line lower ('年度资金总额 270.45 271.13 262.94' / '10 96.98% 9.7')."""
    figures = [c for c in row if FIGURE.fullmatch(c[0])]
    if not figures or not all(FIGURE.fullmatch(t) for t, _, _ in pieces):
        return False
    apart = all(not any(c[1] < b and a < c[2] for c in row) for _, a, b in pieces)
    return apart or pieces[0][1] >= figures[-1][1] - char and not FIGURE.fullmatch(row[0][0])


