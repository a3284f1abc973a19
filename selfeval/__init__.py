"""selfeval: audit 项目支出绩效自评表 stacks. The CLI, batch runner, reports and archive."""
from .pipeline import process_file  # noqa: F401


def load(path, **kw):
    """Forms, budget lines, indicators and findings of PATH as pandas DataFrames: an archive
    (a DuckDB file or its Parquet mirror) is read back as stored; files and folders of forms
    are read and audited."""
    from .api import is_archive
    if is_archive(path):
        return load_archive(path)
    from .api import load as _load
    return _load(path, **kw)


def load_archive(path):
    """An archive written by ``selfeval archive`` (the DuckDB file, or the --parquet folder)
    as pandas DataFrames forms, budget_lines, indicators, findings, typed as stored."""
    from .archive import load_archive as _load_archive
    return _load_archive(path)
