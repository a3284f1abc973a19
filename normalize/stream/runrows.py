"""Rows whose cells ran together, cut by their table's header.

A table printed with nothing between its cells ('产出指标数量指标采购设备数量≥157台159台1313')
still prints its header the same way, and the header's labels say which cells every row
below it holds and in what order.  Each such row is cut where every piece looks like its
column (a weight is a number of at most three digits, a unit is a unit, a level label is a
level label) and the row's arithmetic holds (score ≤ weight; the score the target and the
actual give; a budget line's rate its executed over its budget).  Its cells then go on as a
row printed with its cells apart.  A row no cut explains better than every other cut that
reads its figures differently is left as it was printed: the token reader's own cuts read it
or report it.
"""
from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

import regex as re

from extract.grid import Cell

from ..text import key_map, pattern, vocabulary
from ..values import parse_number

MONEY_SUFFIX = re.compile(r"(\((万元|元|千元|亿元|%|分|\d+(\.\d+)?分|[A-Z](/[A-Z])?)\))+$")
FIGURE = r"(?:100|[1-9]?\d)(?:\.\d{1,2})?"       # a weight or a score: at most 100
MONEY = r"(?:0|[1-9][\d,]*)(?:\.\d{1,4})?"               # a budget figure
BLANK = r"[—\-－/／]+"
TEXT_ROLES = ("name", "note", "method", "explanation", "core")
FIGURE_ROLES = ("weight", "score", "review")
VALUE_ROLES = ("target", "adjusted_target", "actual")


@lru_cache(maxsize=1)
def _columns() -> dict[str, list[tuple[str, object]]]:
    """Column labels by table: the indicator table's (with a county criteria table's
    评价内容 as its name column) and the budget block's."""
    v = vocabulary()
    ind = [(r, pattern(p)) for r, p in v["indicators"].items() if r != "fragments" and isinstance(p, str)]
    ind.append(("name", pattern(r"^(评价内容|评价要点)$")))
    ind.append(("level1", pattern(r"^项目权重$")))
    bud = [(r, pattern(p)) for r, p in v["budget"].items() if isinstance(p, str)]
    goal = [(r, pattern(p)) for r, p in v["goal"].items() if isinstance(p, str)]
    from .sources import SOURCES, TOTAL
    src = [(f"source:{w}", pattern(f"^{re.escape(w)}$")) for w in SOURCES] + \
        [("total", pattern(f"^({'|'.join(TOTAL)})$"))] + [(r, p) for r, p in bud if r in ("executed", "rate")]
    return {"indicators": ind, "budget": bud, "goal": goal, "sources": src}


@lru_cache(maxsize=1)
def _region_labels():
    v = vocabulary()["regions"]
    return [pattern(v[r]) for r in ("budget", "indicators", "goal")]


def _block_label(piece: str) -> bool:
    """The block's own label opening its header ('资金情况(万元)', '绩效指标')."""
    core = MONEY_SUFFIX.sub("", piece)
    if re.fullmatch(r"\p{Han}{2,8}\(\d+(\.\d+)?分\)", piece):
        return True     # a group's label with its points ('项目绩效(85分)')
    return any((m := r.match(core)) is not None and m.end() == len(core) for r in _region_labels()) if core else False


def _label_role(piece: str, table: str) -> str | None:
    core = MONEY_SUFFIX.sub("", piece)
    for role, pat in _columns()[table]:
        # (a pattern anchored at its start names the whole label; one that is not, a word in it)
        if core and (pat.fullmatch(core) if pat.pattern.startswith("^") else pat.search(core)):
            return role
    return None


