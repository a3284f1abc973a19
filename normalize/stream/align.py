"""Rows of the indicator table found by aligning tokens with the column roles by type: how
well a token suits a role, the dynamic programme, rows cut from the stream."""
from __future__ import annotations

from functools import lru_cache
from itertools import permutations

import regex as re

from ..text import first_match, vocabulary
from ..values import is_blank, parse_number
from .tokens import Tok, _is_word, _phrase_re, _sub, _value_res


# What leaving a role of a row blank costs.  Templates print every weight and a unit may
# leave its score blank, so a weight left blank costs more than a score: a row's one figure
# after its actual is its weight (measured 2026-12-07: committed grid 99.90% -> 99.93%, the
# pdftotext set 61.41% -> 61.42%, 0 false accusations before and after).
SKIP = {"name": -4.0, "weight": -1.8, "score": -1.5, "target": -0.6, "actual": -0.6, "seq": -1.0}


FIXED = ("name", "target", "actual", "weight", "score", "note")


NAME_PIECES = 5         # the most tokens one indicator's name is read from (a cell of five lines)


def _fit(role: str, t: Tok) -> float:
    return _fit_key(role, t.key)


@lru_cache(maxsize=65536)
def _fit_key(role: str, k: str) -> float:
    """How well a token's text suits a column role (it depends on the text alone)."""
    num = parse_number(k)
    blank = is_blank(k)
    if role == "name":
        if blank or num is not None or _phrase_re().fullmatch(k) or _is_word(k) or \
                k in vocabulary()["values"]["units"] or \
                re.match(r"\d", k) and _value_res()[0].fullmatch(k):
            return -4.0         # a figure ('12公里'), a tier phrase: never (part of) a name
        return 2.0 if re.search(r"\p{Han}", k) else 0.0
    if role in ("target", "actual", "adjusted_target"):
        if k in vocabulary()["values"]["units"]:
            return -2.0         # a unit alone ('%'): the 计量单位 column, not a value
        return 0.3 if blank else 0.6 if role == "adjusted_target" else 1.0
    if role == "weight":
        return 2.0 if num is not None and "%" not in k and 0 < num <= 100 else -6.0
    if role == "score":
        if blank:
            return 0.2
        return 2.0 if num is not None and "%" not in k and num <= 100 else -6.0
    if role == "target_op":
        return 1.5 if re.fullmatch(r"[≥≤=<>]|正向|反向|定量(?:指标)?|定性(?:指标)?|大于等于|小于等于|等于", k) else -3.0
    if role == "target_unit":
        return 0.5 if len(k) <= 4 and num is None else -3.0
    if role == "rate":
        return (1.0 if "%" in k else 0.5) if num is not None else -3.0
    if role in ("explanation", "method"):
        # a rubric's explanation and scoring rule: sentences ('…用以反映…的实现程度。')
        if num is not None:
            return -3.0
        return 2.5 if len(k) >= 12 and re.search(r"[。;；]|,.*[。;；]?$", k) else 0.2
    if role == "note":
        return 0.2 if num is None else -3.0
    if role == "seq":
        return 2.0 if re.fullmatch(r"\d{1,3}", k) else -6.0
    if role == "core":
        return 1.0 if k in ("是", "否") else -3.0
    return -1.0


def _align(row: list[Tok], roles: tuple[str, ...]) -> tuple[float, dict]:
    """The best order-keeping binding of a row's tokens to the roles (a name may take up to
    NAME_PIECES tokens, as a long name broken by the layout, one piece a line)."""
    n, k = len(row), len(roles)

    @lru_cache(maxsize=None)
    def go(ti: int, ri: int, name_taken: int) -> tuple[float, tuple]:
        if ti == n:
            rest = sum(SKIP.get(r, 0.0) for r in roles[ri:])
            return rest, ()
        if ri == k:
            return -1e9, ()
        best = (-1e9, ())
        # skip the role
        s, a = go(ti, ri + 1, 0)
        s += SKIP.get(roles[ri], 0.0) if not name_taken else 0.0
        best = max(best, (s, a), key=lambda x: x[0])
        # the token takes the role
        s, a = go(ti + 1, ri + 1, 0)
        s += _fit(roles[ri], row[ti])
        best = max(best, (s, ((ti, roles[ri]),) + a), key=lambda x: x[0])
        # the name goes on into the next token
        if roles[ri] == "name" and name_taken < NAME_PIECES - 1 and ti + 1 < n:
            s, a = go(ti + 1, ri, name_taken + 1)
            s += _fit("name", row[ti]) - 1.0
            best = max(best, (s, ((ti, "name"),) + a), key=lambda x: x[0])
        return best

    score, assign = go(0, 0, 0)
    out: dict[str, list[Tok]] = {}
    for ti, role in assign:
        out.setdefault(role, []).append(row[ti])
    w, s = out.get("weight"), out.get("score")
    if w and s:
        wv, sv = parse_number(w[0].key), parse_number(s[0].key)
        if wv is not None and sv is not None and sv > wv + 1e-9:
            score -= 3.0
    return score, out


