"""The goal region: its target and actual texts (and a score where the template prints one)."""
from __future__ import annotations

import regex as re

from ..schema import Form
from ..text import first_match, matches, pattern, vocabulary
from ..values import is_blank, parse_number
from .tokens import Tok, _sub
from .regions import Mapping, _block_weight, _region_of


GOAL_DONE = re.compile("|".join(map(re.escape, vocabulary()["values"]["completion"])))
SENTENCE_END = re.compile(r"[。;；]|\.(?!\d)")


def _done_apart(k: str) -> int:
    """Where a goal's actual starts in its target's text run on into it ('…所必需的演出设
    备。已完成', '…不低于85%。项目按计划实施，年度目标基本完成。'): after the first sentence
    end (8 characters on at least) whose following text reports completion and whose text
    before does not; 0 where no sentence does (a target of several sentences stays whole)."""
    for m in SENTENCE_END.finditer(k):
        cut = m.end()
        if cut >= 8 and cut < len(k) and GOAL_DONE.search(k[cut:]) and not GOAL_DONE.search(k[:cut]):
            return cut
    return 0


GOAL_SCORE_GLUED = re.compile(r"(.{4,}[。；;.!！])(\d{1,3}(?:\.\d{1,2})?)")


def _goal_score_apart(t: Tok, weight: float | None) -> list[Tok]:
    """The goal's score run into the end of its text ('已完成，情况良好。20'): cut where a
    sentence ends and a figure no larger than the goal's points follows."""
    m = GOAL_SCORE_GLUED.fullmatch(t.key)
    if not m or float(m.group(2)) > (weight if weight is not None else 100):
        return [t]
    return [_sub(t, 0, m.end(1)), _sub(t, m.end(1), len(t.key))]


def read_goal(toks: list[Tok], f: Form, rep: Mapping) -> None:
    v = vocabulary()["goal"]
    texts: list[Tok] = []
    _block_weight(toks, "goal", f)
    scored = any(t.key in ("得分", "自评分") for t in toks)
    body = toks[1:] if toks and _region_of(toks[0].key) == "goal" else toks
    if len(body) < len(toks):
        body = _label_text_after(toks[0]) + body
    if scored:
        body = [p for t in body for p in _goal_score_apart(t, f.section_weights.get("goal"))]
    for t in body:
        if scored and texts and parse_number(t.key) is not None and "%" not in t.key:
            # the goal's own score after its texts ('… | 已完成,情况良好。 | 19')
            f.goal.score_declared = parse_number(t.key)
            f.goal.texts["score"], f.goal.cells["score"] = t.key, t.cell
            continue
        if first_match(v, t.key) or is_blank(t.key) or parse_number(t.key) is not None or \
                _region_of(t.key) == "goal" and len(t.key) <= 8 or t.key in ("得分", "自评分") or \
                re.fullmatch(r"[(（]?\d*分?[)）]", t.key):
            continue
        if re.fullmatch(r"[.…]+", t.key):
            continue
        texts.append(t)
    if not texts:
        return
    n = len(texts)
    if sum(1 for t in body if len(t.key) <= 12 and matches(v["target"], t.key)) >= 2:
        # (the block's own label, '年度目标', is no target column's)
        # a target column and an adjusted-target column (年初 | 全年(调整) | 实际完成情况): three
        # texts are read as the columns, the adjusted target the one that counts; other
        # counts cannot be told apart (OCR interleaves the columns' lines)
        if n != 3:
            rep.unplaced.extend(t.text[:40] for t in texts)
            return
        texts = texts[1:]
        n = 2
    # one text where the block prints an actual column (or its cells ran together): the
    # actual may run on after the target
    prints_actual = any(len(t.key) <= 12 and matches(v["actual"], t.key) for t in body)
    done = _done_apart(texts[0].key) if n == 1 and (texts[0].glued or prints_actual) else 0
    wrapped = _wrapped_sentence(texts)
    if wrapped:                 # the target's lines wrapped at its column's width, then the actual
        target, actual = texts[:wrapped], texts[wrapped:]
    elif done:        # the target, then the actual run on after it
        target, actual = [_sub(texts[0], 0, done)], [_sub(texts[0], done, len(texts[0].key))]
    elif n == 1:
        target, actual = texts, []
    elif n == 2:
        target, actual = texts[:1], texts[1:]
    elif n % 2 == 0 and [t.key for t in texts[:n // 2]] == [t.key for t in texts[n // 2:]]:
        target, actual = texts[:n // 2], texts[n // 2:]
    elif n % 2 == 0 and len({t.line for t in texts}) == n:
        target, actual = texts[0::2], texts[1::2]        # one cell per line, the two columns interleaved
    else:
        lines = sorted({t.line for t in texts})
        if len(lines) == 2:
            target = [t for t in texts if t.line == lines[0]]
            actual = [t for t in texts if t.line == lines[1]]
        else:
            target, actual = texts[:1], texts[1:]
    g = f.goal
    if target:
        g.target = "".join("".join(t.text.split()) for t in target)
        g.texts["target"], g.cells["target"] = g.target, target[0].cell
    if actual:
        g.actual = "".join("".join(t.text.split()) for t in actual)
        g.texts["actual"], g.cells["actual"] = g.actual, actual[0].cell


def _label_text_after(t: Tok) -> list[Tok]:
    """The text a goal's label runs on into ('项目年度目标1.社区卫生…开展。'), as a token of its
    own; nothing where the label stands alone or a short label word follows it."""
    m = pattern(vocabulary()["regions"]["goal"]).search(t.key)
    rest = t.key[m.end():] if m else ""
    return [_sub(t, m.end(), len(t.key))] if len(rest) > 12 and re.search(r"[。；;]$", rest) else []


WRAP_WIDTH = 8          # a wrapped line of the goal's column is this many characters at least


def _wrapped_sentence(texts: list[Tok]) -> int:
    """Where the first text is a sentence wrapped over lines at its column's width (PDF text
    in content order: '按照…运行维护任' / '务，保障…服务对象满意' / '度不低于 85%。' /
    '项目按计划实施…'): how many tokens it takes (its lines, all but the last of one width
    and none ending the sentence, the last ending it), with more text after it; else 0."""
    lines: list[list[Tok]] = []
    for t in texts:
        if lines and lines[-1][-1].line == t.line:
            lines[-1].append(t)
        else:
            lines.append([t])
    widths = [sum(len(t.key) for t in ln) for ln in lines]
    for m in range(1, len(lines) - 1):
        body = widths[:m]
        ends = [re.search(r"[。；;]$", ln[-1].key) for ln in lines[:m + 1]]
        if min(body) >= WRAP_WIDTH and max(body) - min(body) <= 1 and not any(ends[:m]) and ends[m] \
                and widths[m] <= max(body) + 1:
            return sum(len(ln) for ln in lines[:m + 1])
    return 0
