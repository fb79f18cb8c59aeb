"""Extractive answerer (placeholder until the analysis and extraction modules land)."""

from __future__ import annotations

from ..index_store import LoadedIndex
from ..retrieval import Passage
from ..settings import Settings
from ..types import AskResult


class Answerer:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def answer(self, question: str, resolved: str, passages: list[Passage], index: LoadedIndex) -> AskResult:
        return AskResult(
            question=question,
            resolved_question=resolved,
            answer=None,
            abstained=True,
            reason="回答模块尚未就绪",
            confidence=0.0,
            sentence=None,
            as_of=None,
            citations=[],
            passages=passages,
        )
