"""Normalization for matching: Traditional→Simplified (OpenCC t2s), full-width→half-width, lower case.

Normalized text has exactly the length of its input, character for character, so an offset found
in normalized text is the same offset in the original; quotes are always cut from the original.
"""

from __future__ import annotations

import threading
from functools import lru_cache

import opencc

_local = threading.local()


def _converter() -> opencc.OpenCC:
    conv = getattr(_local, "converter", None)
    if conv is None:
        conv = _local.converter = opencc.OpenCC("t2s")
    return conv


def _halfwidth(ch: str) -> str:
    code = ord(ch)
    if code == 0x3000:
        return " "
    if 0xFF01 <= code <= 0xFF5E:
        return chr(code - 0xFEE0)
    return ch


@lru_cache(maxsize=65536)
def _t2s_char(ch: str) -> str:
    out = _converter().convert(ch)
    return out if len(out) == 1 else ch


def to_simplified(text: str) -> str:
    """OpenCC t2s, kept aligned: where a phrase conversion changes length, convert per character."""
    out = _converter().convert(text)
    if len(out) == len(text):
        return out
    return "".join(_t2s_char(ch) for ch in text)


def normalize(text: str) -> str:
    """Matching form of a text: same length, simplified script, half-width, lower case."""
    halved = "".join(_halfwidth(ch) for ch in text)
    simplified = to_simplified(halved)
    lowered = simplified.lower()
    return lowered if len(lowered) == len(text) else simplified
