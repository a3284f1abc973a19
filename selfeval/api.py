"""For analysts in notebooks: ``selfeval.load(PATH)`` → dict of pandas DataFrames."""
from __future__ import annotations


def load(path, jobs: int | None = 1, password: str | None = None, rules=()):
    """Read and audit PATH (a file, a folder, or a list of them); returns DataFrames
    ``forms``, ``budget_lines``, ``indicators`` and ``findings``."""
    from .archive import frames
    from .batch import run_batch
    paths = path if isinstance(path, (list, tuple)) else [path]
    return frames(run_batch(paths, jobs=jobs, password=password, rule_dirs=[str(r) for r in rules]))
