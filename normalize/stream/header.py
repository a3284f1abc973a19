"""The header region: key/value labels and what follows them."""
from __future__ import annotations

import regex as re

from ..schema import Form
from ..text import first_match, key_map, matches, pattern, vocabulary
from ..values import is_blank, parse_number
from .tokens import Tok, _is_label
from .regions import Mapping, _region_of


def read_header(toks: list[Tok], f: Form, rep: Mapping) -> None:
    v = vocabulary()["header"]
    prio = vocabulary()["department_priority"]["order"]
    dept_rank = None
    i = 0
    while i < len(toks):
        t = toks[i]
        fld = first_match(v, t.key)
        own = re.sub(r"《[^》]*》", "", t.key)          # a cited document's title is not this form's
        m = re.search(r"((?:19|20)\d{2})\s*年度", own)
        if m and f.year is None:
            f.year = int(m.group(1))
        if matches(vocabulary()["regions"]["title"], t.key) and f.title is None and len(t.key) <= 60:
            f.title = t.text
            m = re.search(r"((?:19|20)\d{2})年", own)
            if m and f.year is None:
                f.year = int(m.group(1))
        if not fld:
            i += 1
            continue
        lab = pattern(v[fld] if isinstance(v[fld], str) else v[fld][0]).search(t.key)
        rest = t.key[lab.end():] if lab else ""
        _, idx = key_map(t.text)
        value, cell = None, t.cell
        if rest:
            value = t.text[idx[lab.end()]:].strip().lstrip(":：").strip() if len(idx) == len(t.key) else rest
        elif fld == "declared_total":
            # the score may stand a few cells on (a header printed as two columns)
            nxt = next((t2 for t2 in toks[i + 1:i + 7] if parse_number(t2.key.lstrip(":")) is not None), None)
            if nxt is not None:
                value, cell = nxt.text.lstrip(":：").strip(), nxt.cell
        elif i + 1 < len(toks) and not first_match(v, toks[i + 1].key) \
                and _region_of(toks[i + 1].key) is None and not _is_label(toks[i + 1].key):
            # (a label after a label is no value: '项目名称 | 备注', a list's column heads)
            value, cell = toks[i + 1].text, toks[i + 1].cell
            i += 1
            if fld in ELSEWHERE and ROW_NUMBER.fullmatch(toks[i].key):
                # a name is no number: '项目名称 | 1 | 窗口人员月度考核奖' (a list's 序号 before it)
                value = None
                if i + 1 < len(toks) and not first_match(v, toks[i + 1].key) and _region_of(toks[i + 1].key) is None \
                        and re.search(r"\p{Han}", toks[i + 1].key):
                    value, cell = toks[i + 1].text, toks[i + 1].cell
                    i += 1
        i += 1
        if fld == "other" or value is None or is_blank(value):
            continue
        if fld == "declared_total":
            n = parse_number(value)
            if n is not None and f.declared_total is None:
                f.declared_total = n
                f.texts["declared_total"] = value
                f.cells["declared_total"] = cell
            continue
        if fld == "year":
            # the year in a cell of its own ('项目年份 | 2021')
            m = re.fullmatch(r"((?:19|20)\d{2})年?度?", "".join(value.split()))
            if m and f.year is None:
                f.year = int(m.group(1))
            continue
        if fld == "department":
            label = lab.group(1) if lab else ""
            rank = prio.index(label) if label in prio else len(prio)
            if dept_rank is not None and rank >= dept_rank:
                continue
            dept_rank = rank
        elif getattr(f, fld) is not None:
            continue
        value = re.sub(r"^(?:及代码|[(（]?代码[)）]?)?[:：]?", "", "".join(value.split()))   # the label's tail
        if value:
            setattr(f, fld, value)
            f.cells[fld] = cell


ELSEWHERE = ("project_name", "department", "implementing_unit")
ROW_NUMBER = re.compile(r"\d{1,3}[.、]?")


def header_fields_elsewhere(regs: dict[str, list[Tok]]) -> list[Tok]:
    """Header labels printed inside another region with their value after them (column
    order prints a merged header cell beside the table it stands next to: '地方主管部门 |
    巴彦淖尔市临河区财政局' among the budget's lines): each label and its value, for the
    header's reader (which picks among several departments by its priority)."""
    v = vocabulary()["header"]
    out: list[Tok] = []
    for name, toks in regs.items():
        if name == "header":
            continue
        for t, nxt in zip(toks, toks[1:]):
            if first_match(v, t.key) in ELSEWHERE and _is_label(t.key) and not first_match(v, nxt.key) \
                    and _region_of(nxt.key) is None and parse_number(nxt.key) is None and not _is_label(nxt.key):
                out += [t, nxt]
    return out
