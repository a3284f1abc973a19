"""The queryable archive: DuckDB tables forms, budget_lines, indicators, findings keyed by
(sha256, form_index); re-running over the same files replaces, never duplicates.  The
same tables can be written as a Parquet dataset."""
from __future__ import annotations

from pathlib import Path

from .tables import TABLES, columns, rows


def once(results: list[dict]) -> list[dict]:
    """The same bytes under two names are one document: the archive keeps the first name."""
    seen, out = set(), []
    for r in results:
        if r.get("sha256") and r["sha256"] in seen:
            continue
        seen.add(r.get("sha256"))
        out.append(r)
    return out


def frames(results: list[dict]):
    import pandas as pd
    data = rows(once(results))
    out = {}
    for name in TABLES:
        df = pd.DataFrame(data[name])
        if df.empty:            # no rows: still every column, so that a first archive of
            df = pd.DataFrame(columns=columns()[name])      # unreadable files has its tables whole
        out[name] = df
    return out


INTEGER = {"form_index", "line_index", "indicator_index", "finding_index", "year", "indicators", "errors",
           "warnings", "infos", "page"}
BOOLEAN = {"ocr", "weight_inferred", "waived"}
DOUBLE = {"declared_total", "total_of_parts", "total_by_rules", "goal_weight", "goal_score", "initial", "adjusted",
          "executed", "rate_declared", "rate_recomputed", "weight", "score_declared", "score_recomputed",
          "declared", "expected", "min_confidence", "review_score"}


def sql_type(col: str) -> str:
    return "BIGINT" if col in INTEGER else "BOOLEAN" if col in BOOLEAN else "DOUBLE" if col in DOUBLE else "VARCHAR"


def write_duckdb(results: list[dict], db: Path) -> dict[str, dict[str, int]]:
    """Load results into DB.  A file already archived (same sha256) is left as it is when its
    result came from the cache unchanged, else its rows are replaced, never duplicated.
    Returns, per table, the rows added, replaced and left unchanged, and the total held."""
    import duckdb
    results = once(results)
    con = duckdb.connect(str(db))
    try:
        con.execute("BEGIN")
        exists = lambda name: con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?",
                                          [name]).fetchall()[0][0]
        held = set()
        if exists("forms"):
            held = {r[0] for r in con.execute("SELECT DISTINCT sha256 FROM forms").fetchall()}
            held |= {r[0] for r in con.execute("SELECT DISTINCT sha256 FROM findings").fetchall()} if exists("findings") else set()
        # a cached result is what was archived, unless a review changed it since (waives, corrections)
        unchanged = {r["sha256"] for r in results if r.get("sha256") in held and r.get("cached") and not r.get("reviewed")}
        # a result read again (not cached: an encrypted PDF without its password, a limit)
        # whose rows are what the archive holds is unchanged too, not "replaced"
        unchanged |= _same_as_held(con, [r for r in results if r.get("sha256") in held - unchanged], exists)
        todo = [r for r in results if r.get("sha256") not in unchanged]
        replaced_shas = sorted({r["sha256"] for r in todo if r.get("sha256") in held})
        dfs = frames(todo)
        counts = {}
        for name, df in dfs.items():
            if not exists(name):
                cols = ", ".join(f'"{c}" {sql_type(c)}' for c in df.columns)
                con.execute(f"CREATE TABLE {name} ({cols})")
            have = {r[0] for r in con.execute(f"DESCRIBE {name}").fetchall()}
            for col in df.columns:
                if col not in have:
                    con.execute(f'ALTER TABLE {name} ADD COLUMN "{col}" {sql_type(col)}')
            same = con.execute(f"SELECT count(*) FROM {name} WHERE sha256 IN (SELECT unnest(?::VARCHAR[]))",
                               [sorted(unchanged)]).fetchall()[0][0] if unchanged else 0
            gone = 0
            if replaced_shas:
                gone = con.execute(f"SELECT count(*) FROM {name} WHERE sha256 IN (SELECT unnest(?::VARCHAR[]))",
                                   [replaced_shas]).fetchall()[0][0]
                con.execute(f"DELETE FROM {name} WHERE sha256 IN (SELECT unnest(?::VARCHAR[]))", [replaced_shas]).fetchall()
            if len(df):
                con.register("incoming", df.astype(object).where(df.notna(), None))
                cols = ", ".join(f'"{c}"' for c in df.columns)
                casts = ", ".join(f'CAST("{c}" AS {sql_type(c)})' for c in df.columns)
                con.execute(f"INSERT INTO {name} ({cols}) SELECT {casts} FROM incoming")
                con.unregister("incoming")
            new = sum(1 for sha in df["sha256"] if sha not in held) if len(df) else 0
            counts[name] = {"added": new, "replaced": gone, "unchanged": same}
        _flag_duplicates(con)
        con.execute("COMMIT")
        for name in TABLES:
            counts[name]["rows"] = con.execute(f"SELECT count(*) FROM {name}").fetchall()[0][0]
        counts["forms"]["duplicates"] = con.execute("SELECT count(*) FROM forms WHERE duplicate_of IS NOT NULL").fetchall()[0][0]
        counts["forms"]["missing_year"] = con.execute("SELECT count(*) FROM forms WHERE year IS NULL").fetchall()[0][0]
        return counts
    finally:
        con.close()


