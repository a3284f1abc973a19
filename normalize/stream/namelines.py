"""The lines of a narrow column's names read down the page: where a name ends.

A line narrower than the column (the width most lines have, less ``LINE_SLACK``) ends its
name; a line as wide may end one too, where both names it would leave hold ``MIN_NAME``
characters and the first closes its brackets.
"""
from __future__ import annotations

from collections import Counter

import regex as re

from ..text import display_width


LINE_SLACK = 1      # display columns a full line may fall short of the column's width (a
                    # half-width character that did not fit)


def _short_ends(widths: list[int]) -> set[int]:
    """The ends of the lines narrower than the column (the width most lines have, the widest
    on a tie), less ``LINE_SLACK``: each ends its name."""
    col = max(Counter(widths).items(), key=lambda kv: (kv[1], kv[0]))[0]
    return {k + 1 for k, w in enumerate(widths) if w < col - LINE_SLACK}


MIN_NAME = 4        # characters a name holds at least (the 29 real cases: none shorter, but one
                    # name cut by its page, '育补助')


def _named_from_start(texts: list[str], rows: int) -> list[tuple[int, int] | None]:
    """The names a block of lines tells from its start alone, without knowing how many it
    holds: each ends at a line narrower than the column, up to the first full line a name
    may also end at (``_may_end``); the block's last name is left out (the text may end
    inside it)."""
    if not texts:
        return [None] * rows
    ends = _short_ends([display_width(x) for x in texts])
    out: list[tuple[int, int] | None] = []
    top = 0
    for k in range(1, len(texts)):
        if k in ends:
            if top == 0 and len("".join(texts[:k])) < MIN_NAME:
                top = k         # the tail of a name printed before the block: no name of its own
                continue
            out.append((top, k))
            top = k
        elif _may_end(k, ends | {len(texts)}, texts):
            break
    out = out[:rows]
    return out + [None] * (rows - len(out))


def _may_end(p: int, ends: set[int], texts: list[str] | None) -> bool:
    """Whether a name may end after line ``p`` (a full line) between the ends told."""
    if texts is None:
        return True
    prev = max((e for e in ends if e < p), default=0)
    nxt = min(e for e in ends if e > p)
    head, tail = "".join(texts[prev:p]), "".join(texts[p:nxt])
    opened = len(re.findall(r"[(（]", head)) - len(re.findall(r"[)）]", head))
    return len(head) >= MIN_NAME and len(tail) >= MIN_NAME and opened <= 0
