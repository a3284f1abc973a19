"""The token-stream reader: forms whose table structure is gone.

Real forms reach us as text with their tables flattened: rows on one line, one cell per
line, pipe rows, a whole form on one line, cells run together with no separator.  This
reader takes the document as one stream of tokens (cells in reading order, lines kept only
as hints), cuts run-together tokens at the labels of the vocabulary, splits the stream
into forms and each form into regions by their anchors, and reads each region by what its
labels say and what its values are:

* header: key/value (a label, then its value);
* budget: the column labels give the roles; each budget line is a kind label and the
  figures after it, bound to the roles by type and by the line's own arithmetic
  (executed / budget ≈ rate, score ≤ weight);
* goal: the target and actual texts;
* indicators: the column labels give a row's roles in order; the stream is cut into rows
  by a dynamic programme that aligns each candidate row's tokens with the roles by type
  (a name is text, a weight a number, a score a number no larger than the weight), so that
  rows are found whether or not lines mark them.

Everything it could not place is kept in the form's mapping report.  It keeps no state
between forms; a region's reading depends only on the region's tokens.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import combinations, permutations, product

import regex as re

from extract.grid import Cell, Document

from .labels import LEVEL1_HOLDS, LEVEL1_OF_LEVEL2
from .schema import BudgetLine, Form, Indicator
from .text import PINYIN, first_match, key, key_map, matches, pattern, vocabulary
from .values import is_blank, parse_number, parse_weight, with_operator

MONEY_UNIT = re.compile(r"^(\d[\d,]*(?:\.\d+)?)(万元|元|千元|亿元)$")


@dataclass
class Tok:
    text: str
    key: str
    cell: Cell
    line: int
    glued: bool = False      # from text whose cells ran together: its digits may be several figures
    cut: str | None = None   # the run of digits this figure was cut from by the row's arithmetic


# ---------------------------------------------------------------- tokens
@lru_cache(maxsize=1)
def split_words() -> frozenset[str]:
    return frozenset(vocabulary()["split"]["words"])


@lru_cache(maxsize=1)
def _split_re():
    words = sorted(split_words(), key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in words))


def _pieces(t: Tok) -> list[Tok]:
    """A token whose cells ran together, cut at the vocabulary's labels (and between a label
    and the figures glued to it)."""
    k = t.key
    if len(k) < 8 or _is_label(k):
        return [t]
    found = [(m.start(), m.end()) for m in _split_re().finditer(k)]
    cuts = set()
    for a, b in found:
        if not t.glued and not _stands_apart(k, a, b, found):
            continue        # a label's words inside a cell's prose ('1、经济效益:…实现了项目经济效益。')
        cuts.update((a, b))
    cuts = sorted(c for c in cuts if 0 < c < len(k))
    if not cuts:
        return [t]
    out, start = [], 0
    for c in cuts + [len(k)]:
        if c > start:
            p = _sub(t, start, c)
            out.append(Tok(p.text, p.key, Cell(p.text, t.cell.row, t.cell.col, page=t.cell.page, bbox=t.cell.bbox,
                                               confidence=t.cell.confidence), t.line, t.glued))
        start = c
    return out


def _stands_apart(k: str, a: int, b: int, found: list[tuple[int, int]]) -> bool:
    """Within one cell as printed, a label at k[a:b] is a cell of its own run into its
    neighbours only where prose does not flow through it: not after a list number ('1、'),
    and not with Chinese text before it and Chinese or a sentence's punctuation after it
    ('基本达成预期指标且…', '…实现了项目经济效益。') unless another label touches it
    ('…一级指标二级指标…')."""
    if re.search(r"(?:^|\D)\d{1,2}[、.]$", k[:a]):
        return False
    if any(y == a or x == b for x, y in found):
        return True
    return not (0 < a and b < len(k) and re.match(r"\p{Han}", k[a - 1]) and re.match(r"[\p{Han}。,，;；、]", k[b]))


def _sub(t: Tok, a: int, b: int) -> Tok:
    """The part of a token between key positions a and b, its text taken from the original
    (Traditional characters and all) where the key maps back to it."""
    kk = t.key[a:b]
    k, idx = key_map(t.text)
    if len(idx) == len(t.key) and t.key == k:
        lo, hi = idx[a], (idx[b] if b < len(t.key) else len(t.text))
        text = t.text[lo:hi].strip()
    else:
        text = kk
    return Tok(text, kk, t.cell, t.line, t.glued)


def _printed(t: Tok, a: int, b: int) -> str:
    """A label as printed (Traditional characters kept), without glosses or spaces."""
    return "".join(PINYIN.sub("", _sub(t, a, b).text).split())


PERCENT = re.compile(r"(?<![\d.])\d+(?:\.\d+)?%")


def _run_together(row: list[Cell], spaceless: bool = False) -> bool:
    """A line whose cells ran together: a long piece holding several labels.  Its spaces are
    then wrapping inside cells, not cell boundaries.  In a document whose lines have lost
    their spaces (``spaceless``), a one-piece line ending in a figure ran together too,
    labels or none ('接警平台业务覆盖率较高全5')."""
    figures = sum(1 for c in row if parse_number(key(c.text)) is not None)
    if figures >= 10 and figures >= 0.15 * len(row):
        return False    # a line whose spaces set its figures apart: a whole table on one line
    if any(len(key(c.text)) >= 60 and len(_split_re().findall(key(c.text))) >= 3 for c in row):
        return True
    glued = sum(len(GLUED_VALUES.findall(key(c.text))) for c in row)
    if len(row) == 1 and (glued or re.search(r"\p{Han}\d+(\.\d+)?$", key(row[0].text))) and \
            (spaceless or _split_re().search(key(row[0].text))):
        return True     # a line with no space left in it, labels and values run together
    return glued >= 6 or glued >= 3 and len(_split_re().findall("".join(key(c.text) for c in row))) >= 3


GLUED_VALUES = re.compile(r"\d%\d|\d%\p{Han}")     # '100%100%', '率100%100%储备…': values run into their neighbours


def _values_apart(t: Tok) -> list[Tok]:
    """In run-together text, percentages are whole values: cut them out of the piece."""
    if not PERCENT.search(t.key) or PERCENT.fullmatch(t.key):
        return [t]
    out, last = [], 0
    for m in PERCENT.finditer(t.key):
        z = m.start() + 1 if re.match(r"0\d", m.group()) else m.start()     # '0100%': 0 | 100%
        for a, b in ((last, m.start()), (m.start(), z), (z, m.end())):
            pm = re.match(r"[1-9]、(?=\d)", t.key[a:b])       # a page marker before a figure
            a += pm.end() if pm else 0
            if b > a:
                out.append(_sub(t, a, b))
        last = m.end()
    if t.key[last:]:
        out.append(_sub(t, last, len(t.key)))
    return out


@lru_cache(maxsize=1)
def _value_res():
    v = vocabulary()["values"]
    alt = lambda ws: "|".join(re.escape(w) for w in sorted(set(ws), key=len, reverse=True))
    num = r"\d+(?:\.\d+)?"
    unit = rf"[万千亿]?(?:{alt(v['units'])})(?:/(?:{alt(v['units'])})){{0,2}}"
    # a figure, a range ('10-15件/人/日'; a span of years '2018-2022' is part of a name), with
    # its unit and a bound word ('15件以上')
    years = r"(?!(?:19|20)\d\d[-~～至](?:19|20)\d\d)"
    qty = rf"(?:{alt(v['operators'])})?{years}{num}(?:[-~～至]{num})?(?:{unit})?(?:以上|以下|以内)?"
    return re.compile(rf"{qty}|{alt(v['words'])}"), re.compile(rf"(?:{alt(v['operators'])})$")


@lru_cache(maxsize=1)
def _qualitative_re():
    v = vocabulary()["values"]
    words = "|".join(re.escape(w) for w in sorted(v["words"], key=len, reverse=True) if len(w) >= 2)
    return re.compile(rf"(.{{2,}}?[{''.join(v['name_ends'])}])({words})(\p{{Han}}{{1,3}})([\d.]*)")


@lru_cache(maxsize=1)
def _phrase_re():
    """The value words long enough never to be part of a name (达成预期指标)."""
    words = sorted((w for w in vocabulary()["values"]["words"] if len(w) >= 4), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, words)))


def _sign_only(atom: str) -> bool:
    """A target's comparison printed in a cell of its own (指标性质 '≥')."""
    return bool(re.fullmatch(r"[≥≤<>=＞＜]|大于等于|小于等于|等于|正向|反向", atom or ""))


