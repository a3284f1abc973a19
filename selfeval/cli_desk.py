"""The commands that work on an audit's output folder after it is written: the review desk
(``selfeval review OUT``) and the sample of forms to check (``selfeval sample OUT``).
Registered on the command line's app by ``selfeval.cli``."""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.markup import escape

from .cli_options import EXIT_USAGE, _audited, _gettext, _lang_opt, err


def review(out: Path = typer.Argument(..., help="an audit's output folder (selfeval audit --out OUT)", metavar="OUT"),
           port: int = typer.Option(8765, "--port", help="the port on 127.0.0.1"),
           no_browser: bool = typer.Option(False, "--no-browser", help="do not open a browser"),
           reviewer: Optional[str] = typer.Option(None, "--reviewer", help="who decides (default: the login name)"),
           rules: List[Path] = typer.Option([], "--rules", help="extra folder of rule-set TOML files (repeatable)", metavar="DIR"),
           password: Optional[str] = typer.Option(None, "--password", help="password of encrypted PDFs"),
           lang: Optional[str] = _lang_opt()):
    """The review desk: confirm, correct, waive and score the findings of OUT in a browser;
    decisions go to OUT/review.jsonl and the next audit of OUT applies them."""
    import getpass
    import webbrowser

    import uvicorn

    from .desk import Desk
    from .desk_web import app as desk_app
    lang, _ = _gettext(lang)
    _audited(out, _)
    desk = Desk(out, reviewer=reviewer or getpass.getuser(), lang=lang, rulesets=tuple(str(r) for r in rules),
                password=password)
    url = f"http://127.0.0.1:{port}/"
    Console(emoji=False).print(escape(_("review desk at {url} (Ctrl-C to stop)").format(url=url)))
    if not no_browser:
        webbrowser.open(url)
    uvicorn.run(desk_app(desk), host="127.0.0.1", port=port, log_level="warning")


def sample(out: Path = typer.Argument(..., help="an audit's output folder (selfeval audit --out OUT)", metavar="OUT"),
           n: int = typer.Option(20, "--n", help="how many forms to draw"),
           seed: int = typer.Option(0, "--seed", help="the draw's seed: the same seed, the same sample"),
           random_share: float = typer.Option(0.2, "--random-share",
                                              help="the share drawn at random whatever the risk (0 to 1)"),
           lang: Optional[str] = _lang_opt()):
    """Draw forms to check: a risk-weighted sample with a random share (so that no unit can
    count on its risk score keeping it out); writes OUT/sample.csv with why each was drawn."""
    import csv
    import json

    from .files import atomic
    from .risk import COLUMNS, rank, rows_for
    from .risk import sample as draw
    lang, _ = _gettext(lang)
    _audited(out, _)
    if not 0 <= random_share <= 1 or n < 1:
        label = _("refused:")
        err.print(f"[red]{escape(label)}[/] " + escape(_("--n must be 1 or more and --random-share between 0 and 1")))
        raise typer.Exit(EXIT_USAGE)
    forms = json.loads((out / "forms.json").read_text(encoding="utf-8"))
    findings = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    ranking = rank(forms, findings)
    drawn = draw(ranking, n, seed, random_share)
    rows = {r["rank"]: row for r, row in zip(ranking, rows_for(ranking, lang))}
    how = {"risk": _("risk-weighted"), "random": _("at random")}
    with atomic(out / "sample.csv") as tmp, open(tmp, "w", newline="", encoding="utf-8-sig") as fh:
        w = csv.DictWriter(fh, fieldnames=("drawn", *COLUMNS))
        w.writeheader()
        for r, way in drawn:
            w.writerow({"drawn": how[way], **rows[r["rank"]]})
    c = Console(emoji=False)
    c.print(escape(_("{k} of {total} forms drawn with seed {seed}: {risk} with probability in proportion to risk "
                     "score + 1, {random} uniformly at random from the rest ({share:.0%}) → {path}").format(
        k=len(drawn), total=len(ranking), seed=seed, risk=sum(1 for _, x in drawn if x == "risk"),
        random=sum(1 for _, x in drawn if x == "random"), share=random_share, path=out / "sample.csv")))
