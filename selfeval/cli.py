"""selfeval command line: extract, audit, archive.

Exit codes (README): 0 clean; 1 findings at or above --fail-on (error by default); 2 usage,
a path that does not exist, or a run refused; 3 files were unreadable (said before 1: the
audit is incomplete)."""
from __future__ import annotations

import csv
import json
import os
import sys
import time
from collections import Counter
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .cli_options import (CSV_COLUMNS, EXIT_FINDINGS, EXIT_UNREADABLE, EXIT_USAGE, LOCK, Engine, Format,  # noqa: F401
                          Level, _at_least, _audited, _csv_row, _engine, _engine_opt, _existing, _exit_code,
                          _gettext, _known_codes, _lang_opt, _limits, _memory_opt, _name_unreadable, _quiet_opt,
                          _record_lines, _region, _region_opt, _reported, _scheduler_opt, _timeout_opt,
                          _verbose_opt, err)

# plain help (rich_markup_mode=None): the rich layout prints '<bool>' beside every flag, as if it took a value
app = typer.Typer(help="Audit 项目支出绩效自评表 (project-expenditure performance self-evaluation forms).",
                  context_settings={"help_option_names": ["-h", "--help"]}, rich_markup_mode=None)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version
        typer.echo(f"selfeval {version('selfeval')}")
        raise typer.Exit()


@app.callback()
def main(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="print the version")):
    """Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or no such path, 3 unreadable files."""


