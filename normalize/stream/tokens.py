"""The stream's tokens: cells in reading order, cut where their cells ran together, figures told
from words."""
from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

import regex as re

from extract.grid import Cell, Document
from extract.messages import CUT_DOUBT

from ..text import PINYIN, key, key_map, matches, pattern, unit_run, vocabulary
from ..values import is_blank, parse_number
from .tok import Tok
from .runrows import cut_run_rows
from .wraps import brackets_closed, brackets_whole, wrapped_cells, wrapped_figures


MONEY_UNIT = re.compile(r"^(\d[\d,]*(?:\.\d+)?)(万元|元|千元|亿元)$")


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
    if (len(k) < 8 and not t.glued) or _is_label(k):
        return [t]
    if len(k) >= 30 and _sentences(k):
        return [t]      # a cell of sentences (a scoring rule): the labels it names are its words
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
                                               confidence=t.cell.confidence, doubt=t.cell.doubt), t.line, t.glued))
        start = c
    return out


def _stands_apart(k: str, a: int, b: int, found: list[tuple[int, int]]) -> bool:
    """Within one cell as printed, a label at k[a:b] is a cell of its own run into its
    neighbours only where prose does not flow through it: not after a list number ('1、'),
    and not with Chinese text before it and Chinese or a sentence's punctuation after it
    ('基本达成预期指标且…', '…实现了项目经济效益。', '部门（单位）绩效指标明确性情况，…': a closing
    bracket or quote is prose's too) unless another label touches it
    ('…一级指标二级指标…')."""
    if re.search(r"(?:^|\D)\d{1,2}[、.]$", k[:a]):
        return False
    if any(y == a or x == b for x, y in found):
        return True
    if a == 0 and b < len(k) and re.match(r"\p{Han}", k[b]) and re.search(r"[。;；]", k[b:]):
        return False        # a sentence that opens with a label's words ('社会效益符合要求的得9分；…')
    return not (0 < a and b < len(k) and re.match(r"[\p{Han})）”》]", k[a - 1]) and re.match(r"[\p{Han}。,，;；、]", k[b]))


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
    # (a scoring rule's sentences naming labels, among cells the line sets apart, are one
    # cell, not a row run together; the values run into each other inside are its bands)
    prose = _rule_text if len(row) >= 3 else _sentences
    if any(len(k) >= 60 and len(_split_re().findall(k)) >= 3 and not prose(k) for k in (key(c.text) for c in row)):
        return True
    glued = sum(len(GLUED_VALUES.findall(k)) for k in (key(c.text) for c in row) if not prose(k))
    if len(row) == 1 and (glued or re.search(r"\p{Han}\d+(\.\d+)?$", key(row[0].text))) and \
            (spaceless or _split_re().search(key(row[0].text))):
        return True     # a line with no space left in it, labels and values run together
    if spaceless and len(row) == 1:
        k = key(row[0].text)
        found = _split_re().findall(k)
        if len(found) >= 2 or found and k.startswith(found[0]) and len(k) > len(found[0]):
            return True     # labels, or a label and more, in a one-piece line where lines lost their spaces
    return glued >= 6 or glued >= 3 and len(_split_re().findall("".join(key(c.text) for c in row))) >= 3


PROSE = re.compile(r"[；;。]")
FIGURES = re.compile(r"\d+(?:\.\d+)?(?![、.\d])")


PUNCTUATION = re.compile(r"[，,、。；;：:]")


def _sentences(k: str) -> bool:
    """Text of sentences, not cells run together: sentence punctuation and hardly a figure
    (a list's numbers '1、' '2、' aside); a row run together holds its row's figures."""
    return bool(PROSE.search(k)) and len(FIGURES.findall(k)) < 3


def _rule_text(k: str) -> bool:
    """One cell of sentences among cells a line sets apart: sentence punctuation at least
    every other figure (a scoring rule's bands '100-80%（含80%）、80-50%'), where a row run
    together holds its row's figures with hardly a mark between them."""
    figures = len(FIGURES.findall(k))
    return _sentences(k) or bool(PROSE.search(k)) and 2 * len(PUNCTUATION.findall(k)) >= figures
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


