"""The Dask engine: the same work as the local pool on a LocalCluster, the workers writing
the Parquet dataset, a re-run adding nothing."""
import json
import subprocess
import sys

import pytest
from conftest import FIXTURES
from test_batch import selfeval

INPUTS = [FIXTURES / "seeds", FIXTURES / "corpus" / "xlsx", FIXTURES / "html" / "hand", FIXTURES / "bad",
          FIXTURES / "scans" / "scan_form16_county2021.png"]
KEYS = {"forms": "sha256, form_index", "budget_lines": "sha256, form_index, line_index",
        "indicators": "sha256, form_index, indicator_index", "findings": "sha256, finding_index"}


def _query(sql: str, db=None) -> list:
    """Rows of a DuckDB query, asked in a subprocess: DuckDB's threads, once started in
    this process, would be inherited half-locked by the reader processes later tests fork."""
    code = ("import duckdb, json, sys; con = duckdb.connect(sys.argv[1] or ':memory:', read_only=bool(sys.argv[1])); "
            "print(json.dumps(con.execute(sys.argv[2]).fetchall(), default=str, ensure_ascii=False))")
    proc = subprocess.run([sys.executable, "-c", code, str(db or ""), sql], capture_output=True, text=True, check=True)
    return json.loads(proc.stdout)


def _dataset(pq, table: str) -> str:
    return (f"read_parquet('{pq / table}/**/*.parquet', hive_partitioning=true, "
            f"hive_types={{'year': BIGINT}}, union_by_name=true)")


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("engines")
    out = {}
    for engine in ("local", "dask"):
        audit = selfeval("audit", *INPUTS, "--out", tmp / f"audit-{engine}", "--engine", engine, "--jobs", "2",
                         "--fail-on", "never", "--no-html", "--no-xlsx", "--no-pdf", "-q")
        assert audit.returncode == 3, audit.stderr                    # fixtures/bad: files unreadable
        arch = selfeval("archive", *INPUTS, "--db", tmp / f"{engine}.duckdb", "--parquet", tmp / f"pq-{engine}",
                        "--engine", engine, "--jobs", "2", "-q")
        assert arch.returncode == 3, arch.stderr                      # fixtures/bad: files unreadable
        out[engine] = tmp
    return tmp


def test_dask_finds_what_the_local_pool_finds(runs):
    def findings(engine):
        got = json.loads((runs / f"audit-{engine}" / "findings.json").read_text())
        return sorted(json.dumps(f, sort_keys=True, ensure_ascii=False) for f in got)
    local, dask = findings("local"), findings("dask")
    assert len(local) > 100 and local == dask
    assert (runs / "audit-dask" / "dataset" / "forms").is_dir()


def test_dask_archive_rows_equal_the_local_archive_rows(runs):
    for table, key in KEYS.items():
        rows_a = _query(f"SELECT * FROM {table} ORDER BY {key}", runs / "local.duckdb")
        rows_b = _query(f"SELECT * FROM {table} ORDER BY {key}", runs / "dask.duckdb")
        assert rows_a and rows_a == rows_b, table


def test_the_workers_dataset_holds_the_archive_by_year(runs):
    """The Parquet dataset the Dask workers wrote, read as it stands, holds every archive
    row (the DuckDB-only duplicate_of aside), in year=… folders."""
    pq = runs / "pq-dask"
    db = runs / "dask.duckdb"
    for table, key in KEYS.items():
        cols = [r[0] for r in _query(f"DESCRIBE {table}", db) if r[0] != "duplicate_of"]
        sel = ", ".join(f'"{c}"' for c in cols)
        want = _query(f"SELECT {sel} FROM {table} ORDER BY {key}", db)
        got = _query(f"SELECT {sel} FROM {_dataset(pq, table)} ORDER BY {key}")
        assert got == want, table
    years = {p.name for p in (pq / "forms").iterdir()}
    assert {"year=2019", "year=2020", "year=2021"} <= years


def test_a_second_dask_run_adds_nothing(runs):
    """Run again with an empty cache, so the workers read every file once more: files whose
    sha256 the dataset holds are not written again, and the archive adds no row."""
    pq = runs / "pq-dask"
    before = sorted((p.relative_to(pq), p.stat().st_mtime_ns) for p in pq.rglob("*.parquet"))
    def counts():
        return {t: _query(f"SELECT count(*) FROM {_dataset(pq, t)}")[0][0] for t in KEYS}
    held = counts()
    again = selfeval("archive", *INPUTS, "--db", runs / "dask.duckdb", "--parquet", pq, "--cache", runs / "fresh-cache",
                     "--engine", "dask", "--jobs", "2", "-q")
    assert again.returncode == 3, again.stderr
    assert "forms: 0 rows added" in again.stdout and "unreadable, 0 from cache)" in again.stdout
    assert sorted((p.relative_to(pq), p.stat().st_mtime_ns) for p in pq.rglob("*.parquet")) == before  # not rewritten
    assert counts() == held


def test_scheduler_needs_the_dask_engine(tmp_path):
    proc = selfeval("audit", FIXTURES / "seeds", "--out", tmp_path / "o", "--scheduler", "tcp://127.0.0.1:1")
    assert proc.returncode == 2 and "--scheduler needs --engine dask" in proc.stderr