@app.command()
def extract(paths: List[Path] = typer.Argument(..., help="files or folders", metavar="PATH"),
            fmt: Format = typer.Option(Format.table, "--format", "-f",
                                       help="table (terminal), json (one array), jsonl (one record per form or "
                                            "unreadable file, written as each file finishes) or csv"),
            output: Optional[Path] = typer.Option(None, "-o", "--output", help="write here instead of stdout"),
            json_out: bool = typer.Option(False, "--json", hidden=True, help="same as --format json"),
            jobs: int = typer.Option(1, "--jobs", "-j", help="worker processes (0 = all cores)"),
            rules: List[Path] = typer.Option([], "--rules", help="extra folder of rule-set TOML files (repeatable)", metavar="DIR"),
            password: Optional[str] = typer.Option(None, "--password", help="password of encrypted PDFs"),
            file_timeout: float = _timeout_opt(), file_memory: int = _memory_opt(), quiet: bool = _quiet_opt(),
            lang: Optional[str] = _lang_opt()):
    """Read the forms and print them on the contract's schema (unreadable files as records)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from .batch import entries, run_batch
    from .i18n import localized
    lang, _ = _gettext(lang)
    _existing(paths, _)
    fmt = Format.json if json_out else fmt
    sink = open(output, "w", encoding="utf-8", newline="") if output else sys.stdout
    writer = csv.DictWriter(sink, fieldnames=CSV_COLUMNS) if fmt == Format.csv else None
    if writer:
        sink.write("\ufeff")       # a byte-order mark, as findings.csv has: Excel reads the Chinese as UTF-8
        writer.writeheader()
    try:
        found = entries(paths)
        with Progress(TextColumn("[bold]reading"), BarColumn(), MofNCompleteColumn(), console=err,
                      disable=quiet or not err.is_terminal, transient=True) as prog:
            task = prog.add_task("extract", total=sum(1 for _, why in found if why is None))

            def emit(r: dict) -> None:
                prog.update(task, advance=0 if r.get("skipped") else 1)
                for rec in _record_lines(localized([r], lang)[0]):
                    if fmt == Format.jsonl:
                        sink.write(json.dumps(rec, ensure_ascii=False) + "\n")
                    elif writer:
                        writer.writerow(_csv_row(rec))
                sink.flush()

            results = run_batch(paths, jobs=jobs or None, rule_dirs=[str(r) for r in rules], password=password,
                                limits=_limits(file_timeout, file_memory), progress=emit, found=found)
        results = localized(results, lang)
        records = [rec for r in results for rec in _record_lines(r)]
        if fmt == Format.json:
            sink.write(json.dumps(records, ensure_ascii=False, indent=1) + "\n")
        elif fmt == Format.table:
            t = Table(_("file"), "#", _("year"), _("project"), _("total"), _("indicators"))
            for rec in records:
                if rec["status"] != "ok":
                    t.add_row(escape(Path(rec["path"]).name), "—", "—", f"[yellow]{rec['status']}[/]: {escape(rec['reason'])}", "—", "—")
                    continue
                t.add_row(escape(Path(rec["source"]["path"]).name), str(rec["source"]["form_index"]), str(rec["year"]),
                          escape(rec["project_name"] or "—"), str(rec["declared_total"]), str(len(rec["indicators"])))
            Console(file=sink).print(t)
    finally:
        if output:
            sink.close()
    _name_unreadable(results, _)
    for r in results:
        if r.get("skipped"):
            label = _("skipped")
            err.print(f"[dim]{escape(label)}[/] {escape(r['path'])}: {escape(r['skipped'])}")
    raise typer.Exit(_exit_code(results))


@app.command()
def audit(paths: List[Path] = typer.Argument(..., help="files or folders (walked)", metavar="PATH"),
          out: Path = typer.Option(Path("reports"), "--out", "-o", help="folder for the reports"),
          jobs: int = typer.Option(0, "--jobs", "-j", help="worker processes (0 = all cores)"),
          no_cache: bool = typer.Option(False, "--no-cache", help="ignore cached results"),
          rules: List[Path] = typer.Option([], "--rules", help="extra folder of rule-set TOML files (repeatable)", metavar="DIR"),
          password: Optional[str] = typer.Option(None, "--password", help="password of encrypted PDFs"),
          html: bool = typer.Option(True, "--html/--no-html", help="write report.html with evidence crops"),
          pdf: bool = typer.Option(True, "--pdf/--no-pdf", help="write report.pdf, to print and file"),
          xlsx: bool = typer.Option(True, "--xlsx/--no-xlsx", help="write report.xlsx"),
          pictures: Level = typer.Option(Level.warning, "--pictures",
                                         help="save evidence pictures for findings from this severity up "
                                              "(info: every finding; never: none)"),
          fail_on: Level = typer.Option(Level.error, "--fail-on",
                                        help="exit 1 when a finding at or above this severity is reported"),
          min_severity: Level = typer.Option(Level.info, "--min-severity", help="report findings from this severity up"),
          ignore: List[str] = typer.Option([], "--ignore", help="a finding code not to report (repeatable)", metavar="CODE"),
          file_timeout: float = _timeout_opt(), file_memory: int = _memory_opt(),
          engine: Engine = _engine_opt(), scheduler: Optional[str] = _scheduler_opt(),
          region: Optional[str] = _region_opt(),
          quiet: bool = _quiet_opt(), verbose: bool = _verbose_opt(), lang: Optional[str] = _lang_opt()):
    """Recompute every declared figure and write findings.json, findings.csv and reports."""
    from .files import Busy, exclusive
    lang, _ = _gettext(lang)
    _known_codes(ignore, _)
    region = _region(region, _)
    _existing(paths, _)
    try:
        with exclusive(out / LOCK):
            results = _audit(paths, out, jobs, no_cache, rules, password, {"html": html, "xlsx": xlsx, "pdf": pdf},
                             _limits(file_timeout, file_memory),
                             {"quiet": quiet, "verbose": verbose, "pictures": pictures, "lang": lang,
                              "engine": {**_engine(engine, scheduler, out / "dataset"), "region": region}},
                             (min_severity, ignore))
    except Busy as e:
        label = _("refused:")
        err.print(f"[red]{escape(label)}[/] {escape(str(e))}")
        raise typer.Exit(EXIT_USAGE)
    raise typer.Exit(_exit_code(results, fail_on))


def _batch(paths, files, label: str, cache_dir, jobs, rules, password, limits, quiet: bool,
           engine: dict | None = None, _=lambda s: s) -> list[dict]:
    """run_batch over the walked files with a progress bar on stderr (forms, findings and
    unreadable files counted as they come)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from .batch import run_batch
    counts = {"forms": 0, "findings": 0, "unreadable": 0}
    with Progress(TextColumn(f"[bold]{label}"), BarColumn(), MofNCompleteColumn(),
                  TextColumn(_("forms {forms} · findings {findings} · unreadable {unreadable}").format(
                      forms="{task.fields[forms]}", findings="{task.fields[findings]}",
                      unreadable="{task.fields[unreadable]}")),
                  TimeElapsedColumn(), console=err, transient=False, disable=quiet) as prog:
        task = prog.add_task(label, total=len(files), **counts)

        def tick(r: dict) -> None:
            counts["forms"] += len(r["forms"])
            counts["findings"] += len(r["findings"])
            counts["unreadable"] += 1 if r.get("error") else 0
            prog.update(task, advance=1, **counts)

        return run_batch(paths, jobs=jobs or None, cache_dir=cache_dir, rule_dirs=[str(r) for r in rules],
                         password=password, progress=tick, limits=limits, found=files, **(engine or {}))


