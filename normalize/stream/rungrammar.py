"""The column grammar of tables printed with nothing between their cells: which column
labels a header run together holds (the vocabulary's), what each column's cell looks like,
and the search over a row's cuts (a dynamic programme over position and column that keeps
the best partial cuts).  normalize/stream/runrows.py weighs the cuts and reads the rows.
"""
from __future__ import annotations

import heapq
from functools import lru_cache
from itertools import takewhile
from math import inf

import regex as re

from ..text import pattern, vocabulary
from ..values import parse_number

MONEY_SUFFIX = re.compile(r"(\((万元|元|千元|亿元|%|分|\d+(\.\d+)?分|[A-Z](/[A-Z])?(×100%)?)\))+$")
FIGURE = r"(?:100|[1-9]?\d)(?:\.\d{1,2})?"       # a weight or a score: at most 100
MONEY = r"(?:0|[1-9][\d,]*)(?:\.\d{1,6})?"               # a budget figure (budget systems print six decimals)
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


@lru_cache(maxsize=1)
def _label_words() -> frozenset:
    from ..text import key
    return frozenset(key(w) for w in vocabulary()["split"]["words"])


def _whole_label(piece: str) -> bool:
    """The piece is a label the vocabulary lists whole ('得分计算方法', '未完成原因分析'), not a
    label's word found inside longer text ('得分未完成原因分析')."""
    return piece in _label_words() or MONEY_SUFFIX.sub("", piece) in _label_words()


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
        # (two columns are a header where the block's own label opens the line: a band of a
        # budget block printed in rows of labels over rows of figures, '市级预算执行情况(万元) |
        # 年初预算数 | 当年使用上年结余…'; or a goal's target and actual)
        cuts = [c for c in cuts if len([r for r, _ in c if r != "label"]) >=
                (2 if table == "goal" or table == "budget" and c[0][0] == "label" else 3)]
        if not cuts:
            continue
        # (then the fewest pieces named only by a word inside them: '得分计算方法 | 得分 | 未完成原因
        # 分析', not '得分 | 计算方法 | 得分未完成原因分析')
        cut = max(cuts, key=lambda c: (len({r for r, _ in c if r != "label"}), -len(c),
                                       -sum(not _whole_label(p) for r, p in c if r != "label")))
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


DIGITS_ONLY = re.compile(r"[\d.,%]+")                  # (compiled once: _fits runs for every
TEXT_NO_OPEN = re.compile(r"[()、,，。；;:：%.≥≤<>=＞＜]")    # piece of every cut)
FIGURE_AFTER_SENTENCE = re.compile(r"[。；;]\d[\d.]*$")
NOT_IN_NAME = re.compile(r"[≥≤<>=＞＜。；;]")


@lru_cache(maxsize=262144)
def _fits(role: str, piece: str) -> bool:
    P = _value_patterns()
    if role in TEXT_ROLES:
        # (a name is no sentence and holds no comparator)
        # text opens with a word, not with the punctuation or the figure a cut left over
        # nor is it a figure with its unit, which is a value's cell, nor ends in a figure after
        # its last sentence ('…扣完为止。10': the 10 is the next cell)
        return not DIGITS_ONLY.fullmatch(piece) and not TEXT_NO_OPEN.match(piece) and \
            not P["figure"].fullmatch(piece) and not FIGURE_AFTER_SENTENCE.search(piece) and \
            (role != "name" or len(piece) >= 2 and not _closing(piece) and not NOT_IN_NAME.search(piece))
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


FIGURE_POINT = re.compile(r"\d\.\d")    # (compiled once: these run for every end of every cell)
POINT_DIGIT = re.compile(r"\.\d")
LEADING_DIGIT = re.compile(r"\d")
FIGURE_CHAR = re.compile(r"[\d.%]")
LIST_OPEN = re.compile(r"1、")


def _ends(role: str, s: str, p: int) -> list[int]:
    """Where a cell of ``role`` starting at ``p`` may end (never at a figure's point: '9.31'
    is one figure whatever the cells around it)."""
    return [e for e in _role_ends(role, s, p) if not FIGURE_POINT.match(s[e - 1:e + 2]) and
            not POINT_DIGIT.match(s[e - 1:e + 1]) and not FIGURE_POINT.match(s[max(0, e - 2):e + 1])]


