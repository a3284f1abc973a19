"""report.html: one self-contained page for a reviewer, light enough to open on any machine.

At the top, an overview with one row per form (errors first) linking to the form; a filter
by severity and code and a search box (a few lines of inline script, nothing fetched);
ROUNDING remarks hidden until asked for.  Per form: its findings first, each with the
picture of its cells in context (embedded for the severities pictures were saved for), then
the recomputation beside the declared figures, folded away."""
from __future__ import annotations

import base64
import html
from pathlib import Path

from score import REVIEW

from .evidence import number
from .files import write_text
from .reports import SEVERITY_ORDER, summary
from .tables import finding_key

CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:24px;color:#222}
h1{font-size:22px} h2{font-size:18px;border-bottom:1px solid #ccc;padding-bottom:4px;margin-top:32px}
h3{font-size:15px;margin:18px 0 6px} table{border-collapse:collapse;margin:6px 0;font-size:13px}
td,th{border:1px solid #bbb;padding:3px 6px;vertical-align:top} th{background:#f0f0f0}
td.num{text-align:right}
.error{background:#fbe0d6}.warning{background:#fff2c2}.info{background:#e6f0fa}
.diff{font-weight:bold;color:#b00000} .finding{margin:10px 0;padding:8px;border-left:4px solid #999}
.finding.error{border-color:#c00}.finding.warning{border-color:#d9a400}.finding.info{border-color:#58c}
img.evidence{display:block;margin-top:6px;border:1px solid #aaa;max-width:100%}
.muted{color:#777;font-size:12px} #filters{position:sticky;top:0;background:#fff;padding:6px 0;border-bottom:1px solid #ddd}
#filters label{margin-right:12px} .hidden{display:none}
"""

SCRIPT = """
function apply(){
  var sev={}, q=document.getElementById('q').value.trim().toLowerCase(),
      code=document.getElementById('code').value, rounding=document.getElementById('rounding').checked;
  document.querySelectorAll('#filters input[data-sev]').forEach(function(b){sev[b.dataset.sev]=b.checked;});
  document.querySelectorAll('.finding').forEach(function(f){
    var show=sev[f.dataset.sev] && (!code || f.dataset.code===code) && (rounding || f.dataset.code!=='ROUNDING')
             && (!q || f.closest('section').dataset.text.indexOf(q)>=0 || f.textContent.toLowerCase().indexOf(q)>=0);
    f.classList.toggle('hidden', !show);
  });
  document.querySelectorAll('section.form').forEach(function(s){
    var hit=(!q || s.dataset.text.indexOf(q)>=0 || s.querySelector('.finding:not(.hidden)')) &&
            (!code || s.querySelector('.finding:not(.hidden)'));
    s.classList.toggle('hidden', !hit);
    var row=document.getElementById('o-'+s.id); if(row) row.classList.toggle('hidden', !hit);
  });
}
document.querySelectorAll('#filters input, #filters select').forEach(function(e){e.addEventListener('input', apply);});
apply();
"""


def _e(v) -> str:
    return "" if v is None else html.escape(str(v))


def _n(v, percent: bool = False) -> str:
    return _e(number(v, percent))


def _img(pic: tuple | None) -> str:
    if pic is None:
        return "<div class='muted'>picture: not saved for this severity (selfeval audit --pictures info)</div>"
    _, png, note = pic
    if not png:
        return f"<div class='muted'>no picture: {_e(note)}</div>"
    b64 = base64.b64encode(png).decode()
    return f"<img class='evidence' alt='evidence' src='data:image/png;base64,{b64}'><div class='muted'>{_e(note)}</div>"


def _forms(results: list[dict]) -> list[tuple[dict, dict, list[tuple[int, dict]]]]:
    """(file result, form, its findings with their index in the file), errors first."""
    out = []
    for r in results:
        for f in r["forms"]:
            fds = [(n, fd) for n, fd in enumerate(r["findings"]) if fd["form_index"] == f["source"]["form_index"]]
            fds.sort(key=lambda x: SEVERITY_ORDER.get(x[1]["severity"], 9))
            out.append((r, f, fds))
    count = lambda fds, sev: sum(1 for _, fd in fds if fd["severity"] == sev)
    out.sort(key=lambda x: (-count(x[2], "error"), -count(x[2], "warning"), x[1]["source"]["path"],
                            x[1]["source"]["form_index"]))
    return out


def write_html(results: list[dict], out: Path, pictures: dict | None = None) -> None:
    pictures = pictures or {}
    s = summary(results)
    forms = _forms(results)
    codes = sorted({fd["code"] for r in results for fd in r["findings"]})
    parts = [f"<!doctype html><html lang='zh'><head><meta charset='utf-8'><title>selfeval audit</title>"
             f"<style>{CSS}</style></head><body><h1>selfeval audit report</h1>",
             f"<p>{s['files_in']} files, {s['forms']} forms, {s['files_unreadable']} unreadable; findings: "
             f"{s['errors']} error, {s['warnings']} warning, {s['info']} info.</p>",
             "<div id='filters'>"
             + "".join(f"<label><input type='checkbox' data-sev='{v}' checked> {v}</label>" for v in SEVERITY_ORDER)
             + "<label><input type='checkbox' id='rounding'> show ROUNDING</label>"
             "<label>code <select id='code'><option value=''>all</option>"
             + "".join(f"<option>{_e(c)}</option>" for c in codes)
             + "</select></label><label>search <input id='q' type='search' placeholder='file, project, unit, indicator'>"
             "</label></div>",
             "<h2>Overview</h2><table id='overview'><tr><th>file</th><th>project</th><th>unit</th><th>year</th>"
             "<th>declared total</th><th>parts summed</th><th>by the rules</th><th>errors</th><th>warnings</th></tr>"]
    for k, (r, f, fds) in enumerate(forms):
        rec = f.get("recomputed") or {}
        errors = sum(1 for _, fd in fds if fd["severity"] == "error")
        warnings = sum(1 for _, fd in fds if fd["severity"] == "warning")
        cls = "error" if errors else "warning" if warnings else ""
        parts.append(f"<tr id='o-f{k}' class='{cls}'><td><a href='#f{k}'>{_e(Path(f['source']['path']).name)}</a>"
                     f"{' · form ' + str(f['source']['form_index']) if f['source']['form_index'] else ''}</td>"
                     f"<td>{_e(f['project_name'])}</td><td>{_e(f['implementing_unit'] or f['department'])}</td>"
                     f"<td>{_e(f['year'])}</td><td class='num'>{_n(f['declared_total'])}</td>"
                     f"<td class='num'>{_n(rec.get('total_of_parts'))}</td><td class='num'>{_n(rec.get('total_by_rules'))}</td>"
                     f"<td class='num'>{errors}</td><td class='num'>{warnings}</td></tr>")
    parts.append("</table>")
    parts += _check_by_eye(forms)
    bad = [r for r in results if r.get("error")]
    if bad:
        parts.append("<h2>Files not read</h2><table><tr><th>file</th><th>reason</th></tr>")
        parts += [f"<tr class='error'><td>{_e(r['path'])}</td><td>{_e(r['error'])}</td></tr>" for r in bad]
        parts.append("</table>")
    if s["skipped"]:
        parts.append("<h2>Entries skipped</h2><table><tr><th>entry</th><th>why</th></tr>")
        parts += [f"<tr><td>{_e(k['path'])}</td><td>{_e(k['reason'])}</td></tr>" for k in s["skipped"]]
        parts.append("</table>")
    for k, (r, f, fds) in enumerate(forms):
        parts.append(_form(k, r, f, fds, pictures))
    parts.append(f"<script>{SCRIPT}</script></body></html>")
    write_text(out, "\n".join(parts))


def _check_by_eye(forms: list) -> list[str]:
    """OCR readings a person should look at: the doubtful ones (LOW_CONFIDENCE) and the
    ones the form's arithmetic corrected (OCR_CORRECTED), each linked to its finding."""
    rows = [(k, n, f, fd) for k, (r, f, fds) in enumerate(forms) for n, fd in fds
            if fd["code"] in REVIEW and fd.get("evidence")]
    if not rows:
        return []
    out = [f"<h2 id='by-eye'>Check these {len(rows)} figures by eye</h2><table><tr><th>file</th><th>project</th>"
           "<th>what</th><th>read</th><th>page</th><th>confidence</th><th></th></tr>"]
    for k, n, f, fd in rows:
        e = fd["evidence"][0]
        read = e.get("text") if fd["code"] == "LOW_CONFIDENCE" else f"{e.get('text')} → {e.get('corrected')}"
        out.append(f"<tr><td>{_e(Path(f['source']['path']).name)}</td><td>{_e(f['project_name'])}</td>"
                   f"<td>{_e(fd['indicator'] or fd['message'].split(':')[0])}</td><td>{_e(read)}</td>"
                   f"<td class='num'>{_e(e.get('page'))}</td><td class='num'>{_n(e.get('confidence'))}</td>"
                   f"<td><a href='#f{k}-{n}'>{_e(fd['code'])}</a></td></tr>")
    return [*out, "</table>"]


def _form(k: int, r: dict, f: dict, fds: list[tuple[int, dict]], pictures: dict) -> str:
    src = f["source"]
    rec = f.get("recomputed") or {}
    text = " ".join(str(x) for x in (src["path"], f["project_name"], f["implementing_unit"], f["department"],
                                     f["year"]) if x).lower()
    h = [f"<section class='form' id='f{k}' data-text='{_e(text)}'>",
         f"<h2>{_e(f['project_name'] or '(no project name)')}</h2>",
         f"<p class='muted'>{_e(src['path'])} · form {src['form_index']} · {src['format']}"
         f"{' (OCR)' if src['ocr'] else ''} · year {_e(f['year'])} · {_e(f['implementing_unit'])} · "
         f"rules {_e((f.get('rule_set') or {}).get('id'))} · <a href='#overview'>overview</a></p>",
         f"<p>Declared total <b>{_n(f['declared_total'])}</b>; declared parts sum to {_n(rec.get('total_of_parts'))}; "
         f"under the rules the form scores <b>{_n(rec.get('total_by_rules'))}</b>.</p>",
         f"<h3>Findings ({len(fds)})</h3>"]
    for n, fd in fds:
        pic = pictures.get(finding_key(r, fd, n))
        h.append(f"<div class='finding {fd['severity']}' id='f{k}-{n}' data-sev='{fd['severity']}' data-code='{_e(fd['code'])}'>"
                 f"<b>{_e(fd['code'])}</b> · {_e(fd['severity'])}"
                 f"{' · ' + _e(fd['indicator']) if fd['indicator'] else ''}<br>{_e(fd['message'])}"
                 f"{_img(pic)}</div>")
    h.append("<details><summary>budget and indicators, declared and recomputed</summary>")
    h.append("<table><tr><th>line</th><th>budget (元)</th><th>executed (元)</th><th>rate declared</th>"
             "<th>rate recomputed</th><th>weight</th><th>score declared</th><th>score recomputed</th></tr>")
    rb = rec.get("budget") or []
    for i, b in enumerate(f["budget"]["lines"]):
        rr = rb[i] if i < len(rb) else {}
        diff = rr.get("score") is not None and b["score_declared"] is not None and abs(rr["score"] - b["score_declared"]) > 0.005
        h.append(f"<tr><td>{_e(b.get('label') or b['kind'])}</td><td class='num'>{_n(b['adjusted'])}</td>"
                 f"<td class='num'>{_n(b['executed'])}</td><td class='num'>{_n(b['rate_declared'], True)}</td>"
                 f"<td class='num'>{_n(rr.get('rate'), True)}</td><td class='num'>{_n(b['weight'])}</td>"
                 f"<td class='num'>{_n(b['score_declared'])}</td>"
                 f"<td class='num {'diff' if diff else ''}'>{_n(rr.get('score'))}</td></tr>")
    h.append("</table><table><tr><th>一级</th><th>二级</th><th>指标</th><th>目标</th><th>实际</th>"
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
                 f"<td>{_e(ind['target'])}</td><td>{_e(ind['actual'])}</td><td class='num'>{_n(ind['weight'])}"
                 f"{'*' if ind.get('weight_inferred') else ''}</td><td class='num'>{_n(ind['score_declared'])}</td>"
                 f"<td class='num {'diff' if diff else ''}'>{_n(exp)}</td><td>{_e(how)}</td></tr>")
    h.append("</table>")
    if any(i.get("weight_inferred") for i in f["indicators"]):
        h.append("<p class='muted'>* weight inferred: the template prints no weight column.</p>")
    h.append("</details></section>")
    return "\n".join(h)
