"""report.html: one self-contained page (pictures embedded) for a reviewer.

Per file: unreadable files with their reasons; per form: the recomputation next to the
declared figures, and each finding with a picture of its source cells."""
from __future__ import annotations

import base64
import html
from pathlib import Path

from .evidence import crop, redraw, rendered_crop
from .files import write_text
from .reports import SEVERITY_ORDER, summary

CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:24px;color:#222}
h1{font-size:22px} h2{font-size:18px;border-bottom:1px solid #ccc;padding-bottom:4px;margin-top:32px}
h3{font-size:15px;margin:18px 0 6px} table{border-collapse:collapse;margin:6px 0;font-size:13px}
td,th{border:1px solid #bbb;padding:3px 6px;vertical-align:top} th{background:#f0f0f0}
.error{background:#fbe0d6}.warning{background:#fff2c2}.info{background:#e6f0fa}
.diff{font-weight:bold;color:#b00000} .finding{margin:10px 0;padding:8px;border-left:4px solid #999}
.finding.error{border-color:#c00}.finding.warning{border-color:#d9a400}.finding.info{border-color:#58c}
img.evidence{display:block;margin-top:6px;border:1px solid #aaa;max-width:100%}
.muted{color:#777;font-size:12px}
"""


def _e(v) -> str:
    return "" if v is None else html.escape(str(v))


def _n(v) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:,.4f}".rstrip("0").rstrip(".")
    return _e(v)


def _img(png: bytes | None, note: str) -> str:
    if not png:
        return f'<div class="muted">no picture: {html.escape(note)}</div>'
    b64 = base64.b64encode(png).decode()
    return f'<img class="evidence" alt="evidence" src="data:image/png;base64,{b64}"><div class="muted">{html.escape(note)}</div>'


def picture(fd: dict, form: dict | None, fmt: str | None, render_dir: str | None = None) -> tuple[bytes | None, str]:
    """The evidence picture of a finding and a note on what it shows."""
    ev = fd.get("evidence") or []
    if fmt in ("docx", "doc") and render_dir and ev and form is not None:
        png = rendered_crop(fd["path"], form["source"]["sha256"], ev, render_dir)
        if png:
            return png, f"crop of {Path(fd['path']).name} as LibreOffice renders it, page {_page_of(ev)}"
    if fmt in ("pdf", "image") and any(e.get("bbox") for e in ev):
        try:
            png = crop(fd["path"], fmt, ev, transforms=(form or {}).get("source", {}).get("page_transforms"))
            if png:
                return png, f"crop of {Path(fd['path']).name}, page {ev[0].get('page')}"
        except Exception as e:   # a page that will not render: say so, keep the report
            return None, f"page could not be rendered ({type(e).__name__})"
    if form is None:
        return None, "no form"
    if fd.get("indicator"):
        ind = next((i for i in form["indicators"] if i["name"] == fd["indicator"]), None)
        if ind:
            heads = ["指标名称", "目标值", "实际值", "分值", "得分", "复算"]
            vals = [ind["name"] or "", ind["target"] or "", ind["actual"] or "", _n(ind["weight"]),
                    _n(ind["score_declared"]), _n(fd.get("expected"))]
            return redraw(heads, vals, {4, 5}, _where(ev, fmt)), "redrawn from the extracted cells (no page geometry)"
    if fd["code"].startswith("BUDGET") or fd["code"] == "UNIT_INCONSISTENT":
        lines = form["budget"]["lines"]
        b = lines[0] if lines else None
        if b:
            heads = [f"资金（{form['budget']['unit_declared'] or '?'}）", "预算数", "执行数", "执行率", "分值", "得分"]
            vals = [b.get("label") or b["kind"], _n(b["adjusted"]), _n(b["executed"]), _n(b["rate_declared"]),
                    _n(b["weight"]), _n(b["score_declared"])]
            return redraw(heads, vals, {1, 2, 3, 5}, _where(ev, fmt)), "redrawn from the extracted cells"
    heads = ["项目", "自评得分", "复算"]
    vals = [form.get("project_name") or "", _n(form.get("declared_total")),
            _n(fd.get("expected"))]
    return redraw(heads, vals, {1, 2}, _where(ev, fmt)), "redrawn from the extracted cells"


def _page_of(ev: list[dict]):
    return next((e.get("page") for e in ev if e.get("page")), 1)


def _where(ev: list[dict], fmt) -> str:
    if not ev:
        return f"{fmt}"
    e = ev[0]
    return f"{fmt} · {'sheet' if fmt in ('xlsx', 'xls') else 'page'} {e.get('page') or 1} · row {e.get('row', 0) + 1}, col {e.get('col', 0) + 1}"


def write_html(results: list[dict], out: Path) -> None:
    s = summary(results)
    parts = [f"<!doctype html><html lang='zh'><head><meta charset='utf-8'><title>selfeval audit</title>"
             f"<style>{CSS}</style></head><body><h1>selfeval audit report</h1>",
             f"<p>{s['files_in']} files, {s['forms']} forms, {s['files_unreadable']} unreadable; findings: "
             f"{s['errors']} error, {s['warnings']} warning, {s['info']} info.</p>"]
    bad = [r for r in results if r.get("error")]
    if bad:
        parts.append("<h2>Files not read</h2><table><tr><th>file</th><th>reason</th></tr>")
        parts += [f"<tr class='error'><td>{_e(r['path'])}</td><td>{_e(r['error'])}</td></tr>" for r in bad]
        parts.append("</table>")
    if s["skipped"]:
        parts.append("<h2>Entries skipped</h2><table><tr><th>entry</th><th>why</th></tr>")
        parts += [f"<tr><td>{_e(k['path'])}</td><td>{_e(k['reason'])}</td></tr>" for k in s["skipped"]]
        parts.append("</table>")
    render_dir = str(out.parent / "renders")
    for r in results:
        for f in r["forms"]:
            parts.append(_form(r, f, render_dir))
    parts.append("</body></html>")
    write_text(out, "\n".join(parts))


def _form(r: dict, f: dict, render_dir: str | None = None) -> str:
    src = f["source"]
    rec = f.get("recomputed") or {}
    fds = sorted([fd for fd in r["findings"] if fd["form_index"] == src["form_index"]],
                 key=lambda fd: SEVERITY_ORDER.get(fd["severity"], 9))
    h = [f"<h2>{_e(f['project_name'] or '(no project name)')}</h2>",
         f"<p class='muted'>{_e(src['path'])} · form {src['form_index']} · {src['format']}"
         f"{' (OCR)' if src['ocr'] else ''} · year {_e(f['year'])} · {_e(f['implementing_unit'])} · "
         f"rules {_e((f.get('rule_set') or {}).get('id'))}</p>",
         f"<p>Declared total <b>{_n(f['declared_total'])}</b>; declared parts sum to {_n(rec.get('total_of_parts'))}; "
         f"under the rules the form scores <b>{_n(rec.get('total_by_rules'))}</b>.</p>",
         "<h3>Budget</h3><table><tr><th>line</th><th>budget (元)</th><th>executed (元)</th><th>rate declared</th>"
         "<th>rate recomputed</th><th>weight</th><th>score declared</th><th>score recomputed</th></tr>"]
    rb = rec.get("budget") or []
    for i, b in enumerate(f["budget"]["lines"]):
        rr = rb[i] if i < len(rb) else {}
        diff = rr.get("score") is not None and b["score_declared"] is not None and abs(rr["score"] - b["score_declared"]) > 0.005
        h.append(f"<tr><td>{_e(b.get('label') or b['kind'])}</td><td>{_n(b['adjusted'])}</td><td>{_n(b['executed'])}</td>"
                 f"<td>{_n(b['rate_declared'])}</td><td>{_n(rr.get('rate'))}</td><td>{_n(b['weight'])}</td>"
                 f"<td>{_n(b['score_declared'])}</td><td class='{'diff' if diff else ''}'>{_n(rr.get('score'))}</td></tr>")
    h.append("</table><h3>Indicators</h3><table><tr><th>一级</th><th>二级</th><th>指标</th><th>目标</th><th>实际</th>"
             "<th>分值</th><th>得分</th><th>recomputed</th><th>how</th></tr>")
    ri = rec.get("indicators") or []
    for i, ind in enumerate(f["indicators"]):
        rr = ri[i] if i < len(ri) else {}
        exp = rr.get("expected")
        diff = exp is not None and ind["score_declared"] is not None and abs(exp - ind["score_declared"]) > 0.005
        how = rr.get("kind") or ""
        if rr.get("direction"):
            how += f" ({rr['direction']})"
        if rr.get("tier"):
            how += f" tier {rr['tier']}"
        h.append(f"<tr><td>{_e(ind['level1'])}</td><td>{_e(ind['level2'])}</td><td>{_e(ind['name'])}</td>"
                 f"<td>{_e(ind['target'])}</td><td>{_e(ind['actual'])}</td><td>{_n(ind['weight'])}"
                 f"{'*' if ind.get('weight_inferred') else ''}</td><td>{_n(ind['score_declared'])}</td>"
                 f"<td class='{'diff' if diff else ''}'>{_n(exp)}</td><td>{_e(how)}</td></tr>")
    h.append("</table>")
    if any(i.get("weight_inferred") for i in f["indicators"]):
        h.append("<p class='muted'>* weight inferred: the template prints no weight column.</p>")
    h.append(f"<h3>Findings ({len(fds)})</h3>")
    for fd in fds:
        png, note = picture(fd, f, src["format"], render_dir)
        h.append(f"<div class='finding {fd['severity']}'><b>{_e(fd['code'])}</b> · {_e(fd['severity'])}"
                 f"{' · ' + _e(fd['indicator']) if fd['indicator'] else ''}<br>{_e(fd['message'])}"
                 f"{_img(png, note)}</div>")
    return "\n".join(h)
