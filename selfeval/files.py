"""Files the tool writes appear whole or not at all: written under a temporary name beside
the target and renamed over it, so that a run cut short (SIGINT, SIGKILL, a full disk)
leaves either the old file or the new one, never half of one."""
from __future__ import annotations

import os
import re
from contextlib import contextmanager
from pathlib import Path


TEMP_NAME = re.compile(r"\..+\.(?P<pid>\d+)\.tmp")     # atomic's '.NAME.PID.tmp'


@contextmanager
def atomic(target: Path):
    """Yields the temporary path to write; renames it over ``target`` when the block ends
    without an exception, removes it otherwise."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()


def write_text(target: Path, text: str) -> None:
    with atomic(target) as tmp:
        tmp.write_text(text, encoding="utf-8")


def missing(paths) -> list[Path]:
    """The paths given that do not exist (a link is there even when it leads nowhere)."""
    return [p for p in map(Path, paths) if not p.exists() and not p.is_symlink()]


def sweep_stale(folder: Path) -> int:
    """Remove the temporary files (``atomic``'s ``.NAME.PID.tmp``) that a run killed
    mid-write left in ``folder``: those whose writer is no longer running.  Returns how many."""
    gone = 0
    for f in Path(folder).glob(".*.tmp") if Path(folder).is_dir() else ():
        m = TEMP_NAME.fullmatch(f.name)
        if m is None or _alive(int(m.group("pid"))):
            continue
        try:
            f.unlink()
            gone += 1
        except OSError:
            pass
    return gone


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:             # another user's process: alive
        return True
    return True


class Busy(Exception):
    """Another selfeval run holds the lock."""


@contextmanager
def exclusive(lock: Path):
    """One run at a time per output folder or archive: the second is refused at once,
    before it does any work, instead of mixing its reports with the first one's."""
    import fcntl
    lock = Path(lock)
    lock.parent.mkdir(parents=True, exist_ok=True)
    with open(lock, "a") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise Busy(f"another selfeval run is writing to {lock.parent} (lock {lock.name}); "
                       "wait for it to finish or choose another folder") from None
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)
