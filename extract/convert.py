"""LibreOffice, when installed: legacy Word (.doc) and WPS files are converted to .docx to
be read, and Word files to PDF for evidence pictures."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from .grid import Document, UnreadableError, sha256_of
from .messages import N_


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(path: str | Path, fmt: str, outdir: str | Path) -> Path:
    """``path`` converted to ``fmt`` ('docx', 'pdf') in ``outdir``; UnreadableError if it cannot be."""
    exe = soffice()
    if exe is None:
        raise UnreadableError(N_("converting it needs LibreOffice (apt-get install libreoffice-writer-nogui), "
                                 "which is not installed"), transient=True)
    with tempfile.TemporaryDirectory() as profile:
        try:
            subprocess.run([exe, "--headless", f"-env:UserInstallation=file://{profile}/p", "--convert-to", fmt,
                            "--outdir", str(outdir), str(path)], capture_output=True, timeout=180, check=True)
        except (subprocess.SubprocessError, OSError) as e:
            raise UnreadableError(N_("LibreOffice could not convert it ({error})", error=type(e).__name__), transient=True)
    out = Path(outdir) / (Path(path).stem + "." + fmt)
    if not out.exists():
        raise UnreadableError(N_("LibreOffice could not convert it (no output)"))
    return out


BATCH = 60      # files to one LibreOffice start: its start (~1.5 s, a new profile) is paid once
# for them; 37 small Word forms took 9.3 s in one start against ~1.9 s each one at a time
# (2026-12-07, 2 cores)


def convert_many(files: dict[str, str], fmt: str, outdir: str | Path, jobs: int = 1) -> dict[str, Path | None]:
    """Many files converted to ``fmt``: ``files`` maps a name (a sha256) to a path, and the
    result is ``outdir``/<name>.<fmt> per name, or None where LibreOffice made nothing.  The
    files go to LibreOffice BATCH at a time, ``jobs`` LibreOffice processes at once, each with
    its own profile (two cannot share one, and a profile a LibreOffice just left may still be
    locked: a batch given it waited out its time limit), its time limit growing with its size."""
    exe = soffice()
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    names = list(files)
    size = max(1, min(BATCH, -(-len(names) // max(1, jobs))))     # every process busy, none past BATCH
    batches = [names[k:k + size] for k in range(0, len(names), size)]
    with tempfile.TemporaryDirectory() as tmp:
        procs: list = []

        numbers = iter(range(len(batches)))

        def run(batch: list[str], slot: int):
            k = next(numbers)
            src = Path(tmp) / f"in{k}"
            src.mkdir()
            for n in batch:
                try:
                    shutil.copy(files[n], src / f"{n}{Path(files[n]).suffix}")
                except OSError:
                    pass
            inputs = sorted(src.iterdir())
            if not inputs:          # (LibreOffice given no file waits, headless, for ever)
                return None, 0
            args = [exe, "--headless", f"-env:UserInstallation=file://{tmp}/profile{k}", "--convert-to", fmt,
                    "--outdir", str(outdir), *map(str, inputs)]
            return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL), len(batch)

        queue, slots = list(batches), list(range(max(1, jobs)))
        while queue or procs:
            while queue and slots:
                slot = slots.pop(0)
                proc, count = run(queue.pop(0), slot)
                if proc is None:
                    slots.append(slot)
                    continue
                procs.append((proc, count, slot, time.monotonic()))
            time.sleep(0.1)
            for item in list(procs):
                p, count, slot, started = item
                if p.poll() is None and time.monotonic() - started < 60 + 20 * count:
                    continue
                if p.poll() is None:        # past its time: what it made stays, the rest is not rendered
                    p.kill()
                    p.wait()
                procs.remove(item)
                slots.append(slot)
    return {n: (outdir / f"{n}.{fmt}") if (outdir / f"{n}.{fmt}").exists() else None for n in names}


def read_legacy_word(path: str | Path) -> Document:
    from .docx import read_docx
    with tempfile.TemporaryDirectory() as tmp:
        try:
            doc = read_docx(convert(path, "docx", tmp))
        except UnreadableError as e:
            raise UnreadableError(N_("legacy Word/WPS file: {reason}", reason=e.message), transient=e.transient)
    doc.path, doc.format, doc.sha256 = str(path), "doc", sha256_of(path)
    return doc
