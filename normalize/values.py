"""Values as they are written: numbers, money, ratios, targets with comparators, ranges.

Everything here turns cell text into numbers or says it cannot (``None``), never 0.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import regex as re

FULLWIDTH = str.maketrans("０１２３４５６７８９．，％－～：＞＜＝", "0123456789.,%-~:><=")
BLANKS = {"", "—", "-", "--", "/", "／", "无", "——", "－", "…", "\\", "空", "一", "_", "~"}   # OCR reads — as 一

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
             "六": 6, "七": 7, "八": 8, "九": 9}
CN_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_BIG = {"万": 10_000, "亿": 100_000_000}
MULTIPLIERS = {"千": 1_000, "万": 10_000, "亿": 100_000_000, "百万": 1_000_000, "千万": 10_000_000}
MEASURE = "个项次件人名家所部条台套场期批户篇份本天日月年处座辆只张册期类种座栋间亩公里米吨"

NUM_RE = re.compile(r"(?<![\d.])(\d+(?:,\d{3})*(?:\.\d+)?)\s*(百万|千万|万|亿|千)?\s*(%|百分比|百分点)?")
CN_NUM_RE = re.compile(r"([零〇一二两三四五六七八九十百千万亿]+)(?=[" + MEASURE + r"%])")
RANGE_RE = re.compile(r"(\d+(?:\.\d+)?)\s*(万|亿|千)?\s*(%)?\s*[-~至到]\s*(\d+(?:\.\d+)?)\s*(万|亿|千)?\s*(%)?")
GE_WORDS = re.compile(r"≥|>=|＞=|不低于|不少于|不小于|以上|至少|大于等于|余|超过|多于|>|＞|达到")
LE_WORDS = re.compile(r"≤|<=|不高于|不超过|不大于|以下|以内|之内|控制在|小于等于|低于|<|＜|控制")
APPROX_WORDS = re.compile(r"约|左右|大约|近")
MONEY_RE = re.compile(r"(\d+(?:,\d{3})*(?:\.\d+)?)\s*(亿元|万元|千元|元)")
# A point in time is not a quantity: '2019年', '2021年11月30日前', '2020-06', '11月底', '12月31日', '第4季度'
# (a duration keeps its figure: '3年', '12个月', '30日内').
DATE_RE = re.compile(r"(?<!\d)(?:19|20)\d{2}\s*(?:年(?:\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号])?)?|[-./]\d{1,2}(?:[-./]\d{1,2})?(?!\d))"
                     r"|(?<![\d.])\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号]|[底末份初中]|[上中下]旬)?"
                     r"|第?\s*[1-4一二三四]\s*季度")


def clean(text: str | None) -> str:
    if text is None:
        return ""
    return "".join(str(text).translate(FULLWIDTH).split()).replace("\u3000", "")


def is_blank(text: str | None) -> bool:
    return clean(text) in BLANKS


def cn_to_int(s: str) -> int | None:
    """Chinese numerals to an integer: 三 → 3, 十二 → 12, 一百零五 → 105, 两万 → 20000."""
    total, section, digit = 0, 0, None
    for ch in s:
        if ch in CN_DIGITS:
            digit = CN_DIGITS[ch]
        elif ch in CN_UNITS:
            section += (1 if digit is None else digit) * CN_UNITS[ch]
            digit = None
        elif ch in CN_BIG:
            section += digit or 0
            total += (section or 1) * CN_BIG[ch]
            section, digit = 0, None
        else:
            return None
    return total + section + (digit or 0)


def parse_number(text: str | None) -> float | None:
    """A cell that should hold one number: '9122160', '35.47', '99.66%' (→ 0.9966), '2万'."""
    s = clean(text)
    if s in BLANKS:
        return None
    m = re.fullmatch(r"[+]?(\d+(?:,\d{3})*(?:\.\d+)?)(百万|千万|万|亿|千)?(%|分)?", s)
    if not m:
        return None
    v = float(m.group(1).replace(",", ""))
    if not math.isfinite(v):
        return None             # 400 digits in a cell: not a figure anyone printed
    if m.group(2):
        v *= MULTIPLIERS[m.group(2)]
    if m.group(3) == "%":
        v = round(v / 100, 10)
    return v


def is_figure(text: str | None) -> bool:
    """A cell that holds a figure, or the blank ('—', '/') standing for one."""
    return parse_number(text) is not None or is_blank(text)


def decimals(text: str | None) -> int | None:
    """Digits after the decimal point as written ('9.97' → 2, '20' → 0)."""
    s = clean(text).rstrip("%分")
    m = re.fullmatch(r"\d+(?:\.(\d+))?", s)
    if not m:
        return None
    return len(m.group(1) or "")


@dataclass
class Quantity:
    """A target or actual read from free text."""
    value: float | None          # the point value (lower end of a range)
    high: float | None = None    # upper end of a range
    comparator: str | None = None  # '>=', '<=', or None
    percent: bool = False
    unit: str | None = None      # measure word or money unit as written
    approx: bool = False


def _unit_after(s: str, end: int) -> str | None:
    m = re.match(r"[余多]?(亿元|万元|千元|元|[" + MEASURE + r"])", s[end:])
    return m.group(1) if m else None


def parse_quantity(text: str | None) -> Quantity | None:
    """Numbers inside free text: '≥50个', '≤90万元', '10-15件/人/日', '2万件以上',
    '约50万条', '1100余名', '100%', '已开通6738部…', '三个'.  None when no number."""
    s = clean(text)
    if s in BLANKS:
        return None
    s = DATE_RE.sub(" ", s)
    comparator = None
    if GE_WORDS.search(s):
        comparator = ">="
    if LE_WORDS.search(s) and not re.search(r"≥|>=|以上|不低于|不少于", s):
        comparator = "<="
    approx = bool(APPROX_WORDS.search(s))
    m = RANGE_RE.search(s)
    if m:
        lo = float(m.group(1)) * MULTIPLIERS.get(m.group(2) or "", 1)
        hi = float(m.group(4)) * MULTIPLIERS.get(m.group(5) or m.group(2) or "", 1)
        pct = bool(m.group(3) or m.group(6))
        if pct:
            lo, hi = lo / 100, hi / 100
        if hi > lo and math.isfinite(hi) and math.isfinite(lo):
            return Quantity(lo, hi, None, pct, _unit_after(s, m.end()), approx)
    m = NUM_RE.search(s)
    if m:
        v = float(m.group(1).replace(",", ""))
        if not math.isfinite(v):
            return None
        mult = m.group(2)
        unit = None
        if mult:
            rest = s[m.end(2):]
            if rest.startswith("元"):
                unit = mult + "元"
            v *= MULTIPLIERS[mult]
        pct = m.group(3) in ("%", "百分比")
        if pct:
            v = round(v / 100, 10)
        if unit is None:
            unit = _unit_after(s, m.end())
        return Quantity(v, None, comparator, pct, unit, approx)
    m = CN_NUM_RE.search(s)
    if m:
        v = cn_to_int(m.group(1))
        if v is not None:
            return Quantity(float(v), None, comparator, False, _unit_after(s, m.end()), approx)
    return None


def money_amounts(text: str | None) -> list[float]:
    """Every money amount written with its unit in a text, in yuan ('912.216万元' → 9122160)."""
    out = []
    for m in MONEY_RE.finditer(clean(text)):
        v = float(m.group(1).replace(",", ""))
        out.append(v * {"亿元": 1e8, "万元": 1e4, "千元": 1e3, "元": 1.0}[m.group(2)])
    return out


def parse_weight(text: str | None) -> float | None:
    """A weight written inside a label: '产出指标(50分)', '（20分）', '分值（10分）'."""
    m = re.search(r"(\d+(?:\.\d+)?)\s*分", clean(text))
    return float(m.group(1)) if m else None


OPERATORS = {"正向": "≥", "反向": "≤", "大于等于": "≥", "小于等于": "≤", "等于": "=", "≥": "≥", "≤": "≤",
             ">=": "≥", "<=": "≤", "=": "", "＝": ""}


def with_operator(target: str | None, op: str | None, unit: str | None) -> str | None:
    """A target printed in split columns (指标性质 | 指标值 | 度量单位: '正向' '95' '%') as one
    target ('≥95%'), the sign before a figure that has its unit already; a target that is
    no figure is kept as written."""
    if target is None or not (op or unit):
        return target
    sym = OPERATORS.get(op or "", "")
    unit = "" if unit in (None, "/", "—", "无") else unit
    if parse_number(target) is not None or re.fullmatch(r"[\d.]+", target):
        return f"{sym}{target}{'' if target.endswith(unit) else unit}"
    if sym and re.match(r"\d[\d,.]*(?:%|\p{Han}{1,3})$", target):
        return f"{sym}{target}"     # the figure with its unit already beside it ('842.37万元')
    return target
