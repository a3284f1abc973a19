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

from dataclasses import dataclass, replace
from functools import lru_cache

import regex as re

from extract.grid import Cell

from ..text import key_map, matches, pattern, vocabulary
from .rungrammar import (BLANK, FIGURE_ROLES, TEXT_ROLES, VALUE_ROLES, _best, _ends, _fits, _has_digit, _near,
                         _opens_level, _parses, _read, _unit_of, _value_patterns, _value_words, _number,
                         header_roles)


BLANK_CELL = "—"        # a column a run-together row left blank, said so where it matters (a piece None)


@dataclass(frozen=True)
class CutWeights:
    """What each piece of evidence adds to a cut of a run-together indicator row, on one scale
    (a filled figure cell is 1).  Set on the committed grid (seed 0) and checked on fresh
    seeds 53, 71 and 89 (2026-12-07): every run-together cell 87.6-100%, no figure wrong as
    read on seed 0, 6 of 28,112 fields on seed 89."""
    cell: float = 1.0               # a figure or value cell filled
    text_cell: float = 0.5          # a text cell filled (a name, a note: the loosest bounds)
    review_cell: float = -0.5       # a reviewer's column filled: blank on a form its unit submits
    target_opening: float = 0.6     # a worded target opening as such targets do (values.target_opens)
    tier_actual: float = 1.0        # an actual opening with a tier the vocabulary knows
    sentence_end: float = 0.3       # a text cell ending at a sentence's end
    named_level: float = 0.3        # a level label the vocabulary names at that level
    level_in_text: float = -2.0     # a text opening with a level's label
    figure_in_note: float = -1.5    # a note holding a comparator and a figure
    figure_ending_name: float = -2.0    # a name ending in a figure
    skip_weight: float = 3.0        # a weight, or a name, left blank past the row's first cell
    skip_score: float = 2.5         # a score left blank (a unit may leave one)
    skip_value: float = 1.5         # a target or an actual left blank
    skip_other: float = 0.3         # a unit or a 指标性质 left blank (notes, methods: free)
    run_on: float = -1.5            # a name or target holding a tier; a 定性 row with figures
    figure_against_words: float = -0.5  # a figure target with a worded actual, or the reverse
    one_unit: float = 0.5           # target and actual in one unit
    two_units: float = -2.0         # target and actual in two units
    score_above_weight: float = -3.0    # evidence against a cut, not a bar (the checker judges)
    weight_meets_actual: float = -1.5   # a weight parted from the actual after it digit to digit
                                        # ('152个' as 15 | 2个): a template may print them so, a
                                        # row of another grammar is the likelier


WEIGHTS = CutWeights()


DIGIT = re.compile(r"\d")              # (compiled once: a cell's score runs for every piece of every cut)
SENTENCE_END = re.compile(r"[。；;]$")
SIGNED_FIGURE = re.compile(r"[≥≤<>＞＜]\d")


@lru_cache(maxsize=65536)
def _indicator_cell(r: str, piece: str, cw: CutWeights = WEIGHTS) -> float:
    """What one cell of an indicator row adds to its cut, alone."""
    s = cw.text_cell if r in TEXT_ROLES else cw.review_cell if r == "review" else cw.cell
    if r == "target" and not DIGIT.search(piece) and \
            any(piece.startswith(w) for w in vocabulary()["values"]["target_opens"]):
        s += cw.target_opening       # ('有效提升', '逐步改善')
    if r == "actual" and any(piece.startswith(w) for w in _value_words()):
        s += cw.tier_actual          # ('部分达成预期指标…')
    if r in TEXT_ROLES and SENTENCE_END.search(piece):
        s += cw.sentence_end
    if r in ("level1", "level2") and pattern(vocabulary()["levels"][r]).fullmatch(piece):
        s += cw.named_level
    if r in TEXT_ROLES + VALUE_ROLES and _opens_level(piece, 0) and not _fits("level2", piece) \
            and not _fits("level1", piece):
        s += cw.level_in_text        # a level's label is a cell of its own
    if r in ("note", "method", "explanation") and SIGNED_FIGURE.search(piece):
        s += cw.figure_in_note       # the row's values run on into the note
    if r == "name" and _value_patterns()["unit_end"].search(piece):
        s += cw.figure_ending_name
    return s


