"""Worker processes with a time and a memory limit per file.

Every file is processed in a worker process, one file per worker at a time, whatever the
number of jobs (also ``--jobs 1`` and ``extract``), so that no file can take the run down:

* a file that runs past ``seconds`` has its worker killed and is reported UNREADABLE
  ("took longer than N s");
* a worker's address space is capped at ``megabytes`` past what it started with (RLIMIT_AS;
  a forked worker starts with its parent's address space, which in a long-lived process
  that has loaded the OCR models is already gigabytes), and the parent also watches its
  resident memory past the same start: a file that needs more is reported UNREADABLE
  ("needed more than N MB");
* a worker that dies of anything else (a signal, a crash in a C library) is replaced and
  its file is tried once more in a fresh worker before it is reported; so is a file that
  ran short of memory in a worker that had read other files before it;
* a worker whose address space stays past half its cap after a file is replaced.

The dead worker is replaced; the other workers and their files are untouched.  These
outcomes depend on the run (limits, machine), so they are marked transient and never
cached.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import resource
import signal
import time
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import wait
from typing import Any, Callable, Iterable

from extract.messages import N_

POLL = 0.2          # seconds between looks at the workers' clocks and memory


@dataclass(frozen=True)
class FileLimits:
    seconds: float = 300.0          # per file
    megabytes: int = 4096           # per worker process (address space); OCR needs about 1.7 GB

    def timeout_reason(self):
        return N_("took longer than {seconds:g} s to read, the per-file time limit "
                  "(--file-timeout); the file was stopped so the batch could go on", seconds=self.seconds)

    def memory_reason(self):
        return N_("needed more than {mb} MB of memory to read, the per-file limit "
                  "(--file-memory); the file was stopped so the batch could go on", mb=self.megabytes)


def _serve(conn, work: Callable[[Any], Any], limits: FileLimits) -> None:
    os.setpgid(0, 0)        # its own group: a converter it starts is stopped with it
    _die_with_parent()
    cap = (int(_vm_mb(os.getpid())) + limits.megabytes) << 20
    try:
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    except (ValueError, OSError):
        pass
    signal.signal(signal.SIGINT, signal.SIG_IGN)     # the parent decides when to stop
    while True:
        try:
            task = conn.recv()
        except EOFError:
            return
        if task is None:
            return
        try:
            out = ("ok", work(task))
        except MemoryError:
            out = ("memory", None)
        except BaseException as e:  # noqa: BLE001 - a worker never dies of a file
            out = ("error", f"{type(e).__name__}: {e}")
        try:
            conn.send(out)
        except MemoryError:
            conn.send(("memory", None))


def _die_with_parent() -> None:
    """Linux: the worker is killed when the run that started it dies (SIGKILL included),
    so no orphan keeps reading, or keeps the run's lock, after the run is gone."""
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)           # PR_SET_PDEATHSIG
        if os.getppid() == 1:                   # the parent died before prctl took hold
            os._exit(1)
    except (OSError, AttributeError):
        pass


def _status_mb(pid: int, field: str) -> float:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _rss_mb(pid: int) -> float:
    return _status_mb(pid, "VmRSS")


def _vm_mb(pid: int) -> float:
    """Address space in use: a worker past half its cap after a file (OCR arenas, a heap
    left fragmented) is replaced, so the next file does not fail for what earlier ones left."""
    return _status_mb(pid, "VmSize")


class _Worker:
    def __init__(self, ctx, work, limits):
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_serve, args=(child, work, limits), daemon=True)
        self.proc.start()
        child.close()
        self.key = None
        self.task = None
        self.started = 0.0
        self.files = 0          # files it has read: a fresh worker has read none
        me = os.getpid()        # what the fork started it with: its limits count from there
        self.base_vm, self.base_rss = _vm_mb(me), _rss_mb(me)

    def give(self, key, task) -> None:
        self.key, self.task, self.started = key, task, time.monotonic()
        self.files += 1
        self.conn.send(task)

    def stop(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except OSError:
            pass
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(5)
        self.conn.close()


class LimitedPool:
    """Worker processes kept for more than one run of tasks (a Dask worker reads run after
    run with the same readers, models loaded once); ``run_limited`` for one run."""

    def __init__(self, work: Callable[[Any], Any], jobs: int, limits: FileLimits):
        self.ctx = mp.get_context("fork")
        self.work, self.jobs, self.limits = work, max(1, jobs), limits
        self.workers: list[_Worker] = []

    def run(self, tasks: Iterable[tuple[Any, Any]], on_done: Callable[[Any, str, Any], None]) -> None:
        """``work(task)`` for every (key, task); ``on_done(key, status, value)`` as each ends,
        with status one of ok (value is the result), timeout, memory, died (value says how)
        or error (an exception escaped)."""
        queue = deque(tasks)
        if not queue:
            return
        limits, work, ctx = self.limits, self.work, self.ctx
        while len(self.workers) < min(self.jobs, len(queue)):
            self.workers.append(_Worker(ctx, work, limits))
        workers = self.workers
        retried: set = set()
        while queue or any(w.key is not None for w in workers):
            for w in sorted(workers, key=lambda w: w.files > 0):     # fresh workers first: a
                if w.key is None and queue:                           # retried file goes to one
                    w.give(*queue.popleft())
            busy = [w for w in workers if w.key is not None]
            wait([w.conn for w in busy] + [w.proc.sentinel for w in busy], timeout=POLL)
            for k, w in enumerate(workers):
                if w.key is None:
                    continue
                status, value = _look(w, limits)
                if status is None:
                    continue
                key, task, fresh = w.key, w.task, w.files == 1
                w.key = w.task = None
                if status in ("ok", "error") and w.proc.is_alive() and \
                        _vm_mb(w.proc.pid) - w.base_vm < limits.megabytes / 2:
                    pass                              # the worker is still good
                else:
                    w.stop()
                    workers[k] = _Worker(ctx, work, limits)
                if (status == "died" or status == "memory" and not fresh) and key not in retried:
                    retried.add(key)        # killed from outside, or short of memory others left:
                    queue.appendleft((key, task))     # once more, in a fresh worker
                    continue
                on_done(key, status, value)

    def close(self) -> None:
        for w in self.workers:
            try:
                if w.proc.is_alive() and w.key is None:
                    w.conn.send(None)
            except OSError:
                pass
            w.stop()
        self.workers = []


def run_limited(tasks: Iterable[tuple[Any, Any]], work: Callable[[Any], Any], jobs: int,
                limits: FileLimits, on_done: Callable[[Any, str, Any], None]) -> None:
    """Run ``work(task)`` for every (key, task) in worker processes; call
    ``on_done(key, status, value)`` as each ends (see ``LimitedPool.run``)."""
    pool = LimitedPool(work, jobs, limits)
    try:
        pool.run(tasks, on_done)
    finally:
        pool.close()


def _look(w: _Worker, limits: FileLimits) -> tuple[str | None, Any]:
    if w.conn.poll():
        try:
            return w.conn.recv()
        except (EOFError, OSError):
            pass
    if not w.proc.is_alive() or w.conn.closed:
        w.proc.join(1)
        code = w.proc.exitcode
        how = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
        return "died", f"the reader process died ({how})"
    if time.monotonic() - w.started > limits.seconds:
        return "timeout", None
    if _rss_mb(w.proc.pid) - w.base_rss > limits.megabytes:
        return "memory", None
    return None, None
