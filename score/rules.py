"""Rule sets as data, and choosing the one that applies to a form.

A rule set is a TOML file (``score/rulesets/*.toml``, or any folder given with
``--rules``).  The notes printed on a form are the first witness of its rules: they are
parsed for the qualitative tiers and their bands, the over-target deductions, the score
cap and whether satisfaction may go unscored.  When the printed rules equal a shipped
rule set, that one is used; when they differ, the printed rules themselves are the rule
set (``printed:…``); when a form prints no rules, the rule set is chosen by year.
"""
from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import regex as re

RULESET_DIR = Path(__file__).parent / "rulesets"


@dataclass
class Tier:
    name: str
    low: float
    high: float
    low_inclusive: bool = True
    high_inclusive: bool = False

    @property
    def key(self) -> str:
        return tier_key(self.name)


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
    source: str = "shipped"     # shipped | printed | fallback

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

    def to_dict(self) -> dict:
        return {"id": self.id, "title": self.title, "source": self.source}


def tier_key(text: str) -> str | None:
    """The completion tier a phrase claims: 达成 / 基本达成 / 部分达成 / 未达成."""
    t = "".join(text.split()).replace("达到", "达成").replace("完成预期", "达成预期")
    for key in ("未达成", "基本达成", "部分达成"):
        if t.startswith(key) or (key + "预期") in t:
            return key
    if t.startswith("达成预期") or t.startswith("达成"):
        return "达成"
    return None


def from_dict(d: dict, source: str = "shipped") -> RuleSet:
    return RuleSet(
        id=d["id"], title=d.get("title", d["id"]),
        tiers=[Tier(**t) for t in d.get("tiers", [])],
        full_marks=d.get("full_marks", 100), budget_weight=d.get("budget_weight"),
        score_cap=d.get("score_cap", True), satisfaction_optional=d.get("satisfaction_optional", False),
        prorate_inapplicable=d.get("prorate_inapplicable", False),
        over_target=d.get("over_target", []), fallback_years=d.get("fallback_years", []),
        group_weights=d.get("group_weights", {}), source=source)


def load_rulesets(extra_dirs: list[str | Path] = ()) -> list[RuleSet]:
    out = []
    for folder in [RULESET_DIR, *map(Path, extra_dirs)]:
        for p in sorted(Path(folder).glob("*.toml")):
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
        base = next((r for r in rulesets if r.fallback_years and form.year in r.fallback_years), None) \
            or rulesets[0]
        candidate = from_dict({**_as_dict(base), **printed, "id": "printed", "title": "rules printed on the form",
                               "fallback_years": []}, source="printed")
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
    d["tiers"] = [dict(t.__dict__) for t in r.tiers]
    d.pop("source", None)
    return d
