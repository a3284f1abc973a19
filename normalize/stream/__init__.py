"""The token-stream reader: forms whose table structure is gone.

Real forms reach us as text with their tables flattened: rows on one line, one cell per
line, pipe rows, a whole form on one line, cells run together with no separator.  This
reader takes the document as one stream of tokens (cells in reading order, lines kept only
as hints), cuts run-together tokens at the labels of the vocabulary, splits the stream
into forms and each form into regions by their anchors, and reads each region by what its
labels say and what its values are:

* header: key/value (a label, then its value);
* budget: the column labels give the roles; each budget line is a kind label and the
  figures after it, bound to the roles by type and by the line's own arithmetic
  (executed / budget ≈ rate, score ≤ weight);
* goal: the target and actual texts;
* indicators: the column labels give a row's roles in order; the stream is cut into rows
  by a dynamic programme that aligns each candidate row's tokens with the roles by type
  (a name is text, a weight a number, a score a number no larger than the weight), so that
  rows are found whether or not lines mark them.

Everything it could not place is kept in the form's mapping report.  It keeps no state
between forms; a region's reading depends only on the region's tokens.
"""
from __future__ import annotations

from extract.grid import Document

from ..schema import Form
from .tokens import Tok, tokens_of
from ..text import first_match, matches, vocabulary
from .regions import Mapping, regions, split_forms
from .header import header_fields_elsewhere, read_header
from .budget import read_budget
from .goal import read_goal
from .indicators import read_indicators
from .blocks import _dangling_names, read_breakdown, read_criteria, read_notes, read_total
from .order import labels_in_place


READERS = {"header": read_header, "criteria": read_criteria, "analysis": read_notes, "breakdown": read_breakdown,
           "budget": read_budget, "goal": read_goal, "indicators": read_indicators,
           "total": read_total, "notes": read_notes}


def read_form(toks: list[Tok], doc: Document, index: int) -> tuple[Form, Mapping]:
    f = Form(path=doc.path, sha256=doc.sha256, format=doc.format, form_index=index, ocr=doc.ocr,
             page_transforms=doc.page_transforms)
    rep = Mapping("token-stream")
    toks = _dangling_names(labels_in_place(toks), f)
    regs = regions(toks)
    regs["header"] = regs.get("header", []) + header_fields_elsewhere(regs)
    if {"indicators", "criteria"} & set(regs) and not {"budget", "goal"} & set(regs) and \
            not any(first_match(vocabulary()["header"], t.key) or matches(vocabulary()["regions"]["title"], t.key)
                    for t in regs["header"]):
        # no title, header label, budget or goal before the indicator table: the text starts
        # at the table (what the form printed before it was lost with its page)
        f.texts["form_start"] = "the text starts at the form's indicator table"
    rep.table_ends_text = bool(regs.get("indicators")) and regs["indicators"][-1] is toks[-1]
    for name in ("header", "budget", "breakdown", "goal", "criteria", "indicators", "total", "analysis", "notes"):
        if name in regs:
            READERS[name](regs[name], f, rep)
    for t in toks:
        if t.cell.page is not None:
            f.pages.add(t.cell.page)
    return f, rep


def read_stream(doc: Document) -> list[tuple[Form, Mapping]]:
    toks = tokens_of(doc)
    out = []
    parts = split_forms(toks)
    for k, ftoks in enumerate(parts):
        f, rep = read_form(ftoks, doc, len(out))
        if k + 1 < len(parts):
            f.texts["table_end"] = "next form"
        if f.is_form():
            out.append((f, rep))
    return out


# what the rest of selfeval and its tests reach through normalize.stream
from .align import _align, _fit_key, _rows, _scrambled, _unit_apart  # noqa: F401,E402
from .budget import _bind_budget, _bind_line  # noqa: F401,E402
from .blocks import _full_marks_apart  # noqa: F401,E402
from .goal import _goal_score_apart  # noqa: F401,E402
from .indicators import _cut_row_run, _ocr_operators, _weight_apart  # noqa: F401,E402
from .tokens import Tok, _cut_values, _digit_pair, _pieces, tokens_of  # noqa: F401,E402