def _audit(paths, out, jobs, no_cache, rules, password, kinds: dict, limits, opts, selection) -> list[dict]:
    from .batch import entries
    from .i18n import gettext_for
    from .ledger import read as read_ledger
    lang = opts.get("lang", "zh")
    _ = gettext_for(lang)
    ledger_read = read_ledger(out)                 # once, at the start: what the desk adds later waits
    stages: dict[str, float] = {}
    with _picture_store(out, no_cache) as store:
        spec = _picture_spec(kinds, opts.get("pictures", Level.warning), lang, store, out)
        with _stage(stages, "batch"):
            results = _batch(paths, entries(paths, exclude=[out]), _("auditing"), None if no_cache else out / "cache",
                             jobs, rules, password, limits, opts.get("quiet", False),
                             {**(opts.get("engine") or {}), "pictures": spec}, _)
        results = _reports(results, out, rules, password, kinds, opts, selection, ledger_read, spec,
                           jobs or os.cpu_count() or 1, limits, stages)
    from .files import write_text
    write_text(out / "timings.json", json.dumps({"seconds": stages, "files": len(results),
                                                 "forms": sum(len(r["forms"]) for r in results)}, indent=1))
    return results


@contextmanager
def _stage(stages: dict, name: str):
    """The seconds a stage of the audit took, added to ``stages`` (OUT/timings.json)."""
    t = time.perf_counter()
    try:
        yield
    finally:
        stages[name] = round(stages.get(name, 0.0) + time.perf_counter() - t, 3)


