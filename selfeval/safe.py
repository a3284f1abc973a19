"""Everything the tool writes passes here first, once: text with control characters or
undecodable file-name bytes made visible and harmless (``\\x02``), numbers that are not
finite made null, and text a spreadsheet would evaluate (``=HYPERLINK(…)``, ``+``, ``-``,
``@``, tab, CR) marked as text.  No writer has to know about hostile input."""
from __future__ import annotations

import math

import re

# C0/C1 controls other than tab, newline and carriage return; lone surrogates (the bytes of a
# file name that is not valid UTF-8, kept by Python as U+DC80..U+DCFF); U+FFFE and U+FFFF,
# the noncharacters XML 1.0 refuses (lxml will not write them into report.xlsx or .html)
_BAD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]|[\ud800-\udfff]|[\ufffe\uffff]")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _visible(m) -> str:
    c = ord(m.group())
    if 0xDC80 <= c <= 0xDCFF:
        return f"\\x{c - 0xDC00:02x}"       # a file-name byte that is not UTF-8
    return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"


def text(s: str) -> str:
    return _BAD.sub(_visible, s)


def number(x: float) -> float | None:
    return x if math.isfinite(x) else None


def clean(obj):
    """A result (dicts, lists, strings, numbers) with every string and number made safe."""
    if isinstance(obj, str):
        return text(obj)
    if isinstance(obj, bool) or obj is None or isinstance(obj, int):
        return obj
    if isinstance(obj, float):
        return number(obj)
    if isinstance(obj, dict):
        return {text(k) if isinstance(k, str) else k: clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [clean(v) for v in obj]
    return obj


def as_text_cell(v):
    """For CSV: a string a spreadsheet would read as a formula gets a leading apostrophe;
    numbers stay numbers."""
    if isinstance(v, str) and v.startswith(FORMULA_START):
        return "'" + v
    return v
