"""The review desk's pages and actions (Starlette): the queue, a decision, the scores, the
pictures and sources it may serve, and review.xlsx.  What they show is ``selfeval.desk``'s."""
from __future__ import annotations

import json
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from . import ledger
from .desk import Desk

SCRIPT = """
// keys: j / k next and previous finding; c confirm; e correct (the value box); w waive (the reason box)
(function(){
  var items = Array.prototype.slice.call(document.querySelectorAll('.item')), at = 0;
  function show(i){ if(!items.length) return; at = Math.max(0, Math.min(items.length - 1, i));
    items.forEach(function(x){ x.classList.remove('current'); }); items[at].classList.add('current');
    items[at].scrollIntoView({block: 'nearest'}); }
  document.addEventListener('keydown', function(ev){
    if(ev.target.tagName === 'INPUT' || ev.target.tagName === 'TEXTAREA' || ev.target.tagName === 'SELECT') return;
    var cur = items[at]; if(!cur) return;
    if(ev.key === 'j'){ show(at + 1); } else if(ev.key === 'k'){ show(at - 1); }
    else if(ev.key === 'c'){ var f = cur.querySelector('form.confirm'); if(f) f.submit(); }
    else if(ev.key === 'e'){ var v = cur.querySelector('form.correct input[name=value]'); if(v){ v.focus(); ev.preventDefault(); } }
    else if(ev.key === 'w'){ var r = cur.querySelector('form.waive input[name=reason]'); if(r){ r.focus(); ev.preventDefault(); } }
  });
  var want = location.hash ? document.querySelector(location.hash) : null;
  show(want ? items.indexOf(want) : 0);
})();
"""


def _template(lang: str):
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    from .i18n import translations
    env = Environment(loader=FileSystemLoader(str(Path(__file__).with_name("templates"))),
                      autoescape=select_autoescape(["html", "j2"]), extensions=["jinja2.ext.i18n"],
                      trim_blocks=True, lstrip_blocks=True)
    env.install_gettext_translations(translations(lang), newstyle=True)
    return env.get_template("desk.html.j2")


def app(desk: Desk) -> Starlette:
    page = _template(desk.lang)

    async def queue(request: Request) -> Response:
        q = request.query_params
        items = desk.queue(q.get("code", ""), q.get("unit", ""), q.get("file", ""))
        decisions, bad = ledger.read(desk.out)
        return HTMLResponse(page.render(items=items, scores=desk.scores(), csrf=desk.csrf, reviewer=desk.reviewer,
                                        decisions=desk.recorded(decisions),
                                        q=q, lang=desk.lang, script=SCRIPT, unreadable=bad,
                                        done={k: m.text for k, m in ledger.DONE.items()},
                                        codes=sorted({i["fd"]["code"] for i in desk.queue()})))

    async def decide(request: Request) -> Response:
        form = await request.form()
        if form.get("csrf") != desk.csrf:
            return PlainTextResponse("the desk's token is missing or wrong (reload the page)", status_code=403)
        given = {k: (form.get(k) or None) for k in ledger.KEYS if k != "at"}
        for k in ("before",):            # the value as read, sent as JSON text so that 5 stays 5, not '5'
            if given[k] is not None:
                try:
                    given[k] = json.loads(given[k])
                except ValueError:
                    pass
        try:
            desk.decide(given)
        except ledger.LedgerError as e:
            return PlainTextResponse(str(e), status_code=400)
        back = form.get("back") or "/"
        return RedirectResponse(back if back.startswith("/") else "/", status_code=303)

    async def evidence(request: Request) -> Response:
        p = desk.evidence(request.path_params["name"])
        return FileResponse(p, media_type="image/png") if p else PlainTextResponse("no such picture", status_code=404)

    async def source(request: Request) -> Response:
        p = desk.source(request.path_params["sha"])
        if p is None:
            return PlainTextResponse("no audited file has this content", status_code=404)
        return FileResponse(p, filename=p.name, content_disposition_type="inline")

    async def export(request: Request) -> Response:
        from .review_book import write_review_book
        target = desk.out / "review.xlsx"
        write_review_book(desk.out, target, desk.lang)
        return FileResponse(target, filename="review.xlsx")

    return Starlette(routes=[
        Route("/", queue), Route("/decide", decide, methods=["POST"]),
        Route("/evidence/{name}", evidence), Route("/source/{sha:str}", source),
        Route("/review.xlsx", export),
    ])
