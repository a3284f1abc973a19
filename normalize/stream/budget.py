"""The budget region: the column labels give the roles; each line is a kind label and the
figures after it, bound to the roles by type and by the line's own arithmetic."""
from __future__ import annotations

from dataclasses import replace
from itertools import combinations, product

import regex as re

from extract.grid import PLACED_BY_ORDER

from ..schema import BudgetLine, Form
from ..text import first_match, matches, vocabulary
from ..values import is_blank, parse_number
from .regions import Mapping, _block_weight
from .sources import read_by_source
from .tokens import Tok, _figure, _splits

MONEY = ("initial", "adjusted", "executed", "after_integration")     # a budget line's money columns
SUMS = ((("executed", "balance"), "adjusted"), (("initial", "change"), "adjusted"))     # parts, their whole


def _bind_budget(vals: list[tuple[Tok, float | None]], roles: list[str], rate_pct: bool,
                 total_line: bool = True, ref: dict | None = None) -> tuple[dict[str, Tok], float, bool]:
    """Figures of one budget line bound to the header's roles: every order-keeping choice of
    roles is scored by type and by the line's arithmetic; the best wins.  Returns the
    binding, its score, and whether the arithmetic confirms it (executed / budget ≈ rate, or
    a sub-line repeating the total line's figures)."""
    if not roles or not vals or len(vals) > len(roles):
        return {}, -1e9, False
    n = len(vals)
    best, best_score, best_ok = None, -1e9, False
    for chosen in combinations(range(len(roles)), n):
        b = {roles[c]: vals[j] for j, c in enumerate(chosen)}
        s, ok = 0.0, False
        for role, (t, v) in b.items():
            pct = "%" in t.key
            if role == "row_number":
                s += 1.0 if v is not None and not pct and re.fullmatch(r"\d{1,2}", t.key) else -3
                continue
            if role == "arrival_rate":
                s += 1.5 if pct else -2
                continue
            if role == "rate":
                if not pct and v is not None and ref and ref.get("rate_sign"):
                    s -= 1          # the total line printed its rate with '%': a sub-line's would be too
                else:
                    s += 1.5 if pct else (0 if v is None else (0.3 if rate_pct and v <= 100 else (0.3 if v <= 1.5 else -2)))
            elif pct:
                s -= 3
            elif role in ("weight", "score") and v is not None and v > 100:
                s -= 3
        A, B, R = _line_figures(b)
        held = _rate_holds(A, B, R)
        if held is not None:
            ok = held
            s += 3 if ok else -1
        held, kept, broken = _sums(b)
        if kept or broken:
            ok = ok or kept > 0
            s += 3 * kept - broken
        money = {r: v for r, (t, v) in b.items() if r in ("initial", "adjusted", "executed")}
        if not ok and _repeats_total(money, ref):
            ok = True
            s += 3
        W, S = (b.get("weight") or (None, None))[1], (b.get("score") or (None, None))[1]
        if W is not None and S is not None and S > W + 1e-9:
            s -= 3
        if W is not None and S is not None and R is not None and abs(W * R - S) <= 0.5 + 1e-9:
            s += 1
        if not total_line:
            s -= 0.5 * sum(1 for r in b if r in ("weight", "score"))   # sub-lines rarely carry points
        # money first: a line that prints fewer figures leaves the trailing roles empty
        s -= 0.05 * sum(chosen)
        if "initial" in b and "executed" in b and "adjusted" in roles and "adjusted" not in b:
            s -= 0.1        # a rate is executed / the full-year budget: the one budget printed is that
        if s > best_score:
            best, best_score, best_ok = b, s, ok
    return {r: t for r, (t, v) in best.items()}, best_score, best_ok


def _rate_holds(A: float | None, B: float | None, R: float | None) -> bool | None:
    """Whether a line's executed figure over its budget gives its printed rate (within 1.1
    points, a rate of 0 only for nothing executed, 150% at most), or None where the line
    prints not all three."""
    if not A or B is None or R is None:
        return None
    return abs(B / A - R) <= 0.011 and (R > 0 or B == 0) and R <= 1.5


