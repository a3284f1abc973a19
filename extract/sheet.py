"""Spreadsheets: .xlsx with openpyxl, legacy .xls with xlrd.  Each sheet is one aligned
block; merged ranges become merged cells; numbers are rendered as the sheet shows them
(number format decimals, percentages), so a form's precision survives."""
from __future__ import annotations

import io
import re
import zipfile
import zlib
from pathlib import Path

from .grid import Block, Document, UnreadableError, detail_of, grid_from_spans, sha256_of
from .limits import check_grid, check_span
from .messages import N_

MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Za-z]{1,4})(\d{1,8}):([A-Za-z]{1,4})(\d{1,8})"')


def render_number(v: float, fmt: str | None) -> str:
    fmt = fmt or "General"
    pct = "%" in fmt
    if pct:
        v = v * 100
    dec = None
    if "." in fmt:
        frac = fmt.split(".", 1)[1]
        dec = len(frac) - len(frac.lstrip("0#"))
    elif any(ch in fmt for ch in "0#"):
        dec = 0
    if dec is None:
        text = repr(round(v, 10))
        if text.endswith(".0"):
            text = text[:-2]
    else:
        text = f"{v:.{dec}f}"
    return text + ("%" if pct else "")


def sheet_block(values: dict[tuple[int, int], str], merges: list[tuple[int, int, int, int]],
                page: int, name: str) -> Block:
    """values: (row, col) → text; merges: (row0, col0, row1, col1) inclusive, 0-based."""
    if values:
        check_grid(max(r for r, _ in values) + 1, max(c for _, c in values) + 1, N_("sheet {name!r}", name=name))
    for r0, c0, r1, c1 in merges:
        _check_merge(r0, c0, r1, c1, name)
    covered = set()
    spans = []
    for r0, c0, r1, c1 in merges:
        spans.append((r0, c0, r1 - r0 + 1, c1 - c0 + 1, values.get((r0, c0), ""), {}))
        covered.update((r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1))
    for (r, c), t in values.items():
        if (r, c) not in covered:
            spans.append((r, c, 1, 1, t, {}))
    block = grid_from_spans(spans, page=page)
    block.sheet = name
    block.rows = [row for row in block.rows if any(c.clean for c in row)]
    return block


def _check_merge(r0: int, c0: int, r1: int, c1: int, name: str) -> None:
    check_grid(r1 + 1, c1 + 1, N_("a merged range of sheet {name!r}", name=name))
    check_span((r1 - r0 + 1) * (c1 - c0 + 1), N_("a merged range of sheet {name!r}", name=name))


def _column(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n - 1


def _check_xlsx_merges(path: str | Path) -> None:
    """Merged ranges straight from the sheets' XML, before openpyxl expands each into a
    cell object per covered position (a merge to XFD1048576 is 17 billion of them)."""
    try:
        with zipfile.ZipFile(path) as z:
            sheets = [(i.filename.rsplit("/", 1)[-1], z.read(i)) for i in z.infolist()
                      if i.filename.startswith("xl/worksheets/") and i.filename.endswith(".xml")]
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError) as e:
        raise UnreadableError(N_("not a readable Excel workbook: a part of it is damaged"), detail=detail_of(e))
    for name, xml in sheets:
        for m in MERGE_REF.finditer(xml):
            r0, r1 = sorted((int(m[2]) - 1, int(m[4]) - 1))
            c0, c1 = sorted((_column(m[1]), _column(m[3])))
            _check_merge(r0, c0, r1, c1, name)


def read_xlsx(path: str | Path) -> Document:
    import openpyxl
    _check_xlsx_merges(path)
    try:
        with open(path, "rb") as fh:       # a file object: openpyxl then does not judge by the name (.dat)
            wb = openpyxl.load_workbook(fh, data_only=True, read_only=False)
    except Exception as e:
        raise UnreadableError(N_("not a readable Excel workbook: the file is damaged or not in Excel's format"),
                              detail=detail_of(e))
    doc = Document(path=str(path), format="xlsx", sha256=sha256_of(path), pages=len(wb.worksheets))
    for i, ws in enumerate(wb.worksheets, start=1):
        values = {}
        # the cells the sheet holds, not every position up to its farthest cell
        for cell in sorted(ws._cells.values(), key=lambda c: (c.row, c.column)):
            v = cell.value
            if v is None:
                continue
            if isinstance(v, bool):
                t = str(v)
            elif isinstance(v, (int, float)) and abs(v) < 1e300:
                t = render_number(float(v), cell.number_format)
            else:
                t = str(v)
            values[(cell.row - 1, cell.column - 1)] = t
        merges = [(m.min_row - 1, m.min_col - 1, m.max_row - 1, m.max_col - 1) for m in ws.merged_cells.ranges]
        doc.blocks.append(sheet_block(values, merges, i, ws.title))
    return doc


def read_xls(path: str | Path) -> Document:
    import xlrd
    try:
        wb = xlrd.open_workbook(str(path), formatting_info=True, ragged_rows=True, logfile=io.StringIO())
    except Exception as e:
        raise UnreadableError(N_("not a readable legacy Excel (.xls) workbook: the file is damaged or not in "
                                 "Excel 97's format"), detail=detail_of(e))
    doc = Document(path=str(path), format="xls", sha256=sha256_of(path), pages=wb.nsheets)
    for i, sh in enumerate(wb.sheets(), start=1):
        values = {}
        for r in range(sh.nrows):
            for c in range(sh.row_len(r)):
                cell = sh.cell(r, c)
                if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    continue
                if cell.ctype == xlrd.XL_CELL_NUMBER:
                    fmt = wb.format_map.get(wb.xf_list[cell.xf_index].format_key)
                    t = render_number(cell.value, fmt.format_str if fmt else None)
                else:
                    t = str(cell.value)
                values[(r, c)] = t
        merges = [(r0, c0, r1 - 1, c1 - 1) for r0, r1, c0, c1 in sh.merged_cells if r1 > r0 and c1 > c0]
        doc.blocks.append(sheet_block(values, merges, i, sh.name))
    return doc