def header_roles(k: str) -> tuple[str, list[tuple[str, str]]] | None:
    """A header line run together, cut into its column labels, each a column label of one
    table and no column twice; the block's own label may open it: (table, [(role, piece)]).
    Of the cuts, the one naming most columns, then in fewest pieces.  None where the line is
    not wholly such labels or names fewer than three columns."""
    for table in ("indicators", "budget", "goal", "sources"):
        cuts: list[list[tuple[str, str]]] = []

        def go(p: int, cut: list, seen: frozenset) -> None:
            if len(cuts) > 500:
                return
            if p == len(k):
                cuts.append(list(cut))
                return
            for e in range(p + 1, min(len(k), p + 24) + 1):
                piece = k[p:e]
                role = _label_role(piece, table)
                if role is not None and role not in seen:
                    go(e, cut + [(role, piece)], seen | {role})
                if p == 0 and _block_label(piece):
                    go(e, cut + [("label", piece)], seen)

        go(0, [], frozenset())
        cuts = [c for c in cuts if len([r for r, _ in c if r != "label"]) >= (2 if table == "goal" else 3)]
        if not cuts:
            continue
        cut = max(cuts, key=lambda c: (len({r for r, _ in c if r != "label"}), -len(c)))
        roles = [r for r, _ in cut if r != "label"]
        if {"indicators": "name" in roles, "goal": roles == ["target", "actual"],
            "sources": "total" in roles and sum(r.startswith("source:") for r in roles) >= 2}.get(
                table, any(r in roles for r in ("initial", "adjusted", "executed"))):
            return table, cut
    return None


@lru_cache(maxsize=1)
def _value_patterns():
    v = vocabulary()["values"]
    units = "|".join(re.escape(u) for u in sorted(v["units"], key=len, reverse=True))
    ops = "|".join(re.escape(o) for o in sorted(v["operators"] + ["=", "＞", "＜"], key=len, reverse=True))
    levels = vocabulary()["levels"]
    crit = vocabulary()["criteria"]["level1"]
    weighted = r"\p{Han}{2,12}[(]\d+(?:\.\d+)?分[)]"
    return {
        "seq": re.compile(r"\d{1,3}"),
        "level1": re.compile(rf"(?:{levels['level1']}|{crit}|^{weighted}$)"),
        "level2": re.compile(rf"(?:{levels['level2']}|^{weighted}$)"),
        "target_op": re.compile(rf"定性|定量|正向|反向|正向指标|反向指标|{ops}"),
        "target_unit": re.compile(rf"{units}"),
        "figure": re.compile(rf"(?:{ops})?{MONEY}(?:{units})?|{BLANK}"),
        "words": re.compile(r"\p{Han}[\p{Han}、，,]{1,23}"),
        "rate": re.compile(r"(?:0|[1-9]\d{0,2})(?:\.\d{1,2})?%"),      # under 1000% (RATE_CEILING)
        "number": re.compile(FIGURE),
        "money": re.compile(rf"{MONEY}|{BLANK}"),
        "unit_end": re.compile(rf"\d(?:{units})?$"),
        "units": units,
    }


def _closing(piece: str) -> bool:
    """A closing row's label (总分, 合计, 说明:) is no indicator's name."""
    v = vocabulary()["regions"]
    return bool(pattern(v["total"]).match(piece) or pattern(v["notes"]).match(piece) or
                re.match(r"(总分|合计|总计|说明|备注|注)", piece))


@lru_cache(maxsize=262144)
def _fits(role: str, piece: str) -> bool:
    P = _value_patterns()
    if role in TEXT_ROLES:
        # (a name is no sentence and holds no comparator)
        # text opens with a word, not with the punctuation or the figure a cut left over
        # nor is it a figure with its unit, which is a value's cell
        return not re.fullmatch(r"[\d.,%]+", piece) and not re.match(r"[()、,，。；;:：%.≥≤<>=＞＜]", piece) and \
            not P["figure"].fullmatch(piece) and \
            (role != "name" or len(piece) >= 2 and not _closing(piece) and not re.search(r"[≥≤<>=＞＜。；;]", piece))
    if role in VALUE_ROLES:
        # a worded value is two characters or more and not a unit alone
        return bool(P["figure"].fullmatch(piece) or P["words"].fullmatch(piece) and
                    not P["target_unit"].fullmatch(piece))
    if role in FIGURE_ROLES:
        return bool(P["number"].fullmatch(piece) or re.fullmatch(BLANK, piece))
    if role in ("seq", "level1", "level2", "target_op", "target_unit", "rate"):
        return bool(P[role].fullmatch(piece))
    return False


@lru_cache(maxsize=65536)
def _opens_level(s: str, p: int) -> bool:
    v = vocabulary()["levels"]
    head = s[p:p + 16]
    return any(pattern(v[r].replace("$", "")).match(head) for r in ("level1", "level2"))


