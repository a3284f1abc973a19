"""The review ledger, ``OUT/review.jsonl``: an auditor's decisions, one JSON object a line,
appended and never rewritten, and applied by the next audit of the same folder.

A decision names what it is about as the form printed it when the decision was made: the
file's sha256, the form's index, the ``field`` (a path on the contract's form object:
``declared_total``, ``indicators.3.score_declared``, ``budget.lines.0.executed``, ``year``),
the indicator's name where the field is an indicator's, and ``before``, the value then read.
It applies only where all of these still hold; otherwise it is stale, shown, never applied
(a re-read that moves an indicator must not carry a correction onto the wrong row).

Actions: ``confirm`` (the reading is right), ``correct`` (the right value: it replaces the
read one and the form is checked again), ``waive`` (a finding, named by its code, indicator
and field, kept but flagged with the reason), ``note`` (a remark on a form or a field) and
``score`` (a reviewer's score, 复核得分, or a deduction: ``value`` and ``reason``)."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from extract.messages import N_, Msg

NAME = "review.jsonl"
ACTIONS = ("confirm", "correct", "waive", "note", "score")
# each action as a person reads it done (translated where shown)
DONE = {"confirm": N_("confirmed"), "correct": N_("corrected"), "waive": N_("waived"), "note": N_("noted"),
        "score": N_("scored")}
KEYS = ("sha256", "form_index", "field", "indicator", "before", "action", "value", "code", "reason", "reviewer", "at")
# the fields a correction may set: figures as numbers, the rest as text
NUMERIC = {"declared_total", "initial", "adjusted", "executed", "rate_declared", "weight", "score_declared", "year"}
TEXT = {"project_name", "department", "implementing_unit", "target", "actual", "name", "note", "level1", "level2"}


class LedgerError(ValueError):
    """A decision that cannot be recorded as given (the message says why)."""


def path_of(out: Path) -> Path:
    return Path(out) / NAME


def decision(**given) -> dict:
    """A decision in the ledger's form: every key present, checked, stamped with the time."""
    d = {k: given.get(k) for k in KEYS}
    if d["action"] not in ACTIONS:
        raise LedgerError(f"action {d['action']!r}: one of {', '.join(ACTIONS)}")
    if not d["sha256"] or d["form_index"] is None:
        raise LedgerError("a decision names its file (sha256) and form (form_index)")
    d["form_index"] = int(d["form_index"])
    if d["action"] in ("confirm", "correct") and not d["field"]:
        raise LedgerError(f"a {d['action']} names the field it is about")
    if d["action"] == "correct":
        d["value"] = typed(d["field"], d["value"])
    if d["action"] == "waive" and not (d["code"] and (d["reason"] or "").strip()):
        raise LedgerError("a waive names its finding's code and gives a reason")
    if d["action"] == "score":
        d["value"] = typed("score_declared", d["value"])
    if d["field"]:
        leaf(d["field"])                        # a path the contract's form object has
    d["at"] = d["at"] or datetime.now(timezone.utc).isoformat(timespec="seconds")
    return d


def typed(field_path: str | None, value):
    """A corrected value as the field holds it: a number for a figure, text otherwise."""
    name = leaf(field_path) if field_path else "score_declared"
    if name in NUMERIC:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return int(value) if name == "year" else float(value)
        text = str(value if value is not None else "").strip().replace(",", "").replace("，", "")
        percent = text.endswith("%")
        try:
            v = float(text.rstrip("%"))
        except ValueError:
            raise LedgerError(f"{field_path}: {value!r} is not a number") from None
        return int(v) if name == "year" else v / 100 if percent else v
    return None if value is None else str(value)


def leaf(field_path: str) -> str:
    """The name a field path ends in, checked against the contract's form object."""
    parts = field_path.split(".")
    ok = (len(parts) == 1 and parts[0] in NUMERIC | TEXT) or \
        (len(parts) == 3 and parts[0] == "indicators" and parts[1].isdigit() and parts[2] in NUMERIC | TEXT) or \
        (len(parts) == 4 and parts[:2] == ["budget", "lines"] and parts[2].isdigit() and parts[3] in NUMERIC) or \
        (len(parts) == 2 and parts[0] == "goal" and parts[1] in ("target", "actual", "weight", "score_declared"))
    if not ok:
        raise LedgerError(f"field {field_path!r} is not a path on the form object "
                          "(declared_total, indicators.3.score_declared, budget.lines.0.executed, year, …)")
    return parts[-1]