def _is_word(atom: str) -> bool:
    return atom in vocabulary()["values"]["words"]


def _digit_pair(run: str) -> list[str] | None:
    """A weight and a score run together ('2020' → 20 | 20, '2018' → 20 | 18, '00' → 0 | 0):
    the one cut that gives two well-formed figures with score ≤ weight ≤ 60."""
    found = []
    for i in range(1, len(run)):
        a, b = run[:i], run[i:]
        if not (GLUED_PIECE.fullmatch(a) and GLUED_PIECE.fullmatch(b)) or "%" in a + b:
            continue
        w, s = float(a), float(b)
        if s <= w <= 60 and (s > 0 or w == 0):
            found.append([a, b])
    if len(found) > 1:      # '12.512.5': 12.5 | 12.5 rather than 12.51 | 2.5
        found = [p for p in found if len(p[0].partition(".")[2]) == len(p[1].partition(".")[2])]
    return found[0] if len(found) == 1 else None


ROW_DIGITS = re.compile(r"(?<=[\p{Han}%])(?=(?:[.]?\d){5})[\d.]+(?=\p{Han})")
PLACEHOLDER = re.compile(r"((?:指标\d+:)+)")     # an empty template row ('指标1:指标2:')


def _cut_values(t: Tok) -> list[Tok]:
    """In text whose cells ran together, cut out the runs of values that end an indicator
    row ('…的音50件50件2020望新…' → '…的音' | 50件 | 50件 | 20 | 20 | '望新…'): two or more
    values side by side, values closing the token, a doubled word ('合格合格', '高高').
    A value alone inside a name ('5000吨稻谷…') stays in the name."""
    k = t.key
    if re.fullmatch(r"[:\d.,%]+", k):
        return [t]                  # figures only: cut by the arithmetic of the line they belong to
    if PLACEHOLDER.search(k) and not PLACEHOLDER.fullmatch(k):
        bounds = sorted({0, len(k)} | {x for m in PLACEHOLDER.finditer(k) for x in (m.start(), m.end())})
        return [x for a, b in zip(bounds, bounds[1:]) for x in _cut_values(_sub(t, a, b))]
    qual = _qualitative_re().fullmatch(k)
    if qual:        # '接警平台业务覆盖率较高全5': a name, a value word, a short answer, the score
        head = [_sub(t, qual.start(g), qual.end(g)) for g in (1, 2, 3)]
        return head + (_cut_values(_sub(t, qual.start(4), len(k))) if qual.group(4) else [])
    yes_no = re.fullmatch(r"(.*是否.{2,}?)(是|否)", k)
    if yes_no:      # '公众知晓度是否明显提高是': a yes/no question, then its answer
        return [_sub(t, 0, yes_no.end(1)), _sub(t, yes_no.end(1), len(k))]
    runs = [m for m in ROW_DIGITS.finditer(k)]
    if runs:        # '…面积万亩2110110天保工程…': a row's figures between two names
        bounds = sorted({0, len(k)} | {x for m in runs for x in (m.start(), m.end())})
        return [x for a, b in zip(bounds, bounds[1:])
                for x in ([_sub(t, a, b)] if ROW_DIGITS.fullmatch(k[a:b]) else _cut_values(_sub(t, a, b)))]
    atom, _ = _value_res()
    phrases = [m for m in _phrase_re().finditer(k) if m.group() != k]
    if phrases:     # '…成本控制数63达成预期指标效益指标…': a tier phrase is a cell wherever it stands
        bounds = sorted({0, len(k)} | {x for m in phrases for x in (m.start(), m.end())})
        return [x for a, b in zip(bounds, bounds[1:]) for x in _cut_values(_sub(t, a, b))]
    spans = [(m.start(), m.end()) for m in atom.finditer(k) if m.end() > m.start()
             and not (m.start() and k[m.start() - 1] in "0123456789.-~至到—" and not _is_word(m.group()))
             and not (m.end() < len(k) and k[m.end()] in ".-~至到—")]
    runs: list[list[tuple[int, int]]] = []
    for sp in spans:
        if runs and runs[-1][-1][1] == sp[0]:
            runs[-1].append(sp)
        else:
            runs.append([sp])
    cuts: list[tuple[int, int, list[str]]] = []
    for run in runs:
        parts = [k[a:b] for a, b in run]
        numeric = [p for p in parts if re.search(r"\d", p)]
        at_end = run[-1][1] == len(k) and run[0][0] > 0
        doubled = len(parts) == 2 and parts[0] == parts[1]
        bad = [p for p in parts if re.fullmatch(r"0\d+", p)]
        if not (len(parts) >= 2 and (numeric or doubled) or (at_end and numeric) or bad):
            continue
        out = []
        # the figures closing a row, or closing it before a yes/no column ('22否': 2 | 2 | 否)
        nums = [j for j, p in enumerate(parts) if re.fullmatch(r"[\d.]+", p)]
        yes_no_tail = bool(nums) and nums[-1] < len(parts) - 1 and all(p in "是否" for p in parts[nums[-1] + 1:])
        labelled = k[:run[0][0]].endswith((")", ":"))     # '自评总分(分)97.6': one value after its label
        for j, p in enumerate(parts):
            closing = (j == len(parts) - 1 or yes_no_tail and j == nums[-1]) and not (labelled and len(parts) == 1)
            pair = _digit_pair(p) if re.fullmatch(r"[\d.]+", p) and (closing or p.startswith("0")) \
                and (len(p) >= 3 or p.startswith("0") or yes_no_tail and closing and p[0] == p[-1]) else None
            out.extend(pair or [p])
        cuts.append((run[0][0], run[-1][1], out))
    if not cuts:
        return [t]
    pieces: list[Tok] = []
    last = 0
    for a, b, vals in cuts:
        doubled = re.fullmatch(r"(.{2,}?)(\p{Han}{2,4})\2", k[last:a]) if re.match(r"\d", vals[0]) else None
        if doubled:     # '电话费缴纳及时性及时及时 | 10': a name, then one word as target and actual
            m1, m2 = last + doubled.end(1), last + doubled.end(2)
            pieces.extend([_sub(t, last, m1), _sub(t, m1, m2), _sub(t, m2, a)])
        elif k[last:a]:
            pieces.append(_sub(t, last, a))
        pieces.extend(Tok(v, v, t.cell, t.line, True) for v in vals)
        last = b
    if k[last:]:
        pieces.append(_sub(t, last, len(k)))
    return pieces


