"""Labels and names the layout broke over tokens, joined again before the indicator region is
read: a merged cell's label with other cells' text read between its halves, a name cut at a
label its head spells."""
from __future__ import annotations

import regex as re

from ..text import first_match, vocabulary
from .tokens import Tok, split_words

BROKEN_REACH = 12      # the end of a broken label stands at most this many tokens on (a row's width)
LABEL_END_PIECE = re.compile(r"\p{Han}{1,3}|\p{Han}{0,2}\([A-Z](?:/[A-Z])?\)")   # '标', '指标', '值(A)', '(B)'


def _label_apart(toks: list[Tok]) -> list[Tok]:
    """A label broken over a merged cell's lines with other cells' text read between its
    halves ('服务对象满 | 指标1:是否满意 | (10分 | 意度指标'; reading order prints a row's first
    lines, then their second lines: '产出指 | 成本指 | 项目总成本 | … | 10 | 标 | 标'): each
    broken label joined, in order, with the first piece after it that completes it."""
    out = list(toks)
    for reach, longest in ((4, 99), (BROKEN_REACH, BROKEN_HEAD)):
        # the end two or three pieces on first; then, further, a short head's end in order
        out = _joined_ends(out, reach, longest)
    return out


BROKEN_HEAD = 5        # a label broken far from its end is a short head ('产出指', '年初目标'), not a name


def _joined_ends(toks: list[Tok], reach: int, longest: int) -> list[Tok]:
    out = list(toks)
    i = 0
    while i < len(out):
        k = out[i].key
        if 3 <= len(k) <= longest and k not in split_words() and any(w.startswith(k) for w in split_words()):
            for j in range(i + 2, min(i + reach, len(out))):
                if (j - i <= 3 or LABEL_END_PIECE.fullmatch(out[j].key)) and k + out[j].key in split_words():
                    a, b = out[i], out[j]
                    out[i] = a.joined(b)
                    del out[j]
                    break
        i += 1
    return out


def _names_whole(toks: list[Tok]) -> list[Tok]:
    """A name cut at a label its head spells ('年度绩效目标' | '合理性', '绩效指标' | '明确性'):
    inside the indicator table, a label cut from the front of a cell whose rest is a few
    Chinese characters and no label is the head of the row's name, joined again (a label
    run into a value leaves a value longer than a suffix)."""
    iv = vocabulary()["indicators"]
    out: list[Tok] = []
    for t in toks:
        prev = out[-1] if out else None
        if prev is not None and not (prev.glued or t.glued) and prev.line == t.line \
                and (prev.cell.row, prev.cell.col, prev.cell.page) == (t.cell.row, t.cell.col, t.cell.page) \
                and prev.key in split_words() and first_match(iv, prev.key) is None \
                and re.fullmatch(r"\p{Han}{1,4}", t.key) and t.key not in split_words():
            out[-1] = prev.joined(t)
            continue
        out.append(t)
    return out
