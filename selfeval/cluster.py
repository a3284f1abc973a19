"""The Dask engine: the batch's files spread over a Dask cluster, a local one by default.

Each task is a run of files (largest first; small files grouped so that a task is worth
sending) read by the same ``run_limited`` + ``_work`` as the local pool, so every file keeps
its per-file time and memory limits and the same result.  A task lost with its worker is
run once more elsewhere (``allowed-failures`` 1; ``retries`` 1 for an escaped error).  With
a dataset folder the worker that read a file writes its rows there itself, as a Parquet
dataset partitioned by year (``year=2021/…``, hive style) that DuckDB, Spark or Trino read
as it stands; a file whose sha256 the dataset already holds is not written again.
"""
from __future__ import annotations

import hashlib
import multiprocessing as mp
from pathlib import Path
from typing import Any, Callable


CHUNK_FILES = 16            # small files sent together, up to this many
CHUNK_BYTES = 4 << 20       # or this many bytes; a larger file goes alone


def chunks(tasks: list[tuple[Any, Any, int]]) -> list[list[tuple[Any, Any]]]:
    """(key, task, size) in the order to run them → runs of tasks worth one Dask task each."""
    out, cur, size = [], [], 0
    for key, task, n in tasks:
        if cur and (len(cur) >= CHUNK_FILES or size + n > CHUNK_BYTES):
            out.append(cur)
            cur, size = [], 0
        cur.append((key, task))
        size += n
    if cur:
        out.append(cur)
    return out


def _read_chunk(chunk: list[tuple[Any, Any]], limits, dataset: str | None, skip: frozenset) -> list[tuple]:
    """On a Dask worker: read a run of files under the per-file limits (in the worker's
    kept reader process); write to the dataset the rows of those whose key is not in
    ``skip`` (the dataset holds them); return [(key, status, value)]."""
    out: list[tuple] = []
    if mp.current_process().daemon:
        from .batch import _work
        # a daemonic worker (dask-worker without --no-daemon) may not start the limited
        # reader process: read here, under the worker's own memory limit
        for key, task in chunk:
            try:
                out.append((key, "ok", _work(task)))
            except Exception as e:  # noqa: BLE001 - a file never takes the task down
                out.append((key, "error", f"{type(e).__name__}: {e}"))
    else:
        _reader(limits).run(chunk, lambda key, status, value: out.append((key, status, value)))
    if dataset:
        fresh = [v for key, status, v in out if status == "ok" and v.get("sha256") and key not in skip]
        if fresh:
            write_rows(fresh, Path(dataset))
    return out


_READERS: dict = {}      # per Dask worker process: its limited reader, kept from task to task


def _reader(limits):
    """This Dask worker's reader process (one: the worker is one of ``jobs``), forked once
    with the readers and rule sets loaded and kept for the worker's life, as the local
    pool keeps its workers; a reader that dies or outgrows its limits is replaced."""
    from .batch import _preload, _work
    from .workers import LimitedPool
    if limits not in _READERS:
        _preload()
        _READERS[limits] = LimitedPool(_work, 1, limits)
    return _READERS[limits]


def write_rows(results: list[dict], dataset: Path) -> None:
    """The results' rows appended to the dataset: one file per table and year, named by the
    files' sha256s (a task run twice writes the same names, not twice the rows)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from .archive import frames, sql_type
    name = hashlib.sha256("".join(sorted(r["sha256"] for r in results)).encode()).hexdigest()[:20]
    for table, df in frames(results).items():
        if df.empty:
            continue
        schema = pa.schema([(c, _arrow(sql_type(c))) for c in df.columns])
        data = pa.Table.from_pandas(df.astype(object).where(df.notna(), None), schema=schema, preserve_index=False)
        for year in pc.unique(data["year"]).to_pylist():
            part = data.filter(pc.is_null(data["year"]) if year is None else pc.equal(data["year"], year))
            folder = dataset / table / f"year={'__HIVE_DEFAULT_PARTITION__' if year is None else year}"
            folder.mkdir(parents=True, exist_ok=True)
            tmp = folder / f".{name}.parquet.tmp"
            pq.write_table(part.drop(["year"]), tmp)
            tmp.replace(folder / f"{name}.parquet")


def _arrow(sql: str):
    import pyarrow as pa
    return {"BIGINT": pa.int64(), "DOUBLE": pa.float64(), "BOOLEAN": pa.bool_()}.get(sql, pa.string())


def dataset_shas(dataset: Path | None) -> set[str]:
    """The files (sha256) whose rows the dataset already holds."""
    if dataset is None or not any(Path(dataset).rglob("*.parquet")):
        return set()
    import duckdb

    from .archive import sql_literal
    con = duckdb.connect()
    try:
        out = set()
        for table in ("forms", "findings"):
            if any((Path(dataset) / table).rglob("*.parquet")):
                glob = sql_literal(Path(dataset) / table / "**" / "*.parquet")
                out |= {r[0] for r in con.execute(f"SELECT DISTINCT sha256 FROM read_parquet({glob}, "
                                                  "hive_partitioning=true)").fetchall() if r[0]}
        return out
    finally:
        con.close()


def run_dask(tasks: list[tuple[Any, Any, int]], jobs: int, limits, on_done: Callable[[Any, str, Any], None],
             scheduler: str | None = None, dataset: Path | None = None, skip: set = frozenset()) -> None:
    """``run_limited``'s contract on a Dask cluster: ``on_done(key, status, value)`` for each
    (key, task, size).  ``scheduler``: an address (tcp://host:8786) to join, else a
    LocalCluster of ``jobs`` single-threaded worker processes is started and stopped.
    ``skip``: the keys of files whose rows the dataset already holds (read, not written)."""
    import dask
    from distributed import Client, LocalCluster, as_completed
    if not tasks:
        return
    runs = chunks(tasks)
    with dask.config.set({"distributed.scheduler.allowed-failures": 1, "distributed.worker.daemon": False,
                          "distributed.admin.tick.limit": "60s", "logging.distributed": "error"}):
        cluster = None if scheduler else LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True,
                                                      dashboard_address=None, memory_limit=0,
                                                      silence_logs=40)
        try:
            with Client(scheduler or cluster) as client:
                futures = {client.submit(_read_chunk, run, limits, str(dataset) if dataset else None,
                                         frozenset(k for k, _ in run if k in skip), key=f"selfeval-{n}-{_run_key(run)}",
                                         priority=len(runs) - n, retries=1, pure=False): run
                           for n, run in enumerate(runs)}
                for fut in as_completed(futures):
                    try:
                        got = fut.result()
                    except Exception as e:  # noqa: BLE001 - the worker was lost twice: say so per file
                        got = [(key, "died", f"the Dask worker running it was lost ({type(e).__name__})")
                               for key, _ in futures[fut]]
                    for key, status, value in got:
                        on_done(key, status, value)
        finally:
            if cluster is not None:
                cluster.close()


def _run_key(run: list[tuple[Any, Any]]) -> str:
    return hashlib.sha256(repr([k for k, _ in run]).encode()).hexdigest()[:12]
