"""Evidence pictures drawn where the work is, kept, and assembled for the reports.

A file's pictures are drawn in the worker that reads it, right after its findings (a PDF's or
a scan's page cropped, a form's cells redrawn where its format has no page geometry), and
written to the picture store: one PNG per finding, named by the file's sha256, a digest of
the finding and the report's language, and one JSON per file saying which finding has which
picture and what it shows.  A Word file is pictured from its LibreOffice rendering: the
renderings are made after the batch, many files to one LibreOffice start and as many starts
at once as there are workers (``extract.convert.convert_many``), and those files' pictures
are drawn in the worker pool then, with those of any file whose pictures the store lacks (a
cached result, a file the review ledger had read again).  The report step only assembles:
each picture is copied from the store to OUT/evidence, and the reports hold its name, never
its bytes.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from extract.messages import Msg

from .files import atomic, write_text

WORD = ("docx", "doc")


@dataclass(frozen=True)
class PictureSpec:
    """What pictures a run draws and where they go."""
    severities: tuple[str, ...]     # findings of these severities are pictured
    lang: str                       # captions of redrawn cells are in the report's language
    store: str                      # folder the drawn pictures are kept in (OUT/cache/pictures)
    render_dir: str                 # Word files rendered to PDF, by sha256 (OUT/renders)


def finding_digest(fd: dict) -> str:
    """A finding's identity within its file, the same before and after its message and
    places are put in the reader's language and whatever findings the report leaves out."""
    ev = [{k: v for k, v in e.items() if k != "place"} for e in fd.get("evidence") or ()]
    key = {"code": fd.get("code"), "form": fd.get("form_index"), "indicator": fd.get("indicator"),
           "declared": fd.get("declared"), "expected": fd.get("expected"), "evidence": ev,
           "message": fd.get("message_id") or fd.get("message")}
    return hashlib.sha256(json.dumps(key, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()[:16]


def _pictured(fd: dict, spec: PictureSpec) -> bool:
    """A finding the run pictures: of the spec's severities, and about a form (not a file unread)."""
    return fd["severity"] in spec.severities and fd["code"] != "UNREADABLE"


def _wanted(r: dict, spec: PictureSpec) -> list[dict]:
    return [fd for fd in r.get("findings") or () if _pictured(fd, spec)]


def _index(spec: PictureSpec, sha: str) -> Path:
    return Path(spec.store) / sha[:2] / f"{sha}-{spec.lang}.json"


def stored(spec: PictureSpec, sha: str | None) -> dict:
    """The pictures the store holds for a file: finding digest → {"png": file name or None,
    "note": message as a dict}."""
    if not sha:
        return {}
    try:
        got = json.loads(_index(spec, sha).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return got if isinstance(got, dict) else {}


def _format(r: dict, fd: dict) -> str | None:
    form = next((f for f in r.get("forms") or () if f["source"]["form_index"] == fd["form_index"]), None)
    return (form or {}).get("source", {}).get("format") or r.get("format")


def needs_rendering(r: dict, spec: PictureSpec) -> bool:
    """A Word file with findings to picture whose LibreOffice rendering is not made yet."""
    sha = r.get("sha256")
    return bool(sha and r.get("format") in WORD and _wanted(r, spec)
                and not (Path(spec.render_dir) / f"{sha}.pdf").exists())


def draw_file(r: dict, spec: PictureSpec, word_later: bool = False) -> int:
    """Draw the pictures of one file's findings that the store lacks and keep them there;
    the number drawn.  ``word_later``: a Word file whose rendering is not made yet is left
    for the pass after the batch, which renders many at once."""
    from .evidence import picture
    sha = r.get("sha256")
    want = _wanted(r, spec)
    if not sha or not want or (word_later and needs_rendering(r, spec)):
        return 0
    have = stored(spec, sha)
    forms = {f["source"]["form_index"]: f for f in r.get("forms") or ()}
    drawn = 0
    for fd in want:
        d = finding_digest(fd)
        if d in have:
            continue
        try:
            png, note = picture(fd, forms.get(fd["form_index"]), _format(r, fd), spec.render_dir, spec.lang)
        except Exception as e:      # noqa: BLE001 - a picture that cannot be drawn costs only itself
            from extract.messages import N_
            png, note = None, N_("page could not be rendered ({error})", error=type(e).__name__)
        name = None
        if png:
            name = f"{sha}-{d}-{spec.lang}.png"
            with atomic(Path(spec.store) / sha[:2] / name) as tmp:
                Path(tmp).write_bytes(png)
        have[d] = {"png": name, "note": note.to_dict() if isinstance(note, Msg) else {"id": str(note), "args": {}}}
        drawn += 1
    if drawn:
        write_text(_index(spec, sha), json.dumps(have, ensure_ascii=False))
    return drawn


def render_word(results: list[dict], spec: PictureSpec, jobs: int) -> None:
    """The LibreOffice renderings every Word file with findings to picture still needs, made
    many files to a LibreOffice start, ``jobs`` starts at once."""
    from extract.convert import convert_many, soffice
    todo = {r["sha256"]: r["path"] for r in results if needs_rendering(r, spec)}
    if todo and soffice() is not None:
        convert_many(todo, "pdf", spec.render_dir, jobs)


def draw_missing(results: list[dict], spec: PictureSpec, jobs: int, limits) -> None:
    """Every picture the store lacks, drawn in the worker pool (Word files rendered first)."""
    from .workers import run_limited
    render_word(results, spec, jobs)
    lacking = [(i, r) for i, r in enumerate(results) if _lacks(r, spec)]
    if not lacking:
        return
    if jobs <= 1 or len(lacking) == 1:
        for _, r in lacking:
            draw_file(r, spec)
        return
    run_limited([(i, (r, spec)) for i, r in lacking], _draw_task, jobs, limits, lambda *a: None)


def _draw_task(args) -> int:
    r, spec = args
    return draw_file(r, spec)


def _lacks(r: dict, spec: PictureSpec) -> bool:
    want = _wanted(r, spec)
    if not want:
        return False
    have = stored(spec, r.get("sha256"))
    return any(finding_digest(fd) not in have for fd in want)


def assemble(results: list[dict], out: Path, spec: PictureSpec) -> dict:
    """The pictures of the reported findings, copied from the store to OUT/evidence as
    <sha>-<n>.png (n: the finding's place among its file's reported findings).  Returns
    (sha256, n) → (file relative to ``out``, None, note): the reports read a picture's bytes
    from its file when they embed it, so that no step holds every picture at once."""
    from .tables import finding_key
    pictures: dict = {}
    (out / "evidence").mkdir(parents=True, exist_ok=True)
    for r in results:
        have = stored(spec, r.get("sha256"))
        for n, fd in enumerate(r.get("findings") or ()):
            if not _pictured(fd, spec):
                continue
            sha, _ = key = finding_key(r, fd, n)
            got = have.get(finding_digest(fd))
            if got is None:
                continue
            rel = None
            if got.get("png"):
                src = Path(spec.store) / got["png"][:2] / got["png"]
                rel = f"evidence/{(sha or 'nosha')[:12]}-{n}.png"
                _place(src, out / rel)
            pictures[key] = (rel, None, Msg.from_dict(got["note"]))
    return pictures


def _place(src: Path, dst: Path) -> None:
    """A stored picture put in the report's folder: linked where the file system allows, else
    copied (the store may be emptied; the report's picture stays)."""
    try:
        dst.unlink(missing_ok=True)
        os.link(src, dst)
    except OSError:
        shutil.copyfile(src, dst)


def png_of(out: Path, pic) -> bytes | None:
    """A picture's bytes, from memory where it is held there, else from its file under ``out``."""
    if pic is None:
        return None
    rel, png, _ = pic
    if png is not None or rel is None:
        return png
    try:
        return (out / rel).read_bytes()
    except OSError:
        return None