def _indicator_skip(r: str, cw: CutWeights = WEIGHTS) -> float:
    """What leaving a column blank costs, past the row's first cell (the merged level cells
    before it cost nothing).  The template prints every weight; a unit may leave a score blank."""
    return cw.skip_weight if r in ("weight", "name") else cw.skip_score if r == "score" else \
        cw.skip_value if r in VALUE_ROLES else 0.0 if r in ("review", "note", "method", "explanation", "core") \
        else cw.skip_other


def _score_tolerance(w: float, score_decimals: int | None) -> float:
    """How far a score may lie from weight × B/A: half its last printed digit and 1% of the
    weight for a rounding on the way (5% of the weight where its decimals are not known)."""
    return 0.05 * w + 0.005 if score_decimals is None else 0.5 * 10 ** -score_decimals + 0.01 * w + 0.005


def _row_arithmetic(vals: dict[str, float], cw: CutWeights = WEIGHTS, score_decimals: int | None = None) -> float:
    """How well a cut keeps the row's arithmetic: weight and score are points (0, 100], a
    score within its weight, the score its target and actual give (to the score's printed
    precision, half its last digit, and 1% of the weight for a rounding on the way: '7.44'
    is 7.67 × 97%, not 7.6 × 100%).  A score above its weight is evidence against the cut,
    not a bar to it: forms print such scores, and the checker, not the reader, judges them."""
    w, sc, A, B = (vals.get(r) for r in ("weight", "score", "target", "actual"))
    s = sum(2.0 if 0 < v <= 100 else 0.0 if v == 0 else -10.0 for v in (w, sc) if v is not None)
    if w is not None and sc is not None:
        if sc > w + 1e-9:
            return s + cw.score_above_weight
        if A and B is not None and abs(sc - w * min(1.0, B / A)) <= _score_tolerance(w, score_decimals):
            s += 3.0            # the score a positive target gives
        elif A and B is not None and B <= A and abs(sc - w) < 1e-9:
            s += 1.0            # full marks below a ceiling (a reverse target)
    return s


def _indicator_row(cells: dict[str, str], cw: CutWeights = WEIGHTS) -> float:
    """What the row's cells together add: its arithmetic, and one unit for target and actual."""
    vals = {r: _number(cells[r]) for r in ("target", "actual", "weight", "score") if r in cells}
    s = _row_arithmetic({r: v for r, v in vals.items() if v is not None}, cw,
                        _decimals(cells["score"]) if cells.get("score") else None)
    if any(w in cells.get("name", "") for w in _value_words()):
        s += cw.run_on      # a name holding a tier is the name and its values run on
    t, a = cells.get("target"), cells.get("actual")
    if cells.get("target_op") in ("定性",) and any(_has_digit(x) for x in (t, a) if x):
        s += cw.run_on      # a qualitative indicator is worded, target and actual
    if t and not _has_digit(t) and any(w in t for w in _value_words()):
        s += cw.run_on      # a worded target holding a tier is the target and the actual run on
    if t is None or a is None:
        return s
    if _has_digit(t) != _has_digit(a):
        return s + cw.figure_against_words
    ut, ua = _unit_of(t), _unit_of(a)
    if ut and ua:
        return s + (cw.one_unit if ut == ua else cw.two_units)
    return s - (cw.one_unit if ut or ua else 0.0)   # one figure with a unit, the other with none


def _decimals(piece: str) -> int:
    return len(piece.split(".")[-1].rstrip("%")) if "." in piece else 0


def _budget_cell(r: str, piece: str) -> float:
    return 1.0 - 0.5 * max(0, _decimals(piece) - 2)


def _printed_tolerance(piece: str | None) -> float:
    """How far a rate may lie from what its printed digits say: half its last digit (a
    percent's hundredth for '91.13%', half a point for '91%'), and 0.0001 of slack; 0.0051
    where the piece is not there to say."""
    if not piece:
        return 0.0051
    d = _decimals(piece)
    return 0.5 * 10 ** -d / (100 if "%" in piece else 1) + 1e-4


