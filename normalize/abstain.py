"""Abstain rather than guess: what a reader bound that the form's own words say it cannot be.

A row of the indicator table whose name is no name (a figure, a sign, a unit, a tier word,
a column's header, a closing label such as 合计 or 其他需要说明事项) is a binding gone wrong,
not an indicator: it is set aside, named in the mapping report (``set_aside``), and the
checker says the table was read incomplete (EXTRACTION_INCOMPLETE) rather than judge what
rests on it.  A wrong value given as if read is worse than a blank.
"""
from __future__ import annotations

import regex as re

from .schema import Form
from .text import key, unit_run, vocabulary

_V = vocabulary()
UNITS = set(_V["values"]["units"])
TIER_WORDS = set(_V["values"]["words"])
VERDICTS = set(_V["values"]["verdicts"])
LABELS = set(key(w) for w in _V["split"]["words"])
# closing rows and headers a table prints that no indicator is named
CLOSING = re.compile(r"^(合计|小计|总计|总分|总得分|自评得分|其他需要说明(的)?事项|其他说明|说明|备注|注)[:：]?$")
# a figure with its unit (Han or Latin: '80TB'), or a rate opening a worded bound ('15%及其以下')
FIGURE = re.compile(r"^[-+≥≤<>=＞＜]*\d[\d,.]*%?(?:\p{Han}{0,3}|[A-Za-z]{1,3})$|^[\d,.]+%?$|^[-+≥≤<>=＞＜]*\d[\d.]*%\p{Han}+$")
SIGN = re.compile(r"^[≥≤<>=＞＜/—\-–~～|%％、，,.:：;；()（）\[\]]*$")


UNIT_THEN_FIGURE = re.compile(r"(\p{Han}{1,2})\d[\d,.]*%?")
LONG_LABELS = sorted((w for w in LABELS if len(w) >= 4), key=len, reverse=True)
TARGET_INSIDE = re.compile(r"\p{Han}[≥≤＞＜]\s*\d|[≥≤＞＜]\s*\d[\d.,]*\p{Han}*\p{Han}")
def _alternatives(pat: str) -> list[str]:
    """The words of a label pattern '^(a|b|c)(…)?$': a, b, c."""
    inner = pat[pat.index("(") + 1:]
    depth, end = 1, 0
    for end, ch in enumerate(inner):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth == 0:
            break
    return [a for a in inner[:end].split("|") if re.fullmatch(r"\p{Han}+", a)]


# the labels of the indicator table's figure columns (weight, self-score, target, actual): a
# name ending in one is the table's header read into a row (no indicator is named so)
HEADER_END = re.compile("(?:" + "|".join(
    a for role in ("weight", "score", "target", "actual") for a in _alternatives(_V["indicators"][role])
    if role in ("weight", "score") and (len(a) >= 3 or a in ("权重", "分值")) or a.endswith("值")) + ")$")
# a group's label with the points it carries ('时效指标6分', '产出指标（40分）'): the group
# column's text read into a row, never an indicator's name
GROUP_POINTS = re.compile(r"指标[(（]?\d+(?:\.\d+)?分")
# the wording of a scoring rule ('15分÷三级指标个数', '扣0.5分', '没有不得分', '四舍五入'): the
# criteria column's text (评价标准), which says how points are given, not what is measured
CRITERIA = re.compile(r"\d分[÷/]|扣\d|扣完为止|不得分|四舍五入|分值按")
# a figure column's label anywhere in a cell ('指标值实际' | '完成值分': a header broken over
# lines, its pieces bound as a row's name and target)
HEADER_WORD = re.compile(r"指标值|目标值|完成值|实际值|分值|得分|权重")
RATE_CEILING = 10.0     # an execution rate is a fraction; ten times the budget is no rate but figures run together
FULL_MARKS = 100.0      # no template of these forms prints a weight, score or total above it
WEIGHT_DECIMALS = 2     # points are printed to two decimals at most; more is a rate or a ratio


