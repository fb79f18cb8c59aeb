"""The rule reader: question analysis, candidate sentences and typed spans (`qa.answering`),
behind the Reader interface."""

from __future__ import annotations

import logging

from ..answering.answerer import Answerer
from ..answering.places import find_places
from ..crosslingual import chinese_question
from ..index_store import LoadedIndex
from ..languages import mostly_chinese
from ..retrieval import Passage
from ..normalize import normalize
from ..types import AskResult, Citation
from .base import abstention, evidence_around
from .constraints import LEAD, question_constraints, unnamed_places


log = logging.getLogger(__name__)


class RulesReader:
    name = "rules"

    def __init__(self, min_confidence: float = 0.35) -> None:
        self.answerer = Answerer(min_confidence)

    def warm_up(self) -> None:
        return None

    def read(self, question: str, resolved: str, passages: list[Passage], index: LoadedIndex) -> AskResult:
        if not mostly_chinese(resolved):  # an English question: read in the Chinese words of its evidence
            chinese = chinese_reading(resolved, passages)
            if chinese is None:
                return abstention(question, resolved, passages, "英文问题的词语在找到的中文段落中没有对应(规则只读中文段落)。", self.name)
            result = self._read(question, chinese, passages, index)
            result.resolved_question = resolved
            return result
        return self._read(question, resolved, passages, index)

    def _read(self, question: str, resolved: str, passages: list[Passage], index: LoadedIndex) -> AskResult:
        # a place the retrieved documents never name (one no gazetteer lists) is not answered
        # with another place's figure
        missing = unnamed_places(resolved, index.doc_norms, [p.doc_id for p in passages])
        if passages and missing:
            return abstention(question, resolved, passages, f"语料中没有关于{'、'.join(missing)}的内容。", self.name)
        result = self.answerer.answer(question, resolved, passages, index)
        result.reader = self.name
        if not result.abstained and result.citations:
            unsaid = _regions_unsaid(resolved, result.citations[0], index)
            if unsaid:
                return abstention(question, resolved, passages, f"找到的内容说的不是{'、'.join(unsaid)}的情况。", self.name)
        return result


def chinese_reading(english: str, passages: list[Passage]) -> str | None:
    """An English question in the Chinese words of its Chinese passages (`crosslingual.chinese_question`);
    None without such passages (an English page is no text the rules read)."""
    chinese = chinese_question(english, [p.text for p in passages], list(dict.fromkeys(p.title for p in passages)))
    log.debug("English question %r read as %r", english, chinese)
    return chinese


def _regions_unsaid(resolved: str, cited: Citation, index: LoadedIndex) -> list[str]:
    """Places of the question that no division is (a region the tagger knows: 长三角, 珠三角) and
    that the cited evidence's paragraph, its document's title and its opening do not name, as the learned
    reader checks its own answers (`constraints.honoured`). The divisions asked are checked by the
    rule reader itself, with the document's main place as the scope of every sentence."""
    asked = [p for p in question_constraints(resolved).places if not find_places(p)]
    if not asked:
        return []
    paragraph, title = evidence_around(index, cited.doc_id, cited.start)
    # (or its opening: a page whose lead is about 海关 or 长三角 is about it throughout, whatever its title)
    context = paragraph + "\n" + title + "\n" + index.doc_norms[cited.doc_id][:LEAD]
    return [_as_written(p, normalize(resolved)) for p in asked if p not in context]


def _as_written(place: str, question: str) -> str:
    """The place with the suffix the question gave it (大湾 -> 大湾区), for the reason shown."""
    at = question.find(place)
    after = question[at + len(place) : at + len(place) + 1] if at >= 0 else ""
    return place + after if after and after in "省市县区州" else place
