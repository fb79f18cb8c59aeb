"""How the combined reader decides between the rule reader and the learned reader: what each
said of a question (`Reading`), whether the model is run at all (`as_served`: not where the rules
answered with confidence >= the fitted `trust`), whether they agree, which answer to take under
the fitted thresholds, and the features of the fitted curves. Fitting them is `combiner_fit`.

Where the model runs behind a rule answer it also says how likely it finds that answer's own span
(`Support`): a rule answer the model finds unlikely ('而已', '了一系列', a clause cut mid-word) is
rarely right. A fitted curve (`Doubt`) turns the rule confidence and that support into the
probability that the rule answer is right; below the fitted `veto` the rule answer is dropped."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from ..normalize import normalize
from ..types import AskResult


@dataclass(frozen=True)
class Support:
    """The learned model's calibrated probability of a rule answer's span: of that very span
    (`exact`), and of the best span that agrees with it (`near`: inside it or around it)."""

    exact: float
    near: float


def _logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


@dataclass(frozen=True)
class Doubt:
    """P(rule answer right) = sigmoid(w · [rule confidence, logit exact support, logit near support] + b)."""

    weights: tuple[float, ...]
    bias: float

    FEATURES = ("rule confidence", "logit of the model's probability of the rule span", "logit of the best agreeing span's")

    @staticmethod
    def features(rule_confidence: float, support: Support) -> list[float]:
        return [rule_confidence, _logit(support.exact), _logit(support.near)]

    def right(self, rule_confidence: float, support: Support) -> float:
        z = sum(w * f for w, f in zip(self.weights, self.features(rule_confidence, support))) + self.bias
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@dataclass
class Reading:
    """What each reader said of one question (None: abstained)."""

    answers: list[str]  # gold; [] = unanswerable
    english: bool
    rules: tuple[str, float] | None
    learned: tuple[str, float] | None
    support: Support | None = None  # the learned model's view of the rule answer's span (None: not read)

    @property
    def rule_confidence(self) -> float | None:
        return self.rules[1] if self.rules else None




def answer_span(result: AskResult) -> tuple[str, int, int] | None:
    """Where an answer lies in its document: (doc_id, start, end) of its first occurrence in the quoted
    sentence of its first citation; None without an answer or a citation holding it."""
    if result.abstained or not result.answer or not result.citations:
        return None
    c = result.citations[0]
    at = c.quote.find(result.answer)
    return None if at < 0 else (c.doc_id, c.start + at, c.start + at + len(result.answer))


def agree(a: str, b: str) -> bool:
    x, y = normalize(a), normalize(b)
    return x in y or y in x


def runs_model(english: bool, rule_confidence: float | None, trust: float) -> bool:
    """Whether the combined reader runs the learned model: always for a question the rules cannot
    read or did not answer (None), else only while the rule answer's confidence is below `trust`."""
    return english or rule_confidence is None or rule_confidence < trust


def as_served(r: Reading, trust: float) -> Reading:
    """The reading as the combined reader sees it under `trust`: no model answer, nor its support of
    the rule answer, where it is not run."""
    return r if runs_model(r.english, r.rule_confidence, trust) else replace(r, learned=None, support=None)


def rule_right(r: Reading, doubt: Doubt | None) -> float | None:
    """The fitted probability that the rule answer is right, where the model read it."""
    return doubt.right(r.rules[1], r.support) if doubt and r.rules and r.support else None


def doubted(r: Reading, veto: float, doubt: Doubt | None) -> bool:
    """Whether the rule answer is dropped: the model read it and the fitted probability that it is
    right is below `veto`."""
    p = rule_right(r, doubt)
    return veto > 0 and p is not None and p < veto


def choose(r: Reading, override: float, alone: float, veto: float = 0.0, doubt: Doubt | None = None) -> tuple[str, str | None]:
    """(which reader, answer) under the decision rule; ('none', None) to abstain. Both agree: the rule
    span. They disagree: the model's where it is sure (`override`), else the rule answer, unless it is
    doubted — then the model's where it answers alone with confidence (`alone`). Where the model read
    the rule answer, it overrides it only if more likely right than the rule answer is."""
    if r.english:
        return ("learned", r.learned[0]) if r.learned else ("none", None)
    if r.rules and r.learned:
        if agree(r.rules[0], r.learned[0]):
            return "both", r.rules[0]
        p = rule_right(r, doubt)
        if r.learned[1] >= override and (p is None or r.learned[1] > p):  # sure, and surer than the rule answer is right
            return "learned", r.learned[0]
        if not doubted(r, veto, doubt):
            return "rules", r.rules[0]
    if r.learned:
        return ("learned", r.learned[0]) if r.learned[1] >= alone else ("none", None)
    if r.rules and not doubted(r, veto, doubt):
        return "rules", r.rules[0]
    return "none", None


FEATURES = ["learned confidence", "rule confidence", "both agree", "learned answer chosen", "rule answer read by the model",
            "logit of its span's probability", "logit of the best agreeing span's"]


def features(r: Reading, which: str) -> list[float]:
    lc = r.learned[1] if r.learned else 0.0
    rc = r.rules[1] if r.rules else 0.0
    read = r.support is not None and which != "learned"
    return [lc, rc, 1.0 if which == "both" else 0.0, 1.0 if which == "learned" else 0.0, 1.0 if read else 0.0,
            _logit(r.support.exact) if read else 0.0, _logit(r.support.near) if read else 0.0]
