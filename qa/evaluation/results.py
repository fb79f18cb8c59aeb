"""Typed results of an evaluation run; `EvalReport.to_dict()` is the JSON report."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

RETRIEVAL_KS = (1, 5, 10)
RETRIEVAL_DEPTH = max(RETRIEVAL_KS)


@dataclass(frozen=True)
class RetrievalScore:
    """One question, one retriever."""

    first_rank: int | None  # rank of the first relevant passage within RETRIEVAL_DEPTH
    recall_1: float
    recall_5: float
    recall_10: float
    mrr_10: float
    ndcg_10: float


@dataclass(frozen=True)
class RetrievalMetrics:
    """Means over the answerable questions, one retriever."""

    retriever: str
    n: int
    recall_1: float | None
    recall_5: float | None
    recall_10: float | None
    mrr_10: float | None
    ndcg_10: float | None


@dataclass
class ItemResult:
    """One question of questions.jsonl, or one turn of a conversation."""

    id: str
    question: str
    expected: list[str]  # [] = should abstain
    doc_id: str
    type: str
    variant: str
    conversation: str | None = None
    turn: int | None = None
    retrieval: dict[str, RetrievalScore] = field(default_factory=dict)
    resolved_question: str = ""
    answer: str | None = None
    abstained: bool = False
    reason: str | None = None
    evidence_rank: int | None = None  # rank of the evidence among the passages the answerer returned
    em: float = 0.0
    f1: float = 0.0
    correct: bool = False
    citation_problem: str | None = None  # None when faithful or not answered
    error: str | None = None  # the pipeline raised instead of answering (counts as a failure)
    confidence: float = 0.0  # what the service said of its answer (0-1)

    @property
    def answerable(self) -> bool:
        return bool(self.expected)


@dataclass(frozen=True)
class AnswerMetrics:
    questions: int
    answerable: int
    em: float | None  # mean over answerable questions (an abstention scores 0)
    f1: float | None
    accuracy: float | None  # over all questions: EM==1 or F1>=threshold, or a correct abstention
    abstention_precision: float | None  # None: nothing abstained
    abstention_recall: float | None  # None: no unanswerable question
    abstained: int
    unanswerable: int
    correct_abstentions: int
    answered: int
    citation_faithfulness: float | None  # share of answered questions with faithful citations
    faithful: int
    errors: int  # questions where the pipeline raised
    ece: float | None = None  # expected calibration error of `confidence` over the answered questions
    reliability: list[dict] = field(default_factory=list)  # bins: count, mean confidence, accuracy


@dataclass(frozen=True)
class ConversationMetrics:
    conversations: int
    turns: int
    correct_turns: int
    turn_accuracy: float | None
    em: float | None  # over answerable turns
    f1: float | None
    conversations_all_correct: int


@dataclass(frozen=True)
class GroupRow:
    """One line of a breakdown table (questions of one type, variant or document)."""

    key: str
    n: int
    answerable: int
    recall_5: dict[str, float | None]  # per retriever, over the group's answerable questions
    em: float | None
    f1: float | None
    accuracy: float | None


@dataclass(frozen=True)
class Failure:
    id: str
    question: str
    expected: str
    got: str
    reason: str


@dataclass(frozen=True)
class RunConfig:
    qa_version: str
    backend: str
    embedder: str
    fusion: str
    rrf_k: int
    candidates: int
    top_k: int  # passages the answerer returns (settings.top_k)
    retrieval_depth: int  # passages scored for the retrieval metrics
    answer_retriever: str
    retrievers: list[str]
    corpus_fingerprint: str | None
    index_build: str | None
    question_set: str
    conversation_set: str | None
    limit: int | None
    correct_f1: float  # the F1 at or above which an answer counts as correct
    started: str
    duration_s: float = 0.0
    reader: str = "rules"  # the reader that answered (settings.reader)


@dataclass
class EvalReport:
    config: RunConfig
    retrieval: dict[str, RetrievalMetrics]
    answers: AnswerMetrics
    conversations: ConversationMetrics | None
    breakdown: dict[str, list[GroupRow]]  # "type", "variant", "document"
    failures: list[Failure]
    questions: list[ItemResult]
    turns: list[ItemResult]
    held_out: bool = False  # a held-out set: the reports keep the aggregates, never a question or an answer

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["format"] = "ipqa-eval/1"
        if self.held_out:
            data.update(failures=[], questions=[], turns=[], failing=len(self.failures))
        return data