RISK_VIEW = """CREATE OR REPLACE VIEW risk_ranked AS
    SELECT r.score, r.reasons, r.shares_set_with, f.path, f.form_index, f.project_name, f.department,
           f.implementing_unit, f.year, f.declared_total, f.total_by_rules, r.ranked_at, r.sha256
    FROM risk r JOIN forms f ON f.sha256 = r.sha256 AND f.form_index = r.form_index
    ORDER BY r.score DESC, f.path, f.form_index"""


def write_risk(db: Path, results: list[dict], lang: str = "zh") -> int:
    """The risk ranking of the stack just archived (``selfeval.risk``) in table ``risk`` (one
    row a form: its score, reasons and the forms sharing its indicator set, when ranked),
    the rows of these files replaced; and the view ``risk_ranked``, the archive's forms with
    their risk, highest first.  A form's score is its stack's: ranked again when archived again."""
    from datetime import datetime, timezone

    import duckdb
    import pandas as pd

    from .risk import rank_results, rows_for
    rows = rows_for(rank_results(results),
                    lang)
    at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    df = pd.DataFrame([{"sha256": r["sha256"], "form_index": r["form_index"] - 1, "year": r["year"],
                        "score": r["score"], "reasons": r["reasons"], "shares_set_with": r["shares_set_with"],
                        "ranked_at": at} for r in rows],
                      columns=["sha256", "form_index", "year", "score", "reasons", "shares_set_with", "ranked_at"])
    con = duckdb.connect(str(db))
    try:
        con.execute("BEGIN")
        con.execute("CREATE TABLE IF NOT EXISTS risk (sha256 VARCHAR, form_index BIGINT, year BIGINT, score DOUBLE, "
                    "reasons VARCHAR, shares_set_with VARCHAR, ranked_at VARCHAR)")
        con.execute("DELETE FROM risk WHERE sha256 IN (SELECT unnest(?::VARCHAR[]))", [sorted(set(df["sha256"]))])
        if len(df):
            con.register("incoming", df.astype(object).where(df.notna(), None))
            con.execute("INSERT INTO risk SELECT sha256, CAST(form_index AS BIGINT), CAST(year AS BIGINT), "
                        "CAST(score AS DOUBLE), reasons, shares_set_with, ranked_at FROM incoming")
            con.unregister("incoming")
        con.execute(RISK_VIEW)
        con.execute("COMMIT")
        return len(df)
    finally:
        con.close()


def _row_key(row) -> tuple:
    """A row compared by value: numbers as floats, blanks (None, NaN) alike."""
    import math
    out = []
    for v in row:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            out.append(None)
        elif isinstance(v, (int, float)) and not isinstance(v, bool):
            out.append(float(v))
        else:
            out.append(str(v))
    return tuple(out)


