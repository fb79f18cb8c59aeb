"""English questions over English pages, read by typed spans: the sentence of an English passage that
says most of the question's words (stemmed), and in it the figure, date or name of the kind asked,
nearest the words it shares with the question (and to the year asked, where it names several).
The span model reads English weakly; this reading needs no training and no Chinese."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ..index_store import LoadedIndex
from ..languages import has_chinese, mostly_chinese
from ..retrieval import Passage
from ..types import AskResult
from .base import abstention, citation_for
from .constraints import LEAD

_QUANTITY = re.compile(r"\bhow (?:many|much)\b|\bwhat (?:was|is|were|are) the (?:[\w-]+ ){0,5}?(?:number|rate|share|percentage|proportion|total|amount|value|volume|count)\b", re.I)
_RATE = re.compile(r"\b(?:rate|share|percentage|proportion|percent)\b", re.I)
_DATE_ASKED = re.compile(r"\bwhen\b|\b(?:what|which) (?:date|day)\b", re.I)
# who, or which/what of the people a page names by their posts ('Which CNIPA official said …')
_PERSON_ASKED = re.compile(
    r"^\s*(?:who\b|(?:which|what) (?:[\w-]+ ){0,3}?(?P<post>(?:official|spokes(?:person|man|woman)|minister|commissioner"
    r"|director|chairman|chairwoman|chair|secretary|judge|president|head|expert|speaker|person)s?)\b)", re.I)
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]+")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_DATE = re.compile(rf"\b(?:{_MONTHS}) \d{{1,2}}, (?:19|20)\d{{2}}\b|(?<!\d)(?:19|20)\d{{2}}-\d{{2}}-\d{{2}}(?!\d)")
FIGURE = re.compile(
    r"(?<![\w.,])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?:\s?(?:percent|per cent|%|million|billion|trillion|thousand))?"
    r"|(?<![\w.,])\d+(?:\.\d+)?(?:\s?(?:percent|per cent|%|million|billion|trillion|thousand))?",
    re.I,
)
_PER = re.compile(r"\b(?:per|every|each)\s+$", re.I)
_RATE_OF = re.compile(r"\s+(?:[\w-]+\s+){0,5}?(?:per|for every)\s+[\d,]+", re.I)  # a figure's base after it
_NAME = re.compile(r"\b[A-Z][a-z]+ [A-Z][a-z]+(?:-[a-z]+)?\b")
_SENTENCE = re.compile(r"[^\n]+?(?:(?<![A-Z])(?<!\d)[.!?](?=\s|$)|$)", re.M)
MIN_SHARE = 0.5  # of the question's words a sentence must say to be read at all
PAGES = 2


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    text = resources.files("qa").joinpath("resources", "english_stopwords.txt").read_text(encoding="utf-8")
    return frozenset(w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#"))


def _suffix_stem(word: str) -> str:
    word = word.lower().removesuffix("'s").strip("-")
    for suffix in ("ization", "ations", "ation", "ings", "ing", "ies", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


@lru_cache(maxsize=1)
def _synonyms() -> dict[str, str]:
    """Stem of a word -> stem of its group's first word, from `qa/resources/english_synonyms.tsv`."""
    text = resources.files("qa").joinpath("resources", "english_synonyms.tsv").read_text(encoding="utf-8")
    out: dict[str, str] = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            words = [w.strip() for w in line.split("\t") if w.strip()]
            for w in words:
                out.setdefault(_suffix_stem(w), _suffix_stem(words[0]))
    return out


def stem(word: str) -> str:
    """A word's stem, as its synonyms' ('jumped' and 'increase' are one, 'held' and 'hold')."""
    base = _suffix_stem(word)
    return _synonyms().get(base, base)


def _content_words(text: str) -> list[str]:
    stop = stopwords()
    return [stem(w) for w in _WORD.findall(text) if w.lower() not in stop]


def _content(text: str) -> set[str]:
    return set(_content_words(text))


_CONNECTORS = frozenset({"of", "and", "for", "the", "on"})


def _acronyms(text: str) -> list[str]:
    """The initials of each run of two or more capitalized words ('China National Intellectual Property
    Administration' -> cnipa, and of its parts: cn, nip …), connecting words skipped: a question may
    name an organisation by its acronym where the page spells it out."""
    out, run = [], []
    for word in _WORD.findall(text) + [""]:
        if word[:1].isupper():
            run.append(word[0].lower())
            continue
        if word.lower() in _CONNECTORS and run:
            continue
        out += ["".join(run[i:j]) for i in range(len(run)) for j in range(i + 2, len(run) + 1)]
        run = []
    return out


def _pairs(words: list[str]) -> set[tuple[str, str]]:
    return set(zip(words, words[1:]))


def _said(asked: list[str], sentence: str) -> float:
    """How much of the question a sentence says: its words (stemmed), and a third for its runs of two
    ('valid domestic invention patents' said as such, not 'enterprises that held valid invention patents')."""
    words = _content_words(sentence)
    share = len(set(asked) & (set(words) | set(_acronyms(sentence)))) / len(set(asked))
    pairs = _pairs(asked)
    if not pairs:
        return share
    return (2 * share + len(pairs & _pairs(words)) / len(pairs)) / 3


@dataclass(frozen=True)
class _Found:
    doc_id: str
    start: int
    end: int
    share: float  # of the question's words the sentence says
    near: float  # 1 right by a shared word (or the year asked), falling off with distance


