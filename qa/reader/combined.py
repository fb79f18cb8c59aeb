"""The combined reader: the rule reader and the learned reader each read the passages; an answer
both agree on keeps the rule reader's typed boundaries (a number with its unit, a whole name),
and where they disagree or only one answers, the learned reader's calibrated confidence decides."""

from __future__ import annotations

import re
from dataclasses import replace

from ..index_store import LoadedIndex
from ..normalize import normalize
from ..retrieval import Passage
from ..types import AskResult
from .learned import LearnedReader
from .rules import RulesReader


_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def _agree(a: AskResult, b: AskResult) -> bool:
    """Both answered with overlapping text, or with spans in the same cited sentence."""
    if a.answer is None or b.answer is None:
        return False
    x, y = normalize(a.answer), normalize(b.answer)
    if x in y or y in x:
        return True
    ca, cb = a.citations[0], b.citations[0]
    return ca.doc_id == cb.doc_id and ca.start < cb.end and cb.start < ca.end and _overlap(x, y) >= 0.5


def _overlap(x: str, y: str) -> float:
    common = sum(1 for ch in set(x) if ch in y)
    return common / max(1, min(len(set(x)), len(set(y))))


class CombinedReader:
    name = "combined"

    def __init__(self, rules: RulesReader, learned: LearnedReader, override: float = 0.9, alone: float = 0.5) -> None:
        self.rules = rules
        self.learned = learned
        self.override = override  # learned confidence that overrides a disagreeing rule answer
        self.alone = alone  # learned confidence that answers where the rules abstain

    def warm_up(self) -> None:
        self.learned.warm_up()

    def read(self, question: str, resolved: str, passages: list[Passage], index: LoadedIndex) -> AskResult:
        l = self.learned.read(question, resolved, passages, index)
        if not _CJK.search(resolved):  # the rules read Chinese questions only (an English one, say)
            return replace(l, reader=self.name)
        r = self.rules.read(question, resolved, passages, index)
        if r.abstained and l.abstained:
            return replace(r, reader=self.name)
        if not r.abstained and not l.abstained:
            if _agree(r, l):
                return replace(r, confidence=round(max(r.confidence, l.confidence), 4), reader=self.name)
            chosen = l if l.confidence >= self.override else r
            return replace(chosen, reader=self.name)
        if r.abstained:
            return replace(l, reader=self.name) if l.confidence >= self.alone else replace(r, reader=self.name)
        return replace(r, reader=self.name)
