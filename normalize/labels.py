"""Every label wording seen in the field, mapped onto the schema.

Ordered lists: the first pattern that matches wins, so the more specific wording comes
first (``年度指标值`` before ``指标值``, ``全年预算数`` before ``预算数``).  Patterns are
matched against a cell's text with all whitespace removed.
"""
from __future__ import annotations

import regex as re

# Section openers, tested on the first own (not merged) cell of a row.
SECTIONS: list[tuple[str, str]] = [
    ("notes", r"^(备注|注|说明|填表说明)[:：]"),
    ("notes", r"^(备注|填表说明)$"),
    ("analysis", r"^(偏差大|偏差原因|目标未完成|改进措施|存在问题|主要问题)"),
    ("budget", r"^(项目资|预算执行情|年度预算执行|资金情况|预算资金|项目预算执行|资金执行情况)"),
    ("goal", r"^(年度目标|年度总体|项目绩效总|总体目标|项目总目标|绩效总目标)"),
    ("indicators", r"^(项目年度|年度绩效指标|绩效指标|项目绩效指标)"),
    ("total", r"^(总分|合计|总计|自评得分|自评总分)[:：]?"),
]

BUDGET_ROLES: list[tuple[str, str]] = [
    ("initial", r"年初预算"),
    ("adjusted", r"全年预算|调整后预算|调整预算|预算数|预算金额|预算额|预算资金|安排数|安排资金"),
    ("executed", r"全年执行|^全年执|执行数|实际支出|支出数|决算数|执行金额|执行额|实际执行"),
    ("rate", r"^执行率|执行率[（(]|^预算执行率"),
    ("weight", r"^分值|^权重|^满分"),
    ("score", r"^得分|^自评得分|^评分"),
]

GOAL_ROLES: list[tuple[str, str]] = [
    ("actual", r"实际完成|完成情况|实际情况|完成情况综述"),
    ("target", r"设定目标|预期目标|年初目标|总体目标|绩效目标|目标内容"),
    ("weight", r"^分值|^权重"),
    ("score", r"^得分"),
]

INDICATOR_ROLES: list[tuple[str, str]] = [
    ("level1", r"^一级指标|^一级指$"),
    ("level2", r"^二级指标|^二级指$"),
    ("name", r"^三级指|指标名称|^指标名|^绩效指标名称|^指标内容"),
    ("target_op", r"^指标性质|^指标方向|^比较符"),
    ("target_unit", r"^度量单位|^计量单位|^单位$"),
    ("target", r"年度指标值|年初目标值|年度目标值|预期指标值|^目标值|^指标值|预期值|^年初指标值|计划值|^计划数|^年初目标$|^年度指标$|^年度指$"),
    ("actual", r"全年实际值|实际完成值|实际值|完成值|实际完成|完成情况|完成数|^实际完$|^全年实际$"),
    ("weight", r"^分值|^权重|^满分"),
    ("score", r"^得分|^自评得分|^评分"),
    ("note", r"原因|改进措施|^备注|^说明"),
]

BUDGET_KINDS: list[tuple[str, str]] = [
    ("fiscal", r"财政拨款|当年财政|本年财政|财政资金$|一般公共预算"),
    ("carryover", r"上年结转|结转|结余"),
    ("other", r"其他资金|单位资金|自有资金|财政专户|专户管理|社会资金|其他"),
    ("total", r"资金总额|总额|合计|总计|年度资金|年度财政资金"),
]

HEADER_FIELDS: list[tuple[str, str]] = [
    ("project_name", r"^项目名称|^项目名$"),                # '项目名' / '称': a label wrapped in a narrow column
    ("department", r"^主管部门|^主管单位|^主管部$"),
    ("implementing_unit", r"^项目实施单位|^实施单位|^项目单位|^预算单位|^实施单$"),
    ("fill_date", r"^填报日期"),
    ("declared_total", r"^自评得分|^自评总分"),
]

HEADER_LABELS = r"项目名称|主管部门|项目实施单位|实施单位|填报日期|自评得分|单位名称"
LEVEL1 = r"^(产出指标|效益指标|效果指标|满意度指标|社会效益|经济效益)"
LEVEL1_NAMES = ["产出指标", "效益指标", "效果指标", "满意度指标"]
LEVEL2 = (r"^(数量指标|质量指标|时效指标|进度指标|成本指标|经济效益指标|社会效益指标|生态效益指标|"
          r"环境效益指标|可持续影响指标|服务对象满意度指标|满意度指标|经济成本指标|社会成本指标|"
          r"生态环境成本指标|效益指标)")
FORM_TITLE = r"(自评表|绩效自评|自评报告表)"


SECTION_WORDS = {
    "budget": ["项目资金", "预算执行情况", "年度预算执行情况", "资金情况"],
    "goal": ["年度目标", "年度总体目标", "项目绩效总目标", "总体目标"],
    "indicators": ["项目年度绩效指标", "年度绩效指标", "绩效指标"],
    "analysis": ["偏差大或目标未完成原因分析", "改进措施及结果应用方案"],
}


def section_of(text: str) -> str | None:
    """The section a row's first cell opens: its label, or (a label wrapped in a narrow
    column, '年度总' / '体目标') an unambiguous beginning of one, three characters at least."""
    sec = match(SECTIONS, text)
    if sec or len(text) < 3:
        return sec
    hits = {s for s, words in SECTION_WORDS.items() for w in words if w.startswith(text) and w != text}
    return hits.pop() if len(hits) == 1 else None


def match(table: list[tuple[str, str]], text: str) -> str | None:
    for key, pattern in table:
        if re.search(pattern, text):
            return key
    return None


def strip_weight(label: str) -> str:
    """'产出指标(50分)' → '产出指标'."""
    return re.sub(r"[（(]\s*\d+(?:\.\d+)?\s*分\s*[)）]", "", label).strip()


def level1_of(text: str) -> str | None:
    """'产\\n出\\n指\\n标\\n(50分)' → '产出指标'; '服务对象满意度指标' at level 1 → '满意度指标'."""
    t = strip_weight(text)
    m = re.match(r"^(产出指标|效益指标|效果指标|满意度指标)", t)
    if m:
        return m.group(1)
    if re.match(r"^(服务对象)?满意度指标?$", t):
        return "满意度指标"
    return None


def level2_of(text: str) -> str | None:
    t = strip_weight(text)
    m = re.match(LEVEL2 + r"$", t)
    return m.group(1) if m else None


LEVEL1_OF_LEVEL2 = {
    "数量指标": "产出指标", "质量指标": "产出指标", "时效指标": "产出指标", "进度指标": "产出指标",
    "成本指标": "产出指标", "经济效益指标": "效益指标", "社会效益指标": "效益指标",
    "生态效益指标": "效益指标", "环境效益指标": "效益指标", "可持续影响指标": "效益指标",
    "服务对象满意度指标": "满意度指标", "满意度指标": "满意度指标",
}