def _ends(role: str, s: str, p: int) -> list[int]:
    """Where a cell of ``role`` starting at ``p`` may end (never at a figure's point: '9.31'
    is one figure whatever the cells around it)."""
    return [e for e in _role_ends(role, s, p) if not re.match(r"\d\.\d", s[e - 1:e + 2]) and
            not re.match(r"\.\d", s[e - 1:e + 1]) and not re.match(r"\d\.\d", s[max(0, e - 2):e + 1])]


def _role_ends(role: str, s: str, p: int) -> list[int]:
    P = _value_patterns()
    if p and s[p - 1].isdigit():
        if role != "target_unit" and re.match(P["units"], s[p:]) and not re.match(r"\d", s[p:]):
            return []       # a figure's unit stays with it (save under a unit column)
        if role not in FIGURE_ROLES + VALUE_ROLES + ("seq", "rate") and re.match(r"[\d.%]", s[p]) \
                and not re.match(r"1、", s[p:]):
            return []       # a text does not open inside a run of digits, save at a list's first '1、'

    if role in TEXT_ROLES or role in VALUE_ROLES:
        # a text ends where a figure does not go on (no cut between two digits of one run)
        return [e for e in range(p + 1, len(s) + 1)
                if not (e < len(s) and s[e - 1].isdigit() and (s[e].isdigit() or s[e] in ".%")
                        and not P["figure"].fullmatch(s[p:e]))
                and _fits(role, s[p:e])]
    if role in ("level1", "level2"):
        # a level's label is cut longest first, as every label is ('服务对象满意度指标', not '服务对象满意度')
        return [e for e in range(min(len(s), p + 20), p + 1, -1) if _fits(role, s[p:e])][:1]
    return [e for e in range(p + 1, min(len(s), p + 12) + 1) if _fits(role, s[p:e])]


def _number(piece: str) -> float | None:
    return None if re.fullmatch(BLANK, piece) else parse_number(piece)


def _unit_of(piece: str) -> str | None:
    m = re.search(rf"({_value_patterns()['units']})$", piece)
    return m.group(1) if m and re.search(r"\d", piece) else None


@lru_cache(maxsize=65536)
def _indicator_cell(r: str, piece: str) -> float:
    """What one cell of an indicator row adds to its cut, alone."""
    # (a reviewer's column is blank on a form as its unit submits it)
    s = 0.5 if r in TEXT_ROLES else -0.5 if r == "review" else 1.0
    if r == "target" and not re.search(r"\d", piece) and \
            any(piece.startswith(w) for w in vocabulary()["values"]["target_opens"]):
        s += 0.6        # a worded target opens as such targets do ('有效提升', '逐步改善')
    if r == "actual" and any(piece.startswith(w) for w in _value_words()):
        s += 1.0        # an actual worded as a tier the vocabulary knows ('部分达成预期指标…')
    if r in TEXT_ROLES and re.search(r"[。；;]$", piece):
        s += 0.3        # a text cell ends at a sentence's end
    if r in ("level1", "level2") and pattern(vocabulary()["levels"][r]).fullmatch(piece):
        s += 0.3        # the level the vocabulary names it
    if r in TEXT_ROLES + VALUE_ROLES and _opens_level(piece, 0) and not _fits("level2", piece) \
            and not _fits("level1", piece):
        s -= 2.0        # a level's label is a cell of its own, not the start of a text
    if r in ("note", "method", "explanation") and re.search(r"[≥≤<>＞＜]\d", piece):
        s -= 1.5        # a note holding a target's figure is the row's values run on
    if r == "name" and _value_patterns()["unit_end"].search(piece):
        s -= 2.0        # a name does not end in a figure
    return s


def _indicator_skip(r: str) -> float:
    """What leaving a column blank costs, past the row's first cell (the merged level cells
    before it cost nothing)."""
    # (the template prints every weight; a unit may leave a score blank)
    return 3.0 if r in ("weight", "name") else 2.5 if r == "score" else 1.5 if r in VALUE_ROLES else \
        0.0 if r in ("review", "note", "method", "explanation", "core") else 0.3


