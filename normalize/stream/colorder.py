"""Indicator tables whose text came in column order: the rows' figures printed apart from
their names.

A PDF's text taken block by block prints a table's figure columns row by row, and its
label columns (group labels, names) as a block of their own, before or after.  Two kinds:

* names printed whole, one a row (``column_order``): the rows cut from the figures and the
  names counted alike are paired in order;
* names wrapped in a narrow column (``names_after_figures``): the label block is the
  column's lines read down the page, each group label where the middle of its merged cell
  stands among the names' lines.  A line narrower than the column ends its name; one as
  wide may.  The figures are cut into rows with no name column; the names are cut so that
  each group label stands at the middle of its rows and the names count as many as the
  rows, and paired in order.  A row is named only where every cut that fits agrees on it;
  where the text ends with the block (its last names may be lost), only the names told from
  its start.  A row not named keeps its figures, set aside: no row is named by a guess.
"""
from __future__ import annotations

from itertools import combinations, pairwise
from math import comb, prod

import regex as re

from ..schema import Form
from ..text import display_width, key, matches, vocabulary
from ..values import parse_number, parse_weight
from .align import rows_scored
from .labelspans import COMBINATIONS, GROUPINGS, Label, _groups, _levels_by_points, _product, levels_by_places
from .namelines import MIN_NAME, _may_end, _named_from_start, _short_ends
from .pins import PIN_PATHS, _fits_pin, _pinned, _told_by_pins, lines_text
from .regions import Mapping
from .tokens import Tok, _is_word, _sign_only, _value_res

FIGURE_ROLES = ("target", "actual", "weight", "score", "rate")
FIT_SLACK = 0.3     # how much worse a row, cut with no name column, may fit the figures than
                    # rows with one (measured: column order's figures fit up to 0.18 a row worse,
                    # a worded target taken for a name; row-order tables of real forms 34 and 44
                    # fit 0.7 and 1.7 a row worse)


def _figure_roles(roles: tuple[str, ...]) -> tuple[str, ...]:
    """The columns of a row that hold its figures (not its number, labels or name)."""
    return tuple(r for r in roles if r not in ("name", "seq", "level1", "level2"))


def _has_figures(b: dict) -> bool:
    return any(parse_number(t.key) is not None or _value_res()[0].fullmatch(t.key)
               for r in FIGURE_ROLES for t in b.get(r, ()))


def _is_figure(t: Tok) -> bool:
    return parse_number(t.key) is not None or bool(_value_res()[0].fullmatch(t.key)) and \
        bool(re.search(r"\d", t.key))


def name_block_start(toks: list[Tok]) -> int | None:
    """Where the trailing block of names begins: the longest tail of the region that holds
    no figure, but for the rows' numbers counting down from its end to 1 (a sequence column
    printed with the names).  None where the tail is empty."""
    n = len(toks)
    start, expect = n, None
    for i in range(n - 1, -1, -1):
        t = toks[i]
        if SEQ.fullmatch(t.key) and (expect is None or int(t.key) == expect):
            if expect is None:
                expect = int(t.key)
            if expect == 0:
                break
            expect -= 1
            start = i
            continue
        if _is_figure(t):
            break
        start = i
    if expect not in (None, 0):
        # numbers that do not count down to 1 are figures: the block starts after the last
        start = next((i + 1 for i in range(n - 1, -1, -1) if _is_figure(toks[i])), 0)
    return start if n - start >= 1 else None


LEVELS = ("level1", "level2")
SEQ = re.compile(r"\d{1,3}")
POINTS = re.compile(r"[(（]\d+(?:\.\d+)?分?\s*[)）]$")


def strict_label(k: str) -> bool:
    """A group label as a label block prints it whole: its level's word ('…指标', '…目标'),
    or any label with its points ('规划(35分)').  (A name's line may read '满意度'.)"""
    return bool(POINTS.search(k)) or k.endswith(("指标", "目标"))


def _level_down_page(level: str, k: str) -> str:
    """A label's level in a block read down the page, where two labels one after the other
    are no 一级 and its 二级 (they stand at their cells' middles): the vocabulary's level for
    a label it knows as one level's alone, else the level the labels' order gave."""
    known = [lv for lv in LEVELS if matches(vocabulary()["levels"][lv], k)]
    return known[0] if len(known) == 1 else level


