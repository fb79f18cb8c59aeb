"""The combined reader: the rule reader and the learned reader each read the passages; an answer
both agree on keeps the rule reader's typed boundaries (a number with its unit, a whole name),
and where they disagree or only one answers, the learned reader's calibrated confidence decides.

Where the model runs behind a rule answer, it also scores that answer's own span; a rule answer the
model finds unlikely for its confidence is dropped (`decision.Doubt`), and the model's answer, if
sure enough, or an abstention takes its place.

How it decides and how sure it says it is were fitted on dev sets (`qa fit-combiner`, stored as
`combiner` in the model's reader.json): the thresholds of the decision, the doubt curve, and a
logistic curve that turns (learned confidence, rule confidence, agreement, which reader answered,
the model's support of the rule span) into the probability that the answer is right. An answer of
the learned reader alone is withdrawn below `QA_MIN_CONFIDENCE`; a rule answer keeps the rule
reader's own checks."""

from __future__ import annotations

import math
from dataclasses import replace

from ..answering.question import NUMERIC_KINDS, analyze
from ..answering.respectively import is_respective_figure
from ..index_store import LoadedIndex
from ..languages import latin_script, mostly_chinese
from ..normalize import normalize
from ..retrieval import Passage
from ..types import AskResult
from .base import Reader, abstention
from .decision import Doubt, Reading, answer_span, choose, features, runs_model
from .english import EnglishReader
from .learned import LearnedReader, joined_figure
from .rules import RulesReader, chinese_reading

def _respective(rules: AskResult, span: tuple[str, int, int], resolved: str) -> bool:
    """True when the rule answer is its subject's figure in a 分别-list of its sentence ('沪、苏、浙、皖…
    分别为4.43万件、…、6.5万件…' for 浙江): the model, which reads no such alignment, is no judge of it."""
    cited = rules.citations[0]
    if "分别" not in cited.quote:
        return False  # (no question analysis for the many sentences without such a list)
    q = analyze(resolved)
    at, end = span[1] - cited.start, span[2] - cited.start
    return is_respective_figure(normalize(cited.quote), at, end, q.norm, q.places) is True


def _joined(learned: AskResult, resolved: str, index: LoadedIndex) -> bool:
    """True when the learned answer is a figure of a thing asked joined with another (`joined_figure`)."""
    span = answer_span(learned)
    if span is None or not mostly_chinese(resolved):
        return False
    q = analyze(resolved)
    return q.kind in NUMERIC_KINDS and joined_figure(q, *span, index)


