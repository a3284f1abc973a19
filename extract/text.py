"""Plain-text documents: dumps of Word tables and text pulled from PDFs.

Two shapes occur (see the seeds):

* A Word-table dump: every cell starts on a line beginning with a tab, a cell may run on
  over lines that do not (vertical labels ``产\\n出\\n指\\n标``), and a blank line ends a
  row.  Word also leaves blank lines inside a cell (an empty trailing paragraph); when a
  row split that way adds back up to the width of the row before it, the two halves are
  one row.  Rows here are aligned: one cell per column, empty cells kept.
* Text from a PDF or a web page: each line is a flattened row whose cells are separated by
  spaces (or by pipes, a web table as text), one cell per line, or a whole form run
  together; long labels are broken across lines.  Rows here are flowing: the token-stream
  reader (normalize/stream.py) finds the structure.
"""
from __future__ import annotations

from pathlib import Path

import regex as re

from .grid import Block, Cell, Document, UnreadableError, sha256_of, text_block
from .limits import LIMITS, refuse

ENCODINGS = ("utf-8-sig", "gb18030", "utf-16")


STRAY_BYTES = 8         # UTF-8 text with at most this many undecodable bytes (or 1 in 1000) is UTF-8


def decode(raw: bytes) -> tuple[str, int]:
    """The text and how many undecodable bytes were replaced (U+FFFD) to read it."""
    if b"\x00" in raw[:4096] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnreadableError("binary data, not a text document")
    try:
        return raw.decode(ENCODINGS[0]), 0
    except UnicodeDecodeError:
        pass
    text = raw.decode("utf-8", errors="replace")
    stray = text.count("\ufffd") - raw.decode("utf-8", errors="ignore").count("\ufffd")
    if stray <= max(STRAY_BYTES, len(raw) // 1000):
        return text, stray
    for enc in ENCODINGS[1:]:
        try:
            return raw.decode(enc), 0
        except UnicodeDecodeError:
            continue
    raise UnreadableError("text in an unknown encoding (tried UTF-8, GB18030, UTF-16)")


def _word_dump_rows(lines: list[str]) -> list[list[str]]:
    rows: list[list[str]] = []
    row: list[list[str]] = []   # cells, each a list of lines
    for k, line in enumerate(lines):
        if line.startswith("\t"):
            row.append([line[1:]])
        elif not line.strip():
            nxt = next((ln for ln in lines[k + 1:] if ln.strip()), None)
            if row and nxt is not None and not nxt.startswith("\t"):
                row[-1].append("")      # a blank paragraph inside a cell
            elif row:
                rows.append(["\n".join(c).strip() for c in row])
                row = []
        elif row:
            row[-1].append(line)
        else:
            row.append([line])
    if row:
        rows.append(["\n".join(c).strip() for c in row])
    # Re-join a row that a blank line inside a cell split in two.
    joined: list[list[str]] = []
    i = 0
    while i < len(rows):
        cur = rows[i]
        if (joined and i + 1 < len(rows) and len(joined[-1]) > len(cur)
                and len(cur) + len(rows[i + 1]) == len(joined[-1])):
            cur = cur + rows[i + 1]
            i += 1
        joined.append(cur)
        i += 1
    return joined


CHAR_W, LINE_H = 6.0, 12.0        # a laid-out text's character cell, in points: one column, one line
GAP = re.compile(r"\S+(?: \S+)*")   # a piece: words apart by single spaces; two or more end it


def laid_out(nonblank: list[str]) -> bool:
    """Text laid out by spaces on a character grid (``pdftotext -layout``, a printout's text):
    a third of its lines or more hold pieces two or more spaces apart after some text, and
    several lines are indented by runs of spaces, as columns make them."""
    inner = sum(1 for ln in nonblank if re.search(r"\S {2,}\S", ln))
    indented = sum(1 for ln in nonblank if re.match(r" {4,}\S", ln))
    return len(nonblank) >= 8 and inner >= 0.3 * len(nonblank) and indented >= 0.1 * len(nonblank)


def positioned_blocks(lines: list[str]) -> list[Block]:
    """A laid-out text as pages of words at positions (a form feed starts a page): each
    piece a cell whose box is its place on the character grid, as a PDF's words are, so
    that the readers tell columns and wrapped cells by where text stands."""
    blocks, page, rows, boxes, last = [], 1, [], [], []
    pages = [part for ln in lines for part in ln.split("\f")]
    starts = column_starts(pages)
    n = 0
    for ln in lines + ["\f"]:
        for part_no, part in enumerate(ln.split("\f")):
            if part_no:
                if rows:
                    blocks.append(text_block(rows, page=page, boxes=boxes))
                page, rows, boxes, last = page + 1, [], [], []
            cols = starts[n] if n < len(starts) else set()
            n += 1
            # (a single space beside a digit or a Latin letter is pdftotext's between scripts,
            # '2020 年度', '≥9475 件': inside a piece; between two Chinese characters it parts
            # two columns set close, '二级指 三级指标'; before a column's start it parts two cells)
            pieces = [("".join(p.split()), m.start() + a, m.start() + b)
                      for m in GAP.finditer(part) for p, a, b in _apart(m.group(), m.start(), cols)]
            if rows and _wrapped_digits(pieces, last):
                digits = [p for p in pieces if WRAPPED_DIGITS.fullmatch(p[0])]
                for text, a, b in digits:           # the digits back onto the figures they end
                    k = next(k for k, (_, a0, b0) in enumerate(last) if a0 < b and a < b0)
                    t0, a0, b0 = last[k]
                    last[k] = (t0 + text, a0, max(b0, b))
                rows[-1] = " ".join(p for p, _, _ in last)
                boxes[-1] = [(a * CHAR_W, boxes[-1][0][1], b * CHAR_W, boxes[-1][0][3]) for _, a, b in last]
                pieces = [p for p in pieces if p not in digits]
                if not pieces:
                    continue
            last = pieces
            y = LINE_H * len(rows)
            rows.append(" ".join(p for p, _, _ in pieces))
            boxes.append([(a * CHAR_W, y, b * CHAR_W, y + LINE_H * 0.8) for _, a, b in pieces])
    return blocks


WRAPPED_DIGITS = re.compile(r"\d{1,3}")
FIGURE_END = re.compile(r"[\d,]*\.?\d+\.?")


def _wrapped_digits(pieces: list[tuple[str, int, int]], above: list[tuple[str, int, int]]) -> bool:
    """A line whose figures are only a few digits each under a figure of the line above: the
    ends of figures a narrow column wrapped ('5681' / '200', '100.9' / '4'); words with no
    digit beside them are a label's wrapped text ('政拨款 200 0')."""
    digits = [p for p in pieces if WRAPPED_DIGITS.fullmatch(p[0])]
    if not digits or any(re.search(r"\d", p[0]) for p in pieces if p not in digits):
        return False
    for _, a, b in digits:
        over = [t for t, a0, b0 in above if a0 < b and a < b0]
        if len(over) != 1 or not FIGURE_END.fullmatch(over[0]):
            return False
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
                    or (any(abs(x - c) <= COLUMN_SLACK for c in seen) and FIGURE_AFTER_HAN.match(lines[i], x - 2))})
    return out