def _cuts(ends: set[int], open_: list[int], more: int, texts: list[str] | None,
          pins: list[dict] | None) -> list[dict[int, tuple[int, int]]]:
    """The cuts of the lines into names at ``ends`` and ``more`` of the full lines' ``open_``
    ends, each as {row: (first line, end)}.  Where the rows are given (``pins``) and the
    choices are few enough to follow (``PIN_PATHS``), every choice whose names all may end
    where they do and whose names printing counts stand beside their targets
    (``_fits_pin``); else the one cut the count tells alone: a name before every open end
    keeps its place, one after them all is ``more`` places on."""
    bounds = (0, *sorted(ends))
    if more and pins is not None and texts is not None and comb(len(open_), more) <= PIN_PATHS:
        out = []
        for chosen in combinations(open_, more):
            every = set(ends) | set(chosen)
            if any(not _may_end(e, every - {e}, texts) for e in chosen):
                continue
            names = list(pairwise((0, *sorted(every))))
            if all(_fits_pin("".join(texts[a:b]), row) for (a, b), row in zip(names, pins)):
                out.append(dict(enumerate(names)))
        return out
    cut: dict[int, tuple] = {}
    for j, (top, end) in enumerate(pairwise(bounds)):
        if not more or end <= open_[0]:
            cut[j] = (top, end)
        elif top >= open_[-1]:
            cut[j + more] = (top, end)
    return [cut] if not pins or texts is None or all(
        _fits_pin("".join(texts[a:b]), pins[j]) for j, (a, b) in cut.items() if j < len(pins)) else []


def _segmented(widths: list[int], placed: list[Label], rows: int, certain: set[int] | None = None,
               texts: list[str] | None = None, pins: list[dict] | None = None
               ) -> tuple[list[tuple[int, int] | None], list[tuple[str | None, str | None]]] | None:
    """The name lines cut into ``rows`` names (each name's first and end line, None where
    the cuts that fit disagree on it), and each row's (一级, 二级) labels; None where no cut
    fits.  A line narrower than the column (the width most lines have) ends its name; one
    as wide may: the labels' places tell some such ends (a label stands at the middle of
    its merged cell, whose ends are ends of names), and the count of rows how many more
    there are, not where.  A block of as many lines as rows is a name a line; ``certain``
    gives the names' ends where something else told them (the rows' numbers).  Where the
    lines' ``texts`` are given, a full line ends a name only where both names it leaves hold
    ``MIN_NAME`` characters and the first closes its brackets; where the ``pins`` (the rows)
    are given, a name printing a count stands beside the target setting it (``_cuts``)."""
    m = len(widths)
    free: set[int] = set()
    if certain is None:
        if m == rows:
            certain = {k + 1 for k in range(m)}
        else:
            certain = {m} | _short_ends(widths)
            free = {k + 1 for k in range(m - 1)} - certain
    ones = [p for p in placed if p.level == "level1"]
    twos = [p for p in placed if p.level == "level2"]
    found: list[tuple[dict, list]] = []
    whole: list[tuple[dict, list]] = []      # the cuts where every 二级 label found its span
    groupings = _groups(ones, 0, m) if ones else [[]]
    if len(groupings) > GROUPINGS:
        return None             # (more groupings than followed: an agreement over some is no agreement)
    for spans1 in groupings:
        options, complete = [], True
        for sp in (spans1 or [(0, m)]):
            inside = [p for p in twos if sp[0] <= p.lines_before < sp[1]]
            found2 = _groups(inside, sp[0], sp[1])
            if len(found2) > GROUPINGS:
                return None
            grouped = [list(zip(inside, g)) for g in found2]
            complete = complete and (bool(grouped) or not inside)
            options.append(grouped or [[]])
        if prod(len(o) for o in options) > COMBINATIONS:
            return None
        for combo in _product(options):
            placed2 = [pair for part in combo for pair in part]
            ends = set(certain) | {e for _, e in spans1} | {sp[1] for _, sp in placed2}
            if any(not _may_end(e, ends - {e}, texts) for e in ends - certain):
                continue            # a label's span would leave a name too short, or one unclosed
            more = rows - len(ends)
            open_ = sorted(p for p in free - ends if _may_end(p, ends, texts))
            if more < 0 or more > len(open_):
                continue
            for cut in _cuts(ends, open_, more, texts, pins):
                lv = [(next((p.text for p, sp in zip(ones, spans1) if sp[0] <= top < sp[1]), None),
                       next((p.text for p, sp in placed2 if sp[0] <= top < sp[1]), None)) for top, _ in cut.values()]
                found.append((cut, dict(zip(cut, lv))))
                if complete:
                    whole.append(found[-1])
    results = whole or found
    if not results:
        return None
    # where several cuts fit, a row is told only where they all agree: its lines, its labels
    spans = [{c.get(r) for c, _ in results} for r in range(rows)]
    labels = [{lv.get(r) for _, lv in results} for r in range(rows)]
    return ([next(iter(sp)) if len(sp) == 1 else None for sp in spans],
            [next(iter(lv)) if len(lv) == 1 and None not in lv else (None, None) for lv in labels])