def _operators_to_values(toks: list[Tok]) -> list[Tok]:
    """'…查明率不低于' | '95%': the operator word belongs to the value after it; and a run
    of digits standing alone after a row's values is its weight and score ('2020')."""
    atom, op_end = _value_res()
    out = []
    for i, t in enumerate(toks):
        pair = _digit_pair(t.key) if t.glued and i and re.fullmatch(r"\d[\d.]{2,}", t.key) and \
            atom.fullmatch(toks[i - 1].key) else None
        out.extend([Tok(p, p, t.cell, t.line, True) for p in pair] if pair else [t])
    for i in range(len(out) - 1):
        t, nxt = out[i], out[i + 1]
        m = op_end.search(t.key)
        if t.glued and m and m.start() > 0 and re.match(r"\d", nxt.key):
            head, op = _sub(t, 0, m.start()), _sub(t, m.start(), len(t.key))
            out[i] = head
            out[i + 1] = Tok(op.text + nxt.text, op.key + nxt.key, nxt.cell, nxt.line, True)
    return out


PAGE_MARK = re.compile(r"^\s*(\d{1,2})、")


def _page_marked(doc: Document) -> bool:
    """A document-sharing site opens each page's text with its number ('1、', '2、', '3、'):
    rows that start with consecutive numbers from 1."""
    nums = []
    for block in doc.blocks:
        for row in block.rows:
            first = next((c.text for c in row if not c.merged and c.text.strip()), "")
            m = PAGE_MARK.match(first)
            if m:
                nums.append(int(m.group(1)))
    return len(nums) >= 2 and nums[:3] == list(range(1, min(3, len(nums)) + 1))


def tokens_of(doc: Document) -> list[Tok]:
    toks: list[Tok] = []
    line = 0
    marked = _page_marked(doc)
    lines = [[c for c in row if not c.merged and c.text.strip()] for block in doc.blocks for row in block.rows]
    spaceless = sum(1 for cells in lines if cells and _run_together(cells)) >= 3
    for block in doc.blocks:
        for row in block.rows:
            line += 1
            cells = [c for c in row if not c.merged and c.text.strip()]
            if marked and cells and re.match(r"^\s*\d{1,2}、\d", cells[0].text):
                # a page's number before a figure the page break cut ('3、2.512.5')
                c0 = cells[0]
                text = PAGE_MARK.sub("", c0.text)
                if toks and re.fullmatch(r"[\d.%]+", toks[-1].key):
                    text = toks.pop().text + text       # the figure the break cut: one again
                cells[0] = Cell(text, c0.row, c0.col, c0.rowspan, c0.colspan, page=c0.page, bbox=c0.bbox,
                                confidence=c0.confidence)
            if cells and _run_together(cells, spaceless):
                # a document-sharing site's page marker ('2、') opens each page's run of text
                text = PAGE_MARK.sub("", "".join(c.text for c in cells))
                c0 = cells[0]
                whole = Tok(text, key(text), Cell(text, c0.row, c0.col, page=c0.page), line, glued=True)
                for p in _pieces(whole):
                    for q in _values_apart(p):
                        toks.extend(_cut_values(q))
                continue
            for c in cells:
                toks.extend(_pieces(Tok(c.text.strip(), key(c.text), c, line)))
    return _join_fragments(_operators_to_values(toks))


LABEL_TABLES = ("header", "indicators", "budget", "budget_kinds", "goal", "regions", "levels")


def _is_label(k: str) -> bool:
    """The token *is* a label: some label pattern matches it from its first character and
    leaves at most a colon or a weight ('(20分)') over."""
    v = vocabulary()
    k = re.sub(r"^其中:?(?=.)", "", k)
    for table in LABEL_TABLES:
        for name, pats in v[table].items():
            for p in ([pats] if isinstance(pats, str) else pats if isinstance(pats, list) else []):
                m = pattern(p).search(k)
                if m and m.start() == 0 and re.fullmatch(r"[:]?(\(\d+(\.\d+)?分?\))?", k[m.end():]):
                    return True
    return False


def _join_fragments(toks: list[Tok]) -> list[Tok]:
    """Labels broken over lines or cells ('数量' / '指标', '满意度' / '指标'): adjacent tokens
    that are not labels alone but are one together."""
    out: list[Tok] = []
    i = 0
    while i < len(toks):
        t = toks[i]
        joined = None
        for n in (2, 3):
            k = "".join(x.key for x in toks[i:i + n])
            if i + n <= len(toks) and (len(t.key) <= 6 or k in split_words()):
                if (_is_label(k) and not _is_label(t.key) or k in split_words() and t.key not in split_words()) \
                        and not _figure(t)[0] and len(k) <= 14:
                    joined = n
                    break
        if joined:
            parts = toks[i:i + joined]
            text = "".join(p.text for p in parts)
            out.append(Tok(text, "".join(p.key for p in parts), parts[0].cell, parts[0].line, parts[0].glued))
            i += joined
        else:
            out.append(t)
            i += 1
    return out


