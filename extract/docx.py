"""Word .docx: body paragraphs and tables in document order.

Merges are read from the XML: ``gridSpan`` widens a cell, ``vMerge=continue`` extends the
cell above it, so a merged label covers every row it spans (see ``grid_from_spans``).
"""
from __future__ import annotations

from pathlib import Path

from .grid import Block, Document, UnreadableError, detail_of, grid_from_spans, sha256_of, text_block
from .limits import LIMITS, check_grid, refuse
from .messages import N_

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _text(el) -> str:
    paras = []
    for p in el.iter(W + "p"):
        parts = []
        for node in p.iter():
            if node.tag == W + "t" and node.text:
                parts.append(node.text)
            elif node.tag in (W + "tab",):
                parts.append("\t")
            elif node.tag in (W + "br", W + "cr"):
                parts.append("\n")
        paras.append("".join(parts))
    return "\n".join(paras).strip()


def _count(val) -> int:
    """A count attribute (gridSpan, gridBefore); a damaged one counts as 1."""
    try:
        return int(val)
    except (TypeError, ValueError):
        return 1


def _table(tbl) -> Block:
    spans: list[list] = []
    open_at: dict[int, list] = {}      # grid column -> span still open downwards
    for r, tr in enumerate(tbl.iterchildren(W + "tr")):
        col = 0
        trpr = tr.find(W + "trPr")
        if trpr is not None and trpr.find(W + "gridBefore") is not None:
            col = max(0, _count(trpr.find(W + "gridBefore").get(W + "val", 0)))
        for tc in tr.iterchildren(W + "tc"):
            tcpr = tc.find(W + "tcPr")
            span, vmerge = 1, None
            if tcpr is not None:
                gs = tcpr.find(W + "gridSpan")
                if gs is not None:
                    span = max(1, _count(gs.get(W + "val", 1)))
                vm = tcpr.find(W + "vMerge")
                if vm is not None:
                    vmerge = vm.get(W + "val", "continue")
            check_grid(r + 1, col + span, N_("a Word table"))
            if vmerge == "continue" and col in open_at:
                open_at[col][2] += 1
            else:
                s = [r, col, 1, span, _text(tc), {}]
                spans.append(s)
                for c in range(col, col + span):
                    open_at.pop(c, None)
                open_at[col] = s
            col += span
    return grid_from_spans([tuple(s) for s in spans])


def read_docx(path: str | Path) -> Document:
    import docx  # python-docx
    try:
        d = docx.Document(str(path))
    except Exception as e:
        raise UnreadableError(N_("not a readable Word document: the file is damaged or not in Word's format"),
                              detail=detail_of(e))
    body = d.element.body
    if len(body) > LIMITS.max_paragraphs:
        raise refuse(N_("its body holds {n} paragraphs and tables", n=len(body)), LIMITS.max_paragraphs)
    doc = Document(path=str(path), format="docx", sha256=sha256_of(path))
    pending: list[str] = []
    for el in body.iterchildren():
        if el.tag == W + "p":
            t = _text(el)
            pending.extend(t.split("\n"))
        elif el.tag == W + "tbl":
            if pending:
                doc.blocks.append(text_block(pending))
                pending = []
            doc.blocks.append(_table(el))
    if pending:
        doc.blocks.append(text_block(pending))
    if not any(b.rows for b in doc.blocks):
        raise UnreadableError(N_("the Word document has no text"))
    return doc