def _indicator_row(cells: dict[str, str]) -> float:
    """What the row's cells together add: its arithmetic, and one unit for target and actual."""
    from .indicators import _row_fit
    vals = {r: _number(cells[r]) for r in ("target", "actual", "weight", "score") if r in cells}
    s = _row_fit({r: v for r, v in vals.items() if v is not None})
    t, a = cells.get("target"), cells.get("actual")
    if t is None or a is None:
        return s
    if _has_digit(t) != _has_digit(a):
        return s - 0.5      # a figure against words: the rarer row
    ut, ua = _unit_of(t), _unit_of(a)
    if ut and ua:
        return s + (0.5 if ut == ua else -2.0)
    return s - (0.5 if ut or ua else 0.0)   # one figure with a unit, the other with none


def _decimals(piece: str) -> int:
    return len(piece.split(".")[-1].rstrip("%")) if "." in piece else 0


def _budget_cell(r: str, piece: str) -> float:
    return 1.0 - 0.5 * max(0, _decimals(piece) - 2)


def _budget_row(cells: dict[str, str], total: dict[str, float] | None) -> float:
    """A budget line's arithmetic: rate = executed / budget, score = weight × rate, no
    figure above the total line's."""
    vals = {r: _number(p) for r, p in cells.items()}
    s = 0.0
    adj, ex, rate, w, sc = (vals.get(r) for r in ("adjusted", "executed", "rate", "weight", "score"))
    if adj is None:
        adj = vals.get("initial")
    if adj and ex is not None and rate is not None:
        # (nothing spent of a sum a thousand times larger holds any rate trivially: no evidence)
        s += -2.0 if abs(ex / adj - rate) > 0.0051 else 3.0 if ex > 0 and 1e-3 <= ex / adj <= 10 else 0.0
    if w is not None and sc is not None:
        s += -5.0 if sc > w + 1e-9 else 0.0
        if rate is not None:
            s += 3.0 if abs(w * min(rate, 1.0) - sc) <= 0.0051 * w + 0.006 else 0.0
    if adj is not None and ex is not None and ex > adj * 1.5:
        s -= 1.0
    if total and w is not None and total.get("weight") is not None and abs(w - total["weight"]) > 1e-9:
        s -= 2.0            # a line under the total scores against the total's weight or not at all
    for r, v in vals.items():
        if total and v is not None and total.get(r) is not None:
            s += 0.5 if abs(v - total[r]) < 1e-9 else (-2.0 if v > total[r] + 1e-9 and r != "rate" else 0.0)
    return s


@lru_cache(maxsize=1)
def _value_words() -> tuple[str, ...]:
    """The vocabulary's worded values long enough to find inside text ('达成预期指标'), longest first."""
    return tuple(sorted((w for w in vocabulary()["values"]["words"] if len(w) >= 4), key=len, reverse=True))


def _inside_words(s: str) -> set[int]:
    """Positions strictly inside a worded value the vocabulary knows, or inside the unit
    after a figure ('1940人次'): no cell ends there."""
    out: set[int] = set()
    for m in re.finditer(rf"\d({_value_patterns()['units']})", s):
        out.update(range(m.start(1) + 1, m.end(1)))
    p = 0
    while p < len(s):
        w = next((w for w in _value_words() if s.startswith(w, p)), None)
        if w:
            out.update(range(p + 1, p + len(w)))
            p += len(w)
        else:
            p += 1
    return out


def _parses(s: str, roles: list[str], ends, cell, skip, keep: int = 40):
    """The best cuts of ``s`` into cells of ``roles`` in order, a column skipped where it is
    blank: [(score of its cells alone, cells)].  A dynamic programme over (position, column)
    that keeps the ``keep`` best partial cuts at each, so that cuts differing only in the
    figures the row's arithmetic decides between all reach the end."""
    n, m = len(s), len(roles)
    inside = _inside_words(s)
    beams: dict[tuple[int, int], list] = {(0, 0): [(0.0, ())]}
    final: list[tuple[float, dict]] = []
    for p in range(n + 1):
        for i in range(m + 1):
            cur = beams.pop((p, i), None)
            if not cur:
                continue
            cur = sorted(set(cur), key=lambda x: -x[0])[:keep]
            if p == n:
                for sc, cells in cur:
                    if cells:
                        final.append((sc - sum(skip(r) for r in roles[i:]), dict(cells)))
                continue
            if i == m:
                continue
            r = roles[i]
            for e in ends(r, s, p):
                if e in inside:
                    continue
                piece = s[p:e]
                add = cell(r, piece)
                beams.setdefault((e, i + 1), []).extend(
                    (sc + add, cells + ((r, piece),)) for sc, cells in cur)
            beams.setdefault((p, i + 1), []).extend(
                (sc - (skip(r) if cells else 0.0), cells) for sc, cells in cur)
    return final


