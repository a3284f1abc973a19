"""Legacy Word (.doc) and WPS files: converted to .docx by LibreOffice when it is installed."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from .grid import Document, UnreadableError, sha256_of


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def read_legacy_word(path: str | Path) -> Document:
    exe = soffice()
    if exe is None:
        raise UnreadableError("legacy Word/WPS file: converting it needs LibreOffice "
                              "(apt-get install libreoffice-writer-nogui), which is not installed")
    from .docx import read_docx
    with tempfile.TemporaryDirectory() as tmp:
        try:
            subprocess.run([exe, "--headless", f"-env:UserInstallation=file://{tmp}/profile",
                            "--convert-to", "docx", "--outdir", tmp, str(path)],
                           capture_output=True, timeout=120, check=True)
        except (subprocess.SubprocessError, OSError) as e:
            raise UnreadableError(f"LibreOffice could not convert this legacy Word file ({type(e).__name__})")
        out = next(Path(tmp).glob("*.docx"), None)
        if out is None:
            raise UnreadableError("LibreOffice could not convert this legacy Word file (no output)")
        doc = read_docx(out)
    doc.path, doc.format, doc.sha256 = str(path), "doc", sha256_of(path)
    return doc
