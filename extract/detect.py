"""Which reader a file needs, judged by its bytes rather than its name."""
from __future__ import annotations

from pathlib import Path

from .grid import Document, UnreadableError, detail_of
from .messages import N_

IMAGE_EXT = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp"}
TEXT_EXT = {".txt", ".text", ".csv", ""}


def sniff(path: Path) -> str:
    with open(path, "rb") as f:
        head = f.read(4096)         # a web page is told by its first few kilobytes
    ext = path.suffix.lower()
    if not head:
        raise UnreadableError(N_("empty file (0 bytes)"))
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        import zipfile
        from .limits import check_zip
        try:
            names = zipfile.ZipFile(path).namelist()
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as e:
            raise UnreadableError(N_("a damaged zip container: the file is truncated or corrupt"), detail=detail_of(e))
        check_zip(path)
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        raise UnreadableError(N_("a zip archive that is neither a Word (.docx) nor an Excel (.xlsx) file"))
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return _ole_kind(path)
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"BM")):
        return "image"
    from .html import HTML_EXT, looks_like_html
    if looks_like_html(head):
        return "html"
    if ext in HTML_EXT:
        raise UnreadableError(N_("named {ext} but its content is not a web page", ext=ext))
    if ext in (".pdf", ".docx", ".xlsx", ".xls", ".doc", ".wps") or ext in IMAGE_EXT:
        raise UnreadableError(N_("named {ext} but its content is not a {kind} file", ext=ext, kind=ext[1:].upper()))
    if ext not in TEXT_EXT:
        raise UnreadableError(N_("unsupported file type {ext}: not a form document "
                                 "(.pdf .docx .doc .wps .xlsx .xls .html .mhtml .txt or an image)",
                                 ext=ext or N_("(no extension)")))
    return "txt"


def read(path: str | Path, password: str | None = None) -> Document:
    """The file's Document, whatever its format; UnreadableError with a reason otherwise."""
    doc = _read(Path(path), password)
    tables = 0
    for block in doc.blocks:
        if block.aligned:
            for row in block.rows:
                for cell in row:
                    cell.table = tables
            tables += 1
    return doc


def _read(path: Path, password: str | None) -> Document:
    kind = sniff(path)
    if kind == "txt":
        from .text import read_text
        return read_text(path)
    if kind == "pdf":
        from .pdf import read_pdf
        return read_pdf(path, password)
    if kind == "docx":
        from .docx import read_docx
        return read_docx(path)
    if kind == "xlsx":
        from .sheet import read_xlsx
        return read_xlsx(path)
    if kind == "xls":
        from .sheet import read_xls
        return read_xls(path)
    if kind == "doc":
        from .convert import read_legacy_word
        return read_legacy_word(path)
    if kind == "image":
        from .scan import read_image
        return read_image(path)
    if kind == "html":
        from .html import read_html
        return read_html(path)
    raise UnreadableError(N_("unsupported file type {ext}", ext=path.suffix or kind))


def _ole_kind(path: Path) -> str:
    """An OLE2 compound file: Excel 97 (.xls), Word 97 (.doc) or WPS; told by its streams."""
    with open(path, "rb") as f:
        data = f.read(1 << 20)
    names = data.replace(b"\x00", b"")
    if b"WordDocument" in names:
        return "doc"
    if b"Workbook" in names:
        return "xls"
    if b"EncryptedPackage" in names:
        raise UnreadableError(N_("an encrypted Office document (password-protected); save it without a password"))
    if path.suffix.lower() in (".xls", ".et"):
        return "xls"
    return "doc"
