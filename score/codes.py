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
    en: str             # what it checks
    zh: str             # its Chinese name, shown beside the code
    name_en: str        # its English name
    zh_checks: str      # what it checks, in Chinese
    action: str         # what the reviewer should do
    zh_action: str

    def name(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.name_en

    def checks(self, lang: str) -> str:
        return self.zh_checks if lang == "zh" else self.en

    def todo(self, lang: str) -> str:
        return self.zh_action if lang == "zh" else self.action


@lru_cache(maxsize=1)
def registry() -> dict[str, Code]:
    data = tomllib.loads((Path(__file__).with_name("codes.toml")).read_text(encoding="utf-8"))
    return {k: Code(k, v["severity"], v["en"], v["zh"], v["name"], v["zh_checks"], v["action"], v["zh_action"])
            for k, v in data.items()}


def unknown(codes) -> list[str]:
    """The codes given that the registry does not hold (case-insensitive), as given."""
    return [c for c in codes if c.upper() not in registry()]