def _sums(b: dict[str, tuple[Tok, float | None]]) -> tuple[set[str], int, int]:
    """The block's own sums a binding keeps (its balance the budget less the spending, its
    budget the year's opening one and the change: '年初预算数 | 当年…调整预算数'): the roles of
    the sums that hold, how many hold, and how many it breaks."""
    fig = {r: v for r, (t, v) in b.items()}
    held, kept, broken = set(), 0, 0
    for parts, whole in SUMS:
        if all(fig.get(r) is not None for r in (*parts, whole)):
            if abs(sum(fig[r] for r in parts) - fig[whole]) <= 0.011:
                held |= {*parts, whole}
                kept += 1
            else:
                broken += 1
    return held, kept, broken


def _repeats_total(money: dict[str, float | None], ref: dict | None) -> bool:
    """A sub-line repeating the total line's money figures (two at least), column by column."""
    return bool(ref) and len(money) >= 2 and all(ref.get(r) is not None and ref[r] == v for r, v in money.items())


def _glued_run(t: Tok) -> str | None:
    """The digits of a token that may hold several figures run together ('303010100%',
    ':310.2154.741050%5'), or None for a token that is one figure."""
    k = t.key.lstrip(":")
    if t.whole or not re.fullmatch(r"[\d.%]+", k) or not k[0].isdigit():
        return None     # (a run its table's column grammar found no one cut for is left unread)
    if k.count(".") > 1 or "%" in k[:-1] or k.count("%") > 1:
        return k
    if t.glued and len(re.sub(r"\D", "", k)) >= 4:
        return k
    return None


def _exactness(b: dict[str, Tok]) -> float:
    """How closely executed / budget gives the printed rate (1 when exact)."""
    fig = {r: _figure(t)[1] for r, t in b.items()}
    A, B, R = fig.get("adjusted") or fig.get("initial"), fig.get("executed"), fig.get("rate")
    if not A or B is None or R is None:
        return 0.0
    return max(0.0, 1.0 - abs(B / A - R) * 100)


def _bind_line(plain: list[tuple[Tok, float | None]], roles: list[str], rate_pct: bool, total_line: bool,
               ref: dict, rep: Mapping) -> dict[str, Tok]:
    """A budget line's figures bound to its roles.  Figures that ran together are cut where
    the line's arithmetic confirms the cut; a run no cut explains is reported, not read."""
    alts: list[list[list[tuple[Tok, float | None]]]] = []
    glued = []
    for t, v in plain:
        run = _glued_run(t)
        if run is None:
            alts.append([[(t, v)]])
            continue
        glued.append(t)
        cuts = []
        for sp in _splits(run, len(roles)):
            if any(len(p.split(".")[-1]) > 2 and p.endswith("0") and "." in p for p in sp):
                continue        # '154.7410': a figure is not printed with a trailing zero decimal
            cuts.append([(Tok(p, p, t.cell, t.line, glued=True, cut=run), parse_number(p)) for p in sp])
        alts.append(cuts)
    best, best_score = None, -1e9
    for n, combo in enumerate(product(*alts)):
        if n >= 20000:
            break
        vals = [x for part in combo for x in part]
        b, sc, ok = _bind_budget(vals, roles, rate_pct, total_line, ref)
        cut_zeros = {id(t) for part in combo if len(part) > 1 for t, v in part if v == 0}
        if glued and cut_zeros and cut_zeros - {id(t) for r, t in b.items()
                                                if r in _sums({r2: (t2, _figure(t2)[1]) for r2, t2 in b.items()})[0]}:
            ok = False                  # a cut that makes a zero is never the confirmation (but a
                                        # zero the block's own sums hold: a change of 0)
        if glued:
            # among the cuts the arithmetic allows: the one that explains more figures, more
            # exactly, without making zeros
            sc += 0.3 * len(b) + _exactness(b)
            sc -= sum(1.0 for part in combo if len(part) > 1 for t, v in part if v == 0)
        if glued and not ok:
            continue
        if sc > best_score:
            best, best_score = b, sc
    if best is not None:
        return best
    if glued:
        rep.unplaced.extend(f"{t.text} (figures run together; no cut fits the line's arithmetic)" for t in glued)
    rest = [(t, v) for t, v in plain if t not in glued]
    return _bind_budget(rest, roles, rate_pct, total_line, ref)[0] if rest else {}


