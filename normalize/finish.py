"""Form-level inferences that need the whole form, whichever reader read it: a row broken
down into sub-rows, weights a template leaves out, a year the form does not print."""
from __future__ import annotations

import regex as re

from . import labels as L
from .schema import Form
from .text import key_map


def _year_from(f: Form, texts: list[str | None], where: str) -> None:
    """The one year that these texts print ('2021年'), if there is exactly one."""
    years = {int(y) for t in texts for y in re.findall(r"(?<!\d)((?:19|20)\d{2})年", "".join((t or "").split()))}
    if len(years) == 1:
        f.year = years.pop()
        f.texts["year_inferred"] = where


def finish_form(f: Form) -> None:
    """Form-level inferences that need the whole form: sub-rows, weights the template leaves out."""
    fold_breakdowns(f)
    _unprinted_groups(f)
    weights_from_group_points(f)
    infer_weights(f)
    if f.year is None and f.project_name:      # '2023年杨楼社区特色种养殖补贴到户项目'
        m = re.match(r"((?:19|20)\d{2})年(?!\d)", "".join(f.project_name.split()))
        if m:
            f.year = int(m.group(1))
    if f.year is None:       # the year the completion text reports on ('中心2021年较好地完成了…')
        _year_from(f, [f.goal.actual], "from the goal's completion text")
    if f.year is None:       # the year the deadlines fall in ('完成时间 2021年12月31日')
        _year_from(f, [i.target for i in f.indicators if re.search(
            L.DEADLINE, "".join(((i.level2 or "") + (i.name or "")).split()))], "from the deadlines of its 时效 indicators")
    for line in f.budget_lines:
        for c in line.cells.values():
            if c.page:
                f.pages.add(c.page)


def fold_breakdowns(f: Form) -> None:
    """In a scored table, a row that prints a weight and a score but no target or actual,
    followed by rows that print a target and an actual but no weight or score, is one
    indicator broken down ('★补助各类瓜果蔬菜种植面积 10 10' over '梨树种植面积 6亩 6亩', …):
    the sub-rows are its breakdown, not indicators of their own."""
    if sum(1 for i in f.indicators if i.weight is not None) < 2:
        return
    kept, parent = [], None
    for i in f.indicators:
        scored = i.weight is not None or i.score_declared is not None
        if scored:
            parent = i if i.target is None and i.actual is None else None
        elif parent is not None and (i.target or i.actual) and i.level2 == parent.level2:
            parent.breakdown.append([i.name, i.target, i.actual])
            continue
        else:
            parent = None
        kept.append(i)
    f.indicators = kept


def infer_weights(f: Form) -> None:
    """Where no weight column is printed (seed 004): the indicators' section weight split
    equally over the 二级指标, then equally inside each 二级指标.  Where the form prints a
    weight column, weights not read stay unread."""
    inds = f.indicators
    if not inds or any(i.weight is not None for i in inds) or "weight" in f.columns:
        return          # (a weight column printed whose figures were not read: they are unread, not equal)
    total = f.section_weights.get("indicators")
    if total is None:
        return
    if not _read_to_end(f) or f.texts.get("rows_unnamed"):
        return          # a table not read to its end, or rows of it not read: the groups it shares the points among are not all known
    groups: dict = {}
    for i in inds:
        groups.setdefault((i.level1, i.level2 or i.name), []).append(i)
    per_group = total / len(groups)
    shares = {id(i): round(per_group / len(members), 4) for members in groups.values() for i in members}
    if _split_holds(f, shares):
        for i in inds:
            i.weight = shares[id(i)]
            i.weight_inferred = True


def _unprinted_groups(f: Form) -> None:
    """A 一级 worked out from a row's 二级 ('数量指标' belongs to 产出指标) stands only where the
    form prints that 一级 label on some row (a merged cell read on another row): a form that
    prints no 一级 column's label leaves it unread, as printed."""
    printed = {i.level1 for i in f.indicators if i.level1 and not i.texts.get("level1_from")}
    for i in f.indicators:
        if i.texts.get("level1_from") and i.level1 not in printed:
            i.level1 = None
            del i.texts["level1_from"]


def _read_to_end(f: Form) -> bool:
    """The indicator table was read to its end: its 总分 row, the end of a real table, the next
    form, or the notes or the analysis printed after it."""
    return "total_row" in f.texts or "table_end" in f.texts or bool(f.notes.strip() or f.analysis.strip())