def _reports(results, out, rules, password, kinds, opts, selection, ledger_read, spec, jobs, limits,
             stages: dict) -> list[dict]:
    """After the batch: the review ledger applied, then every report, each picture drawn
    where the batch's workers did not and assembled from the picture store."""
    from .i18n import gettext_for, localized
    from .reports import write_core
    lang = opts.get("lang", "zh")
    _ = gettext_for(lang)
    with _stage(stages, "review"):
        results, review = _review(results, out, rules, password, ledger_read, lang,
                                  (opts.get("engine") or {}).get("region"))
    with _stage(stages, "findings"):
        results = localized(_reported(results, *selection), lang)
        s = write_core(results, out, len(ledger_read[0]), (opts.get("engine") or {}).get("region"))
    from .risk import rank_results, write_risk_csv
    with _stage(stages, "risk"):
        _report(lambda res, target, pics, lang: write_risk_csv(rank_results(res), target, lang),
                results, out / "risk.csv", {}, lang)
    if (out / "review.jsonl").exists():
        from .review_book import write_review_book
        _report(lambda res, target, pics, lang: write_review_book(out, target, lang), results,
                out / "review.xlsx", {}, lang)
    pics = {}
    if spec is not None:
        from .pictures import assemble, draw_missing
        with _stage(stages, "pictures"):
            try:
                draw_missing(results, spec, jobs, limits)
            except Exception as e:      # a fault of the pictures' pass costs the pictures it had left, said
                err.print("[red]" + escape(_("some pictures not drawn")) + "[/] "
                          + escape(_("(a fault of selfeval, please report it)")) + f": {escape(type(e).__name__)}: {escape(str(e))}")
            pics = assemble(results, out, spec)
    if kinds.get("xlsx"):
        from .workbook import write_workbook
        with _stage(stages, "xlsx"):
            _report(write_workbook, results, out / "report.xlsx", pics, lang)
    if kinds.get("html"):
        from .html import write_html
        with _stage(stages, "html"):
            _report(partial(write_html, review=review), results, out / "report.html", pics, lang)
    if kinds.get("pdf"):
        from .pdfreport import write_pdf
        with _stage(stages, "pdf"):
            _report(partial(write_pdf, review=review), results, out / "report.pdf", pics, lang)
    if not opts.get("quiet"):
        print_summary(s, out, opts.get("verbose", False), lang)
    else:
        _name_unreadable(results, _)
    return results


@contextmanager
def _picture_store(out: Path, no_cache: bool):
    """Where pictures are kept: beside the results cache, or for this run alone (--no-cache)."""
    if not no_cache:
        yield out / "cache" / "pictures"
        return
    import tempfile
    with tempfile.TemporaryDirectory(prefix=".pictures-", dir=out if out.is_dir() else None) as tmp:
        yield Path(tmp)


def _picture_spec(kinds: dict, level, lang: str, store: Path, out: Path):
    """The pictures a run draws (findings from ``level`` up, for reports that show them), or None."""
    from .pictures import PictureSpec
    from .reports import SEVERITY_ORDER
    severities = tuple(k for k in SEVERITY_ORDER if _at_least({"severity": k}, level))
    if not any(kinds.values()) or not severities:
        return None
    return PictureSpec(severities, lang, str(store), str(out / "renders"))


def _review(results: list[dict], out: Path, rules, password, read: tuple, lang: str = "zh", region: str | None = None):
    """The review ledger of ``out`` (review.jsonl) applied: corrections read again and checked,
    waives, reviewers' scores; what no longer applies is said, never applied in silence."""
    from .batch import _rulesets
    from .i18n import gettext_for, render
    from .pipeline import process_file
    from .reviewed import apply
    _ = gettext_for(lang)
    label = "[yellow]" + escape(_("review")) + "[/]"

    def reread(path: str, fixes: dict) -> dict:
        return process_file(path, _rulesets(tuple(str(r) for r in rules)), password, fixes, region).to_dict()
    results, plan = apply(results, out, reread, read)
    for d, why in plan.stale:
        err.print(f"{label} {escape(_(ledger_done(d['action'])))} {escape(str(d.get('field') or d.get('code') or ''))} "
                  f"({escape(d['sha256'][:12])} #{d['form_index'] + 1}): {escape(render(why, lang))}")
    for earlier, later in plan.conflicts:
        err.print(f"{label} " + escape(_("{field}: {a} ({who_a}) and {b} ({who_b}) disagree; the later applies").format(
            field=later["field"], a=earlier["value"], who_a=earlier.get("reviewer"), b=later["value"],
            who_b=later.get("reviewer"))))
    for line in plan.unreadable:
        err.print(f"{label} review.jsonl {escape(line)}")
    return results, plan


def ledger_done(action: str) -> str:
    from .ledger import DONE
    return DONE[action].text if action in DONE else action