LINE_MOST = 20      # characters a line of a narrow column holds at most (a longer cell is no line)


def _as_printed(tok: Tok, block: list[Tok]) -> list[Tok]:
    """A name's line as the page printed it: the tokeniser cuts a line at the labels it holds
    ('绩效指标明' → '绩效指标' | '明', the label then read as the table's): the line is its cell's
    text, once for the cell's tokens."""
    text = tok.cell.text.strip()
    if block and block[-1].cell is tok.cell:
        return []                   # (the cell's line is in the block already)
    if text == tok.text or tok.text not in text or len(text) > LINE_MOST:
        return [tok]
    return [Tok(text, key(text), tok.cell, tok.line, tok.glued)]


def names_after_figures(data: list[tuple], labels: dict[int, list[tuple]],
                        roles: tuple[str, ...], rep: Mapping, pinned_only: bool = False
                        ) -> tuple[list[dict], dict] | None:
    """The region's rows where its names were printed after all its figures: (bindings,
    each name's first token → its (一级, 二级) labels), or None where the region is not so
    printed.  ``labels`` holds the group labels (level, text, token) read before each
    position of ``data``.  Rows whose names cannot be told for certain keep their figures
    and no name.  ``pinned_only``: the figures may open with cells of rows named elsewhere,
    so names pair only where their own counts pin them (``_pinned``)."""
    start = name_block_start([d[0] for d in data])
    if start is None and any(strict_label(tok.key) for *_, tok in labels.get(len(data), ())):
        start = len(data)       # group labels after the last figure and no name: a block cut at its start
    if start is None or start == 0:
        return None
    figure_roles = _figure_roles(roles)
    before = [i for i in range(start) for _, text, _ in labels.get(i, ())
              if any(matches(lv, text) for lv in vocabulary()["levels"].values())]
    if not figure_roles:
        return None
    if before:
        return _after_rows_read_across(data, labels, roles, rep, max(before), start)
    items = [d[0] for d in data[:start]]
    fit, rows = rows_scored(items, figure_roles, False)
    scored = bool({"weight", "score"} & set(figure_roles))
    # rows that are no rows of figures (text read across the table's head: its first rows'
    # lines, the header's) stand only before the rows the names are pinned to (``_pinned``)
    flawed = [k for k, b in enumerate(rows) if not _has_figures(b) or scored and not (b.get("weight") or b.get("score"))]
    # (past the first whole row, a row with figures and no points is a row whose points were
    # printed blank)
    broken = [k for k in flawed if not _has_figures(rows[k]) or all(j in flawed for j in range(k))]
    if len(rows) - (broken[-1] + 1 if broken else 0) < 2:
        return None
    if fit < rows_scored(items, roles, False)[0] - FIT_SLACK * len(rows):
        return None             # rows with a name fit the figures better: names stand among them
    # the block read down the page: the names' lines, and the group labels among them; a
    # level's word printed bare ('满意度') is a name's line there (a label prints whole)
    block: list[Tok] = []
    placed_at: list[tuple[str, str, int, str]] = []
    for i in range(start, len(data) + 1):
        for level, text, tok in labels.get(i, ()):
            head = tok.cell.text.strip()
            rest = key(tok.text[len(head):]) if tok.text.startswith(head) and len(head) < len(tok.text) else ""
            if rest and strict_label(rest) and any(matches(vocabulary()["levels"][lv], rest) for lv in LEVELS):
                # a name's line joined to the label after it as one broken label ('服务对象' +
                # '满意度指标'): the line is the name's, the label the rest
                block.append(Tok(head, key(head), tok.cell, tok.line, tok.glued))
                level = next(lv for lv in LEVELS if matches(vocabulary()["levels"][lv], rest))
                placed_at.append((level, tok.text[len(head):], len(block), rest))
            elif strict_label(tok.key) and level != "line":
                placed_at.append((_level_down_page(level, tok.key), text, len(block), tok.key))
            else:
                block.append(tok)       # (a level's word, or the table's label, printed as a name's line)
        if i < len(data):
            block.extend(_as_printed(data[i][0], block))
    numbered = bool(block) and SEQ.fullmatch(block[0].key) is not None
    lines = [t for t in block if not (numbered and SEQ.fullmatch(t.key))]
    placed = [Label(level, text, sum(1 for t in block[:at] if not (numbered and SEQ.fullmatch(t.key))))
              for level, text, at, _ in placed_at]
    if len(placed) >= 2 and all(p.lines_before >= len(lines) for p in placed):
        return None             # labels all after the lines, none at its cell's middle: no label column
    if numbered and (broken or pinned_only):
        return None
    if numbered:
        # the rows' numbers cut the names; the labels only group them
        heights: list[int] = []
        for t in block:
            if SEQ.fullmatch(t.key):
                heights.append(0)
            else:
                heights[-1] += 1
        cut_after = bool(heights) and heights[-1] == 0     # the text ends at a row's number
        if cut_after:
            heights.pop()
        if len(heights) > len(rows) or not all(heights):
            return None
        ends = [sum(heights[:k + 1]) for k in range(len(heights))]
        cuts = list(zip([0] + ends, ends))
        if cut_after and len(heights) < len(rows):
            cuts += [None] * (len(rows) - len(heights))
            levels = [(None, None)] * len(rows)
        elif len(heights) < len(rows):
            # the text ends inside the block: the last number's name may be cut, and the
            # rows after it print no name
            cuts = cuts[:-1] + [None] * (len(rows) - len(heights) + 1)
            levels = [(None, None)] * len(rows)
        else:
            seg = _segmented([1] * len(lines), placed, len(rows), set(ends))
            levels = seg[1] if seg is not None else [(None, None)] * len(rows)
    else:
        texts = ["".join(t.text.split()) for t in lines]
        seg = _segmented([display_width(x) for x in texts], placed, len(rows), texts=texts, pins=rows) \
            if len(lines) >= len(rows) and not rep.table_ends_text else None
        # (no cut of the lines into as many names as rows fits, or fewer lines than rows, or the
        # text ends with the block, which may have lost its last names (the count of rows is
        # then no count of names): the names told from its start stand)
        cuts, levels = seg or (_named_from_start(texts, len(rows)), [(None, None)] * len(rows))
        if not seg:
            # names told from the block's start pair with the rows their own counts pin them
            # to; with no pin, from the first row (none before it may be broken)
            at = _pinned([lines_text(lines, c) for c in cuts if c is not None], rows)
            tail = any(c is not None for c in cuts) and next(c for c in cuts if c is not None)[0] > 0
            if at is None and (broken or tail or pinned_only):
                return None     # (a name's tail opening the block: a row before it named elsewhere)
            told = [c for c in cuts if c is not None]
            if told or not at and not broken and not pinned_only:
                # past a full line that may end a name, the cuts the names' pins and the group
                # labels' places allow (from the block's first line where none was told)
                top = told[0][0] if told else 0
                told = _told_by_pins(texts, top, rows[at or 0:], placed if not at else None) or told
                cuts = ([None] * (at or 0) + told + [None] * len(rows))[:len(rows)]
            if at:
                rep.unplaced.append(f"column order: the block of names pinned to the rows from row {at + 1} "
                                    f"by the counts its names print")
            else:
                levels = levels_by_places(placed, cuts, len(lines))
        elif broken or pinned_only:
            return None
    if placed_at and None not in cuts:
        levels = _levels_by_points(placed, [parse_weight(k) for *_, k in placed_at], cuts, rows) or levels
    out, named = [], {}
    for cut, b, lv in zip(cuts, rows, levels):
        if cut is None:             # lines the cuts that fit share out differently: no name
            rep.unplaced.append("a row whose name's lines in a block of names are not told apart")
            out.append(dict(b))
            continue
        name = lines[cut[0]:cut[1]]
        named[id(name[0])] = lv
        out.append({"name": name, **b})
    rep.unplaced.append(f"column order: {len(named)} rows' figures printed before their names "
                        f"(a narrow column's lines), paired in order")
    return out, named


