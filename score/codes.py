"""The one registry of finding codes (``codes.toml``): what each means and its usual
severity.  Reports, ``selfeval codes`` and ``--ignore`` read it; the checker emits no code
it does not hold."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


@dataclass(frozen=True)
class Code:
    code: str
    severity: str       # error, warning, info, or varies (the rule set or the difference decides)
    en: str


@lru_cache(maxsize=1)
def registry() -> dict[str, Code]:
    data = tomllib.loads((Path(__file__).with_name("codes.toml")).read_text(encoding="utf-8"))
    return {k: Code(k, v["severity"], v["en"]) for k, v in data.items()}


def unknown(codes) -> list[str]:
    """The codes given that the registry does not hold (case-insensitive), as given."""
    return [c for c in codes if c.upper() not in registry()]
