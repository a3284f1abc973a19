"""The reviewer's rulebook: checks beyond a form's arithmetic, as rule packs (TOML in
``score/review_packs``).  A pack holds rules, each with its code (in the one registry,
``codes.toml``), a severity (warning or info: judgements, never errors), its parameters,
its messages in English and Chinese, and the ``source`` the finding carries.  A regional
pack names a base and changes what differs; a new pack, or a pack's rule turned on, off or
re-parameterised, touches no Python.

A pack is chosen per form: one whose documents the form's printed notes name, else one
whose places its units or title name, else the national one; each within the years it
covers.  The mapping report (``recomputed["review_pack"]``) says which and why.  Rules fire
only on what the reader reports the form prints: a deviation-reason rule needs the form's
indicator table to have that column (``Form.columns``)."""
from __future__ import annotations

import gettext
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import regex as re

from extract.messages import Msg, N_
from normalize.schema import Form, Indicator
from normalize.values import is_blank

from .indicator_checks import target_and_actual

PACKS = Path(__file__).with_name("review_packs")
SEVERITIES = ("warning", "info")
COMPARATOR = re.compile(r"[≥≤<>＞＜=≧≦]|以上|以下|不低于|不少于|不高于|不超过|不多于")
MONEY = {"元": 1.0, "千元": 1e3, "万元": 1e4, "亿元": 1e8}


@dataclass(frozen=True)
class Rule:
    code: str
    severity: str
    source: str
    en: str
    zh: str
    params: dict = field(default_factory=dict)
    enabled: bool = True

    def message(self, **args) -> Msg:
        return Msg(self.en, args)


@dataclass(frozen=True)
class Pack:
    id: str
    name: str
    zh_name: str
    places: tuple = ()
    years: tuple = (2000, 2100)
    printed: tuple = ()
    rules: tuple = ()           # Rule, in the pack's order
    risk: dict = field(default_factory=dict)    # the risk ranking's weights (selfeval.risk)

    def rule(self, code: str) -> Rule | None:
        return next((r for r in self.rules if r.code == code and r.enabled), None)


class PackError(ValueError):
    """A review pack that cannot be used as written (the message names the file and why)."""


def _rule(code: str, d: dict, where: str) -> Rule:
    from .codes import registry
    if code not in registry():
        raise PackError(f"{where}: rule {code} is not a finding code of score/codes.toml")
    sev = d.get("severity")
    if sev not in SEVERITIES:
        raise PackError(f"{where}: rule {code}: severity {sev!r} (a review rule is a warning or info, never an error)")
    for k in ("source", "en", "zh"):
        if not d.get(k):
            raise PackError(f"{where}: rule {code} has no {k}")
    params = {k: v for k, v in d.items() if k not in ("severity", "source", "en", "zh", "enabled")}
    return Rule(code, sev, d["source"], d["en"], d["zh"], params, bool(d.get("enabled", True)))


def load_packs(extra_dirs=()) -> list[Pack]:
    """The shipped packs and those of ``extra_dirs`` (a later file with a pack's id replaces
    it), each read over its base."""
    raw: dict[str, tuple[dict, str]] = {}
    for folder in (PACKS, *map(Path, extra_dirs)):
        for p in sorted(Path(folder).glob("*.toml")):
            d = tomllib.loads(p.read_text(encoding="utf-8"))
            if "id" not in d or "rules" not in d:
                raise PackError(f"{p}: a review pack has an id and [rules.CODE] tables")
            raw[d["id"]] = (d, str(p))

    def merged(pid: str, seen=()) -> dict:
        if pid in seen or pid not in raw:
            raise PackError(f"review pack {pid!r}: {'a base that leads back to itself' if pid in seen else 'not found'}")
        d, _ = raw[pid]
        if not d.get("base"):
            return d
        base = merged(d["base"], (*seen, pid))
        rules = {c: {**base.get("rules", {}).get(c, {}), **r} for c, r in d["rules"].items()}
        return {**base, **d, "rules": {**base.get("rules", {}), **rules}, "risk": {**base.get("risk", {}), **d.get("risk", {})}}

    packs = []
    for pid, (_, where) in raw.items():
        d = merged(pid)
        packs.append(Pack(pid, d.get("name", pid), d.get("zh_name", pid), tuple(d.get("places", ())),
                          tuple(d.get("years", (2000, 2100))), tuple(d.get("printed", ())),
                          tuple(_rule(c, r, where) for c, r in d["rules"].items()), dict(d.get("risk", {}))))
    return packs