def read_budget(toks: list[Tok], f: Form, rep: Mapping) -> None:
    v = vocabulary()
    roles: list[str] = []
    rate_pct = False
    kinds = v["budget_kinds"]
    # the unit printed with the block's label: at the block's head, or where the label stands
    # after the block's columns (column order: '全年预算数(A) … 年度资金总额 | 资金投入情况 | (万元)')
    heads = [n for n, t in enumerate(toks) if matches(v["regions"]["budget"], t.key)]
    near = "".join(t.key for t in toks[:12]) + "".join(t.key for n in heads[:1] for t in toks[n:n + 4])
    m = re.search(r"\((万元|千元|亿元|元)\)|单位:(万元|元)", near)
    if m:
        f.unit_declared = m.group(1) or m.group(2)
    _block_weight(toks, "budget", f)
    if read_by_source(toks, f, rep):
        return
    i = 0
    lines: list[tuple[str, Tok, list]] = []
    loose: list[tuple[int, Tok]] = []     # figures printed apart from any line's label
    by_place: set[int] = set()             # figures a label names by their place alone
    late: set[str] = set()                 # column labels read only after the lines began
    # a block with no line labels ('部门预算执行情况 | 年初预算数 … | 76% | 10 | 7.6'): its
    # figures are one line, the total, named by the block's own label
    unlabelled = toks and not any(first_match(kinds, t.key) for t in toks)
    banded = False
    while i < len(toks):
        t = toks[i]
        if matches(v["numbering"]["columns"], t.key):
            i += 1              # the columns' numbers: no figures of any line
            while i < len(toks) and re.fullmatch(r"\d{1,2}", toks[i].key):
                i += 1
            continue
        kind = first_match(kinds, t.key)
        role = first_match(v["budget"], t.key)
        if unlabelled and len(lines) == 1 and role and not kind and role not in roles:
            # a block with no line labels printed in bands, each a row of column labels over
            # its row of figures ('年初预算数 | 当年调整… / 210 | 0 / 财政拨款数 | 实际支付数 … /
            # 210 | 197.33 …'): one line, its columns the bands' labels in order
            roles.append(role)
            banded = True
            i += 1
            continue
        if banded and _figure(t)[0]:
            lines[0][2].append((t, _figure(t)[1]))
            i += 1
            continue
        if unlabelled and roles and not lines and not first_match(v["budget"], t.key) and _figure(t)[0]:
            kind, t, i = "total", toks[0], i - 1
        role = first_match(v["budget"], t.key)
        if role and not kind and i + 1 < len(toks) and _figure(toks[i + 1])[0] and \
                not first_match(v["budget"], toks[i + 1].key) and (not lines or not roles) and \
                not (unlabelled and len(roles) >= 2) and not (i > 0 and first_match(v["budget"], toks[i - 1].key)):
            # key/value budget ('预算数: 2.38  执行数: 2.38'): the figure belongs to the total line;
            # a label followed by a run of figures is a column's label over figures of several
            # columns (reading order), the first of them its own by place alone
            if not lines:
                lines.append(("total", t, []))
            lines[0][2].append((toks[i + 1], _figure(toks[i + 1])[1], role))
            if i + 2 < len(toks) and _figure(toks[i + 2])[0] and not is_blank(toks[i + 2].key):
                by_place.add(id(toks[i + 1]))
            i += 2
            continue
        if role and not kind and not any(vals for _, _, vals in lines):
            if role not in roles:
                roles.append(role)
            rate_pct = rate_pct or (role == "rate" and "%" in t.key)
            i += 1
            continue
        if kind:
            vals = []
            j = i + 1
            rest = t.key.split(":", 1)[1] if ":" in t.key[:-1] and not t.key.startswith("其中") else ""
            tail = re.search(r"(?<=\p{Han})[\d.,%]*\d[\d.,%]*$", t.key)
            if not rest and tail and first_match(kinds, t.key[:tail.start()]):
                rest = tail.group()             # figures glued to the line's label
            if rest:
                rt = Tok(rest, rest, t.cell, t.line, t.glued)
                ok, val, unit = _figure(rt)
                if ok or _glued_run(rt):
                    vals.append((rt, val))
            j = _past_note(toks, j)
            while j < len(toks):
                if re.fullmatch(r"[:;,、]", toks[j].key):
                    j += 1                      # a colon left between a label and its figures
                    continue
                ok, val, unit = _figure(toks[j])
                if not ok and _glued_run(toks[j]):
                    ok = True
                if not ok:
                    if toks[j].key in ("万元", "元"):
                        j += 1
                        continue
                    if toks[j].key in ("%", "％") and vals and "%" not in vals[-1][0].key:
                        # a rate's sign its narrow column wrapped onto the next line ('95.45' / '%')
                        t0 = vals[-1][0]
                        rt = Tok(t0.text + "%", t0.key + "%", t0.cell, t0.line, t0.glued)
                        vals[-1] = (rt, _figure(rt)[1])
                        j += 1
                        continue
                    break
                vals.append((toks[j], val))
                j += 1
            if not vals and j < len(toks) and toks[j].whole and re.fullmatch(r"[\d.,%—\-－/]{5,}", toks[j].key):
                # figures run together that no cut fits: the line is printed, its figures unread
                unread = f.texts.get("budget_unread")
                f.texts["budget_unread"] = f"{unread}; {t.text} {toks[j].text}" if unread else f"{t.text} {toks[j].text}"
            lines.append((kind, t, vals))
            i = j
            continue
        if role and role not in roles:
            late.add(role)
        if _figure(t)[0] or _glued_run(t):
            loose.append((len(lines), t))
        elif not re.fullmatch(r"\(?(万元|元)\)?|其中:?", t.key):
            rep.unplaced.append(t.text)
        i += 1
    f.budget_columns = list(roles)
    lines = _loose_figures(lines, loose, roles, rate_pct, rep)
    merged: list = []
    for kind, label, vals in lines:
        prev = next((m for m in merged if m[0] == kind), None)
        if prev is not None and len(prev[2]) == 1 and len(vals) == 1:
            prev[2].append(vals[0])       # the same line printed once per column (budget, then execution)
            continue
        merged.append((kind, label, list(vals)))
    # the money columns the block prints: those of its column labels and those its key/value
    # labels name ('全年预算数 271.13' read where no column label stood before the lines)
    named = [x[2] for m in merged for x in m[2] if len(x) == 3]
    columns = roles + [r for r in dict.fromkeys(named) if r not in roles]
    # no column label read: the lines' figures bound to columns guessed from the key/value labels
    guessed = not roles and bool(named)
    if guessed:
        roles = ["adjusted", "executed"]
    ref: dict = {}
    # that, or a line printing more figures than the columns read: the block's column labels
    # were not read whole (reading order scatters them), so no line's figures have a known column
    short = guessed or any(sum(1 for x in vals if len(x) == 2) > len(roles) for _, _, vals in merged) or \
        bool(late & set(MONEY) - set(named))
    if short:
        rep.unplaced.append("budget block: its column labels were not read whole, every line's figures placed by order")
    for kind, label, vals in merged:
        keyed = {x[2]: x[0] for x in vals if len(x) == 3}
        plain = [(x[0], x[1]) for x in vals if len(x) == 2]
        bound = dict(keyed)
        bound.update(_bind_line(plain, [r for r in roles if r not in keyed], rate_pct, kind == "total", ref, rep))
        if not set(bound) - {"row_number"} and kind != "total":
            continue            # (a line printing only its row number prints no figure)
        placed = _placed_by_order(bound, set(keyed), columns, ref, short) | \
            {r for r, t in keyed.items() if id(t) in by_place}
        if kind == "total" and not ref:
            ref = {r: _figure(t)[1] for r, t in bound.items() if r in MONEY}
            if "rate" in bound and "%" in bound["rate"].key:
                ref["rate_sign"] = True
        _budget_line(f, kind, label, bound, placed)


