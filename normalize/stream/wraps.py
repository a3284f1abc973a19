"""Cells a narrow column wrapped over lines, put back together before the stream is read.

PDF text in content order (``pdftotext -raw``) prints each cell's lines one after another,
so a long name in a narrow column comes as a run of lines of the column's width ('为辖区内
各街' / '道、乡镇的网' / '格员和社区' / …), more than a name's few pieces the aligner
takes.  Where a text prints several cells on many of its lines (a PDF's lines, not one cell
a line), a run of three lines or more that each hold one piece of text, all but the last
as wide as each other and the last no wider, is one cell; a short line after a narrow
column's line ends its last cell.  Figures wrapped the same way ('213.8' / '4', '6683' /
'400', '≥12' / '57 人次') are one figure again, and a bracket or a year parted from the rest
of its piece by pdftotext's space between scripts ('（2019' '年）', '2023' '年度…') one piece.
"""
from __future__ import annotations

import regex as re

from extract.grid import Cell

from ..text import vocabulary
from .tok import Tok

MIXED = 0.2         # the share of lines holding several cells that makes a text a PDF's lines
RUN = 3             # lines of one width at least: a cell wrapped, not cells one a line
WIDTH_SLACK = 1     # characters a wrapped line's width may vary by (punctuation, brackets)
FIGURE = re.compile(r"[≥≤<>＞＜]?\d")


def wrapped_cells(lines: list[list[Cell]]) -> list[list[Cell]]:
    """The lines with each wrapped cell's run of lines joined into one cell on its first line
    (the longest run that keeps one width), then the short ends of cells wrapped onto a line
    of their own joined back (``_ends_joined``)."""
    full = [ln for ln in lines if ln]
    if not full or sum(1 for ln in full if len(ln) >= 2) < MIXED * len(full):
        return lines
    out: list[list[Cell]] = []
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and _piece(lines[j]):
            j += 1
        end = next((k for k in range(j, i + RUN - 1, -1) if _one_width(lines[i:k])), None)
        if end is not None:
            run = lines[i:end]
            c0 = run[0][0]
            text = "".join(ln[0].text.strip() for ln in run)
            out.append([Cell(text, c0.row, c0.col, page=c0.page, bbox=c0.bbox, confidence=c0.confidence)])
            out.extend([] for _ in run[1:])           # the lines it took stay, empty (line numbers kept)
            i = end
            continue
        out.append(lines[i])
        i += 1
    return _ends_joined(out)


def _piece(line: list[Cell]) -> bool:
    """A line of one piece of text, no figure leading it."""
    return len(line) == 1 and bool(re.match(r"[\p{Han}（(“]", line[0].text.strip())) \
        and not FIGURE.match(line[0].text.strip())


def _one_width(run: list[list[Cell]]) -> bool:
    widths = [len(ln[0].text.strip()) for ln in run]
    body = widths[:-1]
    return min(body) >= 4 and max(body) - min(body) <= WIDTH_SLACK and widths[-1] <= max(body) + WIDTH_SLACK


NARROW = 20         # a narrow column's line holds this many characters at most (a title is no cell wrapped)
END_PIECE = re.compile(r"\p{Han}{1,3}|\p{Han}{0,2}[(（][A-Z][)）]")      # '成', '同要求', '标值(A)'


def _ends_joined(lines: list[list[Cell]]) -> list[list[Cell]]:
    """A line of one short piece (a few characters, no figure) ends the last cell of the line
    before it, which a narrow column wrapped ('项目实施进度 按计划完' / '成', '年度指' /
    '标值(A)'): joined onto that cell; the line stays, empty."""
    from .tokens import split_words       # (tokens reads this module: the labels, late)
    labels = split_words()
    out = [list(ln) for ln in lines]
    prev, ended = None, set()
    for n, ln in enumerate(out):
        text = ln[0].text.strip() if len(ln) == 1 else ""
        above = out[prev][-1].text.strip() if prev is not None else ""
        if text and prev not in ended and END_PIECE.fullmatch(text) and re.search(r"\p{Han}$", above) and not FIGURE.match(above) \
                and len(above) <= NARROW and (text not in labels or above + text in labels) \
                and not (len(text) >= 2 and any(w.startswith(text) and w != text for w in labels)):
            # (a narrow column's line; '得分' is a cell of its own, '资金情' a label's beginning)
            out[prev][-1] = _cell_joined(out[prev][-1], ln[0])
            out[n] = []
            ended.add(prev)         # a cell's end comes once: a short line after it is another cell
            continue
        if ln:
            prev = n
    return _tails_joined(out, labels)


def _cell_joined(cell: Cell, end: Cell) -> Cell:
    """A cell with the end a narrow column wrapped onto a line below put back after it."""
    return Cell(cell.text.strip() + end.text.strip(), cell.row, cell.col, page=cell.page, bbox=cell.bbox,
                confidence=cell.confidence)