@lru_cache(maxsize=1)
def shipped() -> tuple[Pack, ...]:
    return tuple(load_packs())


class PackCatalog(gettext.NullTranslations):
    """The packs' own Chinese messages, as a gettext fallback catalog (``selfeval.i18n``
    adds it behind the compiled one): a pack brings its messages with it."""

    def __init__(self, packs=None):
        super().__init__()
        self.zh = {r.en: r.zh for p in (packs or shipped()) for r in p.rules}

    def gettext(self, message: str) -> str:
        return self.zh.get(message, message)


def pack_for_region(region: str, packs) -> Pack | None:
    """The pack a region names: its id, or one of its places."""
    return next((p for p in packs if p.id == region), None) or next((p for p in packs if region in p.places), None)


def choose(form: Form, packs, region: str | None = None) -> tuple[Pack, Msg]:
    """The pack for a form, and why: the region given (``--region``) where one is, else the
    pack whose documents its printed notes name, else one whose places its units or title
    name, else the national pack."""
    if region:
        given = pack_for_region(region, packs)
        if given is not None:
            return given, N_("given with --region {region}", region=region)
    year = form.year
    fits = [p for p in packs if year is None or p.years[0] <= year <= p.years[1]]
    notes = form.notes or ""
    for p in fits:
        hit = next((w for w in p.printed if w in notes), None)
        if hit:
            return p, N_("the form's notes name {word}", word=hit)
    where = " ".join(x for x in (form.department, form.implementing_unit, form.title, form.project_name) if x)
    for p in fits:
        hit = next((w for w in p.places if w in where), None)
        if hit:
            return p, N_("the form's units or title name {place}", place=hit)
    national = next((p for p in packs if p.id == "national"), packs[0])
    return national, N_("no region named: the national rules")


def review(checker, packs=None, region: str | None = None) -> dict:
    """The review findings of one checked form, added through its checker (their evidence is
    the cells the rule read, with their context); the pack applied, and why, for the mapping
    report."""
    form, recs = checker.f, checker.recomputed.get("indicators") or []
    pack, why = choose(form, packs or shipped(), region)
    for code, fn in RULES.items():
        rule = pack.rule(code)
        if rule is None:
            continue
        for message, ind, cells in fn(form, recs, rule, checker.rules.id):
            checker.add(code, rule.severity, message, ind.name if ind else None, cells=cells, source=rule.source)
    return {"id": pack.id, "name": pack.zh_name, "why": why.render(), "why_id": why.to_dict()}


# ---------------------------------------------------------------- the rules, by what they read

def _cells(ind: Indicator, *roles) -> list:
    return [ind.cells[r] for r in roles if ind.cells.get(r) is not None]


def _no_reason(ind: Indicator, rule: Rule) -> bool:
    return is_blank(ind.note) or "".join((ind.note or "").split()) in rule.params.get("blank", ())


def _missed(ind: Indicator, rec: dict, tier_top: bool) -> bool:
    """The row's target was missed: a quantitative actual short of its target in the row's
    direction, or a tier claimed below the top one."""
    if rec.get("kind") == "quantitative":
        t, a = target_and_actual(ind)
        if t is None or a is None or t.value is None or a.value is None:
            return False
        return a.value < t.value if rec.get("direction") != "reverse" else a.value > t.value
    return rec.get("kind") == "qualitative" and not tier_top


def deviation_reason_missing(form, recs, rule, _):
    if "note" not in form.columns:
        return
    from .rules import tier_key
    for ind, rec in zip(form.indicators, recs):
        tier = tier_key(ind.actual or "")
        if _no_reason(ind, rule) and _missed(ind, rec, tier in (None, "达成")):
            yield rule.message(name=ind.name, target=ind.target, actual=ind.actual), ind, \
                _cells(ind, "note", "actual", "target")


