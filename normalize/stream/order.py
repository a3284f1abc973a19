"""A form's label column printed before its values, and the labels put back before what they
label.

PDF text in reading order (``pdftotext`` without ``-layout``, a viewer's copy) reads a
table's first column top to bottom and then the rest: 项目名称, 主管部门, 预算执行情况(万元)
(20分), 项目绩效总目标, 项目年度绩效指标, 偏差原因, 改进措施, 备注 come first, each
label broken over lines as its narrow column wrapped it, and then the values in the order
the rows hold them.  Read as it stands, every value falls under the last label (备注, the
notes, which end a form).  The rule applied here:

* a label column is a run of at least ``RUN_MIN`` labels (the header's and the regions')
  with nothing between them but the pieces of their own wrapped text, holding a header
  label and labels of two regions or more;
* each header label goes back before the next line of values that starts with no label of
  its own (a header value fills its line), until the first region's columns begin;
* each region's label goes back before the first of its own column labels (the budget's
  预算数/执行数, the goal's 年初设定目标, the indicator table's 一级指标/指标名称), so the
  region keeps the unit and the points its label prints;
* the closing labels (偏差原因, 改进措施, 备注) go back after the last figure of the form,
  where the indicator table ends and their text begins.
"""
from __future__ import annotations

import regex as re

from ..text import first_match, vocabulary
from .regions import _region_of
from .tokens import Tok, _figure, _is_label

RUN_MIN = 3                 # labels in a row with no value between them make a label column
LOOK_AHEAD = 4              # a label broken over this many lines at most ('预算执行' / '情况(万' / '元)(20' / '分)')
CLOSING = ("analysis", "notes")
LINE_VALUE = 4              # a header value fills its line when the line holds this many pieces at most
WEIGHT_PIECE = re.compile(r"[(（]\d+(?:\.\d+)?分?[)）]?|\d+(?:\.\d+)?分[)）]?")
LABEL_ENDS = ("标", "指标")   # what a column label broken before its end still lacks ('一级指' / '标')


def _kind(k: str) -> str | None:
    """'header' or the region a label opens, or None; a header label holding its value
    ('自评得分:97') is no label of a column."""
    if first_match(vocabulary()["header"], k) not in (None, "other"):
        return "header" if _is_label(k) else None
    return _region_of(k)


def _label_start(toks: list[Tok], i: int) -> tuple[str, int] | None:
    """The label that starts at toks[i], alone or joined with the next few pieces (a label its
    column wrapped): its kind and how many tokens it takes."""
    k = ""
    for n in range(1, LOOK_AHEAD + 1):
        if i + n > len(toks):
            break
        k += toks[i + n - 1].key
        kind = _kind(k)
        if kind:
            return kind, n
    return None


def _fragment(t: Tok) -> bool:
    """A piece of a wrapped label: a few characters with no figure but a printed weight ('(20',
    '分)', '目标未完')."""
    rest = WEIGHT_PIECE.sub("", t.key)
    return len(rest) <= 5 and not re.search(r"\d", rest)


def _label_column(toks: list[Tok], s: int) -> tuple[list[tuple[str, list[Tok]]], int]:
    """The labels of a label column starting at toks[s] (kind, its pieces), and where it ends."""
    groups: list[tuple[str, list[Tok]]] = []
    j = s
    while j < len(toks):
        start = _label_start(toks, j)
        if start:
            kind, n = start
            groups.append((kind, list(toks[j:j + n])))
            j += n
        elif groups and _fragment(toks[j]):
            groups[-1][1].append(toks[j])
            j += 1
        else:
            break
    return groups, j


def _opens(region: str, k: str) -> bool:
    """A column label of the region's table: where its rows begin."""
    v = vocabulary()
    if region == "budget":
        return first_match(v["budget"], k) in ("initial", "adjusted", "executed")
    if region == "goal":
        return first_match(v["goal"], k) is not None
    if region == "indicators":
        return first_match(v["indicators"], k) in ("level1", "level2", "name") or _region_of(k) == "indicators"
    return False


def _one(pieces: list[Tok]) -> Tok:
    """A label's pieces as one token."""
    p0 = pieces[0]
    return Tok("".join(p.text for p in pieces), "".join(p.key for p in pieces), p0.cell, p0.line, p0.glued)


def labels_in_place(toks: list[Tok]) -> list[Tok]:
    """The form's tokens with a label column's labels put back before their values (the
    module's rule); a stream with no label column as it is."""
    for s in range(len(toks)):
        if not _label_start(toks, s):
            continue
        groups, e = _label_column(toks, s)
        kinds = [k for k, _ in groups]
        regions_named = {k for k in kinds if k != "header"}
        if len(groups) >= RUN_MIN and "header" in kinds and len(regions_named) >= 2 and e < len(toks):
            return toks[:s] + _put_back(groups, toks[e:])
    return toks


def _put_back(groups: list[tuple[str, list[Tok]]], rest: list[Tok]) -> list[Tok]:
    headers = [_one(p) for k, p in groups if k == "header"]
    opening = [(k, _one(p)) for k, p in groups if k not in ("header",) + CLOSING]
    closing = [_one(p) for k, p in groups if k in CLOSING]
    out: list[Tok] = []
    in_regions = False
    i = 0
    while i < len(rest):
        t = rest[i]
        line = [u for u in rest[i:] if u.line == t.line]
        if len(line) > LINE_VALUE:
            line = [t]          # text flattened onto one line: a value is a token, not a line
        i += len(line)
        hit = next((n for n, (k, _) in enumerate(opening) if _opens(k, t.key)), None)
        if hit is not None:
            # the region's label goes before the column labels its line opens with, and
            # before the pieces of its column labels broken just above ('一级指' '二级指')
            back = len(out)
            while back > 0 and any(_opens(opening[hit][0], out[back - 1].key + end) for end in LABEL_ENDS):
                back -= 1
            out[back:back] = [lab for _, lab in opening[:hit + 1]]
            del opening[:hit + 1]
            in_regions = True
        elif headers and not in_regions and _kind(t.key) is None \
                and first_match(vocabulary()["header"], t.key) is None:
            # a header value fills its line: its pieces (apart where the scripts change,
            # '(2021' '年)') are one value
            out.append(headers.pop(0))
            line = [_one(line)]
        out.extend(line)
    out.extend(lab for _, lab in opening)
    last = max((n for n, t in enumerate(out) if _figure(t)[0]), default=len(out) - 1)
    return out[:last + 1] + closing + out[last + 1:]