# ---------------------------------------------------------------- forms and regions
def _region_of(k: str) -> str | None:
    r = vocabulary()["regions"]
    for name in ("notes", "analysis", "budget", "goal", "indicators", "criteria", "total"):
        if matches(r[name], k):
            return name
    if matches(vocabulary()["indicators"]["level1"], k):
        return "indicators"
    return None


def split_forms(toks: list[Tok]) -> list[list[Tok]]:
    """Forms start at a title (…自评表) or at a second 项目名称 once a form has content."""
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
        if _region_of(t.key) in ("budget", "indicators"):
            seen_content = True
    return [f for f in forms if f]


def regions(toks: list[Tok]) -> dict[str, list[Tok]]:
    out: dict[str, list[Tok]] = {"header": []}
    cur = "header"
    for t in toks:
        r = _region_of(t.key)
        if r is None and cur == "budget" and len(t.key) <= 8 and matches(vocabulary()["goal"]["target"], t.key):
            r = "goal"              # the goal's column labels, printed before its own label (column order)
        if cur == "notes":
            r = None                # the notes end the form: their text names other blocks
        if r and r != cur:
            if r == "goal" and cur == "indicators":
                r = None            # 年度目标 inside the indicator block names a column or a group
            elif r == "budget" and cur != "header":
                r = None
            elif r == "total" and cur == "budget":
                r = None            # 合计 inside the budget block is a budget line
        if r and r != cur:
            cur = r
        out.setdefault(cur, []).append(t)
    return out


# ---------------------------------------------------------------- readers
@dataclass
class Mapping:
    """What a reader could not place: the start of the form's mapping report (the fields
    missing and the confidence are derived from the finished form, normalize/binding.py)."""
    reader: str
    unplaced: list = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"reader": self.reader, "unplaced": self.unplaced[:40]}


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
                and _region_of(toks[i + 1].key) is None:
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


def _figure(t: Tok) -> tuple[bool, float | None, str | None]:
    """(is a figure, value, money unit written in the cell)."""
    k = t.key.rstrip(":")
    if is_blank(k) or k in ("O", "o"):
        return True, None, None     # blank, or OCR's 'O' where a figure stood: a figure not read
    m = MONEY_UNIT.match(k)
    if m:
        return True, float(m.group(1).replace(",", "")), m.group(2)
    n = parse_number(k)
    if n is None and re.fullmatch(r"\d[\d,]*(\.\d+)?%?", k):
        return True, None, None     # digits no one could have printed (400 of them): a figure not read
    return (n is not None), n, None


def _bind_budget(vals: list[tuple[Tok, float | None]], roles: list[str], rate_pct: bool,
                 total_line: bool = True, ref: dict | None = None) -> tuple[dict[str, Tok], float, bool]:
    """Figures of one budget line bound to the header's roles: every order-keeping choice of
    roles is scored by type and by the line's arithmetic; the best wins.  Returns the
    binding, its score, and whether the arithmetic confirms it (executed / budget ≈ rate, or
    a sub-line repeating the total line's figures)."""
    if not roles or not vals or len(vals) > len(roles):
        return {}, -1e9, False
    n = len(vals)
    best, best_score, best_ok = None, -1e9, False
    for chosen in combinations(range(len(roles)), n):
        b = {roles[c]: vals[j] for j, c in enumerate(chosen)}
        s, ok = 0.0, False
        for role, (t, v) in b.items():
            pct = "%" in t.key
            if role == "rate":
                if not pct and v is not None and ref and ref.get("rate_sign"):
                    s -= 1          # the total line printed its rate with '%': a sub-line's would be too
                else:
                    s += 1.5 if pct else (0 if v is None else (0.3 if rate_pct and v <= 100 else (0.3 if v <= 1.5 else -2)))
            elif pct:
                s -= 3
            elif role in ("weight", "score") and v is not None and v > 100:
                s -= 3
        A = (b.get("adjusted") or b.get("initial") or (None, None))[1]
        B = (b.get("executed") or (None, None))[1]
        R = (b.get("rate") or (None, None))[1]
        if R is not None and R > 1.5 and "%" not in b["rate"][0].key:
            R = R / 100
        if A and B is not None and R is not None:
            ok = abs(B / A - R) <= 0.011 and (R > 0 or B == 0) and R <= 1.5
            s += 3 if ok else -1
        money = {r: v for r, (t, v) in b.items() if r in ("initial", "adjusted", "executed")}
        if not ok and ref and len(money) >= 2 and all(ref.get(r) is not None and ref[r] == v for r, v in money.items()):
            ok = True           # a sub-line repeating the total line's figures, column by column
            s += 3
        W, S = (b.get("weight") or (None, None))[1], (b.get("score") or (None, None))[1]
        if W is not None and S is not None and S > W + 1e-9:
            s -= 3
        if W is not None and S is not None and R is not None and abs(W * R - S) <= 0.5 + 1e-9:
            s += 1
        if not total_line:
            s -= 0.5 * sum(1 for r in b if r in ("weight", "score"))   # sub-lines rarely carry points
        # money first: a line that prints fewer figures leaves the trailing roles empty
        s -= 0.05 * sum(chosen)
        if "initial" in b and "executed" in b and "adjusted" in roles and "adjusted" not in b:
            s -= 0.1        # a rate is executed / the full-year budget: the one budget printed is that
        if s > best_score:
            best, best_score, best_ok = b, s, ok
    return {r: t for r, (t, v) in best.items()}, best_score, best_ok


GLUED_PIECE = re.compile(r"(?:0|[1-9]\d{0,9})(?:\.\d{1,4})?%?")


def _glued_run(t: Tok) -> str | None:
    """The digits of a token that may hold several figures run together ('303010100%',
    ':310.2154.741050%5'), or None for a token that is one figure."""
    k = t.key.lstrip(":")
    if not re.fullmatch(r"[\d.%]+", k) or not k[0].isdigit():
        return None
    if k.count(".") > 1 or "%" in k[:-1] or k.count("%") > 1:
        return k
    if t.glued and len(re.sub(r"\D", "", k)) >= 4:
        return k
    return None


def _splits(run: str, limit: int, cap: int = 3000) -> list[list[str]]:
    """Every way to cut a run of digits into at most ``limit`` figures ('%' ends a figure;
    no leading zeros; at most four decimals)."""
    out: list[list[str]] = []

    def go(i: int, acc: list[str]) -> None:
        if len(out) >= cap:
            return
        if i == len(run):
            out.append(acc)
            return
        if len(acc) == limit:
            return
        for j in range(i + 1, len(run) + 1):
            piece = run[i:j]
            if GLUED_PIECE.fullmatch(piece):
                go(j, acc + [piece])
            if piece.endswith("%"):
                break
    go(0, [])
    return out


