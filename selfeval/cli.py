"""selfeval command line: extract, audit, archive."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(add_completion=False, help="Audit 项目支出绩效自评表 (project-expenditure performance self-evaluation forms).")
err = Console(stderr=True, soft_wrap=True)      # a reason is one line, never cut mid-sentence
LOCK = ".selfeval.lock"


def _timeout_opt():
    return typer.Option(300.0, "--file-timeout", help="seconds one file may take before it is stopped (UNREADABLE)")


def _memory_opt():
    return typer.Option(4096, "--file-memory", help="MB one file's worker may use before it is stopped (UNREADABLE)")


def _limits(seconds: float, megabytes: int):
    from .workers import FileLimits
    return FileLimits(seconds=seconds, megabytes=megabytes)


@app.command()
def extract(paths: List[Path] = typer.Argument(..., help="files or folders"),
            json_out: bool = typer.Option(False, "--json", help="print the forms as one JSON array"),
            rules: List[Path] = typer.Option([], "--rules", help="extra folder of rule-set TOML files"),
            password: Optional[str] = typer.Option(None, "--password", help="password of encrypted PDFs"),
            file_timeout: float = _timeout_opt(), file_memory: int = _memory_opt()):
    """Read the forms and print them on the contract's schema."""
    from .batch import run_batch
    results = run_batch(paths, jobs=1, rule_dirs=[str(r) for r in rules], password=password,
                        limits=_limits(file_timeout, file_memory))
    forms = [f for r in results for f in r["forms"]]
    for r in results:
        if r.get("error"):
            err.print(f"[yellow]UNREADABLE[/] {r['path']}: {r['error']}")
        elif r.get("skipped"):
            err.print(f"[dim]skipped[/] {r['path']}: {r['skipped']}")
    if json_out:
        sys.stdout.write(json.dumps(forms, ensure_ascii=False, indent=1) + "\n")
    else:
        t = Table("file", "#", "year", "project", "total", "indicators")
        for f in forms:
            t.add_row(Path(f["source"]["path"]).name, str(f["source"]["form_index"]), str(f["year"]),
                      f["project_name"] or "—", str(f["declared_total"]), str(len(f["indicators"])))
        Console().print(t)


@app.command()
def audit(paths: List[Path] = typer.Argument(..., help="files or folders (walked)"),
          out: Path = typer.Option(Path("reports"), "--out", help="folder for the reports"),
          jobs: int = typer.Option(0, "--jobs", help="worker processes (0 = all cores)"),
          no_cache: bool = typer.Option(False, "--no-cache", help="ignore cached results"),
          rules: List[Path] = typer.Option([], "--rules", help="extra folder of rule-set TOML files"),
          password: Optional[str] = typer.Option(None, "--password", help="password of encrypted PDFs"),
          html: bool = typer.Option(True, "--html/--no-html", help="write report.html with evidence crops"),
          xlsx: bool = typer.Option(True, "--xlsx/--no-xlsx", help="write report.xlsx"),
          file_timeout: float = _timeout_opt(), file_memory: int = _memory_opt()):
    """Recompute every declared figure and write findings.json, findings.csv and reports."""
    from .files import Busy, exclusive
    try:
        with exclusive(out / LOCK):
            _audit(paths, out, jobs, no_cache, rules, password, html, xlsx, _limits(file_timeout, file_memory))
    except Busy as e:
        err.print(f"[red]refused:[/] {e}")
        raise typer.Exit(2)


def _audit(paths, out, jobs, no_cache, rules, password, html, xlsx, limits) -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from .batch import entries, run_batch
    from .reports import write_core
    files = entries(paths)
    counts = {"forms": 0, "findings": 0, "unreadable": 0}
    with Progress(TextColumn("[bold]auditing"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("forms {task.fields[forms]} · findings {task.fields[findings]} · "
                             "unreadable {task.fields[unreadable]}"),
                  TimeElapsedColumn(), console=err, transient=False) as prog:
        task = prog.add_task("audit", total=len(files), **counts)

        def tick(r: dict) -> None:
            counts["forms"] += len(r["forms"])
            counts["findings"] += len(r["findings"])
            counts["unreadable"] += 1 if r.get("error") else 0
            prog.update(task, advance=1, **counts)

        results = run_batch(paths, jobs=jobs or None, cache_dir=None if no_cache else out / "cache",
                            rule_dirs=[str(r) for r in rules], password=password, progress=tick, limits=limits)
    s = write_core(results, out)
    if xlsx:
        from .workbook import write_workbook
        write_workbook(results, out / "report.xlsx")
    if html:
        from .html import write_html
        write_html(results, out / "report.html")
    print_summary(s, out)


@app.command()
def archive(paths: List[Path] = typer.Argument(..., help="files or folders (walked)"),
            db: Path = typer.Option(Path("selfeval.duckdb"), "--db", help="DuckDB database file"),
            parquet: Optional[Path] = typer.Option(None, "--parquet", help="also write the tables as Parquet here"),
            jobs: int = typer.Option(0, "--jobs", help="worker processes (0 = all cores)"),
            rules: List[Path] = typer.Option([], "--rules", help="extra folder of rule-set TOML files"),
            password: Optional[str] = typer.Option(None, "--password", help="password of encrypted PDFs"),
            file_timeout: float = _timeout_opt(), file_memory: int = _memory_opt()):
    """Load forms, budget lines, indicators and findings into DuckDB (and Parquet)."""
    from .archive import write_duckdb, write_parquet
    from .batch import run_batch
    from .files import Busy, exclusive
    try:
        with exclusive(db.with_name(f".{db.name}.lock")):
            results = run_batch(paths, jobs=jobs or None, rule_dirs=[str(r) for r in rules], password=password,
                                limits=_limits(file_timeout, file_memory))
            counts = write_duckdb(results, db)
            if parquet is not None:
                write_parquet(results, parquet)
    except Busy as e:
        err.print(f"[red]refused:[/] {e}")
        raise typer.Exit(2)
    unread = sum(1 for r in results if r.get("error"))
    Console().print(f"{len(results)} files ({unread} unreadable) → {db}: " +
                    ", ".join(f"{k} {v}" for k, v in counts.items()) +
                    (f"; Parquet in {parquet}/" if parquet else ""))


def print_summary(s: dict, out: Path) -> None:
    c = Console()
    t = Table(title="selfeval audit", show_header=False)
    t.add_row("files in / reported", f"{s['files_in']} / {s['files_reported']}")
    t.add_row("forms", str(s["forms"]))
    t.add_row("unreadable files", str(s["files_unreadable"]))
    t.add_row("taken from cache", str(s["files_from_cache"]))
    t.add_row("entries skipped", str(s["files_skipped"]))
    t.add_row("findings", f"{s['findings']} ({s['errors']} error, {s['warnings']} warning, {s['info']} info)")
    for code, n in s["by_code"].items():
        t.add_row(f"  {code}", str(n))
    c.print(t)
    c.print(f"reports written to {out}/ (findings.json, findings.csv, forms.json"
            f"{', report.xlsx' if (out / 'report.xlsx').exists() else ''}"
            f"{', report.html' if (out / 'report.html').exists() else ''})")


if __name__ == "__main__":
    app()
