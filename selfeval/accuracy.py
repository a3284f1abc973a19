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
    seen: dict[str, int] = {}
    for tl in tb.get("lines", []):
        # the n-th line of a kind the truth lists is the n-th line of that kind read (a form
        # may print several fiscal lines: 中央, 省级, 市级, 县级 money)
        n = seen[tl["kind"]] = seen.get(tl["kind"], -1) + 1
        same_kind = [g for g in glines if g["kind"] == tl["kind"]]
        gl = same_kind[n] if n < len(same_kind) else {}
        out.append((f"budget.{tl['kind']}.kind", tl["kind"], gl.get("kind")))
        for k in LINE:
            if k in tl:
                out.append((f"budget.{tl['kind']}.{k}", tl[k], gl.get(k)))
    if "goal" in truth:
        gg = got.get("goal", {}) or {}
        for k in GOAL:
            out.append((f"goal.{k}", truth["goal"][k], gg.get(k)))
    ginds = got.get("indicators", []) or []
    paired = _paired_rows(truth.get("indicators", []), ginds)
    for i, row in enumerate(truth.get("indicators", [])):
        gi = paired.get(i, {})
        for k, v in zip(IND, row):
            out.append((f"indicators[{i}].{k}", v, gi.get(k)))
    if len(ginds) > len(truth.get("indicators", [])):
        out.append(("indicators.count", len(truth["indicators"]), len(ginds)))
    for k, v in truth.get("group_weights", {}).items():
        out.append((f"group_weights.{k}", v, (got.get("group_weights") or {}).get(k)))
    return out


def _paired_rows(truth_rows: list, got_rows: list[dict]) -> dict[int, dict]:
    """Each truth row's reading: rows of the same name in order (a row the reader left out,
    or set aside, shifts no other row's comparison); between two such anchors, rows paired
    by their place.  A truth row with no reading is compared with nothing (fields missing)."""
    from difflib import SequenceMatcher
    names_t = ["".join(str(r[2] or "").split()) for r in truth_rows]
    names_g = ["".join(str(g.get("name") or "").split()) for g in got_rows]
    out: dict[int, dict] = {}
    for tag, a0, a1, b0, b1 in SequenceMatcher(None, names_t, names_g, autojunk=False).get_opcodes():
        if tag in ("equal", "replace"):
            for k in range(min(a1 - a0, b1 - b0)):
                out[a0 + k] = got_rows[b0 + k]
    return out


def accuracy(pairs: list[tuple[str, object, object]]) -> tuple[int, int]:
    ok = sum(1 for _, e, g in pairs if same(e, g))
    return ok, len(pairs)


def finding_key(f: dict) -> tuple:
    return (f["form_index"], f["code"], f["severity"], f.get("indicator"))