def _same_as_held(con, results: list[dict], exists) -> set[str]:
    """The sha256s of ``results`` whose rows, table by table, are exactly those held
    (``exists``: whether the archive has a table of that name)."""
    if not results:
        return set()
    shas = sorted({r["sha256"] for r in results})
    incoming = frames(results)
    same = set(shas)
    for name, df in incoming.items():
        have = {r[0] for r in con.execute(f"DESCRIBE {name}").fetchall()} if exists(name) else set()
        if not set(df.columns) <= have:
            return set()                # a new column: every row is written anew
        cols = list(df.columns)
        sel = ", ".join(f'"{c}"' for c in cols)
        held: dict[str, list] = {}
        for row in con.execute(f"SELECT {sel} FROM {name} WHERE sha256 IN (SELECT unnest(?::VARCHAR[]))",
                               [shas]).fetchall():
            held.setdefault(row[cols.index("sha256")], []).append(_row_key(row))
        new: dict[str, list] = {}
        for row in df.itertuples(index=False):
            new.setdefault(row[cols.index("sha256")], []).append(_row_key(row))
        same = {sha for sha in same if sorted(held.get(sha, []), key=repr) == sorted(new.get(sha, []), key=repr)}
    return same


def _flag_duplicates(con) -> None:
    """The same project filed twice (a Word file and its scan, or the same form sent again
    under another name): every copy after the first, by path, names the first in
    ``duplicate_of``.  Same project name (spaces aside) and year; the bytes differ."""
    con.execute("ALTER TABLE forms ADD COLUMN IF NOT EXISTS duplicate_of VARCHAR")
    con.execute("UPDATE forms SET duplicate_of = NULL")
    con.execute("""
        UPDATE forms SET duplicate_of = d.first FROM (
            SELECT sha256, form_index, path,
                   first_value(path) OVER (PARTITION BY regexp_replace(project_name, '\\s', '', 'g'), year
                                           ORDER BY path, form_index) AS first
            FROM forms WHERE project_name IS NOT NULL AND year IS NOT NULL) d
        WHERE forms.sha256 = d.sha256 AND forms.form_index = d.form_index AND d.path <> d.first""")


def write_parquet(db: Path, folder: Path) -> None:
    """The whole archive mirrored as a Parquet dataset: one folder per table, partitioned by
    year (hive style, year=2021/…; a form whose year was not read in the default
    partition), the column types of the DuckDB tables.  Written beside and swapped in."""
    import shutil

    import duckdb
    folder = Path(folder)
    tmp = folder.with_name(f".{folder.name}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    con = duckdb.connect(str(db), read_only=True)
    try:
        held = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        for name in (*TABLES, *(("risk",) if "risk" in held else ())):
            con.execute(f"COPY {name} TO {sql_literal(tmp / name)} (FORMAT PARQUET, PARTITION_BY (year), "
                        f"OVERWRITE_OR_IGNORE)")
            if not any((tmp / name).rglob("*.parquet")):     # an empty table: its columns still written
                con.execute(f"COPY (SELECT * FROM {name}) TO {sql_literal(tmp / name / 'empty.parquet')} (FORMAT PARQUET)")
    finally:
        con.close()
    old = folder.with_name(f".{folder.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if folder.exists():
        folder.rename(old)
    tmp.rename(folder)
    shutil.rmtree(old, ignore_errors=True)


def sql_literal(path) -> str:
    """A path as an SQL string literal (a quote in a folder's name is doubled, not obeyed)."""
    return "'" + str(path).replace("'", "''") + "'"


def load_archive(path) -> dict:
    """An archive read back as pandas DataFrames, typed as stored: a DuckDB file, or a
    Parquet mirror written by ``write_parquet``."""
    import duckdb
    path = Path(path)
    if path.is_file():
        con = duckdb.connect(str(path), read_only=True)
        try:
            return {name: con.execute(f"SELECT * FROM {name}").df() for name in TABLES}
        finally:
            con.close()
    con = duckdb.connect()
    out = {}
    for name in TABLES:
        if not any((path / name).rglob("*.parquet")):
            raise FileNotFoundError(f"{path / name}: no Parquet files (not an archive written by selfeval)")
        out[name] = con.execute(f"SELECT * FROM read_parquet({sql_literal(f'{path / name}/**/*.parquet')}, "
                                f"hive_partitioning=true, hive_types={{'year': BIGINT}}, union_by_name=true)").df()
    return out
