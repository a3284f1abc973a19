"""Many files: walk the paths, process in worker processes, cache results by sha256."""
from __future__ import annotations

import hashlib
import json
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable

from extract import ocr
from extract.grid import sha256_of
from extract.messages import Msg, N_

from .files import TEMP_NAME, sweep_stale, write_text
from .pipeline import FileResult, not_a_file, process_file, said, unreadable
from .safe import clean, text
from .workers import FileLimits, run_limited

PIPELINE_VERSION = "1"
OWN_FILES = re.compile(rf"\.(selfeval|.+\.duckdb)\.lock|{TEMP_NAME.pattern}")   # our locks and half-written files


OS_JUNK = {".ds_store", "thumbs.db", "desktop.ini", "ehthumbs.db"}


def _passed_over(name: str, folder: bool) -> Msg | None:
    """Why a walked entry is not a document a user filed: hidden, the system's own, a lock."""
    if OWN_FILES.fullmatch(name):
        return N_("selfeval's own lock or temporary file")
    if name.lower() in OS_JUNK:
        return N_("an operating-system file, not a document")
    if name.startswith("~$"):
        return N_("an Office lock file (~$…), left by an open document")
    if name.startswith("."):
        return N_("a hidden folder") if folder else N_("a hidden file")
    return None


def entries(paths: Iterable[str | Path], exclude: Iterable[str | Path] = ()) -> list[tuple[Path, Msg | None]]:
    """Every entry under the given paths in a stable order, each with None (to be read) or
    the reason it is skipped.  A missing path or a FIFO given by name is kept so that it is
    reported; inside a folder, links are not followed out of the walked tree, and the tool's
    own files, hidden files and folders, OS junk (.DS_Store, Thumbs.db), Office lock files
    (~$…) and the ``exclude`` folders (this run's --out) are passed over, each counted in
    the summary."""
    out: list[tuple[Path, Msg | None]] = []
    skip_dirs = {_resolved(Path(e)) for e in exclude} - {None}
    for p in map(Path, paths):
        if not p.is_dir():
            out.append((p, None))
            continue
        root = p.resolve()
        unlisted: list[Path] = []
        # links to folders are not walked into; a folder that cannot be listed is kept, so
        # that it is reported as unreadable (pipeline.not_a_file says why), never passed in silence
        for d, dirs, names in os.walk(p, onerror=lambda e: unlisted.append(Path(e.filename))):
            out.extend((u, None) for u in unlisted)
            unlisted.clear()
            dirs.sort()
            here = Path(d)
            for n in list(dirs):
                why = N_("this run's output folder (--out)") if _resolved(here / n) in skip_dirs \
                    and not (here / n).is_symlink() else _passed_over(n, True)
                if why:
                    out.append((here / n, why))
                    dirs.remove(n)
                elif (here / n).is_symlink():
                    out.append((here / n, _outside(here / n, root) or N_("a link to a folder (not followed)")))
            for n in sorted(names):
                q = here / n
                why = N_("this run's own output (--out, --db)") if _resolved(q) in skip_dirs else _passed_over(n, False)
                if why:
                    out.append((q, why))
                elif q.is_symlink():
                    out.append((q, _outside(q, root)))
                else:
                    out.append((q, None))
        out.extend((u, None) for u in unlisted)       # the walked folder itself, or the last one
    return out


def _resolved(p: Path) -> Path | None:
    """Where a path leads, or None for a link that leads nowhere it can name (a loop)."""
    try:
        return p.resolve()
    except (OSError, RuntimeError):         # Python < 3.13 raises RuntimeError on a loop
        return None


def _outside(link: Path, root: Path) -> Msg | None:
    """Why a link in the walked folder is not followed, or None: it is read (a loop among
    links is read too, and reported as unreadable with that reason)."""
    target = _resolved(link)
    if target is not None and target != root and root not in target.parents:
        return N_("a link leading out of the walked folder (to {target}), not followed", target=str(target))
    return None


def walk(paths: Iterable[str | Path]) -> list[Path]:
    """The files to read (see ``entries``)."""
    return [p for p, why in entries(paths) if why is None]


def _code_fingerprint(rule_dirs: list[str]) -> str:
    h = hashlib.sha256(PIPELINE_VERSION.encode())
    roots = [Path(__file__).parent.parent / d for d in ("extract", "normalize", "score")]
    for root in roots + [Path(d) for d in rule_dirs]:
        for f in sorted(root.rglob("*")):
            if f.suffix in (".py", ".toml"):
                h.update(f.read_bytes())
    return h.hexdigest()[:16]


@lru_cache(maxsize=4)
def _rulesets(rule_dirs: tuple):
    from score import load_rulesets
    return load_rulesets(list(rule_dirs))


def _work(args) -> dict:
    """One file read and checked; with a picture spec, its findings' pictures drawn here too,
    while its pages are at hand (a Word file's wait for the renderings made after the batch)."""
    path, rule_dirs, password, threads, region, pictures = args
    ocr.use_threads(threads)
    r = process_file(path, _rulesets(tuple(rule_dirs)), password, region=region).to_dict()
    if pictures is not None:
        from .pictures import draw_file
        draw_file(r, pictures, word_later=True)
    return r


def _preload() -> None:
    """Import the readers once in the parent: forked workers start with them loaded."""
    import docx  # noqa: F401
    import openpyxl  # noqa: F401
    import pdfplumber  # noqa: F401
    import xlrd  # noqa: F401