# A form's points are 100; a budget line carries a share of them (10, 15, 20 in the templates
# the grid draws and the real forms print), never most of them.
LINE_POINTS_AT_MOST = 50.0
MONEY_ROLES = ("initial", "adjusted", "integrated", "after_integration", "arrived", "executed")


def _budget_row(cells: dict[str, str], total: dict[str, float] | None) -> float:
    """A budget line's arithmetic: rate = executed / budget, score = weight × rate, no
    figure above the total line's."""
    vals = {r: _number(p) for r, p in cells.items()}
    s = 0.0
    adj, ex, rate, w, sc = (vals.get(r) for r in ("adjusted", "executed", "rate", "weight", "score"))
    if vals.get("after_integration") is not None:
        adj = vals["after_integration"]     # (the budget the rate is of, where printed)
    if adj is None:
        adj = vals.get("initial")
    if adj and ex is not None and rate is not None:
        # (nothing spent of a sum a thousand times larger holds any rate trivially: no evidence;
        # the rate holds to the precision it is printed with, not to a fixed half point, under
        # which a small rate fits a cut whose ratio is half of it or less)
        holds = abs(ex / adj - rate) <= _printed_tolerance(cells.get("rate")) and (rate > 0 or ex == 0)
        s += -2.0 if not holds else 3.0 if ex > 0 and 1e-3 <= ex / adj <= 10 else 0.0
    if w is not None and w > LINE_POINTS_AT_MOST:
        s -= 4.0            # a weight taking most of the form's points is a cut through other figures
    if w is not None and sc is not None:
        s += -5.0 if sc > w + 1e-9 else 0.0
        scored_as = lambda r: abs(w * min(r, 1.0) - sc) <= 0.0051 * w + 0.006      # noqa: E731
        if rate is not None and scored_as(rate):
            s += 3.0
        elif adj and ex is not None and sc > 0 and scored_as(ex / adj):
            s += 3.0        # the score the rules give from the sums themselves, a mistyped rate aside
    if adj is not None and ex is not None and ex > adj * 1.5:
        s -= 1.0
    if total and w is not None and total.get("weight") is not None and abs(w - total["weight"]) > 1e-9:
        s -= 2.0            # a line under the total scores against the total's weight or not at all
    A, B, C, D, DC = (vals.get(r) for r in ("adjusted", "integrated", "after_integration", "arrived", "arrival_rate"))
    if A is not None and C is not None:     # what is left after the funds integrated elsewhere: C = A − B
        s += 1.5 if abs(A - (B or 0.0) - C) <= 0.0051 else -2.0
    if C and D is not None and DC is not None:      # the arrival rate: D / C
        s += 1.5 if abs(D / C - DC) <= 0.0051 else -2.0
    money = [_decimals(p) for r, p in cells.items() if r in MONEY_ROLES and p and _number(p) is not None]
    if len(money) >= 3 and len(set(money)) == 1 and money[0] > 2:
        s += 0.5 * (money[0] - 2) * len(money)      # a line printing every sum to one count of decimals (six, a budget system's)
    elif money and max(money) > 2:
        s -= len(set(money)) - 1        # sums of three and five decimals in one line: cuts through figures
    for r, v in vals.items():
        if total and v is not None and total.get(r) is not None:
            s += 0.5 if abs(v - total[r]) < 1e-9 else (-2.0 if v > total[r] + 1e-9 and r != "rate" else 0.0)
    return s