def append(out: Path, d: dict) -> dict:
    """One decision appended and on disk before this returns (fsync'd): a kill loses at most
    the decision being written, and a torn last line is skipped when read."""
    d = decision(**d)
    line = (json.dumps(d, ensure_ascii=False, allow_nan=False) + "\n").encode("utf-8")
    fd = os.open(path_of(out), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)
    return d


def read(out: Path) -> tuple[list[dict], list[str]]:
    """The decisions of the ledger in order, and what could not be read (a torn line, a
    hand-written line that is no decision), each with its line number."""
    p = path_of(out)
    if not p.exists():
        return [], []
    good, bad = [], []
    for n, line in enumerate(p.read_text(encoding="utf-8", errors="replace").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            good.append(decision(**json.loads(line)))
        except (ValueError, TypeError) as e:
            bad.append(f"line {n}: {e}")
    return good, bad


def value_at(form: dict, field_path: str):
    """The value a field path names on a form object (None where the path leads nowhere)."""
    node = form
    for part in field_path.split("."):
        if isinstance(node, list):
            i = int(part) if part.isdigit() else -1
            node = node[i] if 0 <= i < len(node) else None
        elif isinstance(node, dict):
            node = node.get(part)
        else:
            return None
        if node is None:
            return None
    return node


def _same(a, b) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return abs(a - b) <= 1e-9 * max(1.0, abs(a))
    return a == b


def stale_reason(d: dict, form: dict | None) -> Msg | None:
    """Why a decision no longer applies to the form as now read (a message, rendered in the
    reader's language where shown), or None where it does."""
    if form is None:
        return N_("the form is no longer read from this file")
    f = d.get("field")
    if f and f.startswith("indicators."):
        ind = value_at(form, ".".join(f.split(".")[:2]))
        if ind is None or (d.get("indicator") is not None and ind.get("name") != d["indicator"]):
            return N_("the indicator at {field} is no longer {name!r}", field=f, name=d.get("indicator"))
    if f and d["action"] in ("confirm", "correct") and not _same(value_at(form, f), d.get("before")):
        return N_("{field} now reads {now!r}, not {before!r} as when decided", field=f, now=value_at(form, f),
                  before=d.get("before"))
    return None


@dataclass
class Applied:
    """What a ledger does to one audit: the corrections to make per form, the waives, the
    reviewers' scores and notes, and the decisions that are stale or in conflict."""
    corrections: dict = field(default_factory=dict)    # (sha256, form_index) -> {field: decision}
    waives: list = field(default_factory=list)
    scores: dict = field(default_factory=dict)         # (sha256, form_index) -> [score decisions]
    notes: list = field(default_factory=list)
    confirmed: list = field(default_factory=list)
    stale: list = field(default_factory=list)          # (decision, why)
    conflicts: list = field(default_factory=list)      # (earlier decision, later decision)
    unreadable: list = field(default_factory=list)


def plan(decisions: list[dict], forms: dict) -> Applied:
    """The ledger set against the forms as now read (``forms``: (sha256, form_index) → form
    object).  A later correction of a field supersedes an earlier one and the two are shown
    as a conflict where they differ."""
    a = Applied()
    for d in decisions:
        key = (d["sha256"], d["form_index"])
        why = stale_reason(d, forms.get(key))
        if why:
            a.stale.append((d, why))
            continue
        if d["action"] == "correct":
            earlier = a.corrections.setdefault(key, {}).get(d["field"])
            if earlier is not None and not _same(earlier["value"], d["value"]):
                a.conflicts.append((earlier, d))
            a.corrections[key][d["field"]] = d
        elif d["action"] == "waive":
            a.waives.append(d)
        elif d["action"] == "score":
            a.scores.setdefault(key, []).append(d)
        elif d["action"] == "note":
            a.notes.append(d)
        else:
            a.confirmed.append(d)
    return a


def latest_score(scores: list[dict]) -> dict | None:
    """The reviewer's score (复核得分) of a form: its latest score decision naming no field
    (one naming a field is a deduction)."""
    return next((d for d in reversed(scores) if not d.get("field")), None)


def waived_by(fd: dict, waives: list[dict]) -> dict | None:
    """The waive that names this finding (its file, form, code, and indicator), if any."""
    for d in waives:
        if d["sha256"] == fd.get("sha256") and d["form_index"] == fd.get("form_index") \
                and d["code"] == fd.get("code") and d.get("indicator") == fd.get("indicator"):
            return d
    return None