NOTE_PIECES = 4        # a label's note in brackets runs over this many pieces at most


def _past_note(toks: list[Tok], j: int) -> int:
    """Past a note in brackets that a line's label runs on with ('其他资金 | (包括以前年度结转资 |
    金)'): the line's figures follow it."""
    if j >= len(toks) or not toks[j].key.startswith("(") or _figure(toks[j])[0]:
        return j
    for n in range(j, min(j + NOTE_PIECES, len(toks))):
        if ")" in toks[n].key:
            return n + 1
    return j


def _loose_figures(lines: list, loose: list[tuple[int, Tok]], roles: list[str], rate_pct: bool,
                   rep: Mapping) -> list:
    """Text read in column order prints the lines' labels, then the column labels, then the
    lines' figures ('年度资金总额 | 其中:当年财政拨款 | 全年预算数 … | 65.66 | 65.07 | 10 | 99% |
    9 | 65.66 | 65.07 | — | 99% | —'): one run of figures after the labelled lines that
    printed none is cut into that many lines, where the lines' arithmetic fits best."""
    empty = [n for n, (kind, label, vals) in enumerate(lines) if not vals]
    runs = {pos for pos, _ in loose}
    if runs == {0} and [lines[n][0] for n in empty] == ["total"] and len(loose) <= len(roles) \
            and any(vals for _, _, vals in lines):
        # the figures before every line's label, and a total line printed with none: the
        # total's own, its label a merged cell printed after its row (column order)
        out = list(lines)
        kind, label, _ = out[empty[0]]
        out[empty[0]] = (kind, label, [(t, _figure(t)[1]) for _, t in loose])
        rep.unplaced.append("column order: the total line's figures printed before its label")
        return out
    if not empty or not roles or len(runs) != 1 or runs.pop() < max(empty) + 1:
        if loose:
            rep.unplaced.extend(t.text for _, t in loose if not is_blank(t.key))
        return lines
    figs = [(t, _figure(t)[1]) for _, t in loose]
    k, n = len(empty), len(figs)
    best, best_s = None, -1e9
    for cut in combinations(range(1, n), k - 1):
        parts = [figs[a:b] for a, b in zip((0,) + cut, cut + (n,))]
        if any(not p or len(p) > len(roles) for p in parts):
            continue
        score, ref = 0.0, None
        for m, p in enumerate(parts):
            b, sc, ok = _bind_budget(p, roles, rate_pct, lines[empty[m]][0] == "total", ref)
            score += sc + (2 if ok else 0)
            if m == 0:
                ref = {r: _figure(t)[1] for r, t in b.items() if r in ("initial", "adjusted", "executed")}
        if len({len(p) for p in parts}) == 1:
            score += 1.0        # rows of one table print as many cells each (blanks as '—')
        if score > best_s:
            best, best_s = parts, score
    if best is None:
        rep.unplaced.extend(t.text for _, t in loose if not is_blank(t.key))
        return lines
    out = list(lines)
    for m, p in zip(empty, best):
        kind, label, _ = out[m]
        out[m] = (kind, label, p)
    rep.unplaced.append(f"column order: {k} budget lines' figures printed after their labels, cut by their arithmetic")
    return out


