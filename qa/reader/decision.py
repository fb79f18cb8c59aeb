"""How the combined reader decides between the rule reader and the learned reader: what each
said of a question (`Reading`), whether the model is run at all (`as_served`: not where the rules
answered with confidence >= the fitted `trust`), whether they agree, which answer to take under
the two fitted thresholds, and the features of the fitted confidence curve. Fitting them is
`combiner_fit`."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ..normalize import normalize


@dataclass
class Reading:
    """What each reader said of one question (None: abstained)."""

    answers: list[str]  # gold; [] = unanswerable
    english: bool
    rules: tuple[str, float] | None
    learned: tuple[str, float] | None

    @property
    def rule_confidence(self) -> float | None:
        return self.rules[1] if self.rules else None


_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def chinese(text: str) -> bool:
    """Whether a question has Chinese in it (the rule reader reads only such questions)."""
    return bool(_CJK.search(text))


def agree(a: str, b: str) -> bool:
    x, y = normalize(a), normalize(b)
    return x in y or y in x


def runs_model(english: bool, rule_confidence: float | None, trust: float) -> bool:
    """Whether the combined reader runs the learned model: always for a question the rules cannot
    read or did not answer (None), else only while the rule answer's confidence is below `trust`."""
    return english or rule_confidence is None or rule_confidence < trust


def as_served(r: Reading, trust: float) -> Reading:
    """The reading as the combined reader sees it under `trust`: no model answer where it is not run."""
    return r if runs_model(r.english, r.rule_confidence, trust) else replace(r, learned=None)


def choose(r: Reading, override: float, alone: float) -> tuple[str, str | None]:
    """(which reader, answer) under the decision rule; ('none', None) to abstain."""
    if r.english:
        return ("learned", r.learned[0]) if r.learned else ("none", None)
    if r.rules and r.learned:
        if agree(r.rules[0], r.learned[0]):
            return "both", r.rules[0]
        return ("learned", r.learned[0]) if r.learned[1] >= override else ("rules", r.rules[0])
    if r.learned:
        return ("learned", r.learned[0]) if r.learned[1] >= alone else ("none", None)
    if r.rules:
        return "rules", r.rules[0]
    return "none", None


def features(r: Reading, which: str) -> list[float]:
    lc = r.learned[1] if r.learned else 0.0
    rc = r.rules[1] if r.rules else 0.0
    return [lc, rc, 1.0 if which == "both" else 0.0, 1.0 if which == "learned" else 0.0]
