"""Text as the readers match it, and the vocabulary that names the schema's fields.

A token's *key* is its text with whitespace removed, full-width forms folded (NFKC),
Traditional Chinese converted to Simplified (OpenCC) and pinyin glosses dropped
(``監(jiān)測`` → ``监测``).  The key is for matching labels only: values keep the text as
written, and ``key_map`` says which character of the original each key character came from.
"""
from __future__ import annotations

import tomllib
import unicodedata
from functools import lru_cache
from pathlib import Path

import regex as re

PINYIN = re.compile(r"\((?:[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+)\)")
LOOKALIKES = str.maketrans({"≧": "≥", "≦": "≤", "═": "=", "＝": "=", "﹪": "%", "：": ":", "（": "(", "）": ")"})


@lru_cache(maxsize=1)
def _t2s():
    try:
        import opencc
        return opencc.OpenCC("t2s").convert
    except Exception:          # the converter is a dependency; without it keys stay as written
        return lambda s: s


def simplified(text: str) -> str:
    """Traditional Chinese as Simplified (OpenCC), all else as written: the labels' wording
    for text printed in Traditional."""
    return _t2s()(text) if any(ord(c) > 0x2E80 for c in text) else text


@lru_cache(maxsize=1)
def vocabulary() -> dict:
    with open(Path(__file__).with_name("vocabulary.toml"), "rb") as f:
        return tomllib.load(f)


@lru_cache(maxsize=1)
def unit_run() -> re.Pattern:
    """A measure unit, or units printed as one (台套, 人/次)."""
    one = "|".join(re.escape(u) for u in sorted(vocabulary()["values"]["units"], key=len, reverse=True))
    return re.compile(rf"(?:{one})(?:/?(?:{one}))*")


def _fold(ch: str) -> str:
    return unicodedata.normalize("NFKC", ch.translate(LOOKALIKES))


HAN = re.compile(r"\p{Han}")
LATIN = re.compile(r"[A-Za-z]")


@lru_cache(maxsize=1)
def _ocr_tables() -> tuple[dict, list[tuple[str, str]], re.Pattern]:
    """vocabulary [ocr]: the Han look-alikes, the Latin ones longest first, and a pattern
    finding any character either may start with."""
    ocr = vocabulary().get("ocr", {})
    han, latin = ocr.get("han", {}), sorted(ocr.get("latin", {}).items(), key=lambda kv: -len(kv[0]))
    return han, latin, re.compile("[A-Za-z" + "".join(re.escape(c) for c in han) + "]")


def _ocr_folded(chars: list[str], idx: list[int]) -> tuple[list[str], list[int]]:
    """OCR's look-alikes of a label's characters folded back (vocabulary [ocr]): a Han
    character read as another; Latin letters read for one Han character, beside a Han
    character and with no other Latin letter around them."""
    han, latin, suspects = _ocr_tables()
    if not suspects.search("".join(chars)):
        return chars, idx
    out_c, out_i, i = [], [], 0
    while i < len(chars):
        for word, h in latin:
            n = len(word)
            before, after = (chars[i - 1] if i else ""), (chars[i + n] if i + n < len(chars) else "")
            if "".join(chars[i:i + n]) == word and not LATIN.match(before or " ") and not LATIN.match(after or " ") \
                    and (HAN.match(before or " ") or HAN.match(after or " ")):
                out_c.append(h)
                out_i.append(idx[i])
                i += n
                break
        else:
            out_c.append(han.get(chars[i], chars[i]))
            out_i.append(idx[i])
            i += 1
    return out_c, out_i


def ocr_folded(text: str) -> str:
    """The text with OCR's look-alikes of label characters folded back, nothing else changed
    (Traditional characters, spaces and the rest kept as printed): a vocabulary label as the
    form printed it ('投入Fl标' read by OCR: '投入目标')."""
    return "".join(_ocr_folded(list(text), list(range(len(text))))[0])


@lru_cache(maxsize=4096)
def key_map(text: str) -> tuple[str, tuple[int, ...]]:
    """The key of ``text`` and, for each key character, its index in ``text``."""
    text = text or ""
    drop = set()
    for m in PINYIN.finditer(text):
        drop.update(range(m.start(), m.end()))
    chars, idx = [], []
    for i, ch in enumerate(text):
        if i in drop or ch.isspace() or ch == "\u3000":
            continue
        for c in _fold(ch):
            if not c.isspace():
                chars.append(c)
                idx.append(i)
    chars, idx = _ocr_folded(chars, idx)
    folded = "".join(chars)
    simple = _t2s()(folded) if any(ord(c) > 0x2E80 for c in folded) else folded
    if len(simple) != len(folded):      # a phrase conversion changed the length: no character map
        return simple, tuple(idx[min(i, len(idx) - 1)] for i in range(len(simple))) if idx else ()
    return simple, tuple(idx)


@lru_cache(maxsize=65536)
def key(text: str) -> str:
    return key_map(text)[0]


@lru_cache(maxsize=None)
def pattern(p: str):
    return re.compile(p)


def matches(patterns, k: str) -> bool:
    if isinstance(patterns, str):
        patterns = [patterns]
    return any(pattern(p).search(k) for p in patterns)


def first_match(table: dict, k: str, skip=()) -> str | None:
    """The first field of ``table`` (field -> pattern or list of patterns) whose pattern matches."""
    for field, pats in table.items():
        if field in skip or not isinstance(pats, (str, list)):
            continue
        if matches(pats, k):
            return field
    return None


def display_width(text: str) -> int:
    """Columns a line of text takes: a full-width character two, any other one."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
