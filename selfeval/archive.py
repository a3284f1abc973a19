"""The queryable archive: DuckDB tables forms, budget_lines, indicators, findings keyed by
(sha256, form_index); re-running over the same files replaces, never duplicates.  The
same tables can be written as a Parquet dataset."""
from __future__ import annotations

from pathlib import Path

from .files import atomic
from .tables import TABLES, rows

KEYS = {"forms": ("sha256", "form_index"), "budget_lines": ("sha256", "form_index", "line_index"),
        "indicators": ("sha256", "form_index", "indicator_index"), "findings": ("sha256", "form_index", "finding_index")}


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
        if df.empty:
            df = pd.DataFrame(columns=list(KEYS[name]))
        out[name] = df
    return out


INTEGER = {"form_index", "line_index", "indicator_index", "finding_index", "year", "indicators", "errors",
           "warnings", "infos", "page"}
BOOLEAN = {"ocr", "weight_inferred"}
DOUBLE = {"declared_total", "total_of_parts", "total_by_rules", "goal_weight", "goal_score", "initial", "adjusted",
          "executed", "rate_declared", "rate_recomputed", "weight", "score_declared", "score_recomputed",
          "declared", "expected", "min_confidence"}


def sql_type(col: str) -> str:
    return "BIGINT" if col in INTEGER else "BOOLEAN" if col in BOOLEAN else "DOUBLE" if col in DOUBLE else "VARCHAR"


def write_duckdb(results: list[dict], db: Path) -> dict[str, int]:
    """Load results into DB; rows of files already archived (same sha256) are replaced."""
    import duckdb
    dfs = frames(results)
    shas = sorted({r["sha256"] for r in results if r.get("sha256")})     # replaced, never duplicated
    con = duckdb.connect(str(db))
    try:
        con.execute("BEGIN")
        for name, df in dfs.items():
            exists = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?",
                                 [name]).fetchone()[0]
            if not exists:
                cols = ", ".join(f'"{c}" {sql_type(c)}' for c in df.columns)
                con.execute(f"CREATE TABLE {name} ({cols})")
            have = {r[0] for r in con.execute(f"DESCRIBE {name}").fetchall()}
            for col in df.columns:
                if col not in have:
                    con.execute(f'ALTER TABLE {name} ADD COLUMN "{col}" {sql_type(col)}')
            if shas:
                con.execute(f"DELETE FROM {name} WHERE sha256 IN (SELECT unnest(?::VARCHAR[]))", [shas])
            if len(df):
                con.register("incoming", df.astype(object).where(df.notna(), None))
                cols = ", ".join(f'"{c}"' for c in df.columns)
                casts = ", ".join(f'CAST("{c}" AS {sql_type(c)})' for c in df.columns)
                con.execute(f"INSERT INTO {name} ({cols}) SELECT {casts} FROM incoming")
                con.unregister("incoming")
        con.execute("COMMIT")
        return {name: con.execute(f"SELECT count(*) FROM {name}").fetchone()[0] for name in TABLES}
    finally:
        con.close()


def write_parquet(results: list[dict], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, df in frames(results).items():
        with atomic(folder / f"{name}.parquet") as tmp:
            df.to_parquet(tmp, index=False)