def _role_ends(role: str, s: str, p: int) -> list[int]:
    P = _value_patterns()
    if p and s[p - 1].isdigit():
        if role != "target_unit" and re.match(P["units"], s[p:]) and not LEADING_DIGIT.match(s[p:]):
            return []       # a figure's unit stays with it (save under a unit column)
        if role not in FIGURE_ROLES + VALUE_ROLES + ("seq", "rate") and FIGURE_CHAR.match(s[p]) \
                and not LIST_OPEN.match(s[p:]):
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
    """A piece's figure: a number, a rate, or a number with a unit the vocabulary knows ('80TB',
    '2小时': the figure a target or an actual sets)."""
    if re.fullmatch(BLANK, piece):
        return None
    n = parse_number(piece)
    if n is None and _unit_of(piece):
        m = re.fullmatch(r"[≥≤<>=]?(\d+(?:\.\d+)?)" + re.escape(_unit_of(piece)), piece)
        n = float(m.group(1)) if m else None
    return n


def _unit_of(piece: str) -> str | None:
    m = re.search(rf"({_value_patterns()['units']})$", piece)
    return m.group(1) if m and re.search(r"\d", piece) else None


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


def _keepable(cuts: list, keep: int) -> tuple[float, list]:
    """The partial cuts, each once, that score at least the ``keep``-th best score (ties
    kept), and that score (-inf where no more than ``keep`` are given)."""
    uniq = set(cuts)
    if len(uniq) <= keep:
        return -inf, list(uniq)
    least = heapq.nlargest(keep, [sc for sc, _ in uniq])[-1]
    return least, [x for x in uniq if x[0] >= least]


def _kept(cuts: list, keep: int) -> list:
    """The ``keep`` best partial cuts, best first, ties in the cells' order (one order, run
    to run): only those that can be kept (``_keepable``) are ordered."""
    return sorted(_keepable(cuts, keep)[1], key=lambda x: (-x[0], x[1]))[:keep]


SATURATED = 4      # partial cuts held at a place, in keeps, before those that cannot be kept are let go


def _parses(s: str, roles: list[str], ends, cell, skip, keep: int = 40):
    """The best cuts of ``s`` into cells of ``roles`` in order, a column skipped where it is
    blank: [(score of its cells alone, cells)].  A dynamic programme over (position, column)
    that keeps the ``keep`` best partial cuts at each, so that cuts differing only in the
    figures the row's arithmetic decides between all reach the end."""
    n, m = len(s), len(roles)
    inside = _inside_words(s)
    beams: dict[tuple[int, int], list] = {(0, 0): [(0.0, ())]}
    floors: dict[tuple[int, int], float] = {}       # a score below which no cut reaching there is kept
    final: list[tuple[float, dict]] = []

    def saturated(at: tuple[int, int]) -> None:
        # more cuts reach ``at`` than are kept: those below the keep-th best score never
        # will be (more cuts only raise it), so none scoring less is made from here on
        least, beams[at] = _keepable(beams[at], keep)
        floors[at] = max(floors.get(at, -inf), least)
    for p in range(n + 1):
        for i in range(m + 1):
            cur = beams.pop((p, i), None)
            if not cur:
                continue
            cur = _kept(cur, keep)
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
                at, low = (e, i + 1), floors.get((e, i + 1), -inf)
                beams.setdefault(at, []).extend(       # (``cur`` is best first)
                    (sc + add, cells + ((r, piece),)) for sc, cells in takewhile(lambda x: x[0] + add >= low, cur))
                if len(beams[at]) > SATURATED * keep:
                    saturated(at)
            at, low, blank = (p, i + 1), floors.get((p, i + 1), -inf), skip(r)
            beams.setdefault(at, []).extend(
                (sc - (blank if cells else 0.0), cells) for sc, cells in cur
                if sc - (blank if cells else 0.0) >= low)
            if len(beams[at]) > SATURATED * keep:
                saturated(at)
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


