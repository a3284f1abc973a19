"""A stream cut into forms, and each form into its regions (header, budget, goal, indicators,
total, notes) by their anchors; a region's printed weight; the reader's mapping report."""
from __future__ import annotations

from dataclasses import dataclass, field

import regex as re

from ..schema import Form
from ..text import first_match, matches, vocabulary
from ..values import parse_number
from .tokens import Tok, _figure, _is_label


def _region_of(k: str) -> str | None:
    r = vocabulary()["regions"]
    for name in ("notes", "analysis", "breakdown", "budget", "goal", "indicators", "criteria", "total"):
        if matches(r[name], k):
            return name
    if matches(vocabulary()["indicators"]["level1"], k) and first_match(vocabulary()["header"], k) is None:
        return "indicators"     # (a label the header prints too, '项目类别', opens no table)
    return None


def _group_label(k: str) -> bool:
    """A group label of the indicator table ('产出指标', '数量指标（15分）')."""
    lv = vocabulary()["levels"]
    return len(k) <= 16 and (matches(lv["level1"], k) or matches(lv["level2"], k))


FORM_ROWS = 2          # rows (a name, then two figures or more) before a title that make the text
                       # before it a form's: a table's rows, not a page's metadata or a list


def split_forms(toks: list[Tok]) -> list[list[Tok]]:
    """Forms start at a title (…自评表) or at a second 项目名称 once a form has content: a
    block's or a group's label, or figures (a form's tail, its head lost with its page)."""
    forms: list[list[Tok]] = [[]]
    seen_content = seen_project = False
    title = vocabulary()["regions"]["title"]
    for t in toks:
        is_title = len(t.key) <= 60 and matches(title, t.key) and not t.key.startswith(("注", "说明"))
        is_project = first_match(vocabulary()["header"], t.key) == "project_name"
        if (is_title and seen_content) or (is_project and seen_project and seen_content):
            forms.append([])
            seen_content = seen_project = False
        forms[-1].append(t)
        if is_project:
            seen_project = True
        if _region_of(t.key) in ("budget", "indicators", "total") or _group_label(t.key) or \
                not seen_content and _rows_of_figures(forms[-1][-6:]) >= 1 and _rows_of_figures(forms[-1]) >= FORM_ROWS:
            # (a group label, or figures: a table's rows, the tail of a form whose head was lost)
            seen_content = True
    return [f for f in forms if f]


def regions(toks: list[Tok]) -> dict[str, list[Tok]]:
    out: dict[str, list[Tok]] = {"header": []}
    cur = "header"
    labelled = False            # a header field's label is among the header's tokens so far
    for n, t in enumerate(toks):
        r = _region_of(t.key)
        if r is None and t.key == "序号" and n + 1 < len(toks) and _region_of(toks[n + 1].key) == "indicators":
            r = "indicators"        # the row-number column's label opens the table it numbers
        column = re.sub(r"\([A-Z](?:/[A-Z])?\)$", "", t.key)          # '全年预算数(A)'
        if r is None and cur == "header" and _is_label(column) and \
                first_match(vocabulary()["budget"], column) in ("initial", "adjusted", "executed"):
            r = "budget"            # the budget's column labels, its own label printed after them (column order)
        if r is None and cur == "budget" and len(t.key) <= 8 and matches(vocabulary()["goal"]["target"], t.key):
            r = "goal"              # the goal's column labels, printed before its own label (column order)
        if cur == "header" and not labelled:
            # a text that starts inside a table (the page before lost): its first group label,
            # and the rows before it, are the table's (the criteria's block or the indicators');
            # rows before the table's 总分 row, no group label among them, are the indicators'
            cv = vocabulary()["criteria"]
            criterion = n + 1 < len(toks) and toks[n + 1].key in cv["names"]
            table = "criteria" if r is None and matches(cv["level1"], t.key) and criterion else \
                "indicators" if r is None and _group_label(t.key) or r == "total" and out["header"] else None
            if table:
                out[table], out["header"] = out["header"], []
                r = r or table
            elif r == "indicators" and any(x.key in cv["names"] for x in out["header"]):
                # the indicator table's own label after criteria rows whose group label was lost:
                # those rows are the criteria block's
                out["criteria"], out["header"] = out["header"], []
        if cur == "notes":
            r = None                # the notes end the form: their text names other blocks
        if r and r != cur:
            if r == "goal" and cur == "indicators":
                r = None            # 年度目标 inside the indicator block names a column or a group
            elif r == "budget" and cur != "header":
                r = None
            elif r == "total" and cur in ("budget", "breakdown"):
                r = None            # 合计 inside the budget block is a budget line (the sub-items', theirs)
        if r and r != cur:
            cur = r
        out.setdefault(cur, []).append(t)
        labelled = labelled or cur == "header" and first_match(vocabulary()["header"], t.key) is not None
    if set(out) == {"header"} and not labelled and _rows_of_figures(out["header"]) >= FORM_ROWS:
        # no label of any block, only rows of names and figures: a table's rows, its form's
        # head lost with the page before (its group's label too)
        out = {"header": [], "indicators": out["header"]}
    return out


def _rows_of_figures(toks: list[Tok]) -> int:
    """How many rows of a table the tokens hold: a name (Han text, no figure) followed by
    two values or more."""
    def figure(t: Tok) -> bool:         # a figure, or a value printed with its unit ('0起', '80TB')
        return len(t.key) <= 12 and bool(re.match(r"[≥≤<>=]?\d", t.key))
    return sum(1 for a, b, c in zip(toks, toks[1:], toks[2:])
               if re.search(r"\p{Han}{2}", a.key) and parse_number(a.key) is None and figure(b) and figure(c))


@dataclass
class Mapping:
    """What a reader could not place: the start of the form's mapping report (the fields
    missing and the confidence are derived from the finished form, normalize/binding.py)."""
    reader: str
    unplaced: list = field(default_factory=list)
    set_aside: list = field(default_factory=list)     # rows of the table not kept as indicators
    table_ends_text: bool = False       # the indicator table's tokens end the form's text: nothing
                                        # printed after it tells that the table was printed whole

    def to_dict(self) -> dict:
        return {"reader": self.reader, "unplaced": self.unplaced[:40],
                **({"set_aside": list(self.set_aside)} if self.set_aside else {})}


def _block_weight(toks: list[Tok], block: str, f: Form) -> None:
    """A block's points printed with its label ('预算执行情况 | (万 | 元) | (20分)',
    '项目绩效总目标(20 | 分)', '绩效指标 | (60分)'): within the label's first tokens, before
    any figure of the block's own."""
    head = ""
    for t in toks[:5]:
        if _figure(t)[0] and not re.search(r"分\)?$", t.key):
            break
        head += t.key
    w = re.search(r"\((\d+(?:\.\d+)?)分\)", head)
    if w and block not in f.section_weights:
        f.section_weights[block] = float(w.group(1))
