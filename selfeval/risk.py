"""The risk ranking: which forms of a stack to read first, and why.

Per form, signals reviewers name as reasons to look (``shared/docs/review-practice.md``):
points declared above the total by the rules, error findings, every indicator at full
marks, every actual copied from its target (or a bare tier word), execution under 80% with
a total of 90 or more, qualitative indicators holding most of the weight.  Across the
stack: the same indicator set in another project of the same unit (Jaccard ≥ 0.8 over the
indicators' names as printed, spaces and numbering dropped), and the same project of the
unit in consecutive years with identical targets and actuals.

Each signal has a strength from 0 to 1; the score is the sum of strength × the signal's
weight, the weights being the national review pack's ``[risk]`` table (data, with its
source).  Every form is ranked, highest first, ties by file and form; the ranking depends
on nothing but the forms and findings (the same stack ranks the same way every run).
``sample`` draws a reproducible risk-weighted sample with a random share, so that no unit
can count on its score keeping it out."""
from __future__ import annotations

import random
from collections import defaultdict
from pathlib import Path

import regex as re

from extract.messages import Msg, N_

NUMBERING = re.compile(r"^(\d+[、.．:：]|[（(]\d+[)）]|指标\d+[:：]?)")


def _weights() -> dict:
    from score.review import shipped
    return next(p.risk for p in shipped() if p.id == "national")


def _norm(name: str | None) -> str:
    return NUMBERING.sub("", "".join((name or "").split()))


def _key(f: dict) -> tuple:
    return f["source"]["sha256"], f["source"]["form_index"]


def _unit(f: dict) -> str:
    return f.get("implementing_unit") or f.get("department") or ""


def _signals(f: dict, errors: int, w: dict) -> list[tuple[str, float, Msg]]:
    out = []
    rec = f.get("recomputed") or {}
    d, b = f.get("declared_total"), rec.get("total_by_rules")
    if d is not None and b is not None and d - b > 0.005:
        out.append(("over_claimed", min(1.0, (d - b) / 10),
                    N_("declares {points:.2f} points above its total by the rules", points=d - b)))
    if errors:
        out.append(("errors", min(1.0, errors / 5), N_("{n} error finding(s)", n=errors)))
    inds = [i for i in f.get("indicators") or () if i.get("weight") is not None]
    if len(inds) >= 3 and all(i.get("score_declared") is not None and abs(i["score_declared"] - i["weight"]) < 1e-6
                              for i in inds):
        out.append(("full_marks", 1.0, N_("every indicator at full marks ({n} indicators)", n=len(inds))))
    rows = [i for i in f.get("indicators") or () if i.get("actual")]
    tiers = ("达成预期指标", "达到预期指标", "达成预期", "达到预期", "完成", "已完成", "是")
    if len(rows) >= 3 and all(_norm(i["actual"]) == _norm(i.get("target")) or _norm(i["actual"]) in tiers for i in rows):
        out.append(("copied_through", 1.0, N_("every actual is its target or a bare tier word ({n} rows)", n=len(rows))))
    total = next((x for x in (f.get("budget") or {}).get("lines") or () if x.get("kind") == "total"), None)
    rate = None
    if total and total.get("adjusted") and total.get("executed") is not None:
        rate = total["executed"] / total["adjusted"]
    elif total:
        rate = total.get("rate_declared")
    if rate is not None and d is not None and rate < w.get("low_execution", 0.8) and d >= w.get("high_total", 90):
        out.append(("low_execution_high_total", 1.0,
                    N_("executed {rate:.1%} of its budget yet declares {total:g} points", rate=rate, total=d)))
    kinds = [(k.get("kind"), i.get("weight")) for k, i in zip(rec.get("indicators") or (), f.get("indicators") or ())
             if i.get("weight")]
    held = sum(wt for _, wt in kinds)
    if held and sum(wt for k, wt in kinds if k == "qualitative") > held / 2:
        out.append(("qualitative_heavy", 1.0, N_("qualitative indicators hold most of the weight")))
    return out


def rank(forms: list[dict], findings: list[dict]) -> list[dict]:
    """Every form ranked by its risk score, highest first: rank, score, the signals behind it
    (each with its reason), and the other forms that share its pasted indicator set."""
    w = _weights()
    errors = defaultdict(int)
    for fd in findings:
        if fd.get("severity") == "error" and not fd.get("waived") and fd.get("code") != "UNREADABLE":
            errors[(fd.get("sha256"), fd.get("form_index"))] += 1
    rows = {_key(f): {"form": f, "signals": _signals(f, errors[_key(f)], w), "shares": []} for f in forms}
    # across the stack: a unit's projects with one indicator set; one project's years copied
    by_unit = defaultdict(list)
    for f in forms:
        names = {_norm(i.get("name")) for i in f.get("indicators") or () if i.get("name")}
        if len(names) >= 3 and _unit(f):
            by_unit[_unit(f)].append((f, names))
    limit = w.get("pasted_jaccard", 0.8)
    for group in by_unit.values():
        for n, (a, na) in enumerate(group):
            for b, nb in group[n + 1:]:
                if _norm(a.get("project_name")) == _norm(b.get("project_name")):
                    continue
                if len(na & nb) / len(na | nb) >= limit:
                    rows[_key(a)]["shares"].append(b)
                    rows[_key(b)]["shares"].append(a)
    for r in rows.values():
        if r["shares"]:
            r["signals"].append(("pasted_set", 1.0, N_("the same indicator set as {n} other project(s) of the unit",
                                                         n=len(r["shares"]))))
    years = defaultdict(dict)
    for f in forms:
        if f.get("year") and f.get("project_name"):
            years[(_unit(f), _norm(f["project_name"]))][f["year"]] = f
    for runs in years.values():
        for y, f in runs.items():
            prev = runs.get(y - 1)
            same = lambda g: [(_norm(i.get("name")), _norm(i.get("target")), _norm(i.get("actual")))
                              for i in g.get("indicators") or ()]
            if prev is not None and len(same(f)) >= 3 and same(f) == same(prev):
                rows[_key(f)]["signals"].append(("repeated_year", 1.0, N_(
                    "the same targets and actuals as its {year} form", year=y - 1)))
    _round_amounts(forms, rows, w)
    out = []
    for r in rows.values():
        score = sum(float(w.get(code, 0)) * strength for code, strength, _ in r["signals"])
        out.append({**r, "score": round(score, 3)})
    out.sort(key=lambda r: (-r["score"], r["form"]["source"]["path"], r["form"]["source"]["form_index"]))
    for n, r in enumerate(out, start=1):
        r["rank"] = n
    return out


