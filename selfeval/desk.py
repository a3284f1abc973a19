"""The review desk (``selfeval review OUT``): a local web app over an audit's output folder
where an auditor confirms a reading, corrects a figure, waives a finding with a reason,
notes a form and records a reviewer's score (复核得分).  Starlette, server-rendered Jinja2,
a few lines of script served from the package: nothing fetched, works offline.

The ledger (OUT/review.jsonl, ``selfeval.ledger``) is the truth: the desk only appends to
it, reads it on every page, and never takes the audit's lock; two browsers on one folder see
each other's decisions, and conflicting decisions on one field are shown, not overwritten.
A correction re-checks its form at once (the file read again with every correction the
ledger holds for it, by the same checker); the next ``selfeval audit --out OUT`` applies it
for good.  Only files under OUT/evidence and the audited sources (found by sha256) are
served; every text from a form is escaped; every POST carries the desk's CSRF token."""
from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from extract.grid import sha256_of
from score.codes import registry

from . import ledger
from .reports import SEVERITY_ORDER

# what needs a person: errors, warnings and the readings in doubt, whatever their severity
NEEDS_PERSON = {"LOW_CONFIDENCE", "MISSING_VALUE", "EXTRACTION_INCOMPLETE", "OCR_CORRECTED"}
FIELD_OF_ROLE = {"score": "score_declared", "rate": "rate_declared"}