def _exactness(b: dict[str, Tok]) -> float:
    """How closely executed / budget gives the printed rate (1 when exact)."""
    fig = {r: _figure(t)[1] for r, t in b.items()}
    A, B, R = fig.get("adjusted") or fig.get("initial"), fig.get("executed"), fig.get("rate")
    if not A or B is None or R is None:
        return 0.0
    return max(0.0, 1.0 - abs(B / A - R) * 100)


def _bind_line(plain: list[tuple[Tok, float | None]], roles: list[str], rate_pct: bool, total_line: bool,
               ref: dict, rep: Mapping) -> dict[str, Tok]:
    """A budget line's figures bound to its roles.  Figures that ran together are cut where
    the line's arithmetic confirms the cut; a run no cut explains is reported, not read."""
    alts: list[list[list[tuple[Tok, float | None]]]] = []
    glued = []
    for t, v in plain:
        run = _glued_run(t)
        if run is None:
            alts.append([[(t, v)]])
            continue
        glued.append(t)
        cuts = []
        for sp in _splits(run, len(roles)):
            if any(len(p.split(".")[-1]) > 2 and p.endswith("0") and "." in p for p in sp):
                continue        # '154.7410': a figure is not printed with a trailing zero decimal
            cuts.append([(Tok(p, p, t.cell, t.line), parse_number(p)) for p in sp])
        alts.append(cuts)
    best, best_score = None, -1e9
    for n, combo in enumerate(product(*alts)):
        if n >= 20000:
            break
        vals = [x for part in combo for x in part]
        b, sc, ok = _bind_budget(vals, roles, rate_pct, total_line, ref)
        if glued and any(v == 0 for part in combo if len(part) > 1 for t, v in part):
            ok = False                  # a cut that makes a zero is never the confirmation
        if glued:
            # among the cuts the arithmetic allows: the one that explains more figures, more
            # exactly, without making zeros
            sc += 0.3 * len(b) + _exactness(b)
            sc -= sum(1.0 for part in combo if len(part) > 1 for t, v in part if v == 0)
        if glued and not ok:
            continue
        if sc > best_score:
            best, best_score = b, sc
    if best is not None:
        return best
    if glued:
        rep.unplaced.extend(f"{t.text} (figures run together; no cut fits the line's arithmetic)" for t in glued)
    rest = [(t, v) for t, v in plain if t not in glued]
    return _bind_budget(rest, roles, rate_pct, total_line, ref)[0] if rest else {}


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


def read_budget(toks: list[Tok], f: Form, rep: Mapping) -> None:
    v = vocabulary()
    roles: list[str] = []
    rate_pct = False
    kinds = v["budget_kinds"]
    m = re.search(r"\((万元|千元|亿元|元)\)|单位:(万元|元)", "".join(t.key for t in toks[:12]))
    if m:
        f.unit_declared = m.group(1) or m.group(2)
    _block_weight(toks, "budget", f)
    i = 0
    lines: list[tuple[str, Tok, list]] = []
    loose: list[tuple[int, Tok]] = []     # figures printed apart from any line's label
    # a block with no line labels ('部门预算执行情况 | 年初预算数 … | 76% | 10 | 7.6'): its
    # figures are one line, the total, named by the block's own label
    unlabelled = toks and not any(first_match(kinds, t.key) for t in toks)
    while i < len(toks):
        t = toks[i]
        kind = first_match(kinds, t.key)
        if unlabelled and roles and not lines and not first_match(v["budget"], t.key) and _figure(t)[0]:
            kind, t, i = "total", toks[0], i - 1
        role = first_match(v["budget"], t.key)
        if role and not kind and i + 1 < len(toks) and _figure(toks[i + 1])[0] and \
                not first_match(v["budget"], toks[i + 1].key) and (not lines or not roles) and \
                not (unlabelled and len(roles) >= 2):
            # key/value budget ('预算数: 2.38  执行数: 2.38'): the figure belongs to the total line
            if not lines:
                lines.append(("total", t, []))
            lines[0][2].append((toks[i + 1], _figure(toks[i + 1])[1], role))
            i += 2
            continue
        if role and not kind and not any(vals for _, _, vals in lines):
            if role not in roles:
                roles.append(role)
            rate_pct = rate_pct or (role == "rate" and "%" in t.key)
            i += 1
            continue
        if kind:
            vals = []
            j = i + 1
            rest = t.key.split(":", 1)[1] if ":" in t.key[:-1] and not t.key.startswith("其中") else ""
            tail = re.search(r"(?<=\p{Han})[\d.,%]*\d[\d.,%]*$", t.key)
            if not rest and tail and first_match(kinds, t.key[:tail.start()]):
                rest = tail.group()             # figures glued to the line's label
            if rest:
                rt = Tok(rest, rest, t.cell, t.line, t.glued)
                ok, val, unit = _figure(rt)
                if ok or _glued_run(rt):
                    vals.append((rt, val))
            while j < len(toks):
                if re.fullmatch(r"[:;,、]", toks[j].key):
                    j += 1                      # a colon left between a label and its figures
                    continue
                ok, val, unit = _figure(toks[j])
                if not ok and _glued_run(toks[j]):
                    ok = True
                if not ok:
                    if toks[j].key in ("万元", "元"):
                        j += 1
                        continue
                    break
                vals.append((toks[j], val))
                j += 1
            lines.append((kind, t, vals))
            i = j
            continue
        if _figure(t)[0] or _glued_run(t):
            loose.append((len(lines), t))
        elif not re.fullmatch(r"\(?(万元|元)\)?|其中:?", t.key):
            rep.unplaced.append(t.text)
        i += 1
    f.budget_columns = list(roles)
    lines = _loose_figures(lines, loose, roles, rate_pct, rep)
    merged: list = []
    for kind, label, vals in lines:
        prev = next((m for m in merged if m[0] == kind), None)
        if prev is not None and len(prev[2]) == 1 and len(vals) == 1:
            prev[2].append(vals[0])       # the same line printed once per column (budget, then execution)
            continue
        merged.append((kind, label, list(vals)))
    if not roles and any(len(x) == 3 for m in merged for x in m[2]):
        roles = ["adjusted", "executed"]
    ref: dict = {}
    for kind, label, vals in merged:
        keyed = {x[2]: x[0] for x in vals if len(x) == 3}
        plain = [(x[0], x[1]) for x in vals if len(x) == 2]
        bound = dict(keyed)
        bound.update(_bind_line(plain, [r for r in roles if r not in keyed], rate_pct, kind == "total", ref, rep))
        if not bound and kind != "total":
            continue
        if kind == "total" and not ref:
            ref = {r: _figure(t)[1] for r, t in bound.items() if r in ("initial", "adjusted", "executed")}
            if "rate" in bound and "%" in bound["rate"].key:
                ref["rate_sign"] = True
        _budget_line(f, kind, label, bound)


