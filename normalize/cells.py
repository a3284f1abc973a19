"""What the table reader reads a row's cells as: their text as written, the column roles a
header row names, a label cell's several fields apart, a run of cells handed out to roles in
order."""
from __future__ import annotations

import regex as re

from extract.grid import Cell

from . import labels as L
from .values import parse_number


def cell_text(cells: list[Cell]) -> str | None:
    """Cell text as written with whitespace (full-width too) and line breaks removed."""
    seen, parts = set(), []
    for c in cells:
        if id(c) in seen or (c.merged and any(o.text == c.text for o in cells if o is not c and not o.merged)):
            continue
        seen.add(id(c))
        t = "".join(c.text.split())
        if t and (not parts or parts[-1] != t):
            parts.append(t)
    out = "".join(parts)
    return out or None


def _roles_in(cells: list[Cell], table) -> dict[int, str]:
    out: dict[int, str] = {}
    for i, c in enumerate(cells):
        if c.merged or not c.clean or c.clean[0] in "（(":
            continue
        role = L.match(table, c.clean)
        if role == "level1" and role in out.values() and re.fullmatch(r"[-—－]?级指标", c.clean):
            # '级指标' is an OCR'd 一/二/三级指标 whose rank was lost: the next rank not taken
            role = next((r for r in ("level2", "name") if r not in out.values()), None)
        if role and role not in out.values():
            out[i] = role
    return out


def _split_packed(cells: list[Cell]) -> list[Cell]:
    """A header line kept in one cell ('单位名称(盖章)：  填报日期：…  自评得分： 95', a merged
    spreadsheet row) is split into its whitespace-separated pieces, as a PDF line would be."""
    out = []
    for c in cells:
        text = re.sub(r"(?<=\S)(?<!项目)(?=(" + L.HEADER_LABELS + r")\s*[:：])", " ", c.text)   # OCR joins them
        parts = text.split()
        if len(parts) > 1 and sum(1 for p in parts if re.search(r"[:：]", p)) >= 1 and \
                sum(1 for p in parts if L.match(L.HEADER_FIELDS, p)) >= 1:
            out.extend(Cell(p, c.row, c.col, page=c.page, bbox=c.bbox, confidence=c.confidence) for p in parts)
        else:
            out.append(c)
    return out


def lab_text(cells: list[Cell]) -> str:
    return "".join(c.text.strip() for c in cells)


def assign_sequence(cells: list[Cell], roles: list[str], absorb: str) -> dict[str, list[Cell]]:
    """Map a flowing row's pieces onto the header's roles in order.

    The same count maps one to one.  Extra pieces belong to the ``absorb`` role (a name or
    a goal text that the PDF broke into several pieces); missing pieces are taken from the
    roles between ``absorb`` and the numbers, keeping the trailing numbers aligned right.
    """
    if not roles:
        return {}
    n, k = len(cells), len(roles)
    if n == k:
        return {r: [c] for r, c in zip(roles, cells)}
    ai = roles.index(absorb) if absorb in roles else 0
    tail_roles = roles[ai + 1:]
    if n > k:
        head = roles[:ai]
        out = {r: [c] for r, c in zip(head, cells[:ai])}
        tail_n = len(tail_roles)
        out[absorb] = cells[ai:n - tail_n]
        out.update({r: [c] for r, c in zip(tail_roles, cells[n - tail_n:])})
        return out
    # fewer pieces than roles: keep the absorbing role first, align numbers to the right
    out = {absorb: [cells[0]]}
    rest = cells[1:]
    numeric_roles = [r for r in tail_roles if r in ("weight", "score")]
    text_roles = [r for r in tail_roles if r not in ("weight", "score")]
    nums = []
    while rest and parse_number(rest[-1].text) is not None and len(nums) < len(numeric_roles):
        nums.insert(0, rest.pop())
    out.update({r: [c] for r, c in zip(numeric_roles[-len(nums):] if nums else [], nums)})
    out.update({r: [c] for r, c in zip(text_roles, rest)})
    return out
