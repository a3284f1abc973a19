"""The reader's language: Chinese by default, English on request (``--lang``, or the
SELFEVAL_LANG variable; the locale is not read).  Messages come from the gettext catalogs
in ``selfeval/locale`` (``selfeval.po``, edited by translators and compiled to ``.mo`` with
Babel: ``make catalogs``); the English texts are the msgids, so English needs no catalog.

Findings are made language-neutral (``score.messages``: a text and its values) and cached
so; what a person reads is rendered here, at the output, in the language asked for.  JSON
keys, finding codes and findings.csv's column headers stay as the contract has them."""
from __future__ import annotations

import gettext as _gettext
import os
from functools import lru_cache
from pathlib import Path
from typing import Callable

from extract.messages import Msg, N_

LANGS = ("zh", "en")
DEFAULT = "zh"
LOCALE = Path(__file__).with_name("locale")
DOMAIN = "selfeval"


def lang_of(option: str | None = None) -> str:
    """The language asked for: the option, else SELFEVAL_LANG, else Chinese."""
    lang = (option or os.environ.get("SELFEVAL_LANG") or DEFAULT).strip().lower()
    lang = {"zh_cn": "zh", "zh-cn": "zh", "cn": "zh", "en_us": "en", "en-us": "en"}.get(lang, lang)
    if lang not in LANGS:
        raise ValueError(f"language {lang!r}: one of {', '.join(LANGS)}")
    return lang


@lru_cache(maxsize=None)
def translations(lang: str) -> _gettext.NullTranslations:
    """The catalog of ``lang``; English is the msgids themselves.  A missing Chinese catalog
    is an installation fault, said at once rather than shown as English."""
    if lang == "en":
        return _gettext.NullTranslations()
    from score.review import PackCatalog
    t = _gettext.translation(DOMAIN, localedir=str(LOCALE), languages=[lang])
    t.add_fallback(PackCatalog())           # the review packs' own messages (score/review_packs)
    return t


def gettext_for(lang: str) -> Callable[[str], str]:
    return translations(lang).gettext


def render(message, lang: str) -> str:
    """A message (a ``Msg``, its JSON form, or plain text) in ``lang``."""
    if isinstance(message, dict) and "id" in message:
        message = Msg.from_dict(message)
    return message.render(gettext_for(lang)) if isinstance(message, Msg) else ("" if message is None else str(message))


def localized_finding(fd: dict, lang: str) -> dict:
    """A finding as its reader sees it: its message, and its evidence's places, in ``lang``."""
    out = dict(fd)
    message = Msg.from_dict(fd["message_id"]) if fd.get("message_id") else fd.get("message")
    if fd.get("code") == "UNREADABLE" and lang != "en":     # the reason alone reads as English's does
        message = N_("the file could not be read: {reason}", reason=message)
    out["message"] = render(message, lang)
    if fd.get("evidence"):
        out["evidence"] = [{**e, "place": render(e["place_id"], lang)} if e.get("place_id") else e
                           for e in fd["evidence"]]
    return out


def localized(results: list[dict], lang: str) -> list[dict]:
    """The batch's results with every finding, and why a file was not read or was skipped,
    rendered in ``lang`` (the files' results are copied, not changed: the cache keeps them
    language-neutral)."""
    return [{**r, "findings": [localized_finding(fd, lang) for fd in r.get("findings") or ()],
             **({"error": render(r["error_id"], lang)} if r.get("error_id") else {}),
             **({"skipped": render(r["skipped_id"], lang)} if r.get("skipped_id") else {})} for r in results]


def code_name(code: str, lang: str) -> str:
    """A finding code's name in ``lang`` (the registry's), or the code where it has none."""
    from score.codes import registry
    c = registry().get(code)
    return code if c is None else c.name(lang)