TAIL = re.compile(r"\p{Han}{1,3}|%")     # the end of a label or of a figure a column wrapped ('指标', '%')


def _tails_joined(lines: list[list[Cell]], labels: set[str]) -> list[list[Cell]]:
    """A line of several short pieces under a line of several cells: the ends of those cells,
    wrapped on one line (content order prints a row's second lines together, '质量 验收合格率
    ≥95 96% 9 9' / '指标 %').  Each piece, in order, ends the next cell it completes: a
    label's end the cell it makes a label of ('质量' + '指标'), a '%' or a unit the next figure
    printed without one; where every piece finds its cell, they are joined and the line stays,
    empty.  (Pieces that complete no cell leave the lines as they are.)"""
    units = set(vocabulary()["values"]["units"])
    out = [list(ln) for ln in lines]
    prev = None
    for n, ln in enumerate(out):
        texts = [c.text.strip() for c in ln]
        if prev is not None and len(ln) >= 2 and len(out[prev]) >= len(ln) and \
                all(TAIL.fullmatch(x) or x in units for x in texts):
            above = [c.text.strip() for c in out[prev]]
            homes, k = [], 0
            for x in texts:
                while k < len(above) and not (
                        above[k] + x in labels if re.match(r"\p{Han}", x) and x not in units
                        else FIGURE.match(above[k]) and re.search(r"\d$", above[k])):
                    k += 1
                if k == len(above):
                    break
                homes.append(k)
                k += 1
            if len(homes) == len(texts):
                for k, c in zip(homes, ln):
                    out[prev][k] = _cell_joined(out[prev][k], c)
                out[n] = []
                continue
        if ln:
            prev = n
    return out


def brackets_whole(toks: list[Tok]) -> list[Tok]:
    """A bracket opened in one piece and closed in the next on its line, a few characters on
    ('居家养老服务补贴（2019' | '年）'), or a year and the 年 after it ('2023' | '年度项目…'):
    pdftotext's space between scripts inside one piece."""
    out: list[Tok] = []
    for t in toks:
        prev = out[-1] if out else None
        if prev is not None and prev.line == t.line and not (prev.glued or t.glued) \
                and (prev.key.count("(") > prev.key.count(")") and re.fullmatch(r"[^()]{1,3}\)", t.key)
                     or re.fullmatch(r"(?:19|20)\d{2}", prev.key) and t.key.startswith("年")):
            out[-1] = Tok(prev.text + t.text, prev.key + t.key, prev.cell, prev.line)
            continue
        out.append(t)
    return out


BLANK_DASHES = ("—", "-", "－", "/")
BRACKET_REACH = 8      # characters a bracket opened in one piece closes within ('（2022年）')


def brackets_closed(pieces: list[Tok]) -> list[Tok]:
    """Pieces of a line cut apart (its cells run together) joined again where a bracket opened
    in one closes a few characters on along the line, holding figures and a word or two at
    most: what a bracket holds is one cell's ('背街小巷环境整治（2022年）', its year no figure of
    its own); a bracket holding words ('（10分' … '意度指标）') may be two cells' pieces."""
    out: list[Tok] = []
    k = 0
    while k < len(pieces):
        t = pieces[k]
        if t.key.count("(") > t.key.count(")"):
            run, j = "", k + 1
            while j < len(pieces) and pieces[j].line == t.line and len(run) <= BRACKET_REACH \
                    and ")" not in pieces[j].key and "(" not in pieces[j].key:
                run += pieces[j].key
                j += 1
            inside = t.key.rsplit("(", 1)[1] + run + pieces[j].key.split(")")[0] if j < len(pieces) else ""
            if j < len(pieces) and pieces[j].line == t.line and len(inside) <= BRACKET_REACH \
                    and pieces[j].key.endswith(")") and "(" not in pieces[j].key \
                    and re.search(r"\d", inside) and len(re.findall(r"\p{Han}", inside)) <= 2:
                # (a lone dash is a blank cell the row's column grammar put in, not a dash the
                # bracket printed, unless figures stand on both sides of it: '2023—2025年')
                held = [x for i, x in enumerate(pieces[k:j + 1], k) if not (
                    x.key in BLANK_DASHES and not (pieces[i - 1].key[-1:].isdigit() and pieces[i + 1].key[:1].isdigit()))]
                out.append(Tok("".join(x.text for x in held), "".join(x.key for x in held), t.cell, t.line, t.glued))
                k = j + 1
                continue
        out.append(t)
        k += 1
    return out


