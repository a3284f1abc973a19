"""A message for a person, as data: the English text with named places (``{declared:g}``),
which is the msgid a translator translates in the gettext catalogs, and the values that
fill them.  Every layer says what it found in these values (a reader why a file cannot be
read, a check what it found); the output layer renders them in the reader's language
(``selfeval.i18n``), so a cached result serves every language.

``N_`` marks the text for Babel's extractor (``pybabel extract``), as gettext's no-op
marker does: the message is translated where it is shown, not where it is made."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable


@dataclass
class Msg:
    text: str                                   # the English text: the catalog's msgid
    args: dict = field(default_factory=dict)    # its places' values; a value may be a Msg

    def render(self, gettext: Callable[[str], str] = lambda s: s) -> str:
        """The message in the language ``gettext`` translates to (English without one)."""
        args = {k: v.render(gettext) if isinstance(v, Msg) else v for k, v in self.args.items()}
        try:
            return gettext(self.text).format(**args)
        except (KeyError, IndexError, ValueError):      # a translation that lost a place: the source text
            return self.text.format(**args)

    def __str__(self) -> str:
        return self.render()

    def __contains__(self, part: str) -> bool:
        """Whether the English text holds ``part``, as a plain message string would."""
        return part in self.render()

    def __add__(self, other):
        """A message joined to more text, as the checks build a subject ('budget line X' + ' 执行率')."""
        return N_("{a}{b}", a=self, b=other)

    def to_dict(self) -> dict:
        return {"id": self.text, "args": {k: v.to_dict() if isinstance(v, Msg) else v for k, v in self.args.items()}}

    @classmethod
    def from_dict(cls, d: dict) -> "Msg":
        return cls(d["id"], {k: cls.from_dict(v) if isinstance(v, dict) and "id" in v else v
                             for k, v in (d.get("args") or {}).items()})


def N_(msgid: str, /, **args) -> Msg:
    return Msg(msgid, args)


def text_of(m) -> str:
    """A message, or a plain string, in English."""
    return m.render() if isinstance(m, Msg) else str(m)


# the reasons a reading is in doubt, as cells carry them (extract.grid.DOUBTS), and the
# reader's own reason for a figure cut from digits run together; marked for the catalogs
DOUBT_TEXTS = (N_("inked but unread"), N_("readings disagree"), N_("under a seal"), N_("ink beside it unread"),
               N_("column told by its place alone"))
CUT_DOUBT = N_("cut from figures run together ('{run}') where the line's arithmetic does not confirm the cut")


def doubt_msg(doubt: str | None):
    """A cell's doubt as a message: one of the reasons cells carry, translated where shown;
    any other text as it is."""
    if doubt in {m.text for m in DOUBT_TEXTS}:
        return Msg(doubt)
    head, _, rest = (doubt or "").partition("('")
    run, sep, tail = rest.rpartition("')")
    if sep and CUT_DOUBT.text == f"{head}('{{run}}'){tail}":
        return N_(CUT_DOUBT.text, run=run)
    return doubt


# words the messages and reports show from data (a severity, a cell's role, a check's kind
# and direction, a budget line's kind): marked here so that the catalogs hold them
WORDS = (N_("error"), N_("warning"), N_("info"), N_("varies"),
         N_("name"), N_("target"), N_("actual"), N_("weight"), N_("score"), N_("rate"), N_("initial"),
         N_("adjusted"), N_("executed"), N_("level1"), N_("level2"), N_("note"), N_("target_op"), N_("unit"),
         N_("quantitative"), N_("qualitative"), N_("positive"), N_("reverse"), N_("either"),
         N_("total"), N_("fiscal"), N_("carryover"), N_("other"))
