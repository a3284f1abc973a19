"""A token of the stream: a cell's text (or a piece of it) with its key, its cell and its line."""
from __future__ import annotations

from dataclasses import dataclass

from extract.grid import Cell


@dataclass
class Tok:
    text: str
    key: str
    cell: Cell
    line: int
    glued: bool = False      # from text whose cells ran together: its digits may be several figures
    cut: str | None = None   # the run of digits this figure was cut from by the row's arithmetic
    whole: bool = False      # a cell its table's column grammar bounded: no wrapped piece of a neighbour

    def joined(self, nxt: "Tok") -> "Tok":
        """This token with the next one's text after it, in this token's cell and line (a
        piece a line or a cell broke off, put back)."""
        return Tok(self.text + nxt.text, self.key + nxt.key, self.cell, self.line, self.glued)
