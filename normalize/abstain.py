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
from .text import key, vocabulary

_V = vocabulary()
UNITS = set(_V["values"]["units"])
TIER_WORDS = set(_V["values"]["words"])
LABELS = set(key(w) for w in _V["split"]["words"])
# closing rows and headers a table prints that no indicator is named
CLOSING = re.compile(r"^(合计|小计|总计|总分|总得分|自评得分|其他需要说明(的)?事项|其他说明|说明|备注|注)[:：]?$")
FIGURE = re.compile(r"^[-+≥≤<>=＞＜]*\d[\d,.]*%?\p{Han}{0,3}$|^[\d,.]+%?$")
SIGN = re.compile(r"^[≥≤<>=＞＜/—\-–~～|%％、，,.:：;；()（）\[\]]*$")


def not_an_indicator(name: str | None) -> str | None:
    """Why a row named so is no indicator, or None."""
    k = key(name or "")
    if not k:
        return "it has no name"
    if SIGN.fullmatch(k):
        return f"its name {name!r} is a sign, not a name"
    if FIGURE.fullmatch(k):
        return f"its name {name!r} is a figure, not a name"
    if k in UNITS:
        return f"its name {name!r} is a unit, not a name"
    if k in TIER_WORDS:
        return f"its name {name!r} is a completion tier, not a name"
    if CLOSING.fullmatch(k):
        return f"its name {name!r} is a closing row's label"
    if k in LABELS:
        return f"its name {name!r} is a column or section label"
    if not re.search(r"\p{Han}|[A-Za-z]{2}", k):
        return f"its name {name!r} holds no word"
    return None


def set_aside(f: Form) -> None:
    """The form's indicator rows that are no indicators, taken out and reported."""
    kept, aside = [], []
    for ind in f.indicators:
        why = not_an_indicator(ind.name)
        if why is None:
            kept.append(ind)
        else:
            aside.append({"name": ind.name, "why": why,
                          "figures": {r: ind.texts.get(r) for r in ("target", "actual", "weight", "score")
                                      if ind.texts.get(r)}})
    if aside:
        f.indicators = kept
        f.mapping.setdefault("set_aside", []).extend(aside)