def _near(scored: list[tuple[float, dict]]) -> list[dict]:
    """The best cut and every other nearly as good, best first."""
    scored.sort(key=lambda x: -x[0])
    return [c for sc, c in scored if sc >= scored[0][0] - 0.25] if scored else []


def _best(scored: list[tuple[float, dict]], figures: tuple[str, ...]) -> dict | None:
    """The best cut, where no other cut reads the row's figures otherwise and nearly as well."""
    near = _near(scored)
    if not near or any(_read(other.get(r)) != _read(near[0].get(r)) for other in near[1:] for r in figures):
        return None
    return near[0]


def _read(piece: str | None) -> str | None:
    """A cell as read: a blank ('—', '——') is no figure, however many dashes make it."""
    return None if piece is None or re.fullmatch(BLANK, piece) else piece


def _has_digit(piece: str | None) -> bool:
    return piece is not None and re.search(r"\d", piece) is not None


def cut_indicator_row(s: str, roles: list[str]) -> list[tuple[str, str]] | None:
    """An indicator row's cells.  Where the cuts as good as the best disagree only on where a
    name ends and a worded target begins ('城市运行保障能力有效提升'), nothing tells them
    apart: the name keeps the words and the target is not read."""
    scored = [(sc + _indicator_row(c), c) for sc, c in _parses(s, roles, _ends, _indicator_cell, _indicator_skip)
              if "name" in c or any(r in c for r in ("level1", "level2"))]
    near = _near(scored)
    figures = ("weight", "score", "rate", "seq", "target_op", "target_unit", "actual", "target")
    if not near:
        return None
    cells = dict(near[0])
    for other in near[1:]:
        for r in figures:
            if other.get(r) == cells.get(r):
                continue
            worded = r == "target" and not (_has_digit(other.get(r)) or _has_digit(cells.get(r)))
            if not worded or (other.get("name", "") + other.get("target", "")) != \
                    (cells.get("name", "") + cells.get("target", "")):
                return None
    if any(other.get("target") != cells.get("target") for other in near[1:]):
        cells["name"] = cells.get("name", "") + cells.pop("target", "")
    if not any(r in cells for r in FIGURE_ROLES + VALUE_ROLES):
        return None
    return [(r, cells[r]) for r in roles if r in cells]


def cut_budget_row(s: str, roles: list[str], total: dict | None) -> list[tuple[str, str]] | None:
    m = re.match(r"[^\d—\-－/／]+", s)
    if not m or not re.search(vocabulary()["budget_kinds"]["total"] + "|" + "|".join(
            v for r, v in vocabulary()["budget_kinds"].items() if r != "total"), m.group(0)):
        return None
    label, rest = m.group(0), s[m.end():]
    P = _value_patterns()

    def fits(r: str, piece: str) -> bool:
        if r == "rate":
            return bool(P["rate"].fullmatch(piece) or re.fullmatch(BLANK, piece))
        if r in ("weight", "score"):
            return bool(P["number"].fullmatch(piece) or re.fullmatch(BLANK, piece))
        return bool(P["money"].fullmatch(piece))

    def ends(r: str, text: str, p: int) -> list[int]:
        return [e for e in range(p + 1, min(len(text), p + 14) + 1) if fits(r, text[p:e])]

    scored = [(sc + _budget_row(c, total), c)
              for sc, c in _parses(rest, roles, ends, _budget_cell, lambda r: 0.0) if len(c) >= 2]
    cells = _best(scored, tuple(roles))
    if cells is None:
        # cuts that read the line's figures otherwise fit it alike: its figures stay one
        # run, unread, that no later reader cuts by a guess
        return [("label", label), ("unread", rest)] if scored else None
    return [("label", label)] + [(r, cells[r]) for r in roles if r in cells]