def _line_figures(b: dict[str, tuple[Tok, float | None]]) -> tuple[float | None, float | None, float | None]:
    """A bound line's budget (the full-year one where printed), executed figure and rate as a
    fraction (a rate printed without '%' above 1.5 is in per cent)."""
    # (the budget a printed rate is of: after funds integrated elsewhere, where printed)
    A = (b.get("after_integration") or b.get("adjusted") or b.get("initial") or (None, None))[1]
    B = (b.get("executed") or (None, None))[1]
    R = (b.get("rate") or (None, None))[1]
    if R is not None and R > 1.5 and "%" not in b["rate"][0].key:
        R = R / 100
    return A, B, R


def _placed_by_order(bound: dict[str, Tok], keyed: set[str], columns: list[str], ref: dict,
                     short: bool = False) -> set[str]:
    """The money roles of a line whose figures stand in their columns by order alone: text
    that drops blank cells (reading order, rows flattened) prints a line with fewer money
    figures than the block has money columns, so which columns it left out is a guess.  The
    line's arithmetic (executed / budget ≈ its printed rate) or the total line's figures
    repeated column by column confirm the guess; a figure its own label names is no guess.
    ``short``: the block's column labels were not read whole, so every figure is placed so."""
    money_roles = [r for r in columns if r in MONEY and r not in keyed]
    placed = {r for r, t in bound.items() if r in money_roles and not is_blank(t.key)}
    if not placed or (len(placed) >= len(money_roles) and not short):
        return set()
    if _rate_holds(*_line_figures({r: (t, _figure(t)[1]) for r, t in bound.items()})) or \
            _repeats_total({r: _figure(bound[r])[1] for r in placed}, ref):
        return set()
    return placed


