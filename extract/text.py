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

from .columns import rows_from_columns
from .grid import Block, Cell, Document, UnreadableError, sha256_of, text_block
from .laidout import laid_out, positioned_blocks
from .limits import LIMITS, refuse
from .messages import N_

ENCODINGS = ("utf-8-sig", "gb18030", "utf-16")


STRAY_BYTES = 8         # UTF-8 text with at most this many undecodable bytes (or 1 in 1000) is UTF-8


def decode(raw: bytes) -> tuple[str, int]:
    """The text and how many undecodable bytes were replaced (U+FFFD) to read it."""
    if b"\x00" in raw[:4096] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnreadableError(N_("binary data, not a text document"))
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
    raise UnreadableError(N_("text in an unknown encoding (tried UTF-8, GB18030, UTF-16)"))


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
        raise refuse(N_("a text file of {n} MB", n=size >> 20), N_("{n} MB", n=LIMITS.max_text_mb))
    raw = path.read_bytes()
    if not raw.strip():
        raise UnreadableError(N_("empty file"))
    text, stray = decode(raw)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    nonblank = [ln for ln in lines if ln.strip()]
    doc = Document(path=str(path), format="txt", sha256=sha256_of(path))
    if stray:
        doc.warnings.append(N_("{n} byte(s) of this UTF-8 text could not be decoded and were read as '\ufffd'; "
                               "check the figures near them by eye", n=stray))
    if not nonblank:
        raise UnreadableError(N_("no text in file"))
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
        # a stretch of rows printed column by column (PDF text in reading order) put back in rows
        lines = rows_from_columns(lines)
        doc.blocks.append(text_block([ln.strip().strip("|").strip() if "|" in ln else ln
                                      for ln in lines if "|" not in ln or _holds_text(ln)]))
    return doc
