"""The indicator region: level labels, row figures run together, column order, and the
indicators read from the aligned rows."""
from __future__ import annotations

from itertools import combinations

import regex as re

from ..labels import LEVEL1_HOLDS, LEVEL1_OF_LEVEL2
from ..schema import FIGURES_UNREAD, UNNAMED, Form, Indicator
from ..text import first_match, key, matches, ocr_folded, pattern, vocabulary
from ..values import is_blank, parse_number, parse_weight, with_operator
from .align import (
    FIXED,
    _rows,
    _same_columns,
    _scrambled,
    _unit_apart,
    _unit_re,
    grammar_of,
)
from .across import header_across_rows
from .colorder import _has_figures, column_order, name_block_start, names_after_figures
from .labelbreaks import _label_apart, _names_whole
from .regions import Mapping, _block_weight, _group_label, _region_of
from .tokens import (
    PLACEHOLDER,
    Tok,
    _is_word,
    _printed,
    _sign_only,
    _splits,
    _sub,
    _value_res,
)

ROW_FIGURES = ("target", "adjusted_target", "actual", "rate", "weight", "score")

GRADED = re.compile(r"(\p{Han}*?(\p{Han}{2})性)\2")     # a name '…健全性' and the word it grades, '健全'
FIGURES_AT_END = re.compile(r"\p{Han}\D*\d.*\d%?$")     # a name ending in figures, two digits or more


def _row_run(t: Tok) -> bool:
    """Digits of several cells of an indicator row run together ('901010010')."""
    return t.glued and re.fullmatch(r"[\d.%]+", t.key) is not None and \
        (len(re.sub(r"\D", "", t.key)) >= 5 or t.key.count(".") > 1)


def _row_fit(vals: dict[str, float]) -> float:
    """How well figures bound to an indicator row's columns keep the row's arithmetic:
    weight and score in (0, 100], score ≤ weight, and the score the one the target and the
    actual give (full marks when the target is met)."""
    w, sc, A, B = (vals.get(r) for r in ("weight", "score", "target", "actual"))
    s = 0.0
    for v in (w, sc):
        if v is not None:
            s += 2.0 if 0 < v <= 100 else 0.0 if v == 0 and v is sc else -10.0
    if w is not None and sc is not None:
        if sc > w + 1e-9:
            return s - 10.0
        if A is not None and B is not None and A > 0:
            if abs(sc - w * min(1.0, B / A)) <= 0.05 * w + 0.005:
                s += 3.0            # the score a positive target gives
            elif B <= A and abs(sc - w) < 1e-9:
                s += 1.0            # full marks below a ceiling (a reverse target)
    return s


def _cut_row_run(t: Tok, roles: tuple[str, ...]) -> list[Tok]:
    """A row's figures that ran together cut where the row's arithmetic holds ('901010010'
    under 指标值 | 权重 | 完成值 | 得分 → 90 | 10 | 100 | 10).  Under a 指标性质 column a
    leading '2' may be OCR's reading of '≥' ('2810810' → ≥ | 8 | 10 | 8 | 10).  A run no cut
    explains gives nothing (the caller reports it)."""
    cols = [r for r in roles if r in ROW_FIGURES]
    best, best_s = None, 0.0
    heads = [("", t.key)]
    if "target_op" in roles and t.key.startswith("2") and len(t.key) > 1:
        heads.append(("≥", t.key[1:]))
    for op, run in heads:
        for sp in _splits(run, len(cols)):
            if len(sp) < 2 or any(p.endswith("%") for p in sp[1:]) or \
                    any("." in p and p.endswith("0") for p in sp):
                continue        # no figure is printed with a trailing zero decimal ('0.110')
            for chosen in combinations(cols, len(sp)):
                vals = dict(zip(chosen, (parse_number(p) for p in sp)))
                if any(v is None for v in vals.values()) or \
                        any(r in chosen and r != c for r, c in zip(cols, chosen) if r in ("target", "weight")):
                    continue        # the columns it fills are the first ones (target, weight), in order
                sc = _row_fit(vals) + 0.2 * len(sp) - (0.5 if op else 0.0)
                if sc > best_s:
                    best_s, best = sc, (op, sp)
    if best is None:
        return []
    op, sp = best
    return ([Tok(op, op, t.cell, t.line, True, t.key)] if op else []) + \
        [Tok(p, p, t.cell, t.line, True, t.key) for p in sp]


