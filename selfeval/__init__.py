"""selfeval: audit 项目支出绩效自评表 stacks. The CLI, batch runner, reports and archive."""
from .pipeline import process_file  # noqa: F401


def load(path, **kw):
    """Forms, budget lines, indicators and findings of PATH (file or folder) as pandas DataFrames."""
    from .api import load as _load
    return _load(path, **kw)