def _budget_line(f: Form, kind: str, label: Tok, cells: dict[str, Tok], placed: set[str] = frozenset()) -> None:
    line = BudgetLine(kind=kind, label=label.key.rstrip(":"))
    if "after_integration" in cells:
        # the budget left after funds integrated elsewhere is the one the execution rate is of
        # (E/C): the line's budget (its 全年预算数 kept as printed)
        cells = {**cells, "adjusted": cells["after_integration"]}
        placed = placed | {"adjusted"} if "after_integration" in placed else placed
    doubt = _unconfirmed_cut(cells)
    for role, t in cells.items():
        ok, val, unit = _figure(t)
        if unit == "万元" and f.unit_declared is None:
            f.unit_declared = "万元"
        cell = t.cell
        if doubt and _holds_run(cell):
            cell = replace(cell, text=t.key, doubt=doubt)
        elif role in placed and cell is not None and cell.doubt is None:
            cell = replace(cell, doubt=PLACED_BY_ORDER)
        line.set_figure(role, val, t.key, cell, "%" in t.key)
    if any(t.glued or t.cut for t in cells.values()):
        line.texts["run_together"] = "its figures parted from text whose cells ran together"
    f.add_budget_line(line)


_RUN_FIGURES = re.compile(r"\d+(?:\.\d+)?%?")


def _holds_run(cell) -> bool:
    """A cell whose text holds more than one figure: a run of digits the reader cut."""
    return cell is not None and len(_RUN_FIGURES.findall(cell.text or "")) > 1


def _unconfirmed_cut(cells: dict[str, Tok]) -> str | None:
    """Why a budget line's figures cut from one run of digits (budget, executed, rate and
    score printed with nothing between them) are in doubt, or None: a cut is a reading only
    where the line's arithmetic confirms it (executed / budget ≈ the rate printed); else it
    is a guess, flagged, never judged."""
    runs = [t.cell.text for t in cells.values() if _holds_run(t.cell)]
    if not runs:
        return None
    A, B, R = _line_figures({r: (t, _figure(t)[1]) for r, t in cells.items()})
    if A and B is not None and R is not None:
        # to the rate's last printed digit (rounded or cut): a looser fit confirms a wrong cut
        m = re.search(r"\.(\d+)", cells["rate"].key)
        step = 10 ** -(len(m.group(1)) if m else 0) * (0.01 if "%" in cells["rate"].key else 1)
        if abs(B / A - R) <= step + 1e-9:
            return None
    return f"cut from figures run together ('{runs[0][:40]}') where the line's arithmetic does not confirm the cut"
