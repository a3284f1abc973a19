"""Web pages: forms published as HTML tables (.html, .htm, a browser's .mhtml).

The page is decoded (its byte-order mark, the charset its headers or ``<meta>`` declare if
the bytes bear it out, else UTF-8, else GB18030, which reads GB2312 and GBK), parsed by
lxml's HTML parser, and walked in document order:

- a table holding no other table is a grid: ``rowspan``/``colspan`` become merged cells
  (``grid_from_spans``), a cell's ``<br>``/``<p>``/``<div>`` are its line breaks;
- a table holding tables is page layout: its cells are walked like the page;
- everything else is text, a line per block element (a title, 填报日期, notes);
- a table of one row or one column is text too (a boxed title is no grid).

Several forms on one page are several tables, and normalize makes a form of each.
Provenance is the table (counted in document order) and the row and column in it.
"""
from __future__ import annotations

import email
import email.policy
from pathlib import Path

import regex as re

from .grid import Block, Document, UnreadableError, detail_of, grid_from_spans, sha256_of, text_block
from .limits import LIMITS, check_grid, refuse
from .messages import N_

HTML_EXT = {".html", ".htm", ".xhtml", ".shtml", ".mhtml", ".mht"}
SKIP = {"script", "style", "head", "noscript", "template", "select", "option", "button", "iframe", "object"}
BLOCK = {"p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "tr", "table", "section",
         "article", "header", "footer", "center", "blockquote", "pre", "hr", "dl", "dt", "dd", "form",
         "caption", "title", "body", "td", "th"}
