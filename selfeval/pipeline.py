"""file → extract → normalize → score, for one file; every outcome is a result, never a crash."""
from __future__ import annotations

import errno
import os
import stat
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from extract import read
from extract.grid import UnreadableError, detail_of, sha256_of
from extract.messages import Msg, N_
from normalize import build_forms, form_to_dict
from score import audit_form, load_rulesets, select

from .safe import clean


@dataclass
class FileResult:
    path: str
    sha256: str | None
    format: str | None = None
    forms: list[dict] = field(default_factory=list)
    findings: list[dict] = field(default_factory=list)
    error: str | None = None
    error_id: dict | None = None    # the error as a message (extract.messages), for the reader's language
    seconds: float = 0.0
    transient: bool = False     # the outcome depends on this run (password, converter, limits): not cached
    skipped: str | None = None  # an entry of a walked folder that was not read, and why
    skipped_id: dict | None = None

    def failed(self, reason) -> "FileResult":
        """The file not read, and why (a message, or text as it is)."""
        self.error, self.error_id = said(reason)
        return self

    def to_dict(self) -> dict:
        """The result as every writer receives it: text and numbers made safe (selfeval/safe.py)."""
        return clean(dict(self.__dict__))


def said(reason) -> tuple[str | None, dict | None]:
    """A reason as English text, and as a message where it is one."""
    if reason is None:
        return None, None
    return str(reason), reason.to_dict() if isinstance(reason, Msg) else None


def unreadable(path: str, sha: str | None, reason, code: str = "UNREADABLE", severity: str = "error") -> dict:
    text, mid = said(reason)
    return {"path": path, "form_index": None, "project_name": None, "code": code, "severity": severity,
            "indicator": None, "declared": None, "expected": None, "message": text, "sha256": sha,
            "evidence": [], **({"message_id": mid} if mid else {})}


def not_a_file(path: str | Path) -> Msg | None:
    """Why ``path`` cannot be read as a file (FIFO, device, folder, missing), or None.
    Checked before anything opens it: reading a FIFO or /dev/zero never ends."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return N_("no such file") if not os.path.islink(path) else N_("a broken link (its target does not exist)")
    except OSError as e:
        if e.errno == errno.ELOOP:
            return N_("a link loop (links that lead to each other, never to a file)")
        return N_("cannot open: {error}", error=e.strerror or str(e))
    if stat.S_ISREG(st.st_mode):
        return None
    if stat.S_ISDIR(st.st_mode):
        try:
            os.listdir(path)
        except OSError as e:       # a walked folder the walk could not enter
            return N_("a folder that cannot be listed ({error}): the files in it were not seen",
                      error=e.strerror or str(e))
    kind = (N_("a folder") if stat.S_ISDIR(st.st_mode) else N_("a FIFO (named pipe)") if stat.S_ISFIFO(st.st_mode)
            else N_("a device") if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode)
            else N_("a socket") if stat.S_ISSOCK(st.st_mode) else N_("a special file"))
    return N_("not a regular file but {kind}; only files are read", kind=kind)


def process_file(path: str | Path, rulesets=None, password: str | None = None,
                 corrections: dict | None = None, region: str | None = None) -> FileResult:
    """One file read, its forms built and checked.  ``corrections``: {form_index: {field
    path: value}} a reviewer set (selfeval.ledger), made on the built forms before they are
    checked."""
    import time
    t0 = time.perf_counter()
    path = str(path)
    rulesets = rulesets or load_rulesets()
    problem = not_a_file(path)
    if problem:
        return FileResult(path, None, findings=[unreadable(path, None, problem)]).failed(problem)
    try:
        sha = sha256_of(path)
    except OSError as e:
        why = N_("cannot open: {error}", error=e.strerror or str(e))
        return FileResult(path, None, findings=[unreadable(path, None, why)]).failed(why)
    res = FileResult(path, sha)
    try:
        doc = read(path, password=password)
        res.format = doc.format
        forms = build_forms(doc)
    except UnreadableError as e:
        res.failed(e.message).transient = e.transient
        if e.detail:
            res.findings.append({**unreadable(path, sha, e.message), "detail": e.detail})
    except MemoryError:
        raise               # the worker reports it against its limit (selfeval/workers.py)
    except Exception as e:  # a reader's bug or a file no reader expected: say so, go on
        why = N_("could not be read: the reader met something it does not handle (a fault of selfeval, please report it)")
        res.failed(why).findings.append({**unreadable(path, sha, why), "detail": detail_of(e),
                             "trace": traceback.format_exc(limit=4)})
    if res.error is not None:
        if not res.findings:
            res.findings.append(unreadable(path, sha, Msg.from_dict(res.error_id) if res.error_id else res.error))
        res.seconds = time.perf_counter() - t0
        return res
    if forms:       # what the reader had to guess (an unreadable file says one thing: why)
        res.findings.extend(unreadable(path, sha, w, code="LOW_CONFIDENCE", severity="warning")
                            for w in doc.warnings)
    else:
        why = N_("no form found: the file was read but holds no 项目支出绩效自评表 (no 项目名称, budget or indicator table)")
        res.failed(why).findings.append(unreadable(path, sha, why))
    for form in forms:
        for field_path, value in (corrections or {}).get(form.form_index, {}).items():
            from .reviewed import set_field
            set_field(form, field_path, value)
        rules = select(form, rulesets)
        a = audit_form(form, rules, region=region)
        d = form_to_dict(a.form)
        d["rule_set"] = rules.to_dict()
        d["recomputed"] = a.recomputed
        res.forms.append(d)
        res.findings.extend(fd.to_dict(a.form) for fd in a.findings)
    res.seconds = time.perf_counter() - t0
    return res
