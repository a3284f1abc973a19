"""A table in column order whose column header was read across its first rows (real form 45:
a PDF's text taken block by block, the figure columns' labels standing among the first rows'
wrapped cells)."""
from __future__ import annotations

from ..schema import Form
from ..text import first_match, pattern, vocabulary
from .align import rows_scored
from .colorder import _is_figure, name_block_start, names_after_figures
from .regions import Mapping

LATE_COLUMNS = ("target", "actual", "weight", "score", "note")     # columns a header read across may print late


def header_across_rows(data: list[tuple], placed: dict[int, list], labelled: list[str], f: Form,
                       rep: Mapping) -> tuple[list[dict], dict] | None:
    """A table in column order whose column header was read across its first rows' wrapped
    cells (a PDF's text taken block by block): column labels, each whole, stand among the
    rows' text, two at least, after the columns ``labelled`` before the rows.  Read as a
    table printing its names after its figures (``names_after_figures``), its columns those
    labels in their order and its figures those after the last of them; the text before is
    the header's and the first rows' interleaved, read as no row (and said).  None where no
    such reading holds."""
    iv = vocabulary()["indicators"]
    late: list[tuple[int, str]] = []
    for n, (t, *_) in enumerate(data):
        role = first_match(iv, t.key, skip=("fragments",))
        if role in LATE_COLUMNS and role not in labelled and pattern(iv[role]).fullmatch(t.key) and \
                role not in [r for _, r in late]:
            late.append((n, role))
    if len(late) < 2:
        return None
    last = late[-1][0] + 1
    roles = ("name",) + tuple(r for r in labelled if r in LATE_COLUMNS) + tuple(r for _, r in late)
    rest = data[last:]
    got = names_after_figures(rest, {n - last: v for n, v in placed.items() if n >= last}, roles, rep,
                              pinned_only=True)     # (the first rows' cells may stand after the labels)
    lead = next((k for k, d in enumerate(rest) if _is_figure(d[0])), 0)
    if got is None and lead:
        # the cells after the last label open with text and no figure: the first rows' name
        # lines and labels, read across.  The figures after them are whole rows where they
        # cut into rows with none broken and the names count as many: paired so (said)
        got = names_after_figures(rest[lead:], {n - last - lead: v for n, v in placed.items() if n >= last + lead},
                                  roles, rep)
        if got is not None:
            rep.unplaced.append("the text between the column header read across and the rows' figures: "
                                "the first rows' cells, read as no row")
            rep.unplaced.extend(d[0].text for d in rest[:lead])
    if got is None:
        # no name's place told: the rows keep their figures and no name, each said (never
        # paired by a guess)
        start = name_block_start([d[0] for d in rest])
        if start is None:
            return None
        rows = rows_scored([d[0] for d in rest[:start]], roles[1:], False)[1]
        rep.unplaced.extend(d[0].text for d in rest[start:])
        got = [dict(b) for b in rows], {}
    f.columns = [r for r in f.columns if r not in LATE_COLUMNS] + list(roles[1:])
    rep.unplaced.append("the column header was read across the table's first rows: their text is read as no row")
    rep.unplaced.extend(d[0].text for d in data[:last])
    return got
