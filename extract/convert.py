"""LibreOffice, when installed: legacy Word (.doc) and WPS files are converted to .docx to
be read, and Word files to PDF for evidence pictures."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
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


def read_legacy_word(path: str | Path) -> Document:
    from .docx import read_docx
    with tempfile.TemporaryDirectory() as tmp:
        try:
            doc = read_docx(convert(path, "docx", tmp))
        except UnreadableError as e:
            raise UnreadableError(N_("legacy Word/WPS file: {reason}", reason=e.message), transient=e.transient)
    doc.path, doc.format, doc.sha256 = str(path), "doc", sha256_of(path)
    return doc