def _after_rows_read_across(data: list[tuple], labels: dict[int, list[tuple]], roles: tuple[str, ...],
                            rep: Mapping, last: int, start: int) -> tuple[list[dict], dict] | None:
    """A group label before the figures of a table whose names follow them: the first rows
    read across with the column header (their figures, their group label, their name's lines,
    45's kind), or a table in row order.  Read as the first kind only where nothing before
    that label is a name (figures, signs, units, worded values only) and the block of names
    holds group labels of its own: the rows after the label and the name's lines after it
    are read as printing their names after their figures (``names_after_figures``); the rows
    read across keep their figures and no name (said)."""
    def value(t: Tok) -> bool:      # (a figure, a sign, a unit or a worded value: no name)
        return not re.match(r"\p{Han}", t.key) or _is_word(t.key) or _sign_only(t.key) or _is_figure(t) \
            or t.key in vocabulary()["values"]["units"]

    if not all(value(d[0]) for d in data[:last]):
        return None         # (a name before the label: rows printed in row order)
    j = last
    while j < start and not value(data[j][0]):
        j += 1              # (the row's name's lines)
    if j >= start or not any(labels.get(i) for i in range(start + 1, len(data) + 1)):
        return None
    got = names_after_figures(data[j:], {i - j: v for i, v in labels.items() if i >= j}, roles, rep)
    if got is None:
        return None
    # the rows read across keep their figures and no name, set aside and said (no sum
    # over the table stands without them)
    figure_roles = _figure_roles(roles)
    across = [dict(b) for b in rows_scored([d[0] for d in data[:last]], figure_roles, False)[1] if _has_figures(b)]
    rep.unplaced.append("the first rows of a table in column order, read with its column header: their names not paired")
    rep.unplaced.extend(d[0].text for d in data[last:j])
    return across + got[0], got[1]


