"""Rule sets as data, and choosing the one that applies to a form.

A rule set is a TOML file (``score/rulesets/*.toml``, or any folder given with
``--rules``).  The notes printed on a form are the first witness of its rules: they are
parsed for the qualitative tiers and their bands, the over-target deductions, the score
cap and whether satisfaction may go unscored.  When the printed rules equal a shipped
rule set, that one is used; when they differ, the printed rules themselves are the rule
set (``printed:…``); when a form prints no rules, the rule set is chosen by year.
"""
from __future__ import annotations

import ast
import hashlib
import json
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import regex as re

from normalize.text import key

RULESET_DIR = Path(__file__).parent / "rulesets"


POLICY_TABLES = ("quantitative", "direction", "tier_words", "qualitative", "severity", "rounding", "confidence")


@lru_cache(maxsize=1)
def defaults() -> dict:
    """``rulesets/defaults.toml``: the policy every rule set is read over."""
    with open(RULESET_DIR / "defaults.toml", "rb") as f:
        return tomllib.load(f)


def _over(base: dict, top: dict) -> dict:
    """``top`` read over ``base``: tables merge key by key, anything else is replaced."""
    out = dict(base)
    for k, v in top.items():
        out[k] = _over(base[k], v) if isinstance(v, dict) and isinstance(base.get(k), dict) else v
    return out


@dataclass
class Tier:
    name: str
    low: float
    high: float
    low_inclusive: bool = True
    high_inclusive: bool = False
    words: dict | None = None       # the rule set's tier_words

    @property
    def key(self) -> str:
        return tier_key(self.name, self.words)


@dataclass
class RuleSet:
    id: str
    title: str
    tiers: list[Tier]
    full_marks: float = 100
    budget_weight: float | None = None
    score_cap: bool = True
    satisfaction_optional: bool = False
    prorate_inapplicable: bool = False
    over_target: list[dict] = field(default_factory=list)
    fallback_years: list[int] = field(default_factory=list)
    group_weights: dict = field(default_factory=dict)
    quantitative: dict = field(default_factory=dict)
    direction: dict = field(default_factory=dict)
    tier_words: dict = field(default_factory=dict)
    qualitative: dict = field(default_factory=dict)
    severity: dict = field(default_factory=dict)
    rounding: dict = field(default_factory=dict)
    confidence: dict = field(default_factory=dict)
    source: str = "shipped"     # shipped | printed | fallback
    base: str | None = None     # for printed rules: the shipped set they were read over

    def signature(self) -> tuple:
        return (tuple((t.key, round(t.low, 4), round(t.high, 4)) for t in self.tiers),
                tuple((round(o["low"], 4), round(o.get("high") or 0, 4), round(o["deduct"], 4))
                      for o in self.over_target))

    def tier_for(self, key: str) -> Tier | None:
        for t in self.tiers:
            if t.key == key:
                return t
        # a three-tier rule set has no 基本达成: it falls between 达成 and 部分达成
        return None

    def tier_key(self, text: str) -> str | None:
        return tier_key(text, self.tier_words)

    def ratio(self, direction: str, A: float, B: float, weight: float) -> float:
        """The share of the weight an indicator earns before the cap: the rule set's formula
        for the direction, evaluated over A (target), B (actual) and the weight."""
        try:
            return _evaluate(self.quantitative[direction], {"A": A, "B": B, "weight": weight})
        except ZeroDivisionError:
            return float(self.quantitative.get("zero_denominator", 1.0))

    def to_dict(self) -> dict:
        d = {"id": self.id, "title": self.title, "source": self.source}
        if self.base:
            d["base"] = self.base
        return d


def _evaluate(expr: str, names: dict) -> float:
    """A formula of a rule file: + - * / over numbers, A, B and weight, with min and max."""
    def ev(n):
        if isinstance(n, ast.Expression):
            return ev(n.body)
        if isinstance(n, ast.Constant) and isinstance(n.value, (int, float)):
            return float(n.value)
        if isinstance(n, ast.Name) and n.id in names:
            return float(names[n.id])
        if isinstance(n, ast.BinOp) and type(n.op) in OPS:
            return OPS[type(n.op)](ev(n.left), ev(n.right))
        if isinstance(n, ast.UnaryOp) and isinstance(n.op, ast.USub):
            return -ev(n.operand)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in ("min", "max") and n.args:
            return (min if n.func.id == "min" else max)(ev(a) for a in n.args)
        raise ValueError(f"rule formula {expr!r}: {ast.dump(n)[:60]} is not allowed "
                         f"(numbers, A, B, weight, + - * /, min, max)")
    return ev(ast.parse(expr, mode="eval"))


OPS = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b,
       ast.Div: lambda a, b: a / b}


def tier_key(text: str, words: dict | None = None) -> str | None:
    """The completion tier a phrase claims (达成 / 基本达成 / 部分达成 / 未达成), under a rule
    set's tier words (the defaults when none are given)."""
    words = words or defaults()["tier_words"]
    t = key(text)           # as labels are matched: Traditional folded to Simplified, full-width forms too
    for a, b in words["synonyms"].items():
        t = t.replace(a, b)
    for k in words["order"]:
        if t.startswith(k) or (k + "预期") in t:
            return k
    return None


def from_dict(d: dict, source: str = "shipped") -> RuleSet:
    """A rule set from its file's table, read over the defaults."""
    d = _over(defaults(), d)
    tw = d["tier_words"]
    return RuleSet(
        id=d["id"], title=d.get("title", d["id"]),
        tiers=[Tier(**{**t, "words": tw}) for t in d.get("tiers", [])],
        full_marks=d.get("full_marks", 100), budget_weight=d.get("budget_weight"),
        score_cap=d.get("score_cap", True), satisfaction_optional=d.get("satisfaction_optional", False),
        prorate_inapplicable=d.get("prorate_inapplicable", False),
        over_target=d.get("over_target", []), fallback_years=d.get("fallback_years", []),
        group_weights=d.get("group_weights", {}), source=source, base=d.get("base"),
        **{k: d[k] for k in POLICY_TABLES})


