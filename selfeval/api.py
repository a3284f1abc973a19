"""For analysts in notebooks: ``selfeval.load(PATH)`` → dict of pandas DataFrames."""
from __future__ import annotations


def load(path, jobs: int | None = 1, password: str | None = None, rules=()):
    """Read and audit PATH (a file, a folder, or a list of them); returns DataFrames
    ``forms``, ``budget_lines``, ``indicators`` and ``findings``."""
    from .archive import frames
    from .batch import run_batch
    from .files import missing
    paths = path if isinstance(path, (list, tuple)) else [path]
    for p in missing(paths):            # a mistyped path is the caller's error, not a row of the result
        raise FileNotFoundError(2, "no such file or folder", str(p))
    return frames(run_batch(paths, jobs=jobs, password=password, rule_dirs=[str(r) for r in rules]))


def is_archive(path) -> bool:
    """A DuckDB file (by its magic bytes) or a Parquet mirror (a forms/ folder of .parquet)."""
    from pathlib import Path
    if isinstance(path, (list, tuple)):
        return False
    p = Path(path)
    if p.is_file():
        with open(p, "rb") as f:
            head = f.read(16)
        return head[8:12] == b"DUCK"
    return p.is_dir() and (p / "forms").is_dir() and any((p / "forms").rglob("*.parquet"))
