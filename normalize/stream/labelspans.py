"""The spans of a column's group labels among its names' lines: each label stands at the
middle of its merged cell, read down the page with the names' lines (a label comes before a
name's line of the same height)."""
from __future__ import annotations

from dataclasses import dataclass
from math import prod

from ..values import parse_number


@dataclass(frozen=True)
class Label:
    """A group label read in the label block: its level, its text, and how many of the
    block's name lines stand before it."""
    level: str
    text: str
    lines_before: int


GROUPINGS = 8       # groupings of a block's lines by its labels followed at most (more: none told)
COMBINATIONS = 64   # combinations of the 二级 labels' groupings followed at most (more: none told)


def _product(options: list[list]) -> list[tuple]:
    out: list[tuple] = [()]
    for opts in options:
        out = [o + (x,) for o in out for x in opts]
    return out


def _groups(labels: list[Label], top: int, end: int, open_end: bool = False) -> list[list[tuple[int, int]]]:
    """Each label's span of lines (its merged cell), back to back from ``top`` to ``end``,
    each label standing at its span's middle (read down the page, a label comes before a
    name line of the same height: its middle m lies in (k − ½, k + ½] for k lines before
    it).  Every such grouping (a few at most).  ``open_end``: the text ends inside the
    block, so the spans may stop short of ``end`` (a label after them lost) or the last run
    past it (its cell cut)."""
    found: list[list[tuple[int, int]]] = []

    def place(i: int, t: int, acc: list) -> None:
        if len(found) > GROUPINGS:
            return
        if i == len(labels):
            if t == end or open_end:
                found.append(acc)
            return
        k = labels[i].lines_before
        for span in (2 * (k - t), 2 * (k - t) + 1):
            if span >= 1 and (t + span <= end or open_end and i == len(labels) - 1):
                place(i + 1, t + span, acc + [(t, t + span)])

    place(0, top, [])
    return found


def _levels_by_points(placed: list[Label], points: list[float | None], cuts: list[tuple[int, int]],
                      rows: list[dict]) -> list[tuple[str | None, str | None]] | None:
    """Each row's (一级, 二级) labels where every label prints its points and every row its
    weight: a label's rows are the one run of rows whose middle is its place and whose
    weights sum to its points; a label whose rows lie inside another's is 二级 (of two over
    the same rows, the one read second).  None where a label has no such run, or several."""
    weights = [parse_number(b["weight"][0].key) if b.get("weight") else None for b in rows]
    if None in points or None in weights:
        return None
    bounds = [c[0] for c in cuts] + [cuts[-1][1]]
    spans = []
    for lab, pts in zip(placed, points):
        runs = [(a, b) for a in range(len(cuts)) for b in range(a + 1, len(cuts) + 1)
                if lab.lines_before - 0.5 < (bounds[a] + bounds[b]) / 2 <= lab.lines_before + 0.5
                and abs(sum(weights[a:b]) - pts) < 1e-6]
        if len(runs) != 1:
            return None
        spans.append(runs[0])
    inner = {i for i, (a, b) in enumerate(spans) for j, (c, d) in enumerate(spans)
             if i != j and c <= a and b <= d and ((c, d) != (a, b) or j < i)}
    out = []
    for r in range(len(cuts)):
        l1 = next((placed[i].text for i, (a, b) in enumerate(spans) if i not in inner and a <= r < b), None)
        l2 = next((placed[i].text for i, (a, b) in enumerate(spans) if i in inner and a <= r < b), None)
        out.append((l1, l2))
    return out




def levels_by_places(placed: list[Label], cuts: list[tuple[int, int] | None], end: int
                     ) -> list[tuple[str | None, str | None]]:
    """Each row's (一级, 二级) labels told by the labels' places alone where the text ends
    inside the block (so the count of rows tells no count of lines): a row named by ``cuts``
    gets the labels every grouping (``label_groupings``) gives it; (None, None) where they
    differ, where it lies past every span, or where no grouping fits."""
    found = label_groupings(placed, cuts, end)
    if not found:
        return [(None, None)] * len(cuts)
    return [lv[0] if len(set(lv)) == 1 else (None, None) for lv in zip(*found)]


def label_groupings(placed: list[Label], cuts: list[tuple[int, int] | None], end: int
                    ) -> list[list[tuple[str | None, str | None]]] | None:
    """Every grouping of the block's lines by the 一级 labels back to back from its first
    line, and by the 二级 labels back to back inside each (``_groups``, open at the text's
    end), whose bounds cut no told name, as each row's (一级, 二级) labels; [] where none
    fits or the block does not open with a row's name; None where the groupings are too many
    to follow."""
    told = [c for c in cuts if c is not None]
    if not told or told[0][0] != 0:
        return []

    def cuts_a_name(spans: list[tuple[int, int]]) -> bool:
        return any(a < x < b for sp in spans for x in sp for a, b in told)

    ones = [p for p in placed if p.level == "level1"]
    twos = [p for p in placed if p.level == "level2"]
    firsts = _groups(ones, 0, end, open_end=True) if ones else [[(0, max(end, told[-1][1]))]]
    if len(firsts) > GROUPINGS:
        return None
    found: list[list[tuple[str | None, str | None]]] = []
    for spans1 in firsts:
        if cuts_a_name(spans1):
            continue
        options = []
        for k, sp in enumerate(spans1):
            inside = [p for p in twos if sp[0] <= p.lines_before < sp[1]]
            last = k == len(spans1) - 1
            got = [list(zip(inside, g)) for g in _groups(inside, sp[0], sp[1], open_end=last)
                   if not cuts_a_name(g)] if inside else [[]]
            options.append(got)
        if not all(options):
            continue
        if prod(len(o) for o in options) > COMBINATIONS:
            return None
        for combo in _product(options):
            pairs = [pair for part in combo for pair in part]
            found.append([(next((p.text for p, sp in zip(ones, spans1) if sp[0] <= c[0] < sp[1]), None),
                           next((p.text for p, sp in pairs if sp[0] <= c[0] < sp[1]), None))
                          if c is not None else (None, None) for c in cuts])
    return found
