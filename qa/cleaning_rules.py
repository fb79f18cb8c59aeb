"""The page-furniture rules as data: qa/resources/cleaning.toml, extended by a user's file.

A user's `cleaning.toml` (same form) at the top of the corpus directory adds its patterns to the
packaged ones; nothing site-specific lives in Python source.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

USER_RULES_NAME = "cleaning.toml"
_LISTS = ("general", "site")


class RulesError(ValueError):
    """A cleaning-rules file that cannot be used."""


@dataclass(frozen=True)
class CleaningRules:
    tail: tuple[re.Pattern[str], ...]
    tail_after: float
    drop_line: tuple[re.Pattern[str], ...]
    masthead: re.Pattern[str] | None
    inline: tuple[re.Pattern[str], ...]
    repeated_min_documents: int
    repeated_min_share: float
    repeated_max_chars: int
    fingerprint: str  # of the rule files' bytes

    def is_furniture(self, line: str) -> bool:
        return any(pattern.search(line) for pattern in self.drop_line)

    def is_tail(self, line: str) -> bool:
        return any(pattern.search(line) for pattern in self.tail)


def _patterns(data: dict, section: str, origin: str) -> list[re.Pattern[str]]:
    table = data.get(section, {})
    if not isinstance(table, dict):
        raise RulesError(f"{origin}: [{section}] must be a table with `general` and `site` lists")
    compiled = []
    for key in _LISTS:
        for pattern in table.get(key, []):
            try:
                compiled.append(re.compile(pattern))
            except (re.error, TypeError) as exc:
                raise RulesError(f"{origin}: [{section}] {key}: bad pattern {pattern!r} ({exc}): fix or remove it") from None
    return compiled


def _load(packaged: bytes, user: bytes | None, user_origin: str) -> CleaningRules:
    sources = [(tomllib.loads(packaged.decode("utf-8")), "qa/resources/cleaning.toml")]
    if user is not None:
        try:
            sources.append((tomllib.loads(user.decode("utf-8")), user_origin))
        except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise RulesError(f"{user_origin} is not valid UTF-8 TOML ({exc}): fix it or remove it") from None
    base = sources[0][0]
    masthead = base.get("masthead", {}).get("pattern")
    repeated = base.get("repeated", {})
    digest = hashlib.sha256(packaged + b"\0" + (user or b""))
    return CleaningRules(
        tail=tuple(p for data, origin in sources for p in _patterns(data, "tail", origin)),
        tail_after=float(base.get("tail", {}).get("after_fraction", 0.3)),
        drop_line=tuple(p for data, origin in sources for p in _patterns(data, "drop_line", origin)),
        masthead=re.compile(masthead) if masthead else None,
        inline=tuple(p for data, origin in sources for p in _patterns(data, "inline", origin)),
        repeated_min_documents=int(repeated.get("min_documents", 3)),
        repeated_min_share=float(repeated.get("min_share", 0.5)),
        repeated_max_chars=int(repeated.get("max_chars", 40)),
        fingerprint=digest.hexdigest()[:16],
    )


def _packaged() -> bytes:
    return resources.files("qa").joinpath("resources", "cleaning.toml").read_bytes()


@lru_cache(maxsize=1)
def default_rules() -> CleaningRules:
    return _load(_packaged(), None, "")


def load_rules(corpus_dir: Path | None = None) -> CleaningRules:
    """The packaged rules plus the corpus directory's own `cleaning.toml`, when it has one."""
    user_file = corpus_dir / USER_RULES_NAME if corpus_dir is not None else None
    if user_file is None or not user_file.is_file():
        return default_rules()
    return _load(_packaged(), user_file.read_bytes(), str(user_file))


def rules_fingerprint(corpus_dir: Path) -> str:
    """A hash of the packaged rules and the corpus's own rules file, without parsing them."""
    user_file = corpus_dir / USER_RULES_NAME
    user = user_file.read_bytes() if user_file.is_file() else b""
    return hashlib.sha256(_packaged() + b"\0" + user).hexdigest()[:16]