@lru_cache(maxsize=1)
def _nature_re():
    """The 指标性质 column's word after at least two characters of a name (never a name's own
    end: no indicator is named '…定性'; '开展定性分析' holds it as a noun)."""
    words = "|".join(map(re.escape, sorted(vocabulary()["values"]["natures"], key=len, reverse=True)))
    return re.compile(rf"(?<=\p{{Han}}{{2}})({words})(?!指标|分析|评价|考核)")


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
    nature = _nature_re().search(k)
    if nature:
        # '城市运行保障能力定性有效提升': the 指标性质 column's word is a cell of its own between
        # a name and what follows it, wherever the row's cells ran together
        return [x for a, b in ((0, nature.start(1)), (nature.start(1), nature.end(1)), (nature.end(1), len(k)))
                if b > a for x in ([_sub(t, a, b)] if a == nature.start(1) else _cut_values(_sub(t, a, b)))]
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
    lines, cut, unsure = cut_run_rows(wrapped_cells([[c for c in row if not c.merged and c.text.strip()]
                                             for block in doc.blocks for row in block.rows]))
    # (the lines the table's column grammar cut ran together as printed)
    spaceless = len(cut) + sum(1 for i, cells in enumerate(lines) if i not in cut and cells and _run_together(cells)) >= 3
    for cells in lines:
        line += 1
        cells = list(cells)
        if line - 1 in unsure:
            # a row its table's grammar found no one cut for: its figures, however parted below,
            # carry that doubt on their cell (a reading to check, never judged)
            cells = [replace(c, doubt=CUT_DOUBT.text.format(run=key(c.text)[:40])) for c in cells]
        if marked and cells and re.match(r"^\s*\d{1,2}、\d", cells[0].text):
            # a page's number before a figure the page break cut ('3、2.512.5')
            c0 = cells[0]
            text = PAGE_MARK.sub("", c0.text)
            if toks and re.fullmatch(r"[\d.%]+", toks[-1].key):
                text = toks.pop().text + text       # the figure the break cut: one again
            cells[0] = Cell(text, c0.row, c0.col, c0.rowspan, c0.colspan, page=c0.page, bbox=c0.bbox,
                            confidence=c0.confidence)
        if cells and line - 1 not in cut and _run_together(cells, spaceless):
            # a document-sharing site's page marker ('2、') opens each page's run of text
            text = PAGE_MARK.sub("", "".join(c.text for c in cells))
            c0 = cells[0]
            whole = Tok(text, key(text), Cell(text, c0.row, c0.col, page=c0.page, doubt=c0.doubt), line, glued=True)
            toks.extend(r for p in _pieces(whole) for q in _values_apart(p) for r in _cut_values(q))
            continue
        for n, c in enumerate(cells):
            pieces = _pieces(Tok(c.text.strip(), key(c.text), c, line))
            for p in pieces:
                p.whole = line - 1 in cut
                p.cut = cut.get(line - 1, {}).get(n)
            toks.extend(pieces)
    return _join_fragments(_units_to_figures(_operators_to_values(wrapped_figures(brackets_whole(brackets_closed(toks))))))


FIGURE_ALONE = re.compile(r"[≥≤<>＞＜=]?\d[\d,]*(?:\.\d+)?")


def _units_to_figures(toks: list[Tok]) -> list[Tok]:
    """A unit standing apart after its figure ('≥105 个', '≤547.37' / '万元' wrapped onto the
    next line) is the figure's: one value.  (Where the form prints a 度量单位 column, the
    indicator reader parts them again: ``_unit_apart``.)"""
    units = unit_run()
    out: list[Tok] = []
    for t in toks:
        prev = out[-1] if out else None
        if prev is not None and units.fullmatch(t.key) and FIGURE_ALONE.fullmatch(prev.key) and not prev.glued:
            out[-1] = prev.joined(t)
            continue
        out.append(t)
    return out


LABEL_TABLES = ("header", "indicators", "budget", "budget_kinds", "goal", "regions", "levels")


def _is_label(k: str) -> bool:
    """The token *is* a label: some label pattern matches it from its first character and
    leaves at most a colon, a weight ('(20分)') or the block's money unit ('(万元)') over."""
    v = vocabulary()
    k = re.sub(r"^其中:?(?=.)", "", k)
    for table in LABEL_TABLES:
        for name, pats in v[table].items():
            for p in ([pats] if isinstance(pats, str) else pats if isinstance(pats, list) else []):
                m = pattern(p).search(k)
                if m and m.start() == 0 and re.fullmatch(r"[:]?(\(\d+(\.\d+)?分?\))?(\((万元|元|千元|亿元)\))?(\(\d+(\.\d+)?分?\))?",
                                                         k[m.end():]):
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
        for n in (2, 3, 4, 5):
            k = "".join(x.key for x in toks[i:i + n])
            if n > 3 and any(len(x.key) > 3 for x in toks[i:i + n]):
                break       # four or five pieces of one label only as a narrow column wraps it ('可持/续影/响指/标')
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


GLUED_PIECE = re.compile(r"(?:0|[1-9]\d{0,9})(?:\.\d{1,4})?%?")


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