def _common_weight(data: list[tuple]) -> str | None:
    """The one weight most rows print alone (every row's 8), if there is one."""
    alone = [t.key for t, *_ in data if re.fullmatch(r"\d{1,2}", t.key)]
    common = max(set(alone), key=alone.count) if alone else None
    return common if common is not None and alone.count(common) >= max(3, len(alone) // 2) else None


def _weight_apart(t: Tok, nxt: list[str], common: str | None) -> list[Tok]:
    """Under a 分值 column printed before the target, text run together glues the weight to
    its neighbours ('8550万粒 | 550万粒', '8指标2…', '合格率8采购的…').  The weight is cut off
    where the row itself shows it: a target that is the actual beside it (``nxt``, the next
    tokens of its group) with one or two digits more in front, or the one weight most rows
    print alone (``common``)."""
    atom = _value_res()[0]
    k = t.key
    if not t.glued:
        return [t]
    head = next((d for d in (1, 2) if k[:d].isdigit() and k[d:d + 1].isdigit()
                 and k[d] != "0" and atom.fullmatch(k[d:]) and re.search(r"\D$", k)
                 and (k[d:] in nxt or k[:d] == common and any(atom.fullmatch(x) for x in nxt))), None)
    inside = re.search(rf"(?<=\p{{Han}}){common}(?=\p{{Han}})", k) if common else None
    if head:
        cuts = [head]                   # '8550万粒' before '550万粒': 8 | 550万粒
    elif common and re.match(rf"{common}(?=指标\d)", k):
        cuts = [len(common)]            # '8指标2群众…': the last row's weight, then the next row
    elif inside and not any(_unit_re().match(k, m.end()) for m in re.finditer(common, k)):
        cuts = [inside.start(), inside.end()]     # '…合格率8采购的…': name | 8 | target
    else:
        return [t]
    bounds = [0, *cuts, len(k)]
    return [_sub(t, a, b) for a, b in zip(bounds, bounds[1:])]


def _score_apart(t: Tok, prev: Tok | None) -> list[Tok]:
    """After a row's actual value, text run together glues the score to the note after it
    ('基本达到 | 7加强技术指导…'): score | note."""
    m = re.fullmatch(r"(\d{1,2}(?:\.\d{1,2})?)(\p{Han}{2}.*)", t.key) if t.glued and prev is not None else None
    if not m or not (_is_word(prev.key) or _value_res()[0].fullmatch(prev.key)) or \
            re.match(r"[年月日万千亿]", m.group(2)) or _unit_re().match(m.group(2)):
        return [t]
    return [_sub(t, 0, m.end(1)), _sub(t, m.end(1), len(t.key))]


def _ocr_operators(data: list[tuple], starts: set[int]) -> tuple[list[tuple], set[int]]:
    """OCR's readings of '≥' standing alone before a value ('^ | 80%', '5= | 50%'): kept with
    the value as printed, never read as a cell of their own."""
    ops = set(vocabulary()["values"]["ocr_operators"])
    atom = _value_res()[0]
    out: list[tuple] = []
    new_starts: set[int] = set()
    skip = False
    for n, (t, l1, l2) in enumerate(data):
        if skip:
            skip = False
            continue
        if n in starts:
            new_starts.add(len(out))
        nxt = data[n + 1][0] if n + 1 < len(data) else None
        if t.key in ops and nxt is not None and n + 1 not in starts and atom.fullmatch(nxt.key):
            out.append((t.joined(nxt), l1, l2))
            skip = True
            continue
        out.append((t, l1, l2))
    return out, new_starts


POINTED = re.compile(r"[^\d\s(（]{2,14}[(（]\d+(?:\.\d+)?分[)）]")     # a group label with its points ('规划(15分)')


def _pointed_level(toks: list[Tok], n: int, pairs: bool) -> str | None:
    """'level1' or 'level2' where toks[n] is a group label told by the points it prints: of
    two such labels one after the other the first is the 一级 and the second the 二级; one
    alone is the 二级 in a table whose 二级 labels print points too (``pairs``: a pair was
    seen; a new 一级 merged down its rows starts a new 二级 with it), else the 一级 where the
    vocabulary does not know it (the vocabulary's own labels are read as before)."""
    if not POINTED.fullmatch(toks[n].key) or matches(vocabulary()["regions"]["indicators"], toks[n].key):
        return None     # (the table's own label with its points, '项目绩效实现情况(80分)': the block's weight)
    if n + 1 < len(toks) and POINTED.fullmatch(toks[n + 1].key):
        return "level1"
    if n > 0 and POINTED.fullmatch(toks[n - 1].key) or pairs:
        return "level2"
    v = vocabulary()["levels"]
    if matches(v["level1"], toks[n].key) or matches(v["level2"], toks[n].key):
        return None
    return "level1"


def _refile_points(f: Form, levels) -> None:
    """The points of group labels filed by the level the rows' grouping gave them: labels
    read down a page were filed by their order (``_pointed_level``), which tells no level
    there (column order)."""
    ones = {l1 for l1, _ in levels if l1} - {l2 for _, l2 in levels if l2}
    twos = {l2 for _, l2 in levels if l2} - ones
    for text in [t for t in f.group_weights if t in twos]:
        f.subgroup_weights[text] = f.group_weights.pop(text)
    for text in [t for t in f.subgroup_weights if t in ones]:
        f.group_weights[text] = f.subgroup_weights.pop(text)


def L_strip_weight(text: str) -> str:
    return re.sub(r"\s*[(（]\s*\d+(?:\.\d+)?\s*分\s*[)）]\s*$", "", text).strip()


def _inferred_roles(toks: list[Tok], iv: dict) -> list[str]:
    """A table printed without its column header (the page before lost): the columns of the
    grammar its rows fit best stand for the header; [] where a column label is printed."""
    if any(first_match(iv, t.key, skip=("fragments",)) for t in toks):
        return []
    items, starts = [], set()
    for t in toks:
        if _group_label(t.key) or re.fullmatch(r"\(?\d+(?:\.\d+)?分\)?", t.key):
            starts.add(len(items))          # a group label, its points: where a row starts
            continue
        items.append(t)
    return list(grammar_of(items, starts)) if items else []


NAMES_BLOCK = 4        # lines of names with no figure that end a table printed in column order, at least


def read_indicators(toks: list[Tok], f: Form, rep: Mapping) -> None:
    toks = _names_whole(_label_apart(toks))
    if toks and _region_of(toks[0].key) == "indicators":
        _block_weight(toks, "indicators", f)    # (the block's own label: a group's points are not the block's)
    v = vocabulary()
    iv, lv = v["indicators"], v["levels"]
    roles: list[str] = _inferred_roles(toks, iv)
    if roles:
        f.texts["columns_inferred"] = " | ".join(roles)
    data: list[tuple[Tok, str | None, str | None]] = []
    level1 = level2 = None
    started = last_level1 = pairs = False
    if roles:
        # the table's first rows lost: whether its group labels come in pairs (一级 and 二级
        # both printing points) is told by the pairs further down, not learnt on the way
        pairs = any(POINTED.fullmatch(a.key) and POINTED.fullmatch(b.key) for a, b in zip(toks, toks[1:]))
        # and a column of group labels printing points that the vocabulary knows only as 二级
        # labels is the 二级 column: its labels the vocabulary does not know are 二级 too
        pointed_known = [lv for t in toks if POINTED.fullmatch(t.key)
                         for lv in ("level1", "level2") if matches(vocabulary()["levels"][lv], t.key)]
        pairs = pairs or bool(pointed_known) and set(pointed_known) == {"level2"}
    starts: set = set()
    across = False                              # a column label read after the first row's cells
    pending: list[tuple] = []                   # group labels read since the last cell (level, text, token)
    label_ids: dict[int, tuple] = {}            # a cell's token → (it, the group labels read before it)
    for n, t in enumerate(toks):
        k = t.key
        prev_level1, last_level1 = last_level1, False
        nxt = toks[n + 1].key if n + 1 < len(toks) else ""
        pointed = _pointed_level(toks, n, pairs)
        if pointed:
            pairs = pairs or pointed == "level1" and n + 1 < len(toks) and POINTED.fullmatch(toks[n + 1].key)
            # a group label told by the points it prints (_pointed_level)
            text = L_strip_weight(t.text)
            if pointed == "level1":
                level1, level2 = text, None
                w = parse_weight(k)
                if w is not None:
                    f.group_weights[level1] = w
            else:
                level2 = text
                w = parse_weight(k)
                if w is not None:
                    f.subgroup_weights[level2] = w
            pending.append((pointed, text, t))
            started = True
            seq_before = "seq" in roles and data and re.fullmatch(r"\d{1,3}", data[-1][0].key)
            if seq_before:          # the row's number printed before its group labels: its row
                data[-1] = (data[-1][0], level1, level2)
            starts.add(len(data) - 1 if seq_before else len(data))
            continue
        if matches(lv["level1"], k) and len(k) <= 14 and not pairs:
            # (where the group labels print their points, a level's word printed bare is a name)
            last_level1 = True
            m = pattern(lv["level1"]).match(k)
            # (a label the vocabulary knows, as printed: OCR's look-alikes of its characters folded back)
            level1 = ocr_folded(_printed(t, m.start(1), m.end(1))) + ("" if m.group(1).endswith(("指标", "目标")) else "指标")
            w = parse_weight(k)
            if w is not None:
                f.group_weights[level1] = w
            level2 = None
            pending.append(("level1", level1, t))
            started = True
            starts.add(len(data))
            continue
        if matches(lv["level2"], k) and len(k) <= 14 and not pairs and not (
                _value_res()[0].fullmatch(nxt) and re.search(r"\D", nxt) or _is_word(nxt)
                or level2 is not None and key(level2) != k and _sign_only(nxt)):
            # (a 二级 label followed by its row's values is the row's name: '满意度指标 |
            # 服务对象满意度 | 85% | 84% | 9')
            m = pattern(lv["level2"]).match(k)
            level2 = ocr_folded(_printed(t, m.start(1), m.end(1)))
            w = parse_weight(k)
            if w is not None:
                f.subgroup_weights[level2] = w
            family = LEVEL1_OF_LEVEL2.get(m.group(1) if m.group(1).endswith("指标") else m.group(1) + "指标")
            if level1 is not None and family is not None and family != key(level1) and \
                    family not in LEVEL1_HOLDS.get(key(level1), ()):
                level1 = None       # a 二级指标 of another group: its own 一级 label was not printed
            pending.append(("level2", level2, t))
            started = True
            starts.add(len(data))
            continue
        if k == "指标" and started and data:
            # the end of a label the layout broke over two lines ('社会效益' / '指标')
            if level2 and not key(level2).endswith("指标"):
                old = level2
                level2 = old + "指标"
                data = [(t2, l1, level2 if l2 == old else l2) for t2, l1, l2 in data]
            continue
        role = first_match(iv, k, skip=("fragments",)) or (None if started else _scrambled(iv, k))
        if role and role not in roles and len(data) < 12:
            # a column label printed among the level labels and the first row: the header
            # was read across its lines ('一级 | 二级指标 | 数量指标 | … | 指标值 | 8755 | 分值')
            roles.append(role)
            across = across or bool(data)
            continue
        if started and len(k) >= 3 and matches(iv["fragments"], k) or re.fullmatch(r"[(（][A-Z][)）]", k):
            continue        # a piece of such a label ('完成值'), a column's letter ('(A)')
        if role and not started:
            if role not in roles:
                roles.append(role)
            continue
        if role and role in roles or _region_of(k) == "goal" or k == "年度绩效目标" or \
                re.fullmatch(r"\d{1,2}[((]\d+(?:\.\d+)?分[))]", k):
            continue        # the column labels printed again (a new page, a second goal block '年度绩效目标2(40分)')
        if not started and (matches(iv["fragments"], k) or _region_of(k) == "indicators"):
            continue
        if not started and re.fullmatch(r"\(?\d+(?:\.\d+)?分?\)?", k) and not roles:
            continue
        gw = re.fullmatch(r"[(]?(\d+(?:\.\d+)?)分?[)]|[(](\d+(?:\.\d+)?)分", k)
        if gw:
            if level1 and prev_level1:
                f.group_weights.setdefault(level1, float(gw.group(1) or gw.group(2)))
            last_level1 = True      # its ')' may follow apart
            continue
        if k in (")", "）"):
            continue        # a group weight ('(50分)', '30分)') whose label was printed apart
        if re.fullmatch(r"[.…]+", k) or _region_of(k) == "indicators" or PLACEHOLDER.fullmatch(k):
            if started and _region_of(k) == "indicators":
                pending.append(("line", t.text, t))     # (or a name's line: '绩效指标' | '明确性')
            continue        # an empty template row; the block's label repeated on a new page
        started = True
        for piece in (_unit_apart(t) if "target_unit" in roles else [t]):
            if pending:
                label_ids[id(piece)], pending = (piece, pending), []
            data.append((piece, level1, level2))
    if "target" in roles and "actual" in roles and roles.index("actual") < roles.index("target"):
        # a two-line header read up then down ('实际 | 指标值 | 完成值'): a target is always
        # printed before its actual value
        roles.remove("actual")
        roles.insert(roles.index("target") + 1, "actual")
    f.columns = [r for r in roles if r not in f.columns]
    row_roles = tuple(r for r in roles if r not in ("level1", "level2")) or FIXED[:5]
    if "name" not in row_roles:
        row_roles = ("name",) + row_roles
    if "weight" not in row_roles and "score" not in row_roles and "note" not in row_roles:
        row_roles = row_roles + ("score",)     # a number column printed without its label (none
                                               # after a labelled note column: the row ends there)
    weight_first = "weight" in row_roles and "target" in row_roles and \
        row_roles.index("weight") < row_roles.index("target")
    common = _common_weight(data) if weight_first else None
    opening = {id(data[n][0]) for n in starts if n < len(data)}
    cut, starts = [], set()
    for n, (t, l1, l2) in enumerate(data):
        nxt = [d[0].key for d in data[n + 1:n + 3] if d[1:] == (l1, l2)]     # the same group's row
        pieces = []
        for q in (_weight_apart(t, nxt, common) if weight_first else [t]):
            prev = pieces[-1] if pieces else cut[-1][0] if cut else None
            run = _cut_row_run(q, row_roles) if _row_run(q) else _score_apart(q, prev)
            if not run:     # read no figure from digits no cut explains: a blank, not a guess
                rep.unplaced.append(f"{q.text} (figures run together; no cut fits the row's arithmetic)")
            pieces.extend(run)
        if pieces and id(t) in label_ids:
            label_ids[id(pieces[0])] = (pieces[0], label_ids[id(t)][1])
        if pieces and (id(t) in opening or re.match(r"指标\d{1,2}[:：、.]?\p{Han}", pieces[0].key)):
            starts.add(len(cut))        # a level label stood before it; or a numbered name ('指标2…')
        cut.extend((p, l1, l2) for p in pieces)
    data, starts = _ocr_operators(cut, starts)
    items = [d[0] for d in data]
    levels = {id(d[0]): (d[1], d[2]) for d in data}
    multi = [ln for ln in {t.line for t in items} if sum(1 for t in items if t.line == ln) >= 3]
    by_lines = len(multi) >= 2
    placed = {n: label_ids[id(d[0])][1] for n, d in enumerate(data)
              if id(d[0]) in label_ids and label_ids[id(d[0])][0] is d[0]}
    if pending:
        placed[len(data)] = pending
    # (a header read across the first row: in column order, that row's cells may stand
    # before the figures, so names pair only where their counts pin them)
    by_names = names_after_figures(data, placed, row_roles, rep, pinned_only=across)
    if by_names is None:
        by_names = header_across_rows(data, placed, [r for r in roles if r not in ("level1", "level2")], f, rep)
    if by_names is not None:
        bindings, levels = by_names
        _refile_points(f, levels.values())
    else:
        in_rows = _same_columns(_rows(items, row_roles, by_lines, starts))
        said = len(rep.unplaced)
        start = name_block_start(items)
        block = start is not None and len(items) - start >= NAMES_BLOCK
        bindings = column_order(in_rows, f, rep)
        paired = any(u.startswith("column order:") for u in rep.unplaced[said:])
        if not paired and block and \
                (across or sum(1 for b in in_rows[:-1] if not _has_figures(b)) >= NAMES_BLOCK // 2):
            # the table's names printed as a block after its figures (column order; its header
            # read across the first row, or rows of names' lines alone in row order) and none
            # paired: the rows keep their figures and no name (read in row order, the names'
            # lines would be taken for values and the values for names)
            bindings = [{r: ts for r, ts in b.items() if r != "name"} for b in bindings if _has_figures(b)]
            rep.unplaced.extend(t.text for b in in_rows if not _has_figures(b) for ts in b.values() for t in ts)
    for binding in bindings:
        first = binding["name"][0] if binding.get("name") else \
            min((t for ts in binding.values() for t in ts), key=lambda t: items.index(t))
        l1, l2 = levels.get(id(first), (None, None))
        ind = Indicator(level1=l1, level2=l2)
        for role, ts in binding.items():
            if any(t.cut for t in ts):
                ind.texts["figures_cut"] = next(t.cut for t in ts if t.cut)
            if any(t.glued for t in ts):
                ind.texts["run_together"] = next(t.cell.text for t in ts if t.glued)
            text = "".join("".join(t.text.split()) for t in ts)
            ind.texts[role] = text
            ind.cells[role] = ts[0].cell
            if role in ("weight", "score"):
                setattr(ind, "score_declared" if role == "score" else "weight",
                        None if is_blank(text) else parse_number(text))
            elif role in ("name", "target", "actual", "note"):
                setattr(ind, role, None if is_blank(text) and role != "name" else text)
        ind.target = with_operator(ind.target, ind.texts.get("target_op"), ind.texts.get("target_unit"))
        debris = not _has_figures(binding) and ind.name is not None and \
            (len(key(ind.name)) <= 2 or re.match(r"分|\d、|[,，。;；)）]", key(ind.name)))
        if ind.name is None or (binding is bindings[-1] and set(binding) == {"name"}) or debris:
            # no name; a last row cut off after its name (the excerpt or page ends there); or
            # debris of text read in reading order ('分', '1、提供'), no figure beside it
            rep.unplaced.extend(t.text for ts in binding.values() for t in ts)
            if ind.name is None and _has_figures(binding):
                # a row of figures whose name was not read: a row of the table all the same,
                # so no sum over the table stands without it, and it is said
                held = {r: ind.texts[r] for r in ("target", "actual", "weight", "score") if ind.texts.get(r)}
                f.texts["rows_unnamed"] = str(int(f.texts.get("rows_unnamed", "0")) + 1)
                rep.set_aside.append(
                    {"name": " | ".join(held.values()), "why": UNNAMED, "figures": held})
            elif ind.name is not None and FIGURES_AT_END.search(key(ind.name)):
                # a row whose figures ran into its name and were not cut: a row of the table
                # all the same (not one cut off after its name), so no sum stands without it
                f.texts["rows_unnamed"] = str(int(f.texts.get("rows_unnamed", "0")) + 1)
                rep.set_aside.append({"name": ind.name, "why": FIGURES_UNREAD, "figures": {}})
            continue
        graded = GRADED.fullmatch(key(ind.name)) if ind.target is None and "target" in row_roles else None
        if graded and not ind.texts.get("target"):
            # a worded target grading what its name ends in ('财务制度健全性' | '健全') read into
            # the name where the cells ran together: the name ends at its '性'
            ind.name, ind.target = graded.group(1), graded.group(2)
            ind.texts["target"] = graded.group(2)
        f.indicators.append(ind)
    groups = {i.level1 for i in f.indicators}
    for ind in f.indicators:
        family = LEVEL1_OF_LEVEL2.get(key(ind.level2 or ""))
        if ind.level1 is None and family in groups:
            # a 一级 label printed in the middle of its merged cell, after this row (column order)
            ind.level1 = family
            ind.texts["level1_from"] = f"{ind.level2} belongs to {family}"
