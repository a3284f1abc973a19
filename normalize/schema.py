"""The schema every form is mapped onto (see the contract): budget lines, the overall goal,
indicators, and the form with its header fields.  ``texts`` keeps each figure as written
(its precision), ``cells`` where it was read (provenance, OCR confidence)."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class BudgetLine:
    kind: str
    label: str
    initial: float | None = None
    adjusted: float | None = None
    executed: float | None = None
    rate_declared: float | None = None
    weight: float | None = None
    score_declared: float | None = None
    texts: dict = field(default_factory=dict)   # role -> text as written
    cells: dict = field(default_factory=dict)   # role -> Cell
    labels: dict = field(default_factory=dict)  # 'label' -> the cell of its row label: a picture's context, no check's input

    def set_figure(self, role: str, value: float | None, text: str, cell, percent: bool) -> None:
        """One figure of the line: a rate written without '%' above 1.5 is a percentage."""
        self.texts[role] = text
        self.cells[role] = cell
        if role == "rate":
            if value is not None and not percent and value > 1.5:
                value = value / 100
            self.rate_declared = value
        elif role == "score":
            self.score_declared = value
        elif role in ("initial", "adjusted", "executed", "weight"):
            setattr(self, role, value)
        # (a column the contract holds no field for keeps its text only)


UNNAMED = "its name was not read"      # why a row of an indicator table is set aside (mapping set_aside)
FIGURES_UNREAD = "its figures ran into its name and were not read"


@dataclass
class Goal:
    target: str | None = None
    actual: str | None = None
    weight: float | None = None
    score_declared: float | None = None
    texts: dict = field(default_factory=dict)
    cells: dict = field(default_factory=dict)


@dataclass
class Indicator:
    level1: str | None = None
    level2: str | None = None
    name: str | None = None
    target: str | None = None
    actual: str | None = None
    weight: float | None = None
    score_declared: float | None = None
    note: str | None = None
    weight_inferred: bool = False
    breakdown: list = field(default_factory=list)   # unweighted sub-rows printed under it: [name, target, actual]
    texts: dict = field(default_factory=dict)
    cells: dict = field(default_factory=dict)
    labels: dict = field(default_factory=dict)  # 'level1'/'level2' -> its group labels' cells: a picture's context


@dataclass
class Form:
    path: str
    sha256: str
    format: str
    form_index: int = 0
    ocr: bool = False
    page_transforms: dict = field(default_factory=dict)
    year: int | None = None
    title: str | None = None
    project_name: str | None = None
    department: str | None = None
    implementing_unit: str | None = None
    fill_date: str | None = None
    declared_total: float | None = None
    unit_declared: str | None = None
    unit_used: str | None = None
    budget_lines: list[BudgetLine] = field(default_factory=list)
    goal: Goal = field(default_factory=Goal)
    indicators: list[Indicator] = field(default_factory=list)
    group_weights: dict = field(default_factory=dict)     # level1 -> printed weight
    subgroup_weights: dict = field(default_factory=dict)  # level2 -> printed points ('数量指标（15分）')
    section_weights: dict = field(default_factory=dict)   # budget/goal/indicators -> printed weight
    notes: str = ""
    analysis: str = ""
    texts: dict = field(default_factory=dict)
    cells: dict = field(default_factory=dict)
    labels: dict = field(default_factory=dict)  # field -> the cell of its printed label ('总分'): a picture's context
    pages: set = field(default_factory=set)
    unit_evidence: object = ""      # why the figures' unit is what it is (a message, extract.messages)
    mapping: dict = field(default_factory=dict)   # the reader's report: reader, unplaced, missing, confidence
    columns: list = field(default_factory=list)   # the indicator table's columns the form prints, by role
    budget_columns: list = field(default_factory=list)   # the budget block's columns, by role

    def add_budget_line(self, line: BudgetLine) -> None:
        """A line that printed one budget figure has it as ``adjusted`` (the contract's
        reading); the total line (or the first) takes the block's printed weight."""
        if "adjusted" not in line.cells and "initial" in line.cells:
            line.adjusted, line.initial = line.initial, None
            line.texts["adjusted"] = line.texts.pop("initial")
            line.cells["adjusted"] = line.cells.pop("initial")
        if line.weight is None and "budget" in self.section_weights and \
                (line.kind == "total" or not self.budget_lines):
            line.weight = self.section_weights["budget"]
        self.budget_lines.append(line)

    def is_form(self) -> bool:
        # (rows of an indicator table whose names were not read are a form's, said incomplete)
        return bool(self.project_name or self.indicators or self.budget_lines or self.texts.get("rows_unnamed"))
