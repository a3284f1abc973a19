"""What the commands share: the console for reasons, the exit codes, the severities and
engines, the options every command takes (language, quiet, engine, region, limits) and the
checks made before any work (paths that exist, codes the registry knows, a region a pack
knows, an output folder that holds an audit)."""
from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import List

import typer
from rich.console import Console
from rich.markup import escape

err = Console(stderr=True, soft_wrap=True, emoji=False)      # a reason is one line, never cut mid-sentence
LOCK = ".selfeval.lock"
EXIT_FINDINGS, EXIT_USAGE, EXIT_UNREADABLE = 1, 2, 3


class Level(str, Enum):
    info = "info"
    warning = "warning"
    error = "error"
    never = "never"


class Format(str, Enum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


def _lang_opt():
    return typer.Option(None, "--lang", metavar="zh|en",
                        help="language of reports, messages and the summary: zh (default) or en; "
                             "SELFEVAL_LANG may set it")


def _gettext(lang: str | None):
    """The gettext of the language asked for; an unknown language is a usage error."""
    from .i18n import gettext_for, lang_of
    try:
        return lang_of(lang), gettext_for(lang_of(lang))
    except ValueError as e:
        err.print(f"[red]error:[/] {escape(str(e))}")
        raise typer.Exit(EXIT_USAGE)


def _quiet_opt():
    return typer.Option(False, "-q", "--quiet", help="no progress bar and no summary; unreadable files only")


def _verbose_opt():
    return typer.Option(False, "-v", "--verbose", help="also list every skipped entry and why")


def _existing(paths: List[Path], _=lambda s: s) -> None:
    """A path that does not exist is a usage error (exit 2), before any work."""
    from .files import missing
    absent = missing(paths)
    for p in absent:
        label = _("error:")
        err.print(f"[red]{escape(label)}[/] " + escape(_("no such file or folder: {path}").format(path=p)))
    if absent:
        raise typer.Exit(EXIT_USAGE)


def _known_codes(codes: List[str], _=lambda s: s) -> None:
    """A code the registry does not hold (a typo would silently ignore nothing) is a usage error."""
    from score.codes import registry, unknown
    bad = unknown(codes)
    if bad:
        label = _("error:")
        err.print(f"[red]{escape(label)}[/] " + escape(
            _("no finding code {bad}; the codes are: {codes} (selfeval codes explains them)").format(
                bad=", ".join(bad), codes=", ".join(registry()))))
        raise typer.Exit(EXIT_USAGE)


def _at_least(fd: dict, level: Level) -> bool:
    """The finding's severity is ``level`` or graver (``never``: no finding is)."""
    from .reports import SEVERITY_ORDER
    return level != Level.never and SEVERITY_ORDER[fd["severity"]] <= SEVERITY_ORDER[level.value]


def _reported(results: list[dict], min_severity: Level, ignore: List[str]) -> list[dict]:
    """The results with only the findings asked for (--min-severity, --ignore CODE).  An
    UNREADABLE finding is always kept: a file not read is never dropped without a word."""
    drop = {c.upper() for c in ignore}

    def keep(fd: dict) -> bool:
        return fd["code"] == "UNREADABLE" or (fd["code"] not in drop and _at_least(fd, min_severity))
    return [{**r, "findings": [fd for fd in r["findings"] if keep(fd)]} for r in results]


def _name_unreadable(results: list[dict], _=lambda s: s) -> None:
    for r in results:
        if r.get("error"):
            label = _("file not read")
            err.print(f"[yellow]UNREADABLE[/] {escape(label)} {escape(r['path'])}: {escape(r['error'])}")


def _exit_code(results: list[dict], fail_on: Level = Level.never) -> int:
    """3 when a file was unreadable, else 1 when a finding is at or above ``fail_on``, else 0."""
    if any(r.get("error") for r in results):
        return EXIT_UNREADABLE
    return EXIT_FINDINGS if any(_at_least(fd, fail_on) and not fd.get("waived")
                                for r in results for fd in r["findings"]) else 0


class Engine(str, Enum):
    local = "local"
    dask = "dask"


def _engine_opt():
    return typer.Option(Engine.local, "--engine",
                        help="local: this machine's process pool; dask: a Dask cluster (a LocalCluster of "
                             "--jobs workers unless --scheduler names one), workers writing the Parquet dataset")


def _scheduler_opt():
    return typer.Option(None, "--scheduler", metavar="ADDRESS",
                        help="with --engine dask: a running Dask scheduler (tcp://HOST:8786) instead of a LocalCluster")


def _engine(engine: Engine, scheduler: str | None, dataset) -> dict:
    if engine != Engine.dask:
        if scheduler:
            err.print("[red]refused:[/] --scheduler needs --engine dask")
            raise typer.Exit(EXIT_USAGE)
        return {}
    return {"engine": "dask", "scheduler": scheduler, "dataset": dataset}


def _region_opt():
    return typer.Option(None, "--region", metavar="REGION",
                        help="judge every form under this review pack (its id or a place it names, e.g. 广西); "
                             "default: each form's own notes, units or title")


def _region(region: str | None, _) -> str | None:
    """A region given is one a review pack knows; else the run is refused before any work."""
    if region is None:
        return None
    from score.review import pack_for_region, shipped
    if pack_for_region(region, shipped()) is None:
        label = _("refused:")
        known = ", ".join(p.id for p in shipped())
        err.print(f"[red]{escape(label)}[/] " + escape(_("no review pack for region {region!r} (packs: {known})")
                                                      .format(region=region, known=known)))
        raise typer.Exit(EXIT_USAGE)
    return region


def _audited(out: Path, _) -> None:
    """OUT holds an audit (findings.json and forms.json), or the command is refused, saying so."""
    if not (out / "findings.json").is_file() or not (out / "forms.json").is_file():
        label = _("error:")
        err.print(f"[red]{escape(label)}[/] " + escape(_("{out} holds no audit (run selfeval audit --out {out} first)")
                                                      .format(out=out)))
        raise typer.Exit(EXIT_USAGE)


def _timeout_opt():
    return typer.Option(300.0, "--file-timeout", help="seconds one file may take before it is stopped (UNREADABLE)")


def _memory_opt():
    return typer.Option(4096, "--file-memory", help="MB one file's worker may use before it is stopped (UNREADABLE)")


def _limits(seconds: float, megabytes: int):
    from .workers import FileLimits
    return FileLimits(seconds=seconds, megabytes=megabytes)


def _record_lines(r: dict) -> list:
    """One record per form, or one for a file that could not be read."""
    if r.get("skipped"):
        return []
    if r.get("error"):
        return [{"path": r["path"], "status": "UNREADABLE", "reason": r["error"]}]
    return [{"status": "ok", **f} for f in r["forms"]] or \
        [{"path": r["path"], "status": "NO_FORM", "reason": "no form was found in the file"}]


CSV_COLUMNS = ["path", "form_index", "status", "reason", "year", "project_name", "department", "implementing_unit",
               "declared_total", "indicators", "format"]


def _csv_row(rec: dict) -> dict:
    src = rec.get("source") or {}
    return {"path": rec.get("path") or src.get("path"), "form_index": src.get("form_index"), "status": rec["status"],
            "reason": rec.get("reason"), "year": rec.get("year"), "project_name": rec.get("project_name"),
            "department": rec.get("department"), "implementing_unit": rec.get("implementing_unit"),
            "declared_total": rec.get("declared_total"), "indicators": len(rec.get("indicators") or []) or None,
            "format": src.get("format")}