CUT_FIGURE = re.compile(r"[≥≤<>]?\d[\d,]*\.\d?")     # a figure cut at or after its decimal point
CUT_WHOLE = re.compile(r"[≥≤<>]?\d{3,}")                # a whole number, its last digits wrapped
CUT_TARGET = re.compile(r"[≥≤<>]\d{1,4}")               # a target's sign and first digits
CUT_MONEY = re.compile(r"\d{4,}")                       # a sum of money in yuan, its last digits wrapped
FIGURE_END = re.compile(r"\d{1,3}%?")


def _next_numbered(out: list[Tok], t: Tok) -> bool:
    """``t`` opens its line with the number after the one the line above opened with: the
    next numbered row (a rubric's 序号), not the wrapped digits of a figure."""
    k = len(out) - 1
    while k > 0 and out[k - 1].line == out[-1].line:
        k -= 1
    first = out[k].key if out else ""
    return bool(re.fullmatch(r"\d{1,3}", first) and re.fullmatch(r"\d{1,3}", t.key) and int(t.key) == int(first) + 1)


TARGET_TAIL = re.compile(r"\d+(?:\.\d+)?%?")


def _unit_alone(toks: list[Tok], k: int, units: set[str]) -> bool:
    """Token ``k`` is a unit alone on its line."""
    return k < len(toks) and toks[k].key in units and (k + 1 >= len(toks) or toks[k + 1].line != toks[k].line)


def _actual_after(toks: list[Tok], n: int, units: set[str]) -> bool:
    """Token ``n`` stands alone on its line (or with its unit), and the next line, past a
    unit alone on a line, opens with a figure: the row's actual still to come."""
    line = toks[n].line
    k = n + 1
    if k < len(toks) and toks[k].line == line and toks[k].key in units:
        k += 1
    if k < len(toks) and toks[k].line == line:
        return False
    if _unit_alone(toks, k, units):
        k += 1
    return k < len(toks) and toks[k].line > line and bool(FIGURE.match(toks[k].key))


def wrapped_figures(toks: list[Tok]) -> list[Tok]:
    """A figure a narrow column wrapped ('213.8' / '4', '91.5' / '8%', '213.' / '84', '1984' /
    '8 件', '≥12' / '57 人次', '6683' / '400'): a line of several cells (a PDF line, not one cell
    a line) ending in a figure cut at or after its decimal point; a whole number or a target's
    sign and digits whose last digits make the next line with the figure's unit (or the line
    before the unit's own); a sum of money whose last digits are the next line alone: the two
    pieces one figure again."""
    units = set(vocabulary()["values"]["units"])
    out: list[Tok] = []
    tails: set[int] = set()         # lines that held a wrapped figure's last digits, or its unit
    for n, t in enumerate(toks):
        prev = out[-1] if out else None
        if prev is not None and not (prev.whole or t.whole) and t.line == prev.line + 1 and FIGURE_END.fullmatch(t.key) \
                and (sum(1 for u in out[-4:] if u.line == prev.line) >= 2 or prev.line - 1 in tails
                     or prev.key.endswith(".")) \
                and not _next_numbered(out, t):
            # (a figure alone on its line right after a wrapped figure's tail: the row's next
            # cell, which content order starts on a line of its own after a wrapped one; or
            # one ending in its decimal point, which no figure printed whole does)
            after = toks[n + 1] if n + 1 < len(toks) and toks[n + 1].line == t.line else None
            alone = after is None or after.key in units and (n + 2 >= len(toks) or toks[n + 2].line != t.line)
            if after is None and n + 1 < len(toks) and toks[n + 1].line == t.line + 1 and _unit_alone(toks, n + 1, units):
                after = toks[n + 1]     # (the unit wrapped onto a line of its own: '184' / '08' / '件')
            last = n + 1 >= len(toks) or toks[n + 1].line != t.line
            if len(t.key) <= 2 and CUT_FIGURE.fullmatch(prev.key) \
                    or (CUT_WHOLE.fullmatch(prev.key) or CUT_TARGET.fullmatch(prev.key)) and not t.key.endswith("%") \
                    and after is not None and after.key in units and alone \
                    or CUT_MONEY.fullmatch(prev.key) and last:
                # (its last digits alone on the next line, or with the figure's unit after them)
                out[-1] = prev.joined(t)
                tails.add(t.line)
                continue
        if prev is not None and not (prev.whole or t.whole) and t.line == prev.line + 1 and \
                CUT_TARGET.fullmatch(prev.key) and TARGET_TAIL.fullmatch(t.key) and _actual_after(toks, n, units):
            # a target's sign and first digits, the rest of its figure on the next line and the
            # row's actual after it ('≤70' / '5.27' / '万元' / '668.34 万元', '≥10' / '0%' / '100%')
            out[-1] = prev.joined(t)
            tails.add(t.line)
            continue
        if prev is not None and t.line == prev.line + 1 and FIGURE.match(prev.key) and _unit_alone(toks, n, units):
            tails.add(t.line)       # (a figure's unit alone on the next line: its cell wrapped too)
        out.append(t)
    return out
