"""Cells printed column by column, put back in rows.

Text taken from a PDF in reading order (pdftotext without ``-layout``, a viewer's copy)
prints a stretch of a table's rows one column at a time: the k rows' 二级指标, a blank line,
their k names, a blank line, their k targets, then the actuals, the scores.  Each column of
the stretch is a paragraph of k lines, and every line of it is the same kind of cell (all
words, or all figures), while a paragraph that is one row of a table (one cell a line)
mixes a name with its figures.

The rule applied: a run of at least ``ColumnSettings.run`` consecutive paragraphs with the
same number k ≥ 2 of lines, each line short enough to be one cell, each paragraph of one
kind and the run holding both kinds (words and figures), is a stretch of k rows printed
column by column; a row's words come before its figures, so words after figures begin the
next stretch.  It is written back as k lines, line i holding the i-th line of each
paragraph in order, cells set apart by two spaces, as ``pdftotext -layout`` prints a row.
Anything else, a paragraph whose cell wrapped onto a second line included, is left as it
stands.
"""
from __future__ import annotations

from dataclasses import dataclass

import regex as re


@dataclass(frozen=True)
class ColumnSettings:
    run: int = 3            # paragraphs in a run: two could be a label over its value, twice
    cell_chars: int = 24    # a line longer than this is wrapped prose, not one cell of a column
    least_rows: int = 2     # a paragraph of one line is a label or one cell, not a column


SETTINGS = ColumnSettings()

# a figure cell: a number with its sign, its unit or its percent ('≥1687 件', '24.27 万元', '85%', '10')
FIGURE = re.compile(r"^[≥≤<>=＞＜≧≦]?\s*[-+]?\d[\d,]*(?:\.\d+)?\s*(?:%|％|‰|\p{Han}{1,4}|[a-zA-Z²³/]{1,6})?$")


def _kind(line: str) -> str:
    return "figure" if FIGURE.match(line.strip()) else "words"


def paragraphs(lines: list[str]) -> list[list[str]]:
    """The lines cut at blank lines (blank lines themselves dropped)."""
    out, cur = [], []
    for ln in lines:
        if ln.strip():
            cur.append(ln)
        elif cur:
            out.append(cur)
            cur = []
    if cur:
        out.append(cur)
    return out


def _column(p: list[str], s: ColumnSettings) -> str | None:
    """The kind every line of a paragraph is, where it can be a column of cells (else None)."""
    if len(p) < s.least_rows or any(len("".join(ln.split())) > s.cell_chars for ln in p):
        return None
    kinds = {_kind(ln) for ln in p}
    return kinds.pop() if len(kinds) == 1 else None


def rows_from_columns(lines: list[str], s: ColumnSettings = SETTINGS) -> list[str]:
    """The lines with every stretch of rows printed column by column put back in rows; the
    paragraphs' blank lines are kept between what is not rewritten."""
    paras = paragraphs(lines)
    out: list[str] = []
    i = 0
    while i < len(paras):
        kind = _column(paras[i], s)
        j = i
        kinds = set()
        while j < len(paras) and len(paras[j]) == len(paras[i]) and _column(paras[j], s) is not None:
            if j > i and _column(paras[j - 1], s) == "figure" and _column(paras[j], s) == "words":
                break       # a row's words come before its figures: words after figures start the next stretch
            kinds.add(_column(paras[j], s))
            j += 1
        if kind is not None and j - i >= s.run and kinds == {"figure", "words"}:
            run = paras[i:j]
            out.extend("  ".join(p[r].strip() for p in run) for r in range(len(paras[i])))
            out.append("")
            i = j
            continue
        out.extend(paras[i])
        out.append("")
        i += 1
    return out