def not_an_indicator(name: str | None) -> str | None:
    """Why a row named so is no indicator, or None."""
    k = key(name or "")
    if not k:
        return "it has no name"
    if TARGET_INSIDE.search(k):
        return f"its name {name!r} holds a target ('≥12'): the row's cells ran together"
    m = UNIT_THEN_FIGURE.fullmatch(k)
    if m and (len(m.group(1)) == 1 or m.group(1) in UNITS):
        # one character or a unit, then a figure: the end of one cell and the next ('次N')
        return f"its name {name!r} is a unit and a figure: the end of one cell and the next"
    if HEADER_END.search(k) and not HEADER_END.fullmatch(k):
        return f"its name {name!r} ends in a column's header ({HEADER_END.search(k).group(0)}): the header read into a row"
    if GROUP_POINTS.search(k):
        return f"its name {name!r} holds a group's label with its points: the group column read into a row"
    if CRITERIA.search(k):
        return f"its name {name!r} is a scoring rule's wording: the criteria column read into a row"
    labels = [w for w in LONG_LABELS if w in k]
    if len(labels) >= 2:
        return f"its name {name!r} holds column labels ({', '.join(labels[:3])}): labels read in a row"
    if SIGN.fullmatch(k):
        return f"its name {name!r} is a sign, not a name"
    if FIGURE.fullmatch(k):
        return f"its name {name!r}{FIGURE_NAMED}"
    if k in UNITS:
        return f"its name {name!r} is a unit, not a name"
    if k in TIER_WORDS:
        return f"its name {name!r} is a completion tier, not a name"
    if k in VERDICTS:
        return f"its name {name!r} is a verdict a row prints as its value, not a name"
    if CLOSING.fullmatch(k):
        return f"its name {name!r} is a closing row's label"
    if k.startswith("其中"):
        return f"its name {name!r} opens a budget line's part ('其中:…'): a budget row read into the table"
    if k in LABELS:
        return f"its name {name!r} is a column or section label"
    if not re.search(r"\p{Han}|[A-Za-z]{2}", k):
        return f"its name {name!r} holds no word"
    if len(k) == 1:
        return f"its name {name!r} is one character: a piece of a cell, not a name"
    return None


def _header_pieces(ind) -> str | None:
    """A row whose name and target both hold a figure column's label: the table's header,
    broken over lines, read as a row."""
    if HEADER_WORD.search(key(ind.name or "")) and HEADER_WORD.search(key(ind.target or "")):
        return f"its name {ind.name!r} and target {ind.target!r} are pieces of the table's header"
    return None


def _shifted(ind) -> str | None:
    """A row whose target is blank while its actual carries a target's comparator ('≤N万元'
    as the actual): its figures were bound one place along, the weight and score with them."""
    if not (ind.target or "").strip() and re.match(r"\s*[≥≤＞＜]", ind.actual or ""):
        return f"its actual {ind.actual!r} carries a target's comparator and its target is blank: its figures shifted"
    return None


def no_figure_of(role: str, text: str | None, value: float | None) -> str | None:
    """Why a figure read as a weight, a score or the declared total cannot be one, or None."""
    if value is None:
        return None
    if role == "total" and value > 2 * FULL_MARKS:
        # (a total a little above full marks is the form's own over-claim, checked as such)
        return f"{text!r} is more than twice the full marks ({FULL_MARKS:g}) any such form has"
    if role != "total" and value > FULL_MARKS + 1e-9:
        return f"{text!r} is above the full marks ({FULL_MARKS:g}) any such form has"
    if role == "weight" and "%" in (text or ""):
        return f"{text!r} is a rate, not a weight"
    if role == "weight":
        m = re.search(r"\.(\d+)", text or "")
        if m and len(m.group(1)) > WEIGHT_DECIMALS:
            return f"{text!r} has more decimals than points are printed with: a rate, not a weight"
    return None


# the labels of columns and sections, not of groups (a level's word may name a target: '社会效益')
COLUMN_LABELS = {w for w in LABELS if not any(re.fullmatch(p, w) for p in (_V["levels"]["level1"], _V["levels"]["level2"]))}
CHECKBOX = re.compile(r"[□☐☑☒■√]")
SIGN_WORDS = re.compile("^(" + "|".join(map(re.escape, [*_V["values"]["natures"], "正向", "反向"])) + ")$")