# bytes of a part as encoded for one byte of page, at most: base64 4 for 3 with its line
# breaks; quoted-printable '=XX' for every byte of Chinese UTF-8 with its soft breaks
ENCODED = {"base64": 1.4, "quoted-printable": 3.2}
CHARSET = re.compile(rb"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


def looks_like_html(head: bytes) -> bool:
    """The first bytes of a web page or of a browser's single-file archive (MHTML)."""
    h = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if h.startswith((b"<!doctype html", b"<html", b"<?xml")) and b"<html" in head.lower():
        return True
    if h.startswith((b"<!doctype html", b"<html", b"<head", b"<meta", b"<table", b"<body")):
        return True
    return is_mhtml(head)


def is_mhtml(head: bytes) -> bool:
    h = head[:4096].lower()
    return b"mime-version:" in h and b"multipart/related" in h


def decode(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Bytes of a page → (text, the encoding used).  A declared charset is used only when
    the bytes decode under it; GB2312 and GBK are read as GB18030, their superset."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "utf-16"
    names = []
    m = CHARSET.search(data[:8192])
    for name in (declared, m.group(1).decode("ascii", "ignore") if m else None, "utf-8", "gb18030"):
        if name:
            name = name.lower()
            names.append("gb18030" if name in ("gb2312", "gbk", "gb_2312-80", "x-gbk", "cp936", "euc-cn") else name)
    for name in dict.fromkeys(names):
        try:
            return data.decode(name), name
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("gb18030", errors="replace"), "gb18030"


def _mhtml_html(data: bytes) -> tuple[bytes, str | None]:
    """The page inside a browser's MHTML archive: its first text/html part, decoded from
    quoted-printable or base64, and the charset its part header names."""
    msg = email.message_from_bytes(data, policy=email.policy.compat32)
    for part in msg.walk():
        if part.get_content_type() == "text/html":
            raw = part.get_payload()
            # the page as the file holds it is held to the page limit too: base64 that
            # decodes to little (most of it not base64) is still that many bytes of page
            size = len(raw) if isinstance(raw, (str, bytes)) else 0
            if size > ENCODED.get(str(part.get("Content-Transfer-Encoding", "")).strip().lower(), 1.0) \
                    * LIMITS.max_text_mb * (1 << 20):
                raise refuse(N_("its page is {n} MB as encoded in the archive", n=size >> 20),
                             N_("{n} MB (once decoded)", n=LIMITS.max_text_mb))
            body = part.get_payload(decode=True)
            if body:
                return body, part.get_content_charset()
    raise UnreadableError(N_("a web archive (MHTML) with no HTML page in it"))


class _Text:
    """Text gathered in document order: a break at every <br> and block element, spaces
    (and &nbsp;) collapsed within a line."""

    def __init__(self):
        self.lines: list[str] = []
        self.cur: list[str] = []

    def brk(self) -> None:
        line = " ".join("".join(self.cur).replace("\xa0", " ").split())
        if line:
            self.lines.append(line)
        self.cur.clear()

    def walk(self, node, table=None) -> None:
        """``table(node)``: a table the caller takes (True), else it is walked as text."""
        tag = node.tag.lower() if isinstance(node.tag, str) else ""
        if not tag or tag in SKIP:
            return
        if tag == "table" and table is not None and table(node):
            return
        block = tag in BLOCK
        if block:
            self.brk()
        if node.text:
            self.cur.append(node.text)
        for child in node:
            self.walk(child, table)
            if child.tail:
                self.cur.append(child.tail)
        if block:
            self.brk()


def _lines(el) -> list[str]:
    """A cell's text as lines."""
    text = _Text()
    text.walk(el)
    text.brk()
    return text.lines


def _rows(table) -> list:
    return table.xpath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr")


def _span(value, limit: int) -> int:
    try:
        n = int(str(value).strip() or 1)
    except ValueError:
        return 1
    return limit if n == 0 else max(1, min(n, limit))        # rowspan=0: to the end of the table


def _grid(table) -> Block:
    rows = _rows(table)
    spans, taken = [], set()
    for r, tr in enumerate(rows):
        c = 0
        for td in tr.xpath("./td | ./th"):
            while (r, c) in taken:
                c += 1
            rs = _span(td.get("rowspan", 1), len(rows) - r)
            cs = _span(td.get("colspan", 1), LIMITS.max_cols)
            check_grid(r + rs, c + cs, N_("an HTML table"))
            spans.append((r, c, rs, cs, "\n".join(_lines(td)), {}))
            taken.update((rr, cc) for rr in range(r, r + rs) for cc in range(c, c + cs))
            c += cs
    return grid_from_spans(spans)


def _blocks(root) -> list[Block]:
    """Tables and the text between them, in document order."""
    blocks: list[Block] = []
    text = _Text()

    def flush():
        text.brk()
        if text.lines:
            blocks.append(text_block(list(text.lines)))
            text.lines.clear()

    def table(node) -> bool:
        if node.xpath(".//table"):
            return False                    # page layout: walked like the page
        grid = _grid(node)
        if len(grid.rows) < 2 or len(grid.rows[0]) < 2:
            return False                    # a boxed title is no grid
        flush()
        blocks.append(grid)
        return True
    text.walk(root, table)
    flush()
    return blocks


def read_html(path: str | Path) -> Document:
    import lxml.html
    path = Path(path)
    if path.stat().st_size > LIMITS.max_unzipped_mb << 20:
        raise refuse(N_("it is {n} MB", n=path.stat().st_size >> 20), N_("{n} MB", n=LIMITS.max_unzipped_mb))
    data = path.read_bytes()
    declared = None
    if is_mhtml(data[:4096]):
        data, declared = _mhtml_html(data)            # the page without its pictures
    if len(data) > LIMITS.max_text_mb << 20:
        raise refuse(N_("its page is {n} MB of HTML", n=len(data) >> 20), N_("{n} MB", n=LIMITS.max_text_mb))
    text, encoding = decode(data, declared)
    text = re.sub(r"^\s*<\?xml[^>]*>", "", text)          # lxml takes no encoding declaration in a str
    if not text.strip():
        raise UnreadableError(N_("an empty web page"))
    try:
        root = lxml.html.document_fromstring(text)
    except Exception as e:
        raise UnreadableError(N_("a web page that cannot be parsed as HTML"), detail=detail_of(e))
    doc = Document(path=str(path), format="html", sha256=sha256_of(path))
    doc.blocks = _blocks(root)
    if "\ufffd" in text:
        doc.warnings.append(N_("some bytes of the page are not {encoding}: shown as �", encoding=encoding))
    if not any(b.rows for b in doc.blocks):
        raise UnreadableError(N_("the web page has no text"))
    return doc