def _rows(items: list[Tok], roles: tuple[str, ...], by_lines: bool, starts: set = frozenset()) -> list[dict]:
    """Cut the stream into rows; ``starts`` are positions where a level label stood, which
    a row never spans."""
    return rows_scored(items, roles, by_lines, starts)[1]


def grammar_of(items: list[Tok], starts: set) -> tuple[str, ...]:
    """The column grammar (vocabulary [grammars]) a table printed without its column header
    follows: the one whose best cut of the rows fits them best (the first listed on a tie)."""
    grammars = [tuple(g) for g in vocabulary()["grammars"].values()]
    return max(grammars, key=lambda g: (rows_scored(items, g, False, starts)[0], -grammars.index(g)))


def rows_scored(items: list[Tok], roles: tuple[str, ...], by_lines: bool,
                starts: set = frozenset()) -> tuple[float, list[dict]]:
    """The rows the stream is cut into, and how well the cut fits the roles."""
    n = len(items)
    max_len = len(roles) + NAME_PIECES - 1
    # a row longer than its roles and one more token only where its name runs on over
    # several name-like tokens: how many follow each position
    run = [0] * (n + 1)
    for i in range(n - 1, -1, -1):
        run[i] = run[i + 1] + 1 if _fit_key("name", items[i].key) > 0 else 0
    best = [(-1e18, None)] * (n + 1)
    best[0] = (0.0, None)
    cache = {}
    for j in range(1, n + 1):
        for i in range(max(0, j - max_len), j):
            if j - i > len(roles) + 1 + max(0, min(run[i], NAME_PIECES) - 2):
                continue
            if best[i][0] <= -1e17 or any(i < b < j for b in starts):
                continue
            if (i, j) not in cache:
                cache[(i, j)] = _align(items[i:j], roles)
            s, binding = cache[(i, j)]
            if by_lines:
                if i > 0 and items[i].line == items[i - 1].line:
                    s -= 2.0            # a row that starts inside a line
                if len({t.line for t in items[i:j]}) > 1:
                    s -= 1.0
            total = best[i][0] + s - 0.5     # each row costs a little: fewer, fuller rows
            if total > best[j][0]:
                best[j] = (total, (i, binding))
    out = []
    j = n
    while j > 0 and best[j][1] is not None:
        i, binding = best[j][1]
        out.append((i, binding))
        j = i
    return best[n][0], [b for _, b in reversed(out)]


def _same_columns(bindings: list[dict]) -> list[dict]:
    """A column holds one kind of content in every row: where rows that print both an actual
    value and a note put a phrase in the note column ('1000件 | 达成预期指标'), a row that
    prints the same phrase after its target alone ('不低于95% | 达成预期指标') has it as its
    note, its actual value left blank."""
    noted = {"".join(t.key for t in b["note"]) for b in bindings if b.get("note") and b.get("actual")}
    # a rate column (得分系数, 完成率) printed in every other row is printed in this one too: a
    # row with one value before its weight has that value in the rate column ('100% | 2 | 2')
    rated = [b for b in bindings if b.get("rate")]
    if len(rated) >= 3 and len(rated) >= 0.75 * len(bindings):
        fixed = []
        for b in bindings:
            if not b.get("rate") and bool(b.get("target")) != bool(b.get("actual")):
                role = "target" if b.get("target") else "actual"
                if "%" in b[role][-1].key:
                    b = {**b, "rate": b[role]}
                    del b[role]
            fixed.append(b)
        bindings = fixed
    out = []
    for b in bindings:
        if b.get("actual") and not b.get("note") and b.get("target") and \
                "".join(t.key for t in b["actual"]) in noted:
            b = {**b, "note": b["actual"]}
            del b["actual"]
        out.append(b)
    return out


def _scrambled(table: dict, k: str) -> str | None:
    """A column label whose characters OCR read out of order (a header set on two lines read
    across them: '年成值全完值' for 全年完成值): the one field some ordering of its distinct
    characters names."""
    chars = list(dict.fromkeys(k))
    if not 4 <= len(chars) <= 6 or not all(re.match(r"\p{Han}", c) for c in chars):
        return None
    found = {first_match(table, "".join(p), skip=("fragments",)) for p in permutations(chars)} - {None}
    return found.pop() if len(found) == 1 else None


@lru_cache(maxsize=1)
def _unit_re():
    """A unit ('万粒', '亩', '%') where the pattern is matched."""
    return re.compile(rf"[万千亿]?(?:{'|'.join(map(re.escape, _units_longest_first()))})")


@lru_cache(maxsize=1)
def _units_longest_first() -> tuple[str, ...]:
    return tuple(sorted(vocabulary()["values"]["units"], key=len, reverse=True))


def _unit_apart(t: Tok) -> list[Tok]:
    """Under a 计量单位 column, a name run together with its unit ('培训次数次'): the unit cut off."""
    for u in _units_longest_first():
        if t.glued and t.key.endswith(u) and len(t.key) - len(u) >= 2 and re.match(r"\p{Han}", t.key[-len(u) - 1]):
            n = len(t.key) - len(u)
            return [_sub(t, 0, n), _sub(t, n, len(t.key))]
    return [t]