def column_order(bindings: list[dict], f: Form, rep: Mapping) -> list[dict]:
    """Text read in column order prints rows' figures apart from their names: a run of rows
    with figures and no name, and a run of names with no figures.  When the two counts agree
    they are paired in order (a row of two figures, full marks then a score, after the last
    is the total row printed before its 总分 label); a text row right after a row of figures
    is that row's note when that makes the counts agree.  Every paired row must keep score ≤
    weight; otherwise nothing is paired, and a short word before a row's figures stays no
    name (the target of a row whose name is printed elsewhere)."""
    orphan = [i for i, b in enumerate(bindings) if not b.get("name") and _has_figures(b)]
    if len(orphan) < 2:
        return bindings
    # a short word before a row's figures is its target ('提高 | 达成预期指标 | 30 | 28'), not a name
    worded = {i: {"target": b["name"], **{r: ts for r, ts in b.items() if r != "name"}}
              for i, b in enumerate(bindings) if b.get("name") and len(b["name"]) == 1 and not b.get("target")
              and len(key(b["name"][0].key)) <= 4 and _has_figures(b) and i - 1 in orphan}
    if worded:
        bindings = [worded.get(i, b) for i, b in enumerate(bindings)]
        orphan = sorted(set(orphan) | set(worded))
    bare = [i for i, b in enumerate(bindings) if b.get("name") and not _has_figures(b)]
    total = None
    last = bindings[orphan[-1]]
    if not last.get("target") and not last.get("actual") and last.get("weight") and last.get("score") and \
            parse_number(last["weight"][0].key) == 100:
        total, orphan = orphan[-1], orphan[:-1]
    notes: list[int] = []
    if len(orphan) != len(bare):
        notes = [i for i in bare if i - 1 in orphan and not bindings[i - 1].get("note")
                 and all(not _has_figures({"t": ts}) for ts in bindings[i].values())]
        if len(orphan) != len(bare) - len(notes):
            return bindings
        bare = [i for i in bare if i not in notes]
    if not orphan or len(orphan) != len(bare):
        return bindings
    paired = {}
    for o, n in zip(orphan, bare):
        figs = {r: ts for r, ts in bindings[o].items() if r != "note"}
        name = [t for ts in bindings[n].values() for t in ts]
        note = bindings[o].get("note") or ([t for ts in bindings[o + 1].values() for t in ts]
                                           if o + 1 in notes else None)
        w, sc = (parse_number(figs[r][0].key) if figs.get(r) else None for r in ("weight", "score"))
        if w is not None and sc is not None and sc > w + 1e-9:
            return bindings
        paired[n] = {"name": name, **figs, **({"note": note} if note else {})}
    if total is not None:
        t = bindings[total]
        f.declared_total = parse_number(t["score"][0].key)
        f.texts["declared_total"] = t["score"][0].key
        f.texts["full_marks"] = t["weight"][0].key
        f.cells["declared_total"] = t["score"][0].cell
        f.texts["total_row"] = "(a total row printed before its label)"
    rep.unplaced.append(f"column order: {len(paired)} rows' figures printed apart from their names, paired in order")
    gone = set(orphan) | set(notes) | ({total} if total is not None else set())
    return [paired.get(i, b) for i, b in enumerate(bindings) if i not in gone]
