"""Field-by-field comparison of extracted forms against committed truth (tests, `make eval`).

Truth per form: header fields, budget lines (by kind), goal, and indicators as rows
[level1, level2, name, target, actual, weight, score].  Numbers match to 1e-6 relative.
"""
from __future__ import annotations

HEADER = ("year", "project_name", "department", "implementing_unit", "declared_total")
LINE = ("initial", "adjusted", "executed", "rate_declared", "weight", "score_declared")
GOAL = ("target", "actual", "weight", "score_declared")
IND = ("level1", "level2", "name", "target", "actual", "weight", "score_declared")


def same(a, b) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b))
    return a == b


def field_pairs(got: dict | None, truth: dict) -> list[tuple[str, object, object]]:
    """(field path, expected, got) for every field of the truth."""
    got = got or {}
    out = []
    for k in HEADER:
        if k in truth:
            out.append((k, truth[k], got.get(k)))
    tb, gb = truth.get("budget", {}), got.get("budget", {}) or {}
    for k in ("unit_declared", "unit_used"):
        if k in tb:
            out.append((f"budget.{k}", tb[k], gb.get(k)))
    glines = gb.get("lines", [])
    for i, tl in enumerate(tb.get("lines", [])):
        gl = next((g for g in glines if g["kind"] == tl["kind"]), {}) if tl["kind"] != "other" else \
            (glines[i] if i < len(glines) else {})
        out.append((f"budget.{tl['kind']}.kind", tl["kind"], gl.get("kind")))
        for k in LINE:
            if k in tl:
                out.append((f"budget.{tl['kind']}.{k}", tl[k], gl.get(k)))
    if "goal" in truth:
        gg = got.get("goal", {}) or {}
        for k in GOAL:
            out.append((f"goal.{k}", truth["goal"][k], gg.get(k)))
    ginds = got.get("indicators", []) or []
    for i, row in enumerate(truth.get("indicators", [])):
        gi = ginds[i] if i < len(ginds) else {}
        for k, v in zip(IND, row):
            out.append((f"indicators[{i}].{k}", v, gi.get(k)))
    if len(ginds) > len(truth.get("indicators", [])):
        out.append(("indicators.count", len(truth["indicators"]), len(ginds)))
    for k, v in truth.get("group_weights", {}).items():
        out.append((f"group_weights.{k}", v, (got.get("group_weights") or {}).get(k)))
    return out


def accuracy(pairs: list[tuple[str, object, object]]) -> tuple[int, int]:
    ok = sum(1 for _, e, g in pairs if same(e, g))
    return ok, len(pairs)


def finding_key(f: dict) -> tuple:
    return (f["form_index"], f["code"], f["severity"], f.get("indicator"))
