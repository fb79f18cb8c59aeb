"""The rule reader: question analysis, candidate sentences and typed spans (`qa.answering`),
behind the Reader interface."""

from __future__ import annotations

from ..answering.answerer import Answerer
from ..index_store import LoadedIndex
from ..retrieval import Passage
from ..types import AskResult
from .base import abstention
from .constraints import unnamed_places


class RulesReader:
    name = "rules"

    def __init__(self, min_confidence: float = 0.35) -> None:
        self.answerer = Answerer(min_confidence)

    def warm_up(self) -> None:
        return None

    def read(self, question: str, resolved: str, passages: list[Passage], index: LoadedIndex) -> AskResult:
        # a place the retrieved documents never name (one no gazetteer lists) is not answered
        # with another place's figure
        missing = unnamed_places(resolved, index.doc_norms, [p.doc_id for p in passages])
        if passages and missing:
            return abstention(question, resolved, passages, f"语料中没有关于{'、'.join(missing)}的内容。", self.name)
        result = self.answerer.answer(question, resolved, passages, index)
        result.reader = self.name
        return result