def asked_kind(question: str) -> str | None:
    """'rate' / 'quantity' / 'date' / 'person', or None for a question this reading does not answer."""
    if _DATE_ASKED.search(question):
        return "date"
    if _PERSON_ASKED.search(question):
        return "person"
    if _QUANTITY.search(question):
        return "rate" if _RATE.search(question) else "quantity"
    return None


def _spans(sentence: str, kind: str) -> list[tuple[int, int]]:
    if kind == "date":
        return [m.span() for m in _DATE.finditer(sentence)]
    if kind == "person":
        return [m.span() for m in _NAME.finditer(sentence) if m.start() > 0 or " said" in sentence]
    dates = [m.span() for m in _DATE.finditer(sentence)]
    out = []
    for m in FIGURE.finditer(sentence):
        text = m.group(0)
        if any(a <= m.start() < b for a, b in dates):
            continue
        if _YEAR.fullmatch(text) or (re.fullmatch(r"\d{1,2}", text) and not _RATE_OF.match(sentence, m.end())):
            continue  # a year, a day or a small ordinal is no figure; the value of a rate is ('14 … per 10,000 people')
        if _PER.search(sentence, 0, m.start()):
            continue  # 'per 10,000 people': the base of a rate, not a figure of its own
        percent = bool(re.search(r"percent|%", text, re.I))
        if (kind == "rate") != percent:
            continue
        out.append(m.span())
    return out


class EnglishReader:
    """Reads an English question in the English passages only; abstains where none says enough of it."""

    name = "english"

    def warm_up(self) -> None:
        stopwords()

    def read(self, question: str, resolved: str, passages: list[Passage], index: LoadedIndex) -> AskResult:
        kind = asked_kind(resolved)
        if kind is None or mostly_chinese(resolved):
            return abstention(question, resolved, passages, "这个英文问题问的不是数量、日期或人名。", self.name)
        found = self.find(resolved, kind, passages, index)
        if found is None:
            return abstention(question, resolved, passages, "英文段落里没有找到这个问题的答案。", self.name)
        doc = index.documents[found.doc_id]
        citation = citation_for(doc, found.start, found.end, passages)
        return AskResult(
            question=question, resolved_question=resolved, answer=doc.text[found.start : found.end], abstained=False,
            reason=None, confidence=round(self.confidence(found), 4), sentence=citation.quote, as_of=doc.published,
            citations=[citation], passages=passages, reader=self.name,
        )

    @staticmethod
    def confidence(found: _Found) -> float:
        return max(0.0, min(1.0, found.share * (0.6 + 0.4 * found.near)))

    def find(self, question: str, kind: str, passages: list[Passage], index: LoadedIndex) -> _Found | None:
        person = _PERSON_ASKED.match(question) if kind == "person" else None
        if person and person.group("post"):  # 'Which CNIPA official …': the post asked is the answer's, not the sentence's words
            question = question[: person.start("post")] + question[person.end("post") :]
        asked_words = _content_words(_YEAR.sub(" ", question))
        asked = set(asked_words)
        years = set(_YEAR.findall(question))
        if not asked:
            return None
        best: _Found | None = None
        # the whole of the (two best) English pages retrieved: a page is short, and its passages cut it
        pages = [d for d in dict.fromkeys(p.doc_id for p in passages if not has_chinese(p.text)) if d in index.documents]
        for doc_id in pages[:PAGES]:
            doc = index.documents[doc_id]
            opening = set(_YEAR.findall(doc.text[:LEAD]))  # the years the page opens on
            for m in _SENTENCE.finditer(doc.text):
                if not m.group(0).strip() or has_chinese(m.group(0)):
                    continue
                sentence = m.group(0)
                share = _said(asked_words, sentence)
                if share < MIN_SHARE or not self._year_said(sentence, years, doc.published, opening):
                    continue
                anchors = [w.start() for w in _WORD.finditer(sentence) if stem(w.group(0)) in asked]
                said = [(y.start(), y.group(0)) for y in _YEAR.finditer(sentence)]
                for a, b in _spans(sentence, kind):
                    near = self._near(a, b, anchors, said, years)
                    cand = _Found(doc_id, m.start() + a, m.start() + b, share, near)
                    if best is None or self.confidence(cand) > self.confidence(best):
                        best = cand
        return best

    @staticmethod
    def _year_said(sentence: str, years: set[str], published: str | None, opening: frozenset[str] | set[str] = frozenset()) -> bool:
        if not years:
            return True
        said = set(_YEAR.findall(sentence))
        if said & years:
            return True
        if not said and opening & years:
            return True  # a sentence without a year, in a page that opens on the year asked
        # 'as of June this year', or no year at all: the year it was published in
        return bool(published) and published[:4] in years and (not said or "this year" in sentence.lower())

    @staticmethod
    def _near(a: int, b: int, anchors: list[int], said: list[tuple[int, str]], years: set[str]) -> float:
        """How near the answer at [a, b) stands to the sentence's words of the question (`anchors`,
        their offsets) and, where the sentence names several years (`said`), to the year asked."""
        distance = min((abs(a - x) for x in anchors), default=80)
        near = 1.0 / (1.0 + distance / 40)
        if years and len(said) > 1:  # '…from 44.9 percent in 2020 to 53.3 percent in 2024': the year asked, nearest
            nearest = min(said, key=lambda y: abs(y[0] - b))[1]
            near *= 1.0 if nearest in years else 0.3
        return near