def weights_from_group_points(f: Form) -> None:
    """Where the indicator table prints no weight column but its 二级 labels print their
    points ('数量指标（15分）'): each row's weight is its group's points shared equally among
    the group's rows, as such templates say they are (worked out, not printed)."""
    if "weight" in f.columns or not f.subgroup_weights or f.texts.get("rows_unnamed"):
        return          # (rows of the table not read: a group's rows are not all known)
    groups: dict = {}
    for i in f.indicators:
        if i.weight is None and i.level2 in f.subgroup_weights:
            groups.setdefault((i.level1, i.level2), []).append(i)
    grouped = {i.level1 for i in f.indicators if i.level2 in f.subgroup_weights}
    inds = f.indicators
    for j, i in enumerate(inds):
        if i.level2 is None and (i.level1 is None or i.level1 in grouped):
            # a row whose 二级 group was not told may be the group's before it or after it:
            # neither's rows are known
            for near in (range(j - 1, -1, -1), range(j + 1, len(inds))):
                k = next((k for k in near if inds[k].level2 is not None), None)
                if k is not None:
                    groups.pop((inds[k].level1, inds[k].level2), None)
    last = (f.indicators[-1].level1, f.indicators[-1].level2) if f.indicators else None
    if last in groups and not _read_to_end(f):
        del groups[last]        # the last group of a table not read to its end may have lost rows
    shares = {id(i): round(f.subgroup_weights[l2] / len(members), 4) for (_, l2), members in groups.items()
              for i in members}
    if not _split_holds(f, shares):
        return
    for members in groups.values():
        for i in members:
            i.weight = shares[id(i)]
            i.weight_inferred = True


def _split_holds(f: Form, shares: dict) -> bool:
    """An equal split of points is worked out, never printed, so it stands only where the
    form's own figures agree with it: most rows' scores are read (a score printed blank is
    one row's matter; most rows without theirs were not read whole), and most rows score
    within their share (a score is at most its weight; one row above it among fitting ones
    is that row's over-claim, most rows above it say the template does not split equally).
    (Checked and dropped: that the scores make up what the declared total leaves the
    indicators; a form whose total is itself wrong then lost its weights, and with them the
    finding.)"""
    scored = [i for i in f.indicators if i.score_declared is not None]
    if 2 * len(scored) < len(f.indicators):
        return False        # most rows read without their scores: not read whole, nothing to check a split by
    over = sum(1 for i in scored if id(i) in shares and i.score_declared > shares[id(i)] + 0.005)
    return 2 * over <= len(scored)      # most rows above their share: the points are not split equally here


def _document_year(forms: list[Form]) -> None:
    """A form that prints no year, in a document whose other forms all print one and the same
    (a page of a unit's forms under one 2023年 title), is of that year."""
    years = {f.year for f in forms if f.year is not None}
    if len(years) != 1:
        return
    year = years.pop()
    for f in forms:
        if f.year is None and "form_start" not in f.texts:     # (a form whose head was lost printed its year there)
            f.year = year
            f.texts["year_inferred"] = "from the other forms of the document"


ORG = r"(?:局|委员会|委|办公室|中心|院|所|站|厅|部|街道办事处|政府|管委会|公司|学校|医院|馆|队)"
TITLE = re.compile(r"^(?P<dept>\p{Han}{2,30}?" + ORG + r")?(?P<year>(?:19|20)\d{2})年度?"
                   r"(?P<project>.+?)(?:项目)?(?:支出)?(?:绩效)?(?:目标)?(?:自评|评价)(?:表|报告表)$")
WHOLE = re.compile(r"部门整体|单位整体|整体支出")     # a department-wide form: it evaluates no one project
GENERIC = re.compile(r"^(部门整体支出|部门整体|项目支出|财政支出项目|财政支出|专项资金|专项|项目|部门|单位)?$")


def named_by_title(f: Form) -> None:
    """A form that prints its project (and its department) only in its title ('雅安市名山区
    林业局2024年度林业草原改革发展资金绩效评价表'): the fields it left unread taken from the
    title, a name no template word ('项目支出', '部门整体支出'), a department only where
    the title names an office ('…局', '…中心') before the year; the source is said."""
    title = f.title or ""
    k, idx = key_map(title)       # (matched on its Simplified key, taken as printed: 績效評價表)
    m = TITLE.match(k)
    if not m or len(idx) != len(k):
        return

    def printed(a: int, b: int) -> str:
        return "".join(title[idx[a]:idx[b - 1] + 1].split())
    tail = re.search(r"(?:绩效)?(?:评价)?$", m.group("project"))
    project = m.group("project")[:tail.start()]
    if f.project_name is None and project and not GENERIC.match(project) and not WHOLE.search(project):
        f.project_name = printed(m.start("project"), m.start("project") + len(project))
        f.texts["project_name_from"] = "the title"
    if f.department is None and m.group("dept"):
        f.department = printed(m.start("dept"), m.end("dept"))
        f.texts["department_from"] = "the title"
