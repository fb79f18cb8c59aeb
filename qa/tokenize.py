"""Matching tokens for BM25: jieba words with a domain dictionary, stopwords removed, and numbers
with their units kept whole ("23.51万件" yields 23.51, 23.51万 and 23.51万件)."""

from __future__ import annotations

import logging
import re
import threading
import warnings
from functools import lru_cache
from importlib import resources
from sys import intern

with warnings.catch_warnings():
    # jieba 0.42.1 imports pkg_resources, which warns on every `qa` command about its own removal
    warnings.filterwarnings("ignore", message="pkg_resources is deprecated", category=UserWarning)
    import jieba

from .normalize import normalize

log = logging.getLogger(__name__)
jieba.setLogLevel(logging.WARNING)

UNITS = (
    "亿元|万元|千元|美元|元|平方公里|公里|批次|件次|家次|万家|万件|余家|余项|余件|余次|余人|余名"
    "|件|家|项|宗|个|次|名|人|倍|位|场|份|起|批|篇|所|条|届|年|月|日|天|周"
)
NUMBER = re.compile(rf"(\d+(?:\.\d+)?)(%|[万亿億千百])?({UNITS})?")
_PUNCT_ONLY = re.compile(r"^[\W_]+$", re.UNICODE)

_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None


def _resource(name: str) -> str:
    return resources.files("qa").joinpath("resources", name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    return frozenset(line.strip() for line in _resource("stopwords.txt").splitlines() if line.strip())


def get_jieba() -> jieba.Tokenizer:
    """The project's jieba tokenizer with the domain dictionary (built once, on first use)."""
    global _tokenizer
    with _lock:
        if _tokenizer is None:
            tok = jieba.Tokenizer()
            tok.initialize()
            for line in _resource("userdict.txt").splitlines():
                parts = line.split()
                if parts:
                    word = normalize(parts[0])
                    freq = int(parts[1]) if len(parts) > 1 else None
                    tok.add_word(word, freq, parts[2] if len(parts) > 2 else None)
            _tokenizer = tok
    return _tokenizer


_pos_tagger = None
_pos_lock = threading.Lock()  # jieba's tagger keeps state while it cuts: one caller at a time


def get_pos_tagger():  # -> jieba.posseg.POSTokenizer
    """jieba's part-of-speech tagger over the project's tokenizer (one prefix dictionary in the
    process, not two: loading one costs most of a second), with jieba's word tags plus the domain
    dictionary's."""
    global _pos_tagger
    tok = get_jieba()
    with _lock:
        if _pos_tagger is None:
            import jieba.posseg as pseg

            tagger = object.__new__(pseg.POSTokenizer)  # its constructor would re-read jieba's tag file
            tagger.__dict__.update(tokenizer=tok, word_tag_tab=dict(pseg.dt.word_tag_tab))
            _pos_tagger = tagger
    return _pos_tagger


def pos_tag(text: str) -> list[tuple[str, str]]:
    """(word, part-of-speech flag) pairs of `text`, from the shared tagger under its lock."""
    tagger = get_pos_tagger()
    with _pos_lock:
        return [(w, f) for w, f in tagger.cut(text)]


@lru_cache(maxsize=8192)
def word_flag(word: str) -> str | None:
    """The part-of-speech flag of a text the tagger reads as one word ('作品': n, '授权': v), None
    where it cuts the text into several."""
    tagged = pos_tag(word)
    return tagged[0][1] if len(tagged) == 1 else None


def number_tokens(match: re.Match[str]) -> list[str]:
    number, magnitude, unit = match.group(1), match.group(2) or "", match.group(3) or ""
    out = [number]
    if magnitude:
        out.append(number + magnitude)
    if unit:
        out.append(number + magnitude + unit)
    return out


def _keep(token: str) -> bool:
    return bool(token.strip()) and not _PUNCT_ONLY.match(token) and token not in stopwords()


def tokenize_normalized(text: str) -> list[str]:
    """Tokens of already-normalized text (interned: a 100k-chunk corpus holds ~10M tokens while
    it is indexed, and one shared string per distinct token keeps that to pointers)."""
    tok = get_jieba()
    tokens: list[str] = []
    position = 0
    for match in NUMBER.finditer(text):
        if match.start() > position:
            tokens.extend(intern(t) for t in tok.cut_for_search(text[position : match.start()]) if _keep(t))
        tokens.extend(map(intern, number_tokens(match)))
        position = match.end()
    if position < len(text):
        tokens.extend(intern(t) for t in tok.cut_for_search(text[position:]) if _keep(t))
    return tokens


@lru_cache(maxsize=4096)
def _tokenize_cached(text: str) -> tuple[str, ...]:
    return tuple(tokenize_normalized(normalize(text)))


def tokenize(text: str) -> list[str]:
    """Tokens of raw text (either script, any width)."""
    return list(_tokenize_cached(text))

