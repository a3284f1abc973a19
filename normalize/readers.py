"""Readers behind one interface, and the arbiter that picks among their readings.

A reader takes a document and returns its forms, each with the reader's mapping report
(what it could not place).  Every reader's forms are then held to the same abstentions
(``abstain.set_aside``); per document, the readings the forms' own evidence supports best
(labels placed, values of their field's type, the form's arithmetic: ``binding.quality``)
win, the first reader on a tie.  As camelot's parsers sit behind one ``BaseParser``.
"""
from __future__ import annotations

from dataclasses import dataclass

from extract.grid import Document

from .abstain import set_aside
from .binding import consistency, missing, quality
from .finish import _document_year, finish_form, named_by_title
from .schema import Form
from .units import resolve_unit


@dataclass(frozen=True)
class Reader:
    """A way of reading a document's forms: ``applies`` says whether the document is one it
    reads, ``forms`` reads them (each form's ``mapping`` holds its report)."""
    name: str

    def applies(self, doc: Document) -> bool:
        return True

    def forms(self, doc: Document) -> list[Form]:
        raise NotImplementedError


class ColumnTableReader(Reader):
    """Tables whose columns are real (Word, Excel, ruled PDFs, web pages, scans), and text
    whose rows kept their lines or its words their places (normalize/form.py).  Not text
    laid out on a character grid: a grid places wide characters a column or two off, too
    loose to put words under header centres (its rows rebuilt read it, RebuiltRowsReader)."""

    def applies(self, doc: Document) -> bool:
        return not (doc.format == "txt" and any(not b.aligned and b.rows and all(
            c.bbox is not None for row in b.rows for c in row) for b in doc.blocks))

    def forms(self, doc: Document) -> list[Form]:
        from .form import Builder
        out = Builder(doc).run()
        for f in out:
            f.mapping = {"reader": self.name, "unplaced": []}
        return out


class RebuiltRowsReader(Reader):
    """Text with its words' places and no table structure (a page laid out by spaces, a PDF
    without rulings): its table rows rebuilt from where the text stands (normalize/rows.py),
    then read by the column-table reader as rows of one line each."""

    def applies(self, doc: Document) -> bool:
        from .rows import rebuilt
        return rebuilt(doc) is not None

    def forms(self, doc: Document) -> list[Form]:
        from .form import Builder
        from .rows import rebuilt
        rows = rebuilt(doc)
        out = Builder(rows).run() if rows is not None else []
        for f in out:
            f.mapping = {"reader": self.name, "unplaced": []}
        return out


class TokenStreamReader(Reader):
    """Text whose table structure is gone: one stream of tokens cut into forms and regions
    (normalize/stream/).  A document holding a real table is the column reader's alone."""

    def applies(self, doc: Document) -> bool:
        return not any(b.aligned for b in doc.blocks)

    def forms(self, doc: Document) -> list[Form]:
        from .stream import read_stream
        out = []
        for f, rep in read_stream(doc):
            finish_form(f)
            f.mapping = rep.to_dict()
            out.append(f)
        return out


READERS: tuple[Reader, ...] = (ColumnTableReader("column-table"), RebuiltRowsReader("rebuilt-rows"),
                               TokenStreamReader("token-stream"))


def readings(doc: Document, readers: tuple[Reader, ...] = READERS) -> list[tuple[Reader, list[Form]]]:
    """Each applicable reader's forms, held to the same abstentions."""
    out = []
    for r in readers:
        if not r.applies(doc):
            continue
        forms = r.forms(doc)
        for f in forms:
            set_aside(f)
        out.append((r, forms))
    return out


def arbitrate(candidates: list[tuple[Reader, list[Form]]]) -> list[Form]:
    """The reading the forms' own evidence supports best; a reading with forms beats none."""
    best: list[Form] = []
    best_q = None
    for _, forms in candidates:
        q = sum(quality(f) for f in forms)
        if forms and (not best or q > best_q):
            best, best_q = forms, q
    return best


def build_forms(doc: Document, readers: tuple[Reader, ...] = READERS) -> list[Form]:
    """Every form in a document, on the schema, money in yuan: the readers' readings, the
    best one, and what the finished forms say of themselves (columns printed, unit used,
    fields missing, the share of their arithmetic that holds)."""
    forms = arbitrate(readings(doc, readers))
    _document_year(forms)
    for f in forms:
        named_by_title(f)
        f.mapping["columns"] = list(f.columns)      # what the review rules may rest on
        f.mapping["budget_columns"] = list(f.budget_columns)
        f.unit_used, f.unit_evidence = resolve_unit(f)
        f.mapping["missing"] = missing(f)
        f.mapping["confidence"] = round(consistency(f), 3)
    return forms