SCALE = {"元": 1.0, "千元": 1e3, "万元": 1e4, "亿元": 1e8}


def last_digit(amount: float, unit: str | None) -> str:
    """The last digit of an amount as its form prints it: in its unit, to two decimals where
    the unit is larger than 元 (705.40 万元 → '0'), whole 元 otherwise."""
    scale = SCALE.get(unit or "元", 1.0)
    return f"{amount / scale:.2f}"[-1] if scale > 1 else f"{amount:.0f}"[-1]


def chi2_uniform(digits: list[str]) -> float:
    """Pearson's χ² of the digits' counts against ten equal ones (9 degrees of freedom)."""
    e = len(digits) / 10
    return sum((digits.count(str(d)) - e) ** 2 / e for d in range(10))


def _round_amounts(forms: list[dict], rows: dict, w: dict) -> None:
    """A unit's executed amounts (every budget line that prints one) whose last printed digits
    are far from uniform: Pearson's χ² against uniform above ``round_chi2`` (27.88: p < 0.001
    at 9 degrees of freedom), tested only on units with ``round_least`` amounts or more (50):
    fewer say nothing.  Every form of such a unit carries the signal."""
    by_unit = defaultdict(list)
    for f in forms:
        unit = (f.get("budget") or {}).get("unit_used")
        for line in (f.get("budget") or {}).get("lines") or ():
            if line.get("executed"):
                by_unit[_unit(f)].append(last_digit(line["executed"], unit))
    for name, digits in by_unit.items():
        if not name or len(digits) < int(w.get("round_least", 50)):
            continue
        chi2 = chi2_uniform(digits)
        if chi2 > float(w.get("round_chi2", 27.88)):
            for f in forms:
                if _unit(f) == name:
                    rows[_key(f)]["signals"].append(("round_amounts", 1.0, N_(
                        "the unit's {n} executed amounts end in digits far from uniform (χ² {chi2:.1f} > {limit:g}, "
                        "p < 0.001)", n=len(digits), chi2=chi2, limit=float(w.get("round_chi2", 27.88)))))


def rank_results(results: list[dict]) -> list[dict]:
    """The ranking of a batch's results (every file's forms and findings)."""
    return rank([f for r in results for f in r["forms"]], [fd for r in results for fd in r["findings"]])


def rows_for(ranking: list[dict], lang: str, base: Path | None = None) -> list[dict]:
    """The ranking as table rows in ``lang``: rank, score, file, form, project, unit, year, the
    reasons, and the forms sharing a pasted set."""
    from .i18n import render
    out = []
    for r in ranking:
        f = r["form"]
        src = f["source"]
        out.append({"rank": r["rank"], "score": r["score"], "file": Path(src["path"]).name,
                    "form_index": src["form_index"] + 1, "project_name": f.get("project_name"),
                    "unit": _unit(f) or None, "year": f.get("year"),
                    "reasons": "；".join(render(m, lang) for _, _, m in r["signals"]) or None,
                    "shares_set_with": "；".join(f"{Path(g['source']['path']).name} #{g['source']['form_index'] + 1}"
                                                f" {g.get('project_name') or ''}".strip() for g in r["shares"]) or None,
                    "sha256": src["sha256"]})
    return out


COLUMNS = ("rank", "score", "file", "form_index", "project_name", "unit", "year", "reasons", "shares_set_with", "sha256")


def write_risk_csv(ranking: list[dict], target: Path, lang: str) -> None:
    import csv

    from .files import atomic
    with atomic(target) as tmp, open(tmp, "w", newline="", encoding="utf-8-sig") as fh:
        w = csv.DictWriter(fh, fieldnames=COLUMNS)
        w.writeheader()
        w.writerows(rows_for(ranking, lang))


def sample(ranking: list[dict], n: int, seed: int, random_share: float) -> list[tuple[dict, str]]:
    """``n`` forms: ``round(n × random_share)`` drawn uniformly, the rest drawn with
    probability proportional to risk score (plus one, so that a form without signals may
    still be drawn) without replacement; each with how it was drawn.  The same ranking,
    ``n``, seed and share give the same sample."""
    rng = random.Random(seed)
    n = min(n, len(ranking))
    n_random = round(n * random_share)
    pool = list(ranking)
    drawn: list[tuple[dict, str]] = []
    for _ in range(n - n_random):
        weights = [r["score"] + 1.0 for r in pool]
        pick = rng.choices(range(len(pool)), weights=weights)[0]
        drawn.append((pool.pop(pick), "risk"))
    for r in rng.sample(pool, n_random):
        drawn.append((r, "random"))
    return drawn