class CombinedReader:
    name = "combined"

    def __init__(
        self,
        rules: RulesReader,
        learned: LearnedReader,
        override: float | None = None,
        alone: float | None = None,
        min_confidence: float = 0.35,
        trust: float | None = None,
        veto: float | None = None,
        doubt: Doubt | None = None,
        english: Reader | None = None,
        english_sure: float = 0.6,
    ) -> None:
        self.rules = rules
        self.learned = learned
        self.english = english or EnglishReader()
        self.english_sure = english_sure  # the typed reading's confidence from which it answers alone
        self._override, self._alone, self._trust = override, alone, trust
        self._veto, self._doubt = veto, doubt
        self.min_confidence = min_confidence

    def warm_up(self) -> None:
        self.learned.warm_up()

    def _fitted(self) -> dict:
        model = getattr(self.learned, "model", None)
        info = getattr(model, "info", None)
        return (info.meta.get("combiner") or {}) if info is not None else {}

    @property
    def trust(self) -> float:
        """Rule confidence from which the model is not run (above 1: always run; a model fitted
        before this threshold existed runs always)."""
        return self._trust if self._trust is not None else float(self._fitted().get("trust", 1.01))

    @property
    def override(self) -> float:
        """Learned confidence that overrides a disagreeing rule answer."""
        return self._override if self._override is not None else float(self._fitted().get("override", 0.9))

    @property
    def alone(self) -> float:
        """Learned confidence that answers where the rules abstain."""
        return self._alone if self._alone is not None else float(self._fitted().get("alone", 0.5))

    @property
    def veto(self) -> float:
        """The doubt curve's probability below which a rule answer the model read is dropped (0: never)."""
        return self._veto if self._veto is not None else float(self._fitted().get("veto") or 0.0)

    @property
    def doubt(self) -> Doubt | None:
        if self._doubt is not None:
            return self._doubt
        fitted = self._fitted().get("doubt")
        return Doubt(tuple(fitted["weights"]), float(fitted["bias"])) if fitted else None

    def _confidence(self, reading: Reading, which: str, fallback: float) -> float:
        fitted = self._fitted()
        if "weights" not in fitted:
            return fallback
        z = sum(w * f for w, f in zip(fitted["weights"], features(reading, which))) + fitted["bias"]
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def read(self, question: str, resolved: str, passages: list[Passage], index: LoadedIndex) -> AskResult:
        if mostly_chinese(resolved):  # (an English question that quotes a Chinese name is English)
            return self._read(question, resolved, passages, index, english=False)
        # an English question is read three ways: its English pages by typed spans, the English as
        # written by the model, and its rendering in the Chinese words of the evidence by both readers.
        # A typed answer from a sentence that says three quarters of the question with the answer
        # within a few words of them (`english_sure`) stands alone; otherwise the surer answer stands,
        # except that where the best passage is English, the Chinese rendering (which reads the other
        # pages) only answers what the English readings cannot
        result = self._read(question, resolved, passages, index, english=True)
        typed = self.english.read(question, resolved, passages, index)
        if not typed.abstained:
            if typed.confidence >= self.english_sure:
                return replace(typed, reader=self.name)
            if result.abstained or typed.confidence > result.confidence:
                result = replace(typed, reader=self.name)
        english_page = bool(passages) and latin_script(passages[0].text)  # (an English page may quote a Chinese title)
        chinese = chinese_reading(resolved, passages)
        if chinese is not None:
            translated = self._read(question, chinese, passages, index, english=False)
            if not translated.abstained and (
                result.abstained or (not english_page and translated.confidence > result.confidence)
            ):
                return replace(translated, resolved_question=resolved)
        return result

    def _read(self, question: str, resolved: str, passages: list[Passage], index: LoadedIndex, english: bool) -> AskResult:
        rules = None if english else self.rules.read(question, resolved, passages, index)
        answered = rules is not None and not rules.abstained and bool(rules.answer)
        learned = None
        if runs_model(english, rules.confidence if answered else None, self.trust):
            # where the rules answered, the model can only confirm the answer or, very sure, override it:
            # with a two-stage learned reader, its first passages are enough for that
            learned = self.learned.read(question, resolved, passages, index, first_only=answered)
        doubt = self.doubt  # built from reader.json once a question
        support = None
        respective = False  # the rule answer is its subject's figure in a 分别-list: no model overrides it
        if learned is not None and answered:
            span = answer_span(rules)
            respective = span is not None and _respective(rules, span, resolved)
            if span is not None and not respective and doubt is not None:  # as the fit saw it: read wherever the model ran
                support = self.learned.support(resolved, *span, passages, index)
        rules = rules or learned
        assert rules is not None  # an English question always runs the model
        reading = Reading(
            [], english,
            (rules.answer, rules.confidence) if answered else None,
            None if learned is None or learned.abstained or not learned.answer else (learned.answer, learned.confidence),
            support,
        )
        which, _ = choose(reading, self.override, self.alone, self.veto, doubt)
        if respective and which == "learned":
            which = "rules"  # the model reads no list's alignment: it is no judge of the figure the list gives
        if which == "learned" and answered and learned is not None and _joined(learned, resolved, index):
            which = "rules"  # the model's figure is of the thing asked and another together ('高校和科研机构…')
        if which == "none" and answered:  # the rule answer was dropped, and the model has none sure enough
            p = doubt.right(rules.confidence, support) if doubt and support else 0.0
            return abstention(
                question, resolved, passages,
                f"找到的候选答案“{rules.answer}”与问题不够吻合(置信度 {p:.2f}),语料可能没有这个问题的答案。", self.name, p,
            )
        if which == "none":  # both abstained: the rule reader's reason is the more specific one
            return replace(rules, reader=self.name)
        chosen = learned if which == "learned" else rules
        confidence = self._confidence(reading, which, chosen.confidence)
        if which == "learned" and confidence < self.min_confidence:
            # an answer of the model alone stands only on its confidence; a rule answer has passed
            # the rule reader's own checks, and its confidence is reported as fitted
            return replace(
                chosen, answer=None, abstained=True, sentence=None, as_of=None, citations=[], confidence=round(confidence, 4),
                reason=f"找到的内容与问题不够吻合(置信度 {confidence:.2f}),语料可能没有这个问题的答案。", reader=self.name,
            )
        return replace(chosen, confidence=round(confidence, 4), reader=self.name)
