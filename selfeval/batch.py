"""Many files: walk the paths, process in worker processes, cache results by sha256."""
from __future__ import annotations

import hashlib
import json
import os
import re
from concurrent.futures import ProcessPoolExecutor, as_completed
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable

from extract.grid import sha256_of

from .files import write_text
from .pipeline import FileResult, process_file, unreadable
from .safe import clean, text

PIPELINE_VERSION = "1"
OWN_FILES = re.compile(r"\.(selfeval|.+\.duckdb)\.lock|\..+\.\d+\.tmp")   # our locks and half-written files


def walk(paths: Iterable[str | Path]) -> list[Path]:
    """Every file under the given paths, in a stable order; a missing path is kept so that
    it is reported, not dropped."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(q for q in p.rglob("*") if q.is_file() and not OWN_FILES.fullmatch(q.name)))
        else:
            out.append(p)
    return out


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
    path, rule_dirs, password = args
    return process_file(path, _rulesets(tuple(rule_dirs)), password).to_dict()


def _preload() -> None:
    """Import the readers once in the parent: forked workers start with them loaded."""
    import docx  # noqa: F401
    import openpyxl  # noqa: F401
    import pdfplumber  # noqa: F401
    import xlrd  # noqa: F401


def run_batch(paths: Iterable[str | Path], jobs: int | None = None, cache_dir: Path | None = None,
              rule_dirs: list[str] = (), password: str | None = None,
              progress: Callable[[dict], None] | None = None) -> list[dict]:
    files = walk(paths)
    jobs = jobs or os.cpu_count() or 1
    fp = _code_fingerprint(list(rule_dirs)) + ("-pw" if password else "")
    results: dict[int, dict] = {}
    todo: list[int] = []
    for i, f in enumerate(files):
        if not f.exists():
            results[i] = FileResult(str(f), None, error="no such file",
                                    findings=[unreadable(str(f), None, "no such file")]).to_dict()
            continue
        if cache_dir is not None:
            try:
                sha = sha256_of(f)
            except OSError:
                sha = None
            r = _load(cache_dir / f"{sha}-{fp}.json") if sha else None
            if r is not None:
                r = _repath(r, text(str(f)))
                r["cached"] = True
                results[i] = r
                continue
        todo.append(i)
    for i in results:
        if progress:
            progress(results[i])
    args = [(str(files[i]), list(rule_dirs), password) for i in todo]
    if jobs <= 1 or len(todo) <= 1:
        for i, a in zip(todo, args):
            results[i] = _work(a)
            _store(cache_dir, fp, results[i])
            if progress:
                progress(results[i])
    else:
        _preload()
        order = sorted(zip(todo, args), key=lambda ia: -_size(files[ia[0]]))   # longest first
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futs = {pool.submit(_work, a): i for i, a in order}
            for fut in as_completed(futs):
                i = futs[fut]
                try:
                    results[i] = fut.result()
                except Exception as e:  # a worker that died (memory, signal): the file is still reported
                    p = str(files[i])
                    results[i] = FileResult(p, None, error=f"worker failed: {e}",
                                            findings=[unreadable(p, None, f"worker failed: {e}")]).to_dict()
                _store(cache_dir, fp, results[i])
                if progress:
                    progress(results[i])
    return [results[i] for i in range(len(files))]


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
    missing converter, running out of memory or a dying worker are tried again next run."""
    if cache_dir is None or not r.get("sha256") or r.get("transient") or \
            (r.get("error") or "").startswith("worker failed"):
        return
    write_text(cache_dir / f"{r['sha256']}-{fp}.json", json.dumps(r, ensure_ascii=False, allow_nan=False))
