"""Names told from a block's start, pinned to the rows they name by their own counts: a name
printing a count ('建设灾备云节点(8个)') stands beside the target setting it ('=8个'), a rate's
name ('…率') beside a rate."""
from __future__ import annotations

from functools import lru_cache

import regex as re

from ..text import display_width, vocabulary
from .labelspans import label_groupings
from .namelines import MIN_NAME, _may_end, _short_ends
from .tok import Tok


COUNT_IN_NAME = re.compile(r"[(（](\d+(?:\.\d+)?)\s*(\p{Han}{1,2}|[A-Za-z]{1,3})[)）]")    # '建设灾备云节点(8个)'


def lines_text(lines: list[Tok], cut: tuple[int, int]) -> str:
    return "".join("".join(t.text.split()) for t in lines[cut[0]:cut[1]])


PIN_PATHS = 2000      # cuts of a block followed at most in telling its names by their pins


TARGET_COUNT = re.compile(r"(\d+(?:\.\d+)?)\s*(\p{Han}{1,2}|[A-Za-z]{1,3})?$")     # '=8个', '≥10'


def _target(b: dict) -> str:
    return "".join("".join(t.text.split()) for t in b.get("target", ()))


def _count_set(m: re.Match, b: dict) -> bool:
    """The row's target sets the count a name prints (``m``, of ``COUNT_IN_NAME``): the same
    figure, in the same unit where the target prints one."""
    got = TARGET_COUNT.search(_target(b))
    return bool(got) and float(got.group(1)) == float(m.group(1)) and (got.group(2) or m.group(2)) == m.group(2)


def _fits_pin(name: str, b: dict) -> bool:
    """A name printing a count ('…(8个)') ends with it, and stands beside the target setting
    it; a name ending in a unit of two characters or more ('组织培训人次') stands beside no
    target printed in another unit ('≥100件'), a rate's name ('…率') beside none printed with
    a unit of counts."""
    m = COUNT_IN_NAME.search(name)
    if m is not None:
        return m.end() == len(name) and _count_set(m, b)
    unit = next((u for u in _long_units() if name.endswith(u)), None)
    got = TARGET_COUNT.search(_target(b))
    if name.endswith("率") and got and got.group(2):
        return False            # (a rate's name beside a count: '…验收合格率' | '≥1248人次')
    return unit is None or not (got and got.group(2)) or got.group(2) == unit


@lru_cache(maxsize=1)
def _long_units() -> tuple[str, ...]:
    return tuple(sorted((u for u in vocabulary()["values"]["units"] if len(u) >= 2), key=len, reverse=True))


def _told_by_pins(texts: list[str], top: int, rows: list[dict], placed: list | None = None
                  ) -> list[tuple[int, int] | None] | None:
    """The names a block tells from line ``top`` on, paired with ``rows`` in order, where a
    full line's end is told by the names' pins: every cut of the lines into names (each ends
    at a line narrower than the column, or at a full line where a name may end, and holds
    ``MIN_NAME`` characters) whose names printing counts stand beside their targets.  A row
    is named where every such cut gives it the same lines, wherever the cuts before it part
    (they then agree on how many names those lines hold); a row on which they differ gets
    None.  A cut reaching lines that open no whole name ends there (the text's end cut a
    name short), the rows after it unknown under it; the last name of a cut is left out (the
    text may end inside it).  Where the block's group labels are given (``placed``, the block
    read from its first line), only the cuts some grouping by their places fits.  None where
    the cuts are too many to follow, or no row is told."""
    ends = _short_ends([display_width(x) for x in texts])
    n = len(texts)
    paths: list[list[tuple[int, int]]] = []

    def walk(p: int, acc: list) -> None:
        if len(paths) > PIN_PATHS:
            return
        if p == n or len(acc) == len(rows):
            paths.append(acc)
            return
        whole = False
        for e in range(p + 1, n + 1):
            short = e in ends
            if e < n and not short and not _may_end(e, ends | {n}, texts):
                continue
            name = "".join(texts[p:e])
            if len(name) >= MIN_NAME:
                whole = True
                if _fits_pin(name, rows[len(acc)]):
                    walk(e, acc + [(p, e)])
            if short:
                break           # (a narrower line ends its name)
        if not whole:
            # no whole name opens here (and no pin refused one): a name the text's end cut
            # short, or lines broken apart; the cut ends here, its rows after unknown
            paths.append(acc)

    walk(top, [])
    if not paths or len(paths) > PIN_PATHS:
        return None
    if placed and top == 0:
        # the group labels stand at their cells' middles: the cuts some grouping by them fits
        # (where none does, the labels tell nothing and every cut stands)
        fits = [x for x in paths if label_groupings(placed, list(x), n) != []]
        paths = fits or paths
    told: list[tuple[int, int] | None] = [paths[0][k] if len({x[k] for x in paths}) == 1 else None
                                          for k in range(min(len(x) for x in paths))]
    complete = [x for x in paths if x and x[-1][1] < n]
    if told and not complete and told[-1] is not None and told[-1][1] == n:
        told = told[:-1]
    while told and told[-1] is None:
        told.pop()
    return told if any(c is not None for c in told) else None


def _pinned(names: list[str], rows: list[dict]) -> int | None:
    """The row the first of ``names`` (told from a block's start) is, where the names' own
    counts pin it: a name printing a count ('建设灾备云节点(8个)') stands beside the target
    setting it ('=8个'), a rate's name ('…率') beside a rate ('=70%').  The one offset at
    which two names or more are so pinned and none printing a count meets another figure;
    None where no offset, or more than one, is."""
    best: list[tuple[int, int]] = []
    for at in range(0, len(rows) - len(names) + 1):
        pins, ok = 0, True
        for name, b in zip(names, rows[at:]):
            m = COUNT_IN_NAME.search(name)
            if m:
                if not _count_set(m, b):
                    ok = False
                    break
                pins += 2
            elif name.endswith("率"):
                pins += 1 if _target(b).endswith("%") else -1
        if ok and pins >= 3:
            best.append((pins, at))
    if not best:
        return None
    best.sort(reverse=True)
    return best[0][1] if len(best) == 1 or best[0][0] > best[1][0] else None