def cut_source_row(s: str, roles: list[str]) -> list[tuple[str, str]] | None:
    """The one row of a budget by source (中央 | 省、地 | 本级 | 其他 | 合计 | 执行数 | 执行率):
    cut where the sources' amounts sum to the total and spent / total is the rate; a source
    left blank is gone."""
    P = _value_patterns()

    def ends(r: str, text: str, p: int) -> list[int]:
        pat = P["rate"] if r == "rate" else P["money"]
        return [e for e in range(p + 1, min(len(text), p + 14) + 1) if pat.fullmatch(text[p:e])]

    def fit(c: dict[str, str]) -> float:
        vals = {r: _number(p) for r, p in c.items()}
        parts = [v for r, v in vals.items() if r.startswith("source:") and v is not None]
        tot, ex, rate = vals.get("total"), vals.get("executed"), vals.get("rate")
        if not parts or not tot:
            return -10.0
        ok = abs(sum(parts) - tot) <= 0.0051 * len(parts)      # to the cent each amount is rounded to
        ok_rate = ex is not None and rate is not None and abs(ex / tot - rate) <= 0.0051
        return (3.0 if ok else -5.0) + (3.0 if ok_rate else 0.0)

    musts = ("total", "executed", "rate")
    # (every cut is weighed: a row of figures alone is short, and its blanks leave no mark)
    scored = [(sc + fit(c), c) for sc, c in _parses(s, roles, ends, lambda r, p: _budget_cell(r, p) - (1.0 if r.startswith("source:") else 0.0),
                                                    lambda r: 3.0 if r in musts else 0.0, keep=100000)]
    # (which source a figure stood under is not known, nor needed: the amounts are read in order)
    near = _near(scored)
    if not near or len({tuple(_read(p) for r, p in c.items() if not r.startswith("source:")) +
                        tuple(p for r, p in c.items() if r.startswith("source:")) for c in near}) > 1 \
            or fit(near[0]) < 6.0:
        return None
    return [(r, near[0][r]) for r in roles if r in near[0]]


def _cut_cell(c: Cell, pieces: list[str], k: str, idx: tuple[int, ...]) -> list[Cell]:
    """The cell's text cut at the pieces' bounds (mapped back from its key to the printed text)."""
    out, p = [], 0
    text = c.text
    for j, piece in enumerate(pieces):
        a, b = p, p + len(piece)
        if len(idx) == len(k):
            lo = idx[a]
            hi = idx[b] if b < len(idx) else len(text)
            printed = text[lo:hi].strip()
        else:
            printed = piece
        out.append(replace(c, text=printed, col=c.col + j))
        p = b
    return out


def cut_run_rows(lines: list[list[Cell]]) -> tuple[list[list[Cell]], set[int]]:
    """Lines of one cell each that are a run-together header or a row under one, cut into
    their cells; every other line as it was.  With the indices of the lines cut."""
    out: list[list[Cell]] = []
    cut_lines: set[int] = set()
    grammar: tuple[str, list[str]] | None = None
    total: dict | None = None
    for cells in lines:
        if len(cells) != 1:
            out.append(cells)
            continue
        c = cells[0]
        k, idx = key_map(c.text)
        head = header_roles(k) if 4 <= len(k) <= 120 else None
        if head is not None:
            table, cut = head
            grammar = (table, [r for r, _ in cut if r != "label"])
            total = None
            cut_lines.add(len(out))
            out.append(_cut_cell(c, [p for _, p in cut], k, idx))
            continue
        got = None
        if grammar is not None and len(k) <= 400:
            table, roles = grammar
            if table == "indicators":
                got = cut_indicator_row(k, roles)
            elif table == "sources":
                got = cut_source_row(k, roles)
                grammar = None          # the block is one row of figures
            elif table == "goal":
                # the goal's target and actual run together part nowhere for certain: two
                # sentences may be the target alone, its actual left blank
                grammar = None
            else:
                got = cut_budget_row(k, roles, total)
                if got is not None and total is None and got[1][0] != "unread":
                    total = {r: _number(p) for r, p in got if r != "label"}
        if got is None:
            out.append(cells)
            continue
        cut_lines.add(len(out))
        out.append(_cut_cell(c, [p for _, p in got], k, idx))
    return out, cut_lines