@dataclass
class Desk:
    """One output folder under review: its findings and forms as the audit wrote them, and
    the forms re-checked since by a correction made here (by sha256)."""
    out: Path
    reviewer: str = ""
    lang: str = "zh"
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    rechecked: dict = field(default_factory=dict)      # sha256 -> result read again with corrections
    seen: dict = field(default_factory=dict)           # sha256 -> how many corrections that result holds
    rulesets: tuple = ()
    password: str | None = None

    def audit(self) -> tuple[list[dict], list[dict]]:
        """(findings, forms) as they stand: the audit's, each file corrected since it replaced
        by its re-check.  A file is re-checked wherever the ledger holds corrections of it made
        after the audit wrote forms.json that this desk has not yet read it with, so that a
        correction made in another browser, or at another desk on the same folder, shows here."""
        findings = json.loads((self.out / "findings.json").read_text(encoding="utf-8"))
        forms = json.loads((self.out / "forms.json").read_text(encoding="utf-8"))
        for sha, n in self.corrections_since(forms).items():
            if self.seen.get(sha) != n:
                self.recheck(sha)
                self.seen[sha] = n
        if self.rechecked:
            from .i18n import localized
            findings = [f for f in findings if f.get("sha256") not in self.rechecked]
            forms = [f for f in forms if f["source"]["sha256"] not in self.rechecked]
            for r in localized(list(self.rechecked.values()), self.lang):
                findings += [{**fd, "finding_index": n, "rechecked": True} for n, fd in enumerate(r["findings"])]
                forms += r["forms"]
        return findings, forms

    def queue(self, code: str = "", unit: str = "", file: str = "") -> list[dict]:
        """Every finding that needs a person, errors first, then by form; filtered by code,
        unit and file; each with what the desk shows and the decisions made on it."""
        findings, forms = self.audit()
        by_key = {(f["source"]["sha256"], f["source"]["form_index"]): f for f in forms}
        decisions, _ = ledger.read(self.out)
        reg = registry()
        items = []
        for fd in findings:
            if fd["severity"] == "info" and fd["code"] not in NEEDS_PERSON:
                continue
            if fd["code"] == "UNREADABLE":
                continue
            form = by_key.get((fd.get("sha256"), fd.get("form_index")))
            if code and fd["code"] != code or file and file not in (fd.get("path") or ""):
                continue
            if unit and form is not None and unit not in f"{form.get('department')} {form.get('implementing_unit')}":
                continue
            read = next((e for e in fd.get("evidence") or () if not e.get("context")), None)
            fld = field_of(form, read) if form is not None and read else None
            mine = [d for d in decisions if d["sha256"] == fd.get("sha256") and d["form_index"] == fd.get("form_index")
                    and ((fld and d.get("field") == fld) or (d["action"] == "waive" and d.get("code") == fd["code"]
                                                            and d.get("indicator") == fd.get("indicator")))]
            items.append({"fd": fd, "form": form, "read": read, "field": fld,
                          "before": ledger.value_at(form, fld) if form is not None and fld else None,
                          "name": reg[fd["code"]].name(self.lang) if fd["code"] in reg else "",
                          "todo": reg[fd["code"]].todo(self.lang) if fd["code"] in reg else "",
                          "picture": self.picture_name(fd), "decisions": mine,
                          "conflict": len({json.dumps(d["value"]) for d in mine if d["action"] == "correct"}) > 1,
                          "waived": any(d["action"] == "waive" for d in mine)})
        items.sort(key=lambda x: (x["waived"], SEVERITY_ORDER.get(x["fd"]["severity"], 9), x["fd"].get("path") or "",
                                  x["fd"].get("form_index") or 0))
        return items

    def picture_name(self, fd: dict) -> str | None:
        name = f"{(fd.get('sha256') or 'nosha')[:12]}-{fd.get('finding_index')}.png"
        return name if not fd.get("rechecked") and (self.out / "evidence" / name).is_file() else None

    def scores(self) -> list[dict]:
        """Per form: the self-declared score, the recomputed one and the reviewer's, with the
        deductions and notes the ledger holds."""
        _, forms = self.audit()
        decisions, _ = ledger.read(self.out)
        plan = ledger.plan(decisions, {(f["source"]["sha256"], f["source"]["form_index"]): f for f in forms})
        out = []
        for f in forms:
            key = (f["source"]["sha256"], f["source"]["form_index"])
            scores = plan.scores.get(key, [])
            review = ledger.latest_score(scores)
            out.append({"form": f, "declared": f.get("declared_total"),
                        "recomputed": (f.get("recomputed") or {}).get("total_by_rules"),
                        "review": review, "deductions": [d for d in scores if d.get("field")],
                        "notes": [d for d in plan.notes if (d["sha256"], d["form_index"]) == key]})
        return out

    def recorded(self, decisions: list[dict]) -> list[dict]:
        """The ledger's decisions, newest first, each with the file it names and, where it no
        longer applies to the form as now read, why."""
        _, forms = self.audit()
        by_key = {(f["source"]["sha256"], f["source"]["form_index"]): f for f in forms}
        names = {f["source"]["sha256"]: Path(f["source"]["path"]).name for f in forms}
        return [{**d, "file": names.get(d["sha256"], d["sha256"][:12]),
                 "stale": _said(ledger.stale_reason(d, by_key.get((d["sha256"], d["form_index"]))), self.lang)
                 if d["sha256"] not in self.rechecked else None}
                for d in reversed(decisions)]

    def summary(self) -> dict:
        """The audit's summary.json (what it applied of the ledger, the region it judged under)."""
        p = self.out / "summary.json"
        return json.loads(p.read_text(encoding="utf-8")) if p.is_file() else {}

    def corrections_since(self, forms: list[dict]) -> dict:
        """sha256 -> the number of corrections the ledger holds for that file, for the files
        corrected since the audit read the ledger (the audit applied the first
        ``review_decisions_applied`` decisions; the ledger is only ever appended to)."""
        applied = self.summary().get("review_decisions_applied", 0)
        decisions, _ = ledger.read(self.out)
        audited = {f["source"]["sha256"] for f in forms}
        since = {d["sha256"] for d in decisions[applied:] if d["action"] == "correct" and d["sha256"] in audited}
        return {sha: sum(d["action"] == "correct" and d["sha256"] == sha for d in decisions) for sha in since}

    def decide(self, given: dict) -> dict:
        """A decision appended to the ledger; a correction re-checks its file at once."""
        given = {**given, "reviewer": given.get("reviewer") or self.reviewer}
        fld = given.get("field") or ""
        if fld.startswith("indicators.") and not given.get("indicator"):
            # a decision on an indicator names it, so that a re-read that moves the row leaves it stale
            _, forms = self.audit()
            form = next((f for f in forms if f["source"]["sha256"] == given.get("sha256")
                         and str(f["source"]["form_index"]) == str(given.get("form_index"))), None)
            ind = ledger.value_at(form, ".".join(fld.split(".")[:2])) if form is not None else None
            given["indicator"] = (ind or {}).get("name")
        d = ledger.append(self.out, given)
        if d["action"] == "correct":
            self.audit()
        return d

    def recheck(self, sha: str) -> None:
        """The file read again with every correction the ledger now holds for it."""
        from .batch import _rulesets
        from .pipeline import process_file
        from .reviewed import apply
        source = self.source(sha)
        if source is None:
            return
        region = self.summary().get("region")
        first = process_file(str(source), _rulesets(self.rulesets), self.password, region=region).to_dict()
        results, _ = apply([first], self.out, lambda path, fixes: process_file(
            path, _rulesets(self.rulesets), self.password, fixes, region).to_dict())
        self.rechecked[sha] = results[0]

    def source(self, sha: str) -> Path | None:
        """The audited file whose content has this sha256 (never any other path)."""
        for f in json.loads((self.out / "forms.json").read_text(encoding="utf-8")):
            p = Path(f["source"]["path"])
            if f["source"]["sha256"] == sha and p.is_file() and sha256_of(p) == sha:
                return p
        return None

    def evidence(self, name: str) -> Path | None:
        """A picture under OUT/evidence, and nothing outside it."""
        root = (self.out / "evidence").resolve()
        p = (root / name).resolve()
        return p if p.parent == root and p.is_file() and p.suffix == ".png" else None


def _said(msg, lang: str) -> str | None:
    from .i18n import render
    return None if msg is None else render(msg, lang)


def _same_cell(a: dict | None, e: dict) -> bool:
    return isinstance(a, dict) and all(a.get(k) == e.get(k) for k in ("page", "row", "col", "table"))


def field_of(form: dict, e: dict) -> str | None:
    """The field path of the form object a finding's cell was read into, found by its
    provenance (the same page, table, row and column)."""
    for name, prov in (form.get("provenance") or {}).items():
        if _same_cell(prov, e) and name in ledger.NUMERIC | ledger.TEXT:
            return name
    for i, ind in enumerate(form.get("indicators") or ()):
        for name, prov in (ind.get("provenance") or {}).items():
            if _same_cell(prov, e):
                return f"indicators.{i}.{name}"
    for j, b in enumerate((form.get("budget") or {}).get("lines") or ()):
        for name, prov in (b.get("provenance") or {}).items():
            if _same_cell(prov, e):
                return f"budget.lines.{j}.{name}"
    for name, prov in ((form.get("goal") or {}).get("provenance") or {}).items():
        if _same_cell(prov, e):
            return f"goal.{name}"
    return None