def _report(writer, results: list[dict], target: Path, pics: dict, lang: str = "zh") -> None:
    """One report written, or, where its writer fails, no report of that name at all: an
    earlier run's report is never left beside this run's findings as if it were theirs."""
    from .i18n import gettext_for, render
    from .pdfreport import Unavailable
    _ = gettext_for(lang)
    try:
        writer(results, target, pics, lang=lang)
    except Unavailable as e:        # this machine lacks what the report needs: said, not a fault
        target.unlink(missing_ok=True)
        err.print("[yellow]" + escape(_("{name} not written").format(name=target.name)) + "[/]: "
                  + escape(render(e.args[0], lang)))
    except Exception as e:          # a writer's fault must not cost the other reports
        target.unlink(missing_ok=True)
        err.print("[red]" + escape(_("{name} not written").format(name=target.name)) + "[/] "
                  + escape(_("(a fault of selfeval, please report it)")) + f": "
                  f"{escape(type(e).__name__)}: {escape(str(e))}")


@app.command()
def codes(lang: Optional[str] = _lang_opt()):
    """List the finding codes: their names, what each checks, what to do, and the usual severity."""
    from score.codes import registry
    lang, _ = _gettext(lang)
    # one block a code (a table's columns would cut its sentences in a terminal's width)
    c_out = Console(emoji=False)
    checks, todo = _("what it checks"), _("what to do")
    for c in registry().values():
        c_out.print(f"[bold]{c.code}[/]  {escape(c.name(lang))}  [dim]({escape(_(c.severity))})[/]")
        c_out.print(f"    {escape(checks)}: {escape(c.checks(lang))}", soft_wrap=True)
        c_out.print(f"    {escape(todo)}: {escape(c.todo(lang))}", soft_wrap=True)


@app.command()
def archive(paths: List[Path] = typer.Argument(..., help="files or folders (walked)", metavar="PATH"),
            db: Path = typer.Option(Path("selfeval.duckdb"), "--db", help="DuckDB database file"),
            parquet: Optional[Path] = typer.Option(None, "--parquet",
                                                   help="mirror the whole archive here as Parquet, by year"),
            cache: Optional[Path] = typer.Option(None, "--cache", metavar="DIR",
                                                 help="results cache (an audit's OUT/cache is reused; default: "
                                                      "DB.cache beside the database)"),
            jobs: int = typer.Option(0, "--jobs", "-j", help="worker processes (0 = all cores)"),
            rules: List[Path] = typer.Option([], "--rules", help="extra folder of rule-set TOML files (repeatable)", metavar="DIR"),
            password: Optional[str] = typer.Option(None, "--password", help="password of encrypted PDFs"),
            region: Optional[str] = _region_opt(),
            review: Optional[Path] = typer.Option(None, "--review", metavar="OUT",
                                                  help="an audit's folder whose review.jsonl applies: corrected values, "
                                                       "waived findings (flagged) and reviewers' scores are archived"),
            file_timeout: float = _timeout_opt(), file_memory: int = _memory_opt(),
            engine: Engine = _engine_opt(), scheduler: Optional[str] = _scheduler_opt(),
            quiet: bool = _quiet_opt(), lang: Optional[str] = _lang_opt()):
    """Load forms, budget lines, indicators and findings into DuckDB (and a Parquet mirror;
    with --engine dask the workers write the Parquet dataset themselves, file by file)."""
    from .ledger import read as read_ledger
    from .archive import write_duckdb, write_parquet
    from .batch import entries
    from .files import Busy, exclusive
    lang, _ = _gettext(lang)
    _existing(paths, _)
    region = _region(region, _)
    cache = cache or db.with_name(db.name + ".cache")
    try:
        with exclusive(db.with_name(f".{db.name}.lock")):
            files = entries(paths, exclude=[p for p in (parquet, cache, db, db.with_name(db.name + ".wal")) if p is not None])
            dataset = (parquet or db.with_name(db.stem + ".dataset")) if engine == Engine.dask else None
            ledger_read = read_ledger(review) if review is not None else None
            results = _batch(paths, files, _("archiving"), cache, jobs, rules, password,
                             _limits(file_timeout, file_memory), quiet,
                             {**_engine(engine, scheduler, dataset), "region": region}, _)
            if review is not None:
                results, _plan = _review(results, review, rules, password, ledger_read, lang, region)
            counts = write_duckdb(results, db)
            from .archive import write_risk
            write_risk(db, results, lang)
            if parquet is not None and engine != Engine.dask:
                write_parquet(db, parquet)
    except Busy as e:
        label = _("refused:")
        err.print(f"[red]{escape(label)}[/] {escape(str(e))}")
        raise typer.Exit(EXIT_USAGE)
    unread = sum(1 for r in results if r.get("error"))
    c = Console(emoji=False)
    c.print(escape(_("{files} files ({unread} unreadable, {cached} from cache) → {db}").format(
        files=len(results), unread=unread, cached=sum(1 for r in results if r.get('cached')), db=db)))
    for name, n in counts.items():
        c.print("  " + escape(_("{table}: {added} rows added, {replaced} replaced, {unchanged} unchanged; "
                                "{rows} in all").format(table=name, **n)))
    f = counts["forms"]
    if f["duplicates"] or f["missing_year"]:
        c.print("  " + escape(_("flagged: {duplicates} forms filed twice (forms.duplicate_of), "
                                "{missing} without a year read (forms.missing)").format(
            duplicates=f['duplicates'], missing=f['missing_year'])))
    if engine == Engine.dask:
        c.print("  " + escape(_("Parquet dataset written by the Dask workers in {path}/ (by year)").format(path=dataset)))
    elif parquet is not None:
        c.print("  " + escape(_("Parquet mirror of the whole archive in {path}/ (by year)").format(path=parquet)))
    _name_unreadable(results, _)
    raise typer.Exit(_exit_code(results))