def _loose_figures(lines: list, loose: list[tuple[int, Tok]], roles: list[str], rate_pct: bool,
                   rep: Mapping) -> list:
    """Text read in column order prints the lines' labels, then the column labels, then the
    lines' figures ('年度资金总额 | 其中:当年财政拨款 | 全年预算数 … | 65.66 | 65.07 | 10 | 99% |
    9 | 65.66 | 65.07 | — | 99% | —'): one run of figures after the labelled lines that
    printed none is cut into that many lines, where the lines' arithmetic fits best."""
    empty = [n for n, (kind, label, vals) in enumerate(lines) if not vals]
    runs = {pos for pos, _ in loose}
    if not empty or not roles or len(runs) != 1 or runs.pop() < max(empty) + 1:
        if loose:
            rep.unplaced.extend(t.text for _, t in loose if not is_blank(t.key))
        return lines
    figs = [(t, _figure(t)[1]) for _, t in loose]
    k, n = len(empty), len(figs)
    best, best_s = None, -1e9
    for cut in combinations(range(1, n), k - 1):
        parts = [figs[a:b] for a, b in zip((0,) + cut, cut + (n,))]
        if any(not p or len(p) > len(roles) for p in parts):
            continue
        score, ref = 0.0, None
        for m, p in enumerate(parts):
            b, sc, ok = _bind_budget(p, roles, rate_pct, lines[empty[m]][0] == "total", ref)
            score += sc + (2 if ok else 0)
            if m == 0:
                ref = {r: _figure(t)[1] for r, t in b.items() if r in ("initial", "adjusted", "executed")}
        if len({len(p) for p in parts}) == 1:
            score += 1.0        # rows of one table print as many cells each (blanks as '—')
        if score > best_s:
            best, best_s = parts, score
    if best is None:
        rep.unplaced.extend(t.text for _, t in loose if not is_blank(t.key))
        return lines
    out = list(lines)
    for m, p in zip(empty, best):
        kind, label, _ = out[m]
        out[m] = (kind, label, p)
    rep.unplaced.append(f"column order: {k} budget lines' figures printed after their labels, cut by their arithmetic")
    return out


def _budget_line(f: Form, kind: str, label: Tok, cells: dict[str, Tok]) -> None:
    line = BudgetLine(kind=kind, label=label.key.rstrip(":"))
    doubt = _unconfirmed_cut(cells)
    for role, t in cells.items():
        ok, val, unit = _figure(t)
        if unit == "万元" and f.unit_declared is None:
            f.unit_declared = "万元"
        cell = t.cell
        if doubt and cell is not None and len(_RUN_FIGURES.findall(cell.text or "")) > 1:
            cell = replace(cell, text=t.key, doubt=doubt)
        line.set_figure(role, val, t.key, cell, "%" in t.key)
    f.add_budget_line(line)


_RUN_FIGURES = re.compile(r"\d+(?:\.\d+)?%?")


def _unconfirmed_cut(cells: dict[str, Tok]) -> str | None:
    """Why a budget line's figures cut from one run of digits ('228.22229.98198.371091.26%')
    are in doubt, or None: a cut is a reading only where the line's arithmetic confirms it
    (executed / budget ≈ the rate printed); else it is a guess, flagged, never judged."""
    runs = {id(t.cell): t.cell.text for t in cells.values()
            if t.cell is not None and len(_RUN_FIGURES.findall(t.cell.text or "")) > 1}
    if not runs:
        return None
    A = _figure(cells.get("adjusted") or cells.get("initial"))[1] if (cells.get("adjusted") or cells.get("initial")) else None
    B = _figure(cells["executed"])[1] if "executed" in cells else None
    R = _figure(cells["rate"])[1] if "rate" in cells else None
    if R is not None and R > 1.5 and "%" not in cells["rate"].key:
        R /= 100
    if A and B is not None and R is not None:
        # to the rate's last printed digit (rounded or cut): a looser fit confirms a wrong cut
        m = re.search(r"\.(\d+)", cells["rate"].key)
        step = 10 ** -(len(m.group(1)) if m else 0) * (0.01 if "%" in cells["rate"].key else 1)
        if abs(B / A - R) <= step + 1e-9:
            return None
    run = next(iter(runs.values()))
    return f"cut from figures run together ('{run[:40]}') where the line's arithmetic does not confirm the cut"


GOAL_DONE = re.compile(r"(.{8,}[。;；.])(已完成|已全部完成|全部完成|基本完成|未完成|部分完成|达成预期指标|部分达成预期指标)")


GOAL_SCORE_GLUED = re.compile(r"(.{4,}[。；;.!！])(\d{1,3}(?:\.\d{1,2})?)")


def _goal_score_apart(t: Tok, weight: float | None) -> list[Tok]:
    """The goal's score run into the end of its text ('已完成，情况良好。20'): cut where a
    sentence ends and a figure no larger than the goal's points follows."""
    m = GOAL_SCORE_GLUED.fullmatch(t.key)
    if not m or float(m.group(2)) > (weight if weight is not None else 100):
        return [t]
    return [_sub(t, 0, m.end(1)), _sub(t, m.end(1), len(t.key))]