def no_value_of(text: str | None) -> str | None:
    """Why a target or an actual read so cannot be one, or None: a column's or a section's
    label ('得分'), the 指标性质 column's word ('定性'), or the broken end of a sentence of
    three characters or fewer ('成。') — another cell's text bound to it."""
    k = key(text or "")
    if not k:
        return None
    if k in TIER_WORDS or any(k.startswith(w) for w in TIER_WORDS if len(w) >= 4):
        return None             # a completion tier ('达成预期指标') is an actual
    if k in COLUMN_LABELS or CLOSING.fullmatch(k):
        return f"{text!r} is a column or section label"
    if SIGN_WORDS.fullmatch(k):
        return f"{text!r} is the 指标性质 column's word, not a value"
    if len(k) <= 3 and re.search(r"[。，,；;、]$", k):
        return f"{text!r} is the broken end of a sentence"
    if k in UNITS or k == "分" or unit_run().fullmatch(k):
        return f"{text!r} is a unit alone: the end of another cell, not a value"
    if SIGN.fullmatch(k):
        return f"{text!r} is a sign alone: its figure was printed apart"
    if re.search(r"\d\.$", k):
        return f"{text!r} ends at a decimal point: its figure's digits were printed on another line"
    whole = next((u for u in UNITS if len(u) > 1 and k in u and k != u), None)
    if whole is not None:
        return f"{text!r} is a piece of a unit ({whole}): a cell broken over lines"
    if CHECKBOX.search(k):
        return f"{text!r} is a box to tick (项目属性), not a value"
    if re.search(r"[:：]$", k):
        return f"{text!r} is a label awaiting its value"
    return None


NAME_END = re.compile(r"[率性]$")      # how a name ends and a worded value does not ('按时完成率')


def _a_name(text: str | None, row, names: list) -> str | None:
    """Why a worded target or actual is a name, or a piece of one, read into a value's
    column (a table's text read in column order), or None: it holds no figure and either
    ends as indicators' names end, or stands inside another row's name and not its own."""
    k = key(text or "")
    if not k or re.search(r"\d", k) or k in TIER_WORDS:
        return None
    if NAME_END.search(k):
        return f"{text!r} holds no figure and ends as a name ends: another row's name, not a value"
    if k in key(row.name or ""):
        return None         # the word its own row's name grades ('资金使用合规性' | '合规'): its value
    other = next((n for ind, n in names if ind is not row and k in n), None)
    if other is not None:
        return f"{text!r} stands inside another row's name ({other}): names read out of order"
    return None


# Signs that a table's text was not read in row order.  Measured with both: the pdftotext
# grid's wrong-given-as-read 292 -> 122, the real forms' 12 -> 9; the text grid unchanged.
OUT_OF_ORDER_ROWS = 3   # rows set aside, and more of them than rows kept (or named by a figure)
FIGURE_NAMED = " is a figure, not a name"
OUT_OF_ORDER = 2        # names found in the value columns


def _table_out_of_order(f: Form, named: int, broken_rows: int) -> list[dict]:
    """Names standing in a table's value columns more than once, or more rows set aside as no
    indicators than kept, tell that its text came in column order (all names, then all
    values, or blocks of each) and was paired by place: no row's values can be trusted to
    be its own.  Every value of the table is set aside, the names kept; the checker then
    says the table was read incomplete."""
    sign = f"{named} of its values are other rows' names" if named >= OUT_OF_ORDER else \
        f"{broken_rows} of its rows are no indicators"
    out = []
    for ind in f.indicators:
        held = {r: ind.texts.get(r) for r, a in (("target", "target"), ("actual", "actual"), ("weight", "weight"),
                                                ("score", "score_declared")) if getattr(ind, a) is not None}
        if held:
            out.append({"name": ind.name, "why": f"the table's text is not in row order ({sign}): its values are "
                        f"not read", "figures": held})
        ind.target = ind.actual = ind.weight = ind.score_declared = None
    return out