def print_summary(s: dict, out: Path, verbose: bool = False, lang: str = "en") -> None:
    from score.codes import registry

    from .i18n import gettext_for
    _ = gettext_for(lang)
    c = Console(emoji=False)
    t = Table(title=_("selfeval audit"), show_header=False)
    t.add_row(_("files in / reported"), f"{s['files_in']} / {s['files_reported']}")
    t.add_row(_("forms"), str(s["forms"]))
    t.add_row(_("unreadable files"), str(s["files_unreadable"]))
    t.add_row(_("taken from cache"), str(s["files_from_cache"]))
    t.add_row(_("entries skipped"), str(s["files_skipped"]))
    for why, n in Counter(x["reason"] for x in s["skipped"]).most_common():
        t.add_row(f"  {escape(why)}", str(n))
    t.add_row(_("findings"), _("{n} ({errors} error, {warnings} warning, {info} info)").format(
        n=s['findings'], errors=s['errors'], warnings=s['warnings'], info=s['info']))
    for code, n in s["by_code"].items():
        name = registry()[code].name(lang) if code in registry() else ""
        t.add_row(f"  {escape(code)} {escape(name)}", str(n))
    c.print(t)
    for u in s["unreadable"]:
        c.print(f"[yellow]UNREADABLE[/] {escape(u['path'])}: {escape(u['reason'])}", soft_wrap=True)
    if verbose:
        for x in s["skipped"]:
            label = _("skipped")
            c.print(f"[dim]{escape(label)}[/] {escape(x['path'])}: {escape(x['reason'])}", soft_wrap=True)
    written = ["findings.json", "findings.csv", "forms.json",
               *(n for n in ("risk.csv", "report.xlsx", "report.html", "report.pdf", "review.xlsx") if (out / n).exists())]
    c.print(escape(_("reports written to {out}/ ({files})").format(out=out, files=", ".join(written))))


# the commands on an audit's output folder (the review desk, the sample), kept in their module
from .cli_desk import review, sample  # noqa: E402

app.command()(review)
app.command()(sample)


if __name__ == "__main__":
    app()
