"""The closing regions: the total row, the notes, and the criteria of county templates."""
from __future__ import annotations

import regex as re

from ..schema import Form, Indicator
from ..text import first_match, matches, pattern, vocabulary
from ..values import parse_number
from .tokens import GLUED_PIECE, Tok, _is_label, _sub
from .regions import Mapping


def read_total(toks: list[Tok], f: Form, rep: Mapping) -> None:
    # (the colon after the label is the label's, where the text cut them apart: '总分' | ':97.98')
    toks = toks[:1] + [x for t in toks[1:4] for x in _full_marks_apart(_sub(t, 1, len(t.key)) if t.key.startswith(":") else t)]
    nums = [t for t in toks[1:4] if parse_number(t.key) is not None]
    if not nums:
        return
    cell = nums[-1]
    if len(nums) >= 2:
        f.texts["full_marks"] = nums[0].key
    f.declared_total = parse_number(cell.key)
    f.texts["declared_total"] = cell.key
    f.texts["total_row"] = toks[0].key
    f.cells["declared_total"] = cell.cell


def _full_marks_apart(t: Tok) -> list[Tok]:
    """'总分10098' in text run together: full marks 100, then the declared total."""
    m = re.fullmatch(r"100(\d{1,3}(?:\.\d+)?)", t.key) if t.glued else None
    if m and GLUED_PIECE.fullmatch(m.group(1)) and float(m.group(1)) <= 100:
        return [Tok("100", "100", t.cell, t.line, True), Tok(m.group(1), m.group(1), t.cell, t.line, True)]
    m = re.fullmatch(r"(\d{1,3}(?:\.\d+)?)\p{Han}.*", t.key) if t.glued else None
    if m and float(m.group(1)) <= 100:     # '99.6偏差大或目标': the total, then the next cell's text
        return [_sub(t, 0, m.end(1)), _sub(t, m.end(1), len(t.key))]
    return [t]


def read_notes(toks: list[Tok], f: Form, rep: Mapping) -> None:
    f.notes += "\n" + "".join(t.text for t in toks)


def read_breakdown(toks: list[Tok], f: Form, rep: Mapping) -> None:
    """The sub-items the project's money went to (项目资金构成): kept as printed, no field of
    the contract; not the form's notes (which end it: a table is read to its end before them)."""
    f.texts["breakdown"] = "".join(t.text for t in toks)


def _dangling_names(toks: list[Tok], f: Form) -> list[Tok]:
    """Text read in column order prints a header label with no value beside it ('实施单位 |
    全年预算数 | …') and the value elsewhere ('… | 稷山县医疗保险服务中心 | 产出 | …'): the
    label takes the one organisation's name the form prints apart from any label."""
    v = vocabulary()
    org = pattern(v["values"]["organisation"])
    for i, t in enumerate(toks):
        fld = first_match(v["header"], t.key)
        if fld not in ("implementing_unit", "department") or getattr(f, fld) is not None or \
                t.key != pattern(v["header"][fld][0]).search(t.key).group(0) or \
                i + 1 < len(toks) and not (first_match(v["header"], toks[i + 1].key) or _is_label(toks[i + 1].key)):
            continue
        named = [j for j, u in enumerate(toks) if org.match(u.key) and
                 not (j and first_match(v["header"], toks[j - 1].key))]
        if len(named) == 1:
            u = toks[named[0]]
            setattr(f, fld, u.key)
            f.cells[fld] = u.cell
            f.texts[f"{fld}_apart"] = "printed apart from its label (text in column order)"
            return toks[:named[0]] + toks[named[0] + 1:]
    return toks


def read_criteria(toks: list[Tok], f: Form, rep: Mapping) -> None:
    """A county template's 决策/管理 block read in reading order, its criteria's text
    interleaved with the rows ('决策依据 | 2 | 2 | 有项目年度工作计划…计 | 2 | 分,没有不得分'): a
    criterion's name takes the next two figures not followed by '分' (its points and the
    points given); numbers followed by '分' belong to the criterion's text.  Group labels
    ('项目管理 | 13 | 分') stand in the middle of their rows, so rows are given to groups in
    order where their points sum to each group's.  Read in column order (every figure
    before the first name), the figures pair with the names in order where they count two
    a row."""
    cv = vocabulary()["criteria"]
    names = set(cv["names"])
    groups: list[tuple[str, float]] = []
    rows: list[list] = []           # [name token, [figure tokens]]
    loose: list[Tok] = []           # figures before any criterion's name
    i = 0
    while i < len(toks):
        t = toks[i]
        k = t.key
        nxt = toks[i + 1].key if i + 1 < len(toks) else ""
        if matches(cv["level1"], k):
            inside = re.search(r"\((\d+(?:\.\d+)?)分\)$", k)
            if inside:                  # its points in its label ('项目决策(2分)'), the label as printed
                name = re.sub(r"\s*[(（]\s*\d+(?:\.\d+)?\s*分\s*[)）]\s*$", "", "".join(t.text.split()))
                groups.append((name, float(inside.group(1))))
                f.group_weights[name] = float(inside.group(1))
                i += 1
                continue
            m = re.fullmatch(r"(\d+(?:\.\d+)?)分?", nxt)
            if m and (nxt.endswith("分") or (toks[i + 2].key if i + 2 < len(toks) else "").startswith("分")):
                groups.append((k, float(m.group(1))))
                f.group_weights[k] = float(m.group(1))
                i += 2 if nxt.endswith("分") else 3
                continue
        if k in names:
            rows.append([t, []])
        elif parse_number(k) is not None and "%" not in k and not nxt.startswith("分"):
            if not rows:
                loose.append(t)
            elif len(rows[-1][1]) < 2:
                rows[-1][1].append(t)
        i += 1
    if rows and not any(r[1] for r in rows) and len(loose) == 2 * len(rows) and all(
            parse_number(sc.key) <= parse_number(w.key) for w, sc in zip(loose[::2], loose[1::2])):
        # column order: every row's figures before the names, two a row, each score within
        # its points: paired in order
        for r, n in zip(rows, range(0, len(loose), 2)):
            r[1] = loose[n:n + 2]
        rep.unplaced.append(f"column order: {len(rows)} criteria's figures printed before their names, paired in order")
    rows = [r for r in rows if len(r[1]) == 2]
    if not rows:
        rep.unplaced.extend(t.text for t in toks[:20])
        return
    # rows to groups in order, each group's rows summing to its points
    level_of: list[str | None] = [None] * len(rows)
    j = 0
    for g, pts in groups:
        acc, start = 0.0, j
        while j < len(rows) and acc < pts - 1e-9:
            acc += parse_number(rows[j][1][0].key)
            j += 1
        if abs(acc - pts) > 1e-6 and j == len(rows) and acc < pts:
            for n in range(start, j):           # the text ends inside this group: the rows
                level_of[n] = g                 # printed under its label are its
            break
        if abs(acc - pts) > 1e-6:
            level_of = [None] * len(rows)       # the sums do not fit: the groups are not known
            break
        for n in range(start, j):
            level_of[n] = g
    for (name, (w, sc)), g in zip(rows, level_of):
        wv, sv = parse_number(w.key), parse_number(sc.key)
        ind = Indicator(level1=g, level2=None, name="".join(name.text.split()), weight=wv, score_declared=sv)
        ind.texts.update(name=name.text, weight=w.key, score=sc.key)
        ind.cells.update(name=name.cell, weight=w.cell, score=sc.cell)
        f.indicators.append(ind)