COLUMN_SLACK = 2
FIGURE_AFTER_HAN = re.compile(r"\p{Han}\s[≥≤＞＜><=＝\d]")


UNIT_AFTER = re.compile(r"[\d%％.]\s\p{Han}{1,2}$")


def _apart(piece: str, offset: int, cols: set[int]) -> list[tuple[str, int, int]]:
    """A piece parted where a single space stands between Chinese characters, or before a
    word at a column's start (never between a figure and the unit after it, '130 台')."""
    out = []
    for text, a, b in _han_apart(piece):
        start = a
        for m in re.finditer(r"\s(?=\S)", text):
            cut = a + m.end()
            word = re.match(r"\S+", piece[cut:]).group()
            if offset + cut in cols and not UNIT_AFTER.search(piece[max(a, cut - 3):cut] + word):
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


def _holds_text(line: str) -> bool:
    """A line with a cell's text on it: more than pipes and spaces (a line of pipes alone
    stands for a row's merged columns)."""
    return bool(line.strip("| \t\u3000"))


def _inner(cells: list[str]) -> list[str]:
    """The cells from the first with text to the last with text."""
    full = [k for k, c in enumerate(cells) if c]
    return cells[full[0]:full[-1] + 1] if full else []


def read_text(path: str | Path) -> Document:
    path = Path(path)
    size = path.stat().st_size
    if size > LIMITS.max_text_mb << 20:
        raise refuse(f"a text file of {size >> 20} MB", f"{LIMITS.max_text_mb} MB")
    raw = path.read_bytes()
    if not raw.strip():
        raise UnreadableError("empty file")
    text, stray = decode(raw)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    nonblank = [ln for ln in lines if ln.strip()]
    doc = Document(path=str(path), format="txt", sha256=sha256_of(path))
    if stray:
        doc.warnings.append(f"{stray} byte(s) of this UTF-8 text could not be decoded and were read as '\ufffd'; "
                            "check the figures near them by eye")
    if not nonblank:
        raise UnreadableError("no text in file")
    tabbed = sum(1 for ln in nonblank if ln.startswith("\t"))
    texts = [ln for ln in nonblank if _holds_text(ln)]
    piped = sum(1 for ln in texts if ln.count("|") >= 2)
    if texts and piped >= 0.3 * len(texts):
        # a pipe table (a web page's table as text): cells between the pipes, spaces inside a
        # cell kept in the cell; a blank cell between two others is a cell (its column stays),
        # blanks before the first and after the last are the row's merged columns
        rows = [[Cell(p, row=r, col=c) for c, p in enumerate(_inner([q.strip() for q in ln.split("|")]))]
                for r, ln in enumerate(lines)]
        doc.blocks.append(Block(rows=[row for row in rows if row], aligned=False))
    elif tabbed >= 0.5 * len(nonblank):
        rows = _word_dump_rows(lines)
        cells = [[Cell(t, row=r, col=c) for c, t in enumerate(row)] for r, row in enumerate(rows)]
        doc.blocks.append(Block(rows=cells, aligned=True))
    elif laid_out(nonblank):
        doc.blocks.extend(positioned_blocks(lines))
    else:
        # a pipe closing or opening a line's cell (one cell a line, ' |' after each) is a
        # separator, never text; a line of pipes alone is no cell
        doc.blocks.append(text_block([ln.strip().strip("|").strip() if "|" in ln else ln
                                      for ln in lines if "|" not in ln or _holds_text(ln)]))
    return doc