def run_batch(paths: Iterable[str | Path], jobs: int | None = None, cache_dir: Path | None = None,
              rule_dirs: list[str] = (), password: str | None = None,
              progress: Callable[[dict], None] | None = None,
              limits: FileLimits = FileLimits(),
              found: list[tuple[Path, str | None]] | None = None,
              ocr_threads: int | None = None, engine: str = "local", scheduler: str | None = None,
              dataset: Path | None = None, region: str | None = None, pictures=None) -> list[dict]:
    """One result per entry under ``paths`` (skipped entries included, with ``skipped``
    saying why), in walk order.  Every file is read in a worker process under ``limits``.
    ``found``: the walk a caller already made (``entries``, to size its progress bar or pass
    over its --out), used instead of walking ``paths`` again.  ``ocr_threads``: onnxruntime
    threads per worker, by default the cores shared out among the ``jobs`` workers.
    ``engine``: ``local`` (this machine's process pool) or ``dask`` (``selfeval.cluster``: a
    LocalCluster of ``jobs`` workers, or the cluster at ``scheduler``; with ``dataset`` the
    workers write the rows of files it does not hold yet there as Parquet, by year).
    ``region``: the review pack every form is judged under (``score.review``), where given.
    ``pictures``: a ``selfeval.pictures.PictureSpec``: each worker draws the pictures of the
    files it reads (``selfeval.pictures.draw_missing`` draws the rest after the batch)."""
    found = entries(paths) if found is None else found
    files = [p for p, _ in found]
    if cache_dir is not None:
        sweep_stale(cache_dir)          # what a worker killed mid-write left behind
    jobs = jobs or os.cpu_count() or 1
    fp = _code_fingerprint(list(rule_dirs)) + ("-pw" if password else "") + \
        (f"-r{hashlib.sha256(region.encode()).hexdigest()[:8]}" if region else "")
    results: dict[int, dict] = {}
    shas: dict[int, str | None] = {}          # worked out for the cache, kept for the dataset
    todo: list[int] = []
    for i, (f, why) in enumerate(found):
        if why is not None:
            skipped, skipped_id = said(why)
            results[i] = FileResult(text(str(f)), None, skipped=skipped, skipped_id=skipped_id).to_dict()
            continue
        problem = not_a_file(f)
        if problem:
            results[i] = FileResult(str(f), None, findings=[unreadable(str(f), None, problem)]).failed(problem).to_dict()
            continue
        if cache_dir is not None:
            shas[i] = sha = _sha(f)
            r = _load(cache_dir / f"{sha}-{fp}.json") if sha else None
            if r is not None:
                r = _repath(r, text(str(f)))
                r["cached"] = True
                results[i] = r
                continue
        todo.append(i)
    for i in sorted(results):
        if progress:
            progress(results[i])

    def done(i: int, status: str, value) -> None:
        results[i] = value if status == "ok" else _failed(str(files[i]), status, value, limits)
        _store(cache_dir, fp, results[i])
        if progress:
            progress(results[i])

    _preload()
    order = sorted(todo, key=lambda i: -_size(files[i]))      # longest first
    threads = ocr_threads or ocr.default_threads(jobs)
    tasks = [(i, (str(files[i]), list(rule_dirs), password, threads, region, pictures)) for i in order]
    if jobs > 1 and todo:
        ocr.share_cores(threads)        # before the workers start, local pool or Dask's
    if engine == "dask":
        from .cluster import dataset_shas, run_dask
        held = dataset_shas(dataset)
        skip = {i for i in order if held and (shas[i] if i in shas else _sha(files[i])) in held}
        run_dask([(i, t, _size(files[i])) for i, t in tasks], jobs, limits, done, scheduler, dataset, skip)
    else:
        run_limited(tasks, _work, jobs, limits, done)
    return [results[i] for i in range(len(files))]


def _failed(path: str, status: str, detail, limits: FileLimits) -> dict:
    """A file whose worker did not return a result: why, in words."""
    if status == "timeout":
        reason = limits.timeout_reason()
    elif status == "memory":
        reason = limits.memory_reason()
    elif status == "died":
        reason = N_("{detail} twice while reading this file; it was stopped so the batch could go on", detail=detail)
    else:
        reason = N_("the reader failed on this file ({detail})", detail=detail)
    sha = _sha(path)
    res = FileResult(path, sha, findings=[unreadable(path, sha, reason)], transient=True).failed(reason)
    return res.to_dict()


def _sha(p) -> str | None:
    try:
        return sha256_of(p)
    except OSError:
        return None


def _size(p: Path) -> int:
    try:
        return p.stat().st_size
    except OSError:
        return 0


def _repath(r: dict, path: str) -> dict:
    """A cached result of identical bytes found under another name: report the new name."""
    r["path"] = path
    for f in r.get("forms", []):
        f["source"]["path"] = path
    for fd in r.get("findings", []):
        fd["path"] = path
    return r


def _load(entry: Path) -> dict | None:
    """A cache entry, or None when there is none or it does not parse (a run killed while
    writing it, a disk error): then the file is simply read again."""
    try:
        r = json.loads(entry.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return clean(r) if isinstance(r, dict) and isinstance(r.get("path"), str) and "forms" in r else None


def _store(cache_dir: Path | None, fp: str, r: dict) -> None:
    """Only outcomes that depend on the file alone are remembered: a wrong password, a
    missing converter, a time or memory limit or a dying worker are tried again next run."""
    if cache_dir is None or not r.get("sha256") or r.get("transient"):
        return
    write_text(cache_dir / f"{r['sha256']}-{fp}.json", json.dumps(r, ensure_ascii=False, allow_nan=False))