def over_target_unexplained(form, recs, rule, _):
    if "note" not in form.columns:
        return
    limit = float(rule.params.get("ratio", 1.3))
    for ind, rec in zip(form.indicators, recs):
        if rec.get("kind") != "quantitative" or rec.get("direction") == "reverse" or not _no_reason(ind, rule):
            continue
        t, a = target_and_actual(ind)
        if t is None or a is None or not t.value or a.value is None or t.percent != a.percent:
            continue
        if a.value / t.value >= limit:
            yield rule.message(name=ind.name, target=ind.target, actual=ind.actual, ratio=a.value / t.value,
                               limit=limit), ind, _cells(ind, "actual", "target")


def target_not_measurable(form, recs, rule, _):
    vague = rule.params.get("vague", ())
    for ind in form.indicators:
        t = "".join((ind.target or "").split())
        if not t or re.search(r"\d", t) or COMPARATOR.search(t):
            continue
        if any(w in t for w in vague):
            yield rule.message(name=ind.name, target=ind.target), ind, _cells(ind, "target")


def target_actual_units_differ(form, recs, rule, _):
    for ind, rec in zip(form.indicators, recs):
        if rec.get("kind") != "quantitative":
            continue
        t, a = target_and_actual(ind)        # an actual printed without a unit is in its target's
        if t is None or a is None or not t.value or not a.value:
            continue
        ut, ua = t.unit or "", a.unit or ""
        money = ut in MONEY and ua in MONEY and ut != ua
        times = max(t.value, a.value) / min(t.value, a.value)
        if money or times >= 5000:
            yield rule.message(name=ind.name, target=ind.target, actual=ind.actual, unit_t=ut or "—",
                               unit_a=ua or "—", times=round(times)), ind, _cells(ind, "target", "actual")


def template_weights_changed(form, recs, rule, rule_set_id):
    if rule_set_id not in rule.params.get("rule_sets", ()) or any(i.weight_inferred for i in form.indicators):
        return
    template = rule.params.get("weights", {})
    printed = {}
    budget = next((b.weight for b in form.budget_lines if b.kind == "total"), None)
    if "预算执行" in template and budget is not None:
        printed["预算执行"] = budget
    for ind in form.indicators:
        if ind.level1 in template and ind.weight is not None:
            printed[ind.level1] = printed.get(ind.level1, 0) + ind.weight
    if len(printed) < 2 or any(i.weight is None or i.level1 is None for i in form.indicators):
        return          # weights or 一级 labels not read whole: nothing to compare
    differ = {k: v for k, v in printed.items() if abs(v - template[k]) > 1e-6}
    if differ:
        fmt = lambda d: "、".join(f"{k} {v:g}" for k, v in d.items())
        yield rule.message(printed=fmt(printed), template=fmt({k: template[k] for k in printed})), None, []


def category_missing(form, recs, rule, _):
    if form.year is not None and form.year < int(rule.params.get("from_year", 0)):
        return
    seen = {i.level2 for i in form.indicators if i.level2}
    if len(form.indicators) < 3 or not seen or "target" not in form.columns:
        return          # no 二级 column read, or a rubric (no targets): not a table of performance goals
    for category in rule.params.get("required", ()):
        if not any(category in s for s in seen):
            yield rule.message(category=category), None, []


RULES = {"DEVIATION_REASON_MISSING": deviation_reason_missing, "OVER_TARGET_UNEXPLAINED": over_target_unexplained,
         "TARGET_NOT_MEASURABLE": target_not_measurable, "TARGET_ACTUAL_UNITS_DIFFER": target_actual_units_differ,
         "TEMPLATE_WEIGHTS_CHANGED": template_weights_changed, "CATEGORY_MISSING": category_missing}
# the codes the rulebook gives: judgements measured by their own tests (tests/test_review_rules.py),
# not by the fixtures' truth of a form's arithmetic
CODES = frozenset(RULES)