def read_goal(toks: list[Tok], f: Form, rep: Mapping) -> None:
    v = vocabulary()["goal"]
    texts: list[Tok] = []
    _block_weight(toks, "goal", f)
    scored = any(t.key in ("得分", "自评分") for t in toks)
    body = toks[1:] if toks and _region_of(toks[0].key) == "goal" else toks
    if scored:
        body = [p for t in body for p in _goal_score_apart(t, f.section_weights.get("goal"))]
    for t in body:
        if scored and texts and parse_number(t.key) is not None and "%" not in t.key:
            # the goal's own score after its texts ('… | 已完成,情况良好。 | 19')
            f.goal.score_declared = parse_number(t.key)
            f.goal.texts["score"], f.goal.cells["score"] = t.key, t.cell
            continue
        if first_match(v, t.key) or is_blank(t.key) or parse_number(t.key) is not None or \
                _region_of(t.key) == "goal" and len(t.key) <= 8 or t.key in ("得分", "自评分") or \
                re.fullmatch(r"[(（]?\d*分?[)）]", t.key):
            continue
        if re.fullmatch(r"[.…]+", t.key):
            continue
        texts.append(t)
    if not texts:
        return
    n = len(texts)
    if sum(1 for t in body if len(t.key) <= 12 and matches(v["target"], t.key)) >= 2:
        # (the block's own label, '年度目标', is no target column's)
        # a target column and an adjusted-target column (年初 | 全年(调整) | 实际完成情况): three
        # texts are read as the columns, the adjusted target the one that counts; other
        # counts cannot be told apart (OCR interleaves the columns' lines)
        if n != 3:
            rep.unplaced.extend(t.text[:40] for t in texts)
            return
        texts = texts[1:]
        n = 2
    done = GOAL_DONE.fullmatch(texts[0].key) if n == 1 and texts[0].glued else None
    if done:        # '…所必需的演出设备。已完成': the target, then the actual run on after it
        target, actual = [_sub(texts[0], 0, done.end(1))], [_sub(texts[0], done.end(1), len(texts[0].key))]
    elif n == 1:
        target, actual = texts, []
    elif n == 2:
        target, actual = texts[:1], texts[1:]
    elif n % 2 == 0 and [t.key for t in texts[:n // 2]] == [t.key for t in texts[n // 2:]]:
        target, actual = texts[:n // 2], texts[n // 2:]
    elif n % 2 == 0 and len({t.line for t in texts}) == n:
        target, actual = texts[0::2], texts[1::2]        # one cell per line, the two columns interleaved
    else:
        lines = sorted({t.line for t in texts})
        if len(lines) == 2:
            target = [t for t in texts if t.line == lines[0]]
            actual = [t for t in texts if t.line == lines[1]]
        else:
            target, actual = texts[:1], texts[1:]
    g = f.goal
    if target:
        g.target = "".join("".join(t.text.split()) for t in target)
        g.texts["target"], g.cells["target"] = g.target, target[0].cell
    if actual:
        g.actual = "".join("".join(t.text.split()) for t in actual)
        g.texts["actual"], g.cells["actual"] = g.actual, actual[0].cell


# ---------------------------------------------------------------- indicators
SKIP = {"name": -4.0, "weight": -1.5, "score": -1.5, "target": -0.6, "actual": -0.6}
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
    if role in ("note", "method"):
        return 0.2 if num is None else -3.0
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
    return [b for _, b in reversed(out)]


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


ROW_FIGURES = ("target", "adjusted_target", "actual", "rate", "weight", "score")


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


FIGURE_ROLES = ("target", "actual", "weight", "score", "rate")


def _has_figures(b: dict) -> bool:
    return any(parse_number(t.key) is not None or _value_res()[0].fullmatch(t.key)
               for r in FIGURE_ROLES for t in b.get(r, ()))


def _column_order(bindings: list[dict], f: Form, rep: Mapping) -> list[dict]:
    """Text read in column order prints rows' figures apart from their names: a run of rows
    with figures and no name, and a run of names with no figures.  When the two counts agree
    they are paired in order (a row of two figures, full marks then a score, after the last
    is the total row printed before its 总分 label); a text row right after a row of figures
    is that row's note when that makes the counts agree.  Every paired row must keep score ≤
    weight; otherwise nothing is paired."""
    orphan = [i for i, b in enumerate(bindings) if not b.get("name") and _has_figures(b)]
    if len(orphan) < 2:
        return bindings
    # a short word before a row's figures is its target ('提高 | 达成预期指标 | 30 | 28'), not a name
    worded = {i: {"target": b["name"], **{r: ts for r, ts in b.items() if r != "name"}}
              for i, b in enumerate(bindings) if b.get("name") and len(b["name"]) == 1 and not b.get("target")
              and len(key(b["name"][0].key)) <= 4 and _has_figures(b) and i - 1 in orphan}
    original = bindings
    if worded:
        bindings = [worded.get(i, b) for i, b in enumerate(bindings)]
        orphan = sorted(set(orphan) | set(worded))
    bare = [i for i, b in enumerate(bindings) if b.get("name") and not _has_figures(b)]
    total = None
    last = bindings[orphan[-1]]
    if not last.get("target") and not last.get("actual") and last.get("weight") and last.get("score") and \
            parse_number(last["weight"][0].key) == 100:
        total, orphan = orphan[-1], orphan[:-1]
    notes: list[int] = []
    if len(orphan) != len(bare):
        notes = [i for i in bare if i - 1 in orphan and not bindings[i - 1].get("note")
                 and all(not _has_figures({"t": ts}) for ts in bindings[i].values())]
        if len(orphan) != len(bare) - len(notes):
            return original
        bare = [i for i in bare if i not in notes]
    if not orphan or len(orphan) != len(bare):
        return original
    paired = {}
    for o, n in zip(orphan, bare):
        figs = {r: ts for r, ts in bindings[o].items() if r != "note"}
        name = [t for ts in bindings[n].values() for t in ts]
        note = bindings[o].get("note") or ([t for ts in bindings[o + 1].values() for t in ts]
                                           if o + 1 in notes else None)
        w, sc = (parse_number(figs[r][0].key) if figs.get(r) else None for r in ("weight", "score"))
        if w is not None and sc is not None and sc > w + 1e-9:
            return original
        paired[n] = {"name": name, **figs, **({"note": note} if note else {})}
    if total is not None:
        t = bindings[total]
        f.declared_total = parse_number(t["score"][0].key)
        f.texts["declared_total"] = t["score"][0].key
        f.texts["full_marks"] = t["weight"][0].key
        f.cells["declared_total"] = t["score"][0].cell
        f.texts["total_row"] = "(a total row printed before its label)"
    rep.unplaced.append(f"column order: {len(paired)} rows' figures printed apart from their names, paired in order")
    gone = set(orphan) | set(notes) | ({total} if total is not None else set())
    return [paired.get(i, b) for i, b in enumerate(bindings) if i not in gone]


def _label_apart(toks: list[Tok]) -> list[Tok]:
    """A label broken over a merged cell's lines with another cell's text read between its
    halves ('服务对象满 | 指标1:是否满意 | (10分 | 意度指标'): the halves joined where the first
    stood."""
    out = list(toks)
    i = 0
    while i < len(out):
        k = out[i].key
        if len(k) >= 3 and k not in split_words() and any(w.startswith(k) for w in split_words()):
            for j in range(i + 2, min(i + 4, len(out))):
                if k + out[j].key in split_words():
                    a, b = out[i], out[j]
                    out[i] = Tok(a.text + b.text, a.key + b.key, a.cell, a.line, a.glued)
                    del out[j]
                    break
        i += 1
    return out


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
            out.append((Tok(t.text + nxt.text, t.key + nxt.key, t.cell, t.line, t.glued), l1, l2))
            skip = True
            continue
        out.append((t, l1, l2))
    return out, new_starts


def read_indicators(toks: list[Tok], f: Form, rep: Mapping) -> None:
    toks = _label_apart(toks)
    _block_weight(toks, "indicators", f)
    v = vocabulary()
    iv, lv = v["indicators"], v["levels"]
    roles: list[str] = []
    data: list[tuple[Tok, str | None, str | None]] = []
    level1 = level2 = None
    started = last_level1 = False
    starts: set = set()
    for n, t in enumerate(toks):
        k = t.key
        prev_level1, last_level1 = last_level1, False
        nxt = toks[n + 1].key if n + 1 < len(toks) else ""
        if matches(lv["level1"], k) and len(k) <= 14:
            last_level1 = True
            m = pattern(lv["level1"]).match(k)
            level1 = _printed(t, m.start(1), m.end(1)) + ("" if m.group(1).endswith("指标") else "指标")
            w = parse_weight(k)
            if w is not None:
                f.group_weights[level1] = w
            level2 = None
            started = True
            starts.add(len(data))
            continue
        if matches(lv["level2"], k) and len(k) <= 14 and not (
                _value_res()[0].fullmatch(nxt) and re.search(r"\D", nxt) or _is_word(nxt)
                or level2 is not None and key(level2) != k and _sign_only(nxt)):
            # (a 二级 label followed by its row's values is the row's name: '满意度指标 |
            # 服务对象满意度 | 85% | 84% | 9')
            m = pattern(lv["level2"]).match(k)
            level2 = _printed(t, m.start(1), m.end(1))
            family = LEVEL1_OF_LEVEL2.get(m.group(1) if m.group(1).endswith("指标") else m.group(1) + "指标")
            if level1 is not None and family is not None and family != key(level1) and \
                    family not in LEVEL1_HOLDS.get(key(level1), ()):
                level1 = None       # a 二级指标 of another group: its own 一级 label was not printed
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
            continue        # an empty template row; the block's label repeated on a new page
        started = True
        for piece in (_unit_apart(t) if "target_unit" in roles else [t]):
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
        if pieces and (id(t) in opening or re.match(r"指标\d{1,2}[:：、.]?\p{Han}", pieces[0].key)):
            starts.add(len(cut))        # a level label stood before it; or a numbered name ('指标2…')
        cut.extend((p, l1, l2) for p in pieces)
    data, starts = _ocr_operators(cut, starts)
    items = [d[0] for d in data]
    levels = {id(d[0]): (d[1], d[2]) for d in data}
    multi = [ln for ln in {t.line for t in items} if sum(1 for t in items if t.line == ln) >= 3]
    by_lines = len(multi) >= 2
    bindings = _column_order(_same_columns(_rows(items, row_roles, by_lines, starts)), f, rep)
    for binding in bindings:
        first = binding["name"][0] if binding.get("name") else \
            min((t for ts in binding.values() for t in ts), key=lambda t: items.index(t))
        l1, l2 = levels[id(first)]
        ind = Indicator(level1=l1, level2=l2)
        for role, ts in binding.items():
            if any(t.cut for t in ts):
                ind.texts["figures_cut"] = next(t.cut for t in ts if t.cut)
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
            continue
        f.indicators.append(ind)
    groups = {i.level1 for i in f.indicators}
    for ind in f.indicators:
        family = LEVEL1_OF_LEVEL2.get(key(ind.level2 or ""))
        if ind.level1 is None and family in groups:
            # a 一级 label printed in the middle of its merged cell, after this row (column order)
            ind.level1 = family
            ind.texts["level1_from"] = f"{ind.level2} belongs to {family}"


def read_total(toks: list[Tok], f: Form, rep: Mapping) -> None:
    toks = toks[:1] + [x for t in toks[1:4] for x in _full_marks_apart(t)]
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
    order where their points sum to each group's."""
    cv = vocabulary()["criteria"]
    names = set(cv["names"])
    groups: list[tuple[str, float]] = []
    rows: list[list] = []           # [name token, [figure tokens]]
    i = 0
    while i < len(toks):
        t = toks[i]
        k = t.key
        nxt = toks[i + 1].key if i + 1 < len(toks) else ""
        if matches(cv["level1"], k):
            m = re.fullmatch(r"(\d+(?:\.\d+)?)分?", nxt)
            if m and (nxt.endswith("分") or (toks[i + 2].key if i + 2 < len(toks) else "").startswith("分")):
                groups.append((k, float(m.group(1))))
                f.group_weights[k] = float(m.group(1))
                i += 2 if nxt.endswith("分") else 3
                continue
        if k in names:
            rows.append([t, []])
        elif rows and parse_number(k) is not None and "%" not in k and not nxt.startswith("分") and \
                len(rows[-1][1]) < 2:
            rows[-1][1].append(t)
        i += 1
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
        if abs(acc - pts) > 1e-6:
            level_of = [None] * len(rows)       # the sums do not fit: the groups are not known
            break
        for n in range(start, j):
            level_of[n] = g
    for (name, (w, sc)), g in zip(rows, level_of):
        wv, sv = parse_number(w.key), parse_number(sc.key)
        ind = Indicator(level1=g, level2=None, name=name.key, weight=wv, score_declared=sv)
        ind.texts.update(name=name.text, weight=w.key, score=sc.key)
        ind.cells.update(name=name.cell, weight=w.cell, score=sc.cell)
        f.indicators.append(ind)


READERS = {"header": read_header, "criteria": read_criteria, "analysis": read_notes, "budget": read_budget, "goal": read_goal, "indicators": read_indicators,
           "total": read_total, "notes": read_notes}


def read_form(toks: list[Tok], doc: Document, index: int) -> tuple[Form, Mapping]:
    f = Form(path=doc.path, sha256=doc.sha256, format=doc.format, form_index=index, ocr=doc.ocr,
             page_transforms=doc.page_transforms)
    rep = Mapping("token-stream")
    toks = _dangling_names(toks, f)
    regs = regions(toks)
    for name in ("header", "budget", "goal", "criteria", "indicators", "total", "analysis", "notes"):
        if name in regs:
            READERS[name](regs[name], f, rep)
    for t in toks:
        if t.cell.page is not None:
            f.pages.add(t.cell.page)
    return f, rep


def read_stream(doc: Document) -> list[tuple[Form, Mapping]]:
    toks = tokens_of(doc)
    out = []
    parts = split_forms(toks)
    for k, ftoks in enumerate(parts):
        f, rep = read_form(ftoks, doc, len(out))
        if k + 1 < len(parts):
            f.texts["table_end"] = "next form"
        if f.is_form():
            out.append((f, rep))
    return out
