"""Evaluation metrics: retrieval (Recall/MRR/nDCG@k), answers (CMRC 2018 EM/F1), abstention, citations.

Answers are compared the CMRC 2018 way: both sides normalized (Traditional→Simplified, half-width,
lower case), split into tokens where every Chinese character is one token and a run of Latin
letters/digits is one token ("23.51", "gdp", "2024"), punctuation and symbols dropped. EM asks for
identical token sequences; F1 takes the longest common *substring* of the two token sequences as the
overlap. Both take the maximum over the accepted answers.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from ..documents import Document
from ..normalize import normalize
from ..types import Citation

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# inside a non-Chinese run: letters/digits with inner decimal points or commas ("23.51", "1,200"), else one char
_RUN_TOKEN = re.compile(r"[^\W_]+(?:[.,][^\W_]+)*|\S")


# ------------------------------------------------------------------------------------ retrieval


_SPACE = re.compile(r"\s+")


def matching_form(text: str) -> str:
    """The form evidence is looked for in: normalized, without whitespace (a table row's evidence
    written "北京 | Beijing | 6527" is found in a passage that pads or breaks its cells otherwise)."""
    return _SPACE.sub("", normalize(text))


def is_relevant(passage_text: str, passage_doc_id: str, evidence: str, doc_id: str = "") -> bool:
    """Binary relevance: the passage contains the evidence (in matching form) and, if given, is from doc_id."""
    if not evidence:
        return False
    if doc_id and passage_doc_id != doc_id:
        return False
    return matching_form(evidence) in matching_form(passage_text)


def recall_at_k(relevance: Sequence[bool], k: int) -> float:
    """1.0 when a relevant passage is among the first k, else 0.0 (answer recall / top-k hit)."""
    return 1.0 if any(relevance[:k]) else 0.0


def mrr_at_k(relevance: Sequence[bool], k: int) -> float:
    """Reciprocal rank of the first relevant passage within the first k (0.0 if none)."""
    for rank, relevant in enumerate(relevance[:k], start=1):
        if relevant:
            return 1.0 / rank
    return 0.0


def ndcg_at_k(relevance: Sequence[bool], k: int, n_relevant: int | None = None) -> float:
    """Binary nDCG@k. The ideal ranking puts min(n_relevant, k) relevant passages first; n_relevant is
    how many relevant passages exist in the whole index (defaults to those seen in `relevance`)."""
    dcg = sum(1.0 / math.log2(rank + 1) for rank, rel in enumerate(relevance[:k], start=1) if rel)
    total = sum(1 for rel in relevance if rel) if n_relevant is None else n_relevant
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(total, k) + 1))
    return dcg / ideal if ideal > 0 else 0.0


# -------------------------------------------------------------------------------------- answers


def _is_punct_or_symbol(token: str) -> bool:
    return all(unicodedata.category(ch)[0] in "PSZ" for ch in token)


def answer_tokens(text: str) -> list[str]:
    """CMRC 2018 mixed segmentation on the normalized text, punctuation and symbols removed."""
    tokens: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            tokens.extend(_RUN_TOKEN.findall("".join(run)))
            run.clear()

    for ch in normalize(text.strip()):
        if _CJK.match(ch):
            flush()
            tokens.append(ch)
        else:
            run.append(ch)
    flush()
    return [t for t in tokens if not _is_punct_or_symbol(t)]


def longest_common_substring(a: Sequence[str], b: Sequence[str]) -> int:
    """Length of the longest contiguous run of tokens shared by a and b."""
    best = 0
    previous = [0] * (len(b) + 1)
    for i in range(1, len(a) + 1):
        current = [0] * (len(b) + 1)
        for j in range(1, len(b) + 1):
            if a[i - 1] == b[j - 1]:
                current[j] = previous[j - 1] + 1
                best = max(best, current[j])
        previous = current
    return best


def _f1(answer: str, prediction: str) -> float:
    gold, pred = answer_tokens(answer), answer_tokens(prediction)
    overlap = longest_common_substring(gold, pred)
    if overlap == 0:
        return 0.0
    precision, recall = overlap / len(pred), overlap / len(gold)
    return 2 * precision * recall / (precision + recall)


def f1_score(answers: Iterable[str], prediction: str | None) -> float:
    """CMRC F1, best over the accepted answers; 0.0 for no prediction or no accepted answer."""
    if not prediction:
        return 0.0
    return max((_f1(a, prediction) for a in answers), default=0.0)


def exact_match(answers: Iterable[str], prediction: str | None) -> float:
    """1.0 when the prediction equals an accepted answer up to normalization and punctuation."""
    if not prediction:
        return 0.0
    pred = answer_tokens(prediction)
    return 1.0 if any(pred and answer_tokens(a) == pred for a in answers) else 0.0


# ----------------------------------------------------------------------------------- abstention


@dataclass(frozen=True)
class Abstention:
    precision: float | None  # of the abstentions, the share on unanswerable questions (None: none)
    recall: float | None  # of the unanswerable questions, the share abstained on (None: none)
    abstained: int
    unanswerable: int
    correct: int  # abstained on an unanswerable question


def abstention(pairs: Iterable[tuple[bool, bool]]) -> Abstention:
    """pairs of (abstained, unanswerable); the positive class is 'abstained'."""
    abstained = unanswerable = correct = 0
    for did_abstain, is_unanswerable in pairs:
        abstained += did_abstain
        unanswerable += is_unanswerable
        correct += did_abstain and is_unanswerable
    return Abstention(
        precision=correct / abstained if abstained else None,
        recall=correct / unanswerable if unanswerable else None,
        abstained=abstained,
        unanswerable=unanswerable,
        correct=correct,
    )


# ------------------------------------------------------------------------------------ citations


def citation_problem(answer: str | None, citations: Sequence[Citation], documents: Mapping[str, Document]) -> str | None:
    """Why an answer's citations are not faithful, or None when they are: every quote must be
    documents[doc_id].text[start:end] and the answer must lie inside at least one cited quote."""
    if not answer:
        return "no answer text"
    if not citations:
        return "no citation"
    for c in citations:
        doc = documents.get(c.doc_id)
        if doc is None:
            return f"cites unknown document {c.doc_id!r}"
        if not (0 <= c.start <= c.end <= len(doc.text)) or doc.text[c.start : c.end] != c.quote:
            return f"quote is not {c.doc_id}[{c.start}:{c.end}]"
    if not any(answer in c.quote for c in citations):
        return "answer not inside any cited quote"
    return None


def mean(values: Iterable[float]) -> float | None:
    values = list(values)
    return sum(values) / len(values) if values else None
