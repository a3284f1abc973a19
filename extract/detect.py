"""Which reader a file needs, judged by its bytes rather than its name."""
from __future__ import annotations

from pathlib import Path

from .grid import Document, UnreadableError

IMAGE_EXT = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp"}


def sniff(path: Path) -> str:
    with open(path, "rb") as f:
        head = f.read(8)
    ext = path.suffix.lower()
    if not head:
        raise UnreadableError("empty file (0 bytes)")
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        import zipfile
        try:
            names = zipfile.ZipFile(path).namelist()
        except zipfile.BadZipFile as e:
            raise UnreadableError(f"damaged zip container ({e}); the file is truncated or corrupt")
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        raise UnreadableError("a zip archive that is neither a Word (.docx) nor an Excel (.xlsx) file")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls" if ext in (".xls", ".et") else "doc"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"BM")):
        return "image"
    if ext in (".pdf", ".docx", ".xlsx", ".xls", ".doc", ".wps") or ext in IMAGE_EXT:
        raise UnreadableError(f"named {ext} but its content is not a {ext[1:].upper()} file")
    return "txt"


def read(path: str | Path, password: str | None = None) -> Document:
    path = Path(path)
    kind = sniff(path)
    if kind == "txt":
        from .text import read_text
        return read_text(path)
    raise UnreadableError(f"no reader for {kind} files yet")