def _figures_aside(f: Form, broken_rows: int = 0) -> list[dict]:
    """Weights, scores and the declared total a text form's reader bound that cannot be
    them: made null (never a guess), each named.  (On a scan the checker flags such a
    figure on its cell instead, for a person to read.)"""
    out = []
    if f.ocr:
        return out
    rows = [(i.name, i) for i in f.indicators] + [(b.label, b) for b in f.budget_lines]
    for name, row in rows:
        for role, attr in (("weight", "weight"), ("score", "score_declared")):
            why = no_figure_of(role, row.texts.get(role), getattr(row, attr))
            if why:
                setattr(row, attr, None)
                out.append({"name": name, "why": f"its {role} {why}", "figures": {role: row.texts.get(role)}})
    for b in f.budget_lines:
        if b.rate_declared is not None and b.rate_declared > RATE_CEILING:
            # an execution rate of 1000% and more is figures run together read as one
            out.append({"name": b.label, "why": f"its rate {b.texts.get('rate')!r} is above {RATE_CEILING:.0%}: "
                        f"figures run together, not a rate", "figures": {"rate": b.texts.get("rate")}})
            b.rate_declared = None
    for role in ("target", "actual"):
        why = no_value_of(getattr(f.goal, role))
        if why:
            out.append({"name": "goal", "why": f"the goal's {role} {why}", "figures": {role: getattr(f.goal, role)}})
            setattr(f.goal, role, None)
    names = [(ind, key(ind.name or "")) for ind in f.indicators]
    named = 0
    for ind in f.indicators:
        for role in ("target", "actual"):
            named_so = _a_name(getattr(ind, role), ind, names)
            named += named_so is not None
            why = no_value_of(getattr(ind, role)) or named_so
            if why:
                out.append({"name": ind.name, "why": f"its {role} {why}", "figures": {role: getattr(ind, role)}})
                setattr(ind, role, None)
    if named >= OUT_OF_ORDER or broken_rows:
        out.extend(_table_out_of_order(f, named, broken_rows))
    why = no_figure_of("total", f.texts.get("declared_total"), f.declared_total)
    if why:
        f.declared_total = None
        out.append({"name": "declared total", "why": f"the declared total {why}",
                    "figures": {"score": f.texts.get("declared_total")}})
    return out


LEVEL_WORDS = (_V["levels"]["level1"], _V["levels"]["level2"])


def _named_as_a_group(ind) -> bool:
    """A row named with a group's word ('社会效益') under 一级 and 二级 labels of its own that
    are other words ('效果' / '履职效益'): a rubric's item, whose name a template may take
    from the project forms' group labels."""
    k = key(ind.name or "")
    return bool(k and ind.level1 and ind.level2 and key(ind.level2) != k and key(ind.level1) != k
                and any(re.fullmatch(p, k) for p in LEVEL_WORDS))


def set_aside(f: Form) -> None:
    """The form's indicator rows that are no indicators, and figures that cannot be what
    they were bound as, taken out and reported."""
    kept, aside = [], []
    for ind in f.indicators:
        why = None if _named_as_a_group(ind) else not_an_indicator(ind.name) or _shifted(ind) or _header_pieces(ind)
        if why is None:
            kept.append(ind)
        else:
            aside.append({"name": ind.name, "why": why,
                          "figures": {r: ind.texts.get(r) for r in ("target", "actual", "weight", "score")
                                      if ind.texts.get(r)}})
    f.indicators = kept
    # (more rows that are no indicators than rows kept, or rows 'named' by a bare figure as
    # many: the table's rows did not hold together, its figures printed apart from its names)
    figured = sum(1 for a in aside if a["why"].endswith(FIGURE_NAMED))
    broken = len(aside) if len(aside) >= OUT_OF_ORDER_ROWS and len(aside) > len(kept) or \
        figured >= OUT_OF_ORDER_ROWS else 0
    aside += _figures_aside(f, broken)
    if aside:
        f.mapping.setdefault("set_aside", []).extend(aside)