def load_rulesets(extra_dirs: list[str | Path] = ()) -> list[RuleSet]:
    out = []
    for folder in [RULESET_DIR, *map(Path, extra_dirs)]:
        for p in sorted(Path(folder).glob("*.toml")):
            if p.name == "defaults.toml":
                continue
            with open(p, "rb") as f:
                out.append(from_dict(tomllib.load(f)))
    return out


# ---------------------------------------------------------------- printed notes
PCT = r"(\d+(?:\.\d+)?)\s*%?"
BAND_RE = re.compile(PCT + r"\s*[-—－~～至]\s*" + PCT + r"\s*(?:[（(]\s*含\s*(\d+(?:\.\d+)?)?\s*%?\s*[)）])?")
TIER_NAME_RE = re.compile(r"((?:基本|部分|未)?(?:达成|达到|完成)预期(?:指标|目标)[^、，,；;。]{0,16})")


def parse_printed(notes: str) -> dict | None:
    """The scoring rules a form prints in its notes, or None when it prints none."""
    text = "".join(notes.split())
    if not text:
        return None
    out: dict = {}
    m = re.search(r"(?:分为|分为：|:|：)?((?:(?:基本|部分|未)?(?:达成|达到)预期(?:指标|目标)[^、，,]{0,16}[、，,]?){2,})"
                  r"[^。]*?区间(.*?)(?:合理|确定|。|$)", text)
    if m:
        names = [n.rstrip("、，,") for n in TIER_NAME_RE.findall(m.group(1))]
        names = [re.sub(r"[四三五]档.*$", "", n) for n in names]
        bands = []
        for b in BAND_RE.finditer(m.group(2)):
            a, c = float(b.group(1)), float(b.group(2))
            hi, lo = max(a, c) / 100, min(a, c) / 100
            inc = b.group(3)
            bands.append((lo, hi, inc))
        if names and len(names) == len(bands):
            tiers = []
            for i, (name, (lo, hi, inc)) in enumerate(zip(names, bands)):
                tiers.append({"name": name, "low": lo, "high": hi, "low_inclusive": True,
                              "high_inclusive": i == 0})
            out["tiers"] = tiers
    deductions = []
    for d in re.finditer(r"(\d+(?:\.\d+)?)%\s*[-—－~～至]\s*(\d+(?:\.\d+)?)%[（(]含\d+(?:\.\d+)?%[)）]区间[，,]?"
                         r"(?:则)?按照?该指标分值的(\d+(?:\.\d+)?)%扣分", text):
        deductions.append({"low": float(d.group(1)) / 100, "high": float(d.group(2)) / 100,
                           "deduct": float(d.group(3)) / 100})
    for d in re.finditer(r"(?:高于|超过|大于)(\d+(?:\.\d+)?)%(?:[（(]含\d+(?:\.\d+)?%[)）])?[，,]?"
                         r"(?:则)?按照?该指标分值的(\d+(?:\.\d+)?)%扣分", text):
        deductions.append({"low": float(d.group(1)) / 100, "deduct": float(d.group(2)) / 100})
    if deductions:
        out["over_target"] = sorted(deductions, key=lambda o: o["low"])
    if re.search(r"不能超过|不得突破|不得超过|不超过该指标|最高不", text):
        out["score_cap"] = True
    if re.search(r"满意度指标[^。]{0,12}(可不|不作为必评|可以不)", text):
        out["satisfaction_optional"] = True
    m = re.search(r"(\d+)分?\s*[*×xX]\s*执行率|执行率\s*[*×xX]\s*(\d+)", text)
    if m:
        out["budget_weight"] = float(m.group(1) or m.group(2))
    if re.search(r"不适用[^。]{0,20}(折算|换算|按比例)", text):
        out["prorate_inapplicable"] = True
    return out if ("tiers" in out or "over_target" in out) else None


def select(form, rulesets: list[RuleSet]) -> RuleSet:
    """The rule set that applies to this form: printed notes first, then the year."""
    printed = parse_printed(form.notes or "")
    if printed:
        # read over the set that covers the form's year, or over the defaults alone: never
        # over whichever set happens to come first
        base = next((r for r in rulesets if r.fallback_years and form.year in r.fallback_years), None)
        under = _as_dict(base) if base else {"budget_weight": None, "group_weights": {}}
        candidate = from_dict({**under, **printed, "id": "printed", "title": "rules printed on the form",
                               "fallback_years": [], "base": base.id if base else "defaults"}, source="printed")
        if "over_target" not in printed:
            candidate.over_target = []
        for r in rulesets:
            if r.signature() == candidate.signature():
                return r
        digest = hashlib.sha1(json.dumps(printed, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:8]
        candidate.id = f"printed:{digest}"
        return candidate
    for r in rulesets:
        if form.year in r.fallback_years:
            return RuleSet(**{**r.__dict__, "source": "fallback"})
    widest = max(rulesets, key=lambda r: len(r.fallback_years))
    return RuleSet(**{**widest.__dict__, "source": "fallback"})


def _as_dict(r: RuleSet) -> dict:
    d = dict(r.__dict__)
    d["tiers"] = [{k: v for k, v in t.__dict__.items() if k != "words"} for t in r.tiers]
    d.pop("source", None)
    d.pop("base", None)
    return d