def cut_indicator_row(s: str, roles: list[str], cw: CutWeights = WEIGHTS,
                      tied: list | None = None) -> list[tuple[str, str]] | None:
    """An indicator row's cells.  Where the cuts as good as the best disagree only on where a
    name ends and a worded target begins ('城市运行保障能力有效提升'), nothing tells them
    apart: the name keeps the words and the target is not read.  Where they disagree on a
    figure, None, and the row noted in ``tied`` (its figures, however parted later, a guess)."""
    scored = [(sc + _indicator_row(c, cw), c)
              for sc, c in _parses(s, roles, _ends, lambda r, p: _indicator_cell(r, p, cw),
                                       lambda r: _indicator_skip(r, cw))
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
                if tied is not None:
                    tied.append(s)
                return None
    if any(other.get("target") != cells.get("target") for other in near[1:]):
        cells["name"] = cells.get("name", "") + cells.pop("target", "")
    split = unconfirmed_split([(r, cells[r]) for r in roles if r in cells])
    if split:
        # two figures cut from one run that break the row's arithmetic are read as one figure
        # where one fits ('16' a weight, its score left blank)
        run = next(iter(split.values()))
        ranked = [c for _, c in sorted(scored, key=lambda x: -x[0])]
        whole = [c for c in ranked if run in (c.get("weight"), c.get("score"))]
        # otherwise a cut that leaves no lone 0 ('910': 9 | 10, not 91 | 0), marked as a guess
        nonzero = [c for c in ranked if c.get("weight", "") + c.get("score", "") == run and
                   _number(c.get("score", "")) not in (None, 0)]
        if whole or nonzero:
            cells = dict((whole or nonzero)[0])
    if not any(r in cells for r in FIGURE_ROLES + VALUE_ROLES):
        return None
    if "weight" in roles and "score" in roles and ("weight" in cells) != ("score" in cells):
        # one of weight and score printed: the other's blank is said, so that the figure
        # keeps its column downstream ('10' the weight, its score blank)
        cells["score" if "weight" in cells else "weight"] = None
    return [(r, cells[r]) for r in roles if r in cells]


BUDGET_FIELDS = ("initial", "adjusted", "after_integration", "executed", "rate", "weight", "score")


def cut_budget_row(s: str, roles: list[str], total: dict | None) -> list[tuple[str, str]] | None:
    m = re.match(r"[^\d—\-－/／]+", s)
    if not m or not re.search(vocabulary()["budget_kinds"]["total"] + "|" + "|".join(
            v for r, v in vocabulary()["budget_kinds"].items() if r != "total"), m.group(0)):
        return None
    label, rest = m.group(0), s[m.end():]
    P = _value_patterns()

    def fits(r: str, piece: str) -> bool:
        if r in ("rate", "arrival_rate"):
            return bool(P["rate"].fullmatch(piece) or re.fullmatch(BLANK, piece))
        if r == "row_number":
            return bool(re.fullmatch(r"[1-9]\d?", piece))
        if r == "evidence":         # (the documents a line rests on: words, no figure)
            return bool(re.fullmatch(r"\p{Han}[\p{Han}、，,]*", piece))
        if r == "method":           # (how the score is worked out: a sentence)
            return bool(re.fullmatch(r"\p{Han}[^\d]*", piece)) or _fits("method", piece)
        if r in ("weight", "score"):
            return bool(P["number"].fullmatch(piece) or re.fullmatch(BLANK, piece))
        return bool(P["money"].fullmatch(piece))

    def ends(r: str, text: str, p: int) -> list[int]:
        reach = len(text) if r in ("evidence", "method") else min(len(text), p + 14)
        return [e for e in range(p + 1, reach + 1) if fits(r, text[p:e])]

    scored = [(sc + _budget_row(c, total), c)
              for sc, c in _parses(rest, roles, ends, _budget_cell, lambda r: 0.0, keep=100000) if len(c) >= 2]
    # (cuts that differ only in columns holding no field of the contract, and no figure the
    # rate is of, read the line alike: equal sums under 全年预算数 and 全年到位资金)
    cells = _best(scored, tuple(r for r in roles if r in BUDGET_FIELDS))
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


def _cut_cell(c: Cell, pieces: list[str | None], k: str, idx: tuple[int, ...]) -> list[Cell]:
    """The cell's text cut at the pieces' bounds (mapped back from its key to the printed text)."""
    out, p = [], 0
    text = c.text
    for j, piece in enumerate(pieces):
        if piece is None:
            out.append(replace(c, text=BLANK_CELL, col=c.col + j))
            continue
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


def unconfirmed_split(got: list[tuple[str, str]]) -> dict[int, str]:
    """A weight and a score cut from one run of digits ('1011' → 10 | 11) that break the
    row's arithmetic (the score above its weight), leave a score of 0 ('10' → 1 | 0) or a
    whole score after a weight's decimals ('8.34' → 8.3 | 4): a guess, so both carry the run they were
    cut from and nothing is accused on them (``Indicator.texts['figures_cut']``).  {piece
    index: the run}."""
    roles = [r for r, _ in got]
    if "weight" not in roles or "score" not in roles or roles.index("score") != roles.index("weight") + 1:
        return {}
    d = dict(got)
    if d["weight"] is None or d["score"] is None:
        return {}
    w, sc = _number(d["weight"]), _number(d["score"])
    if w is None or sc is None:
        return {}
    if 0 < sc <= w + 1e-9 and not ("." in d["weight"] and "." not in d["score"]):
        # (a lone 0 cut off a run is within any weight and confirms nothing; nor does a whole
        # score cut off a weight's decimals, '8.34' → 8.3 | 4: the run may be one figure)
        return {}
    run = d["weight"] + d["score"]
    return {roles.index("weight"): run, roles.index("score"): run}


COMPARATOR = re.compile(r"^(?:[≥≤<>=＞＜]|不低于|不少于|不高于|不超过|大于等于|小于等于)+")
ROW_OPENING = re.compile(r"\d{0,3}(?:\p{Han}{2,12}[(]\d+(?:\.\d+)?分[)])")   # (a row number and) a group with its points


def _row_fit(k: str, roles: list[str], cw: CutWeights) -> float | None:
    """How well the best cut of a run-together indicator row under ``roles`` fits it, less
    what its cells earn for being filled: a grammar of more columns cuts the same text into
    more cells ('≥43个' as ≥ | 43 | 个), which is no evidence for it."""
    def filled(r: str) -> float:
        return cw.text_cell if r in TEXT_ROLES else cw.review_cell if r == "review" else cw.cell
    def bare(c: dict) -> dict:      # (a target's comparator, in its cell or its own, weighs nothing here)
        return {**c, "target": COMPARATOR.sub("", c["target"])} if c.get("target") else c
    scored = [sc + _indicator_row(bare(c), cw) - sum(filled(r) for r in c)
              + cw.weight_meets_actual * _digit_to_digit(c, roles).count(("weight", "actual"))
              for sc, c in _parses(k, roles, _ends, lambda r, p: _indicator_cell(r, p, cw),
                                   lambda r: _indicator_skip(r, cw))
              # (a weight and a score cut from one run, a guess: '10' as 1 | 0, no evidence; the
              # row opens with its group label, and holds a name and two values at least)
              if "name" in c and ("level1" in c or "level2" in c)
              and sum(r in c for r in ("target", "actual", "weight", "score")) >= 2
              and not unconfirmed_split([(r, c[r]) for r in roles if r in c]) and not _figure_parted(c, roles)]
    return max(scored) if scored else None


SIDE_BY_SIDE = {("weight", "score"), ("weight", "actual")}     # figure columns that meet digit to digit
                                                                # in a template (权重 | 完成值: '152个')


def _figure_parted(c: dict, roles: list[str]) -> bool:
    """A cut that parts one figure between two values ('90%' as 9 | 0%): no evidence of a row
    (but between two figure columns a template prints side by side, where any cut does: a
    weight and the actual after it only where the row's arithmetic confirms the cut)."""
    return any((ra, rb) not in SIDE_BY_SIDE or (ra, rb) == ("weight", "actual") and not _row_confirms(c)
               for ra, rb in _digit_to_digit(c, roles))


def _row_confirms(c: dict) -> bool:
    """The row's figures keep its arithmetic: the score its target and actual give (to the
    score's printed decimals), or full marks for a target met exactly."""
    A, B, w, sc = (_number(c[r]) if c.get(r) else None for r in ("target", "actual", "weight", "score"))
    if None in (B, w, sc) or A is None:
        return False
    if A == B:
        return abs(sc - w) < 1e-9
    return bool(A) and abs(sc - w * min(1.0, B / A)) <= _score_tolerance(w, _decimals(c["score"]))


def _digit_to_digit(c: dict, roles: list[str]) -> list[tuple[str, str]]:
    """The pairs of cells a cut parts where a digit meets a digit (or a point, a percent)."""
    cells = [(r, c[r]) for r in roles if c.get(r)]
    return [(ra, rb) for (ra, a), (rb, b) in zip(cells, cells[1:])
            if a[-1].isdigit() and (b[0].isdigit() or b[0] in "%.")]


def headless_grammar(k: str, cw: CutWeights = WEIGHTS) -> tuple[str, list[str]] | None:
    """A run-together line under no header that opens with a group label (after a row's
    number): a row of a table whose column header went with the page before.  Its columns
    are the grammar (vocabulary [grammars], the group labels before them) whose best cut
    fits the line best, the first listed on a tie."""
    m = re.match(r"\d{0,3}", k)
    rest = re.sub(r"[(]\d+(?:\.\d+)?分[)]", "", k[m.end():])
    if not (_opens_level(k, m.end()) or ROW_OPENING.match(k)) or re.search(r"[。；;]$", k) or \
            not (re.search(r"\p{Han}.*\d", rest) or any(w in rest for w in _value_words())):
        # (a group label alone on its line, its points with it, is a cell, not a row; a line
        # ending a sentence is a scoring rule's text, not a row, which ends in its values)
        return None
    best: tuple[float, list[str]] | None = None
    for g in vocabulary()["grammars"].values():
        roles = ["seq", "level1", "level2", *g[1:]] if g[0] == "seq" else ["level1", "level2", *g]
        fit = _row_fit(k, roles, cw)
        if fit is not None and (best is None or fit > best[0]):
            best = (fit, roles)
    return ("indicators", best[1]) if best else None


def cut_run_rows(lines: list[list[Cell]], cw: CutWeights = WEIGHTS
                 ) -> tuple[list[list[Cell]], dict[int, dict[int, str]], set[int]]:
    """Lines of one cell each that are a run-together header or a row under one, cut into
    their cells; every other line as it was.  With the indices of the lines cut, each with
    the cells whose figures were cut by a guess ({cell index: the run it was cut from}); and
    the lines under an indicator table's grammar that cuts as good as the best part apart on a
    figure (rows whose figures, whatever parts them later, are a guess)."""
    out: list[list[Cell]] = []
    unsure: set[int] = set()
    cut_lines: dict[int, dict[int, str]] = {}
    grammar: tuple[str, list[str]] | None = None
    total: dict | None = None
    headed = False          # a header seen: rows below one are cut by its grammar alone
    before: list[int] = []  # lines no grammar cut before any header or row chose one
    for cells in lines:
        if len(cells) != 1:
            out.append(cells)
            continue
        c = cells[0]
        k, idx = key_map(c.text)
        if len(k) <= 60 and matches(vocabulary()["regions"]["title"], k):
            # a form's title: the next form's table has its own header and grammar
            out.append(cells)
            grammar, total, headed, before = None, None, False, []
            continue
        head = header_roles(k) if 4 <= len(k) <= 120 else None
        if head is None and grammar is None and not headed and len(k) <= 400:
            grammar = headless_grammar(k, cw)
            if grammar is None:
                before.append(len(out))
            else:
                # the rows above the first that named its group (the page before lost with
                # their group's label): cut by the grammar it chose
                for n in before:
                    pk, pidx = key_map(out[n][0].text)
                    got = cut_indicator_row(pk, grammar[1], cw) if len(pk) <= 400 else None
                    if got is not None:
                        cut_lines[n] = unconfirmed_split(got)
                        out[n] = _cut_cell(out[n][0], [q for _, q in got], pk, pidx)
                before = []
        if head is not None:
            headed = True
            table, cut = head
            grammar = (table, [r for r, _ in cut if r != "label"])
            total = None
            cut_lines[len(out)] = {}
            out.append(_cut_cell(c, [p for _, p in cut], k, idx))
            continue
        got = None
        tied: list = []         # (the row's cuts as good as the best, parting its figures apart)
        if grammar is not None and len(k) <= 400:
            table, roles = grammar
            if table == "indicators":
                got = cut_indicator_row(k, roles, cw, tied)
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
            if grammar is not None and grammar[0] == "indicators" and tied:
                unsure.add(len(out))
            out.append(cells)
            continue
        cut_lines[len(out)] = unconfirmed_split(got) if grammar and grammar[0] == "indicators" else {}
        out.append(_cut_cell(c, [p for _, p in got], k, idx))
    return out, cut_lines, unsure
