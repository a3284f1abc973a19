"""The table reader's label wordings, loaded from the one spec file (vocabulary.toml,
``[cells.*]``), and the few functions that apply them.

Ordered lists of (field, pattern): the first pattern that matches wins, so the more
specific wording comes first (``年度指标值`` before ``指标值``, ``全年预算数`` before
``预算数``).  Patterns are matched against a cell's text with all whitespace removed.
"""
from __future__ import annotations

import regex as re

from .text import simplified, vocabulary

_CELLS = vocabulary()["cells"]


def _table(name: str) -> list[tuple[str, str]]:
    """A ``[cells.NAME]`` table as (field, pattern) pairs in the file's order."""
    return [(field, p) for field, pats in _CELLS[name].items()
            for p in (pats if isinstance(pats, list) else [pats])]


SECTIONS = _table("sections")
BUDGET_ROLES = _table("budget")
GOAL_ROLES = _table("goal")
INDICATOR_ROLES = _table("indicators")
BUDGET_KINDS = _table("budget_kinds")
HEADER_FIELDS = _table("header")
SECTION_WORDS: dict[str, list[str]] = _CELLS["section_words"]
LEVEL1_OF_LEVEL2: dict[str, str] = _CELLS["level1_of_level2"]
LEVEL1_HOLDS: dict[str, list[str]] = _CELLS["level1_holds"]
FORM_TITLE = _CELLS["form"]["title"]
HEADER_LABELS = _CELLS["form"]["header_labels"]
DEADLINE = _CELLS["form"]["deadline"]
LEVEL1 = _CELLS["form"]["level1"]
LEVEL2 = _CELLS["form"]["level2"]


def section_of(text: str) -> str | None:
    """The section a row's first cell opens: its label, or (a label wrapped in a narrow
    column, '年度总' / '体目标') an unambiguous beginning of one, three characters at least."""
    sec = match(SECTIONS, text)
    if sec or len(text) < 3:
        return sec
    hits = {s for s, words in SECTION_WORDS.items() for w in words if w.startswith(text) and w != text}
    return hits.pop() if len(hits) == 1 else None


def titled(text: str) -> bool:
    """The text names a self-evaluation form (…自评表), in Simplified or Traditional."""
    return any(re.search(FORM_TITLE, t) for t in dict.fromkeys((text, simplified(text))))


def match(table: list[tuple[str, str]], text: str) -> str | None:
    """The first field whose pattern the text matches, as written or (printed in
    Traditional Chinese) as Simplified."""
    for t in dict.fromkeys((text, simplified(text))):
        for key, pattern in table:
            if re.search(pattern, t):
                return key
    return None


def strip_weight(label: str) -> str:
    """'产出指标(50分)' → '产出指标'."""
    return re.sub(r"[（(]\s*\d+(?:\.\d+)?\s*分\s*[)）]", "", label).strip()


def level1_of(text: str) -> str | None:
    """'产\\n出\\n指\\n标\\n(50分)' → '产出指标'; '服务对象满意度指标' at level 1 → '满意度指标'."""
    t = strip_weight(text)
    s = simplified(t)
    m = re.match(LEVEL1, s)
    if m:
        return _as_printed(t, s, m.start(1), m.end(1))
    if re.match(r"^(服务对象)?满意度指标?$", s):
        return _as_printed(t, s, len(s) - 5, len(s)) if s.endswith("满意度指标") else "满意度指标"
    return None


def level2_of(text: str) -> str | None:
    t = strip_weight(text)
    s = simplified(t)
    m = re.match(LEVEL2 + r"$", s)
    return _as_printed(t, s, m.start(1), m.end(1)) if m else None


def _as_printed(text: str, simple: str, a: int, b: int) -> str:
    """The part a..b of a label matched as Simplified, as printed (Traditional kept) where the
    two are as long, else as matched."""
    return text[a:b] if len(text) == len(simple) else simple[a:b]
