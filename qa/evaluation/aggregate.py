"""From per-question results to the report's tables: means, breakdowns, failing cases."""

from __future__ import annotations

from typing import Callable, Sequence

from ..settings import RetrieverName
from . import metrics
from .results import (
    AnswerMetrics,
    ConversationMetrics,
    EvalReport,
    Failure,
    GroupRow,
    ItemResult,
    RetrievalMetrics,
    RunConfig,
)

ABSTAIN = "(abstain)"


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def retrieval_metrics(retriever: str, items: Sequence[ItemResult]) -> RetrievalMetrics:
    scores = [item.retrieval[retriever] for item in items if retriever in item.retrieval]

    def avg(attr: str) -> float | None:
        return _round(metrics.mean(getattr(s, attr) for s in scores))

    return RetrievalMetrics(
        retriever=retriever,
        n=len(scores),
        recall_1=avg("recall_1"),
        recall_5=avg("recall_5"),
        recall_10=avg("recall_10"),
        mrr_10=avg("mrr_10"),
        ndcg_10=avg("ndcg_10"),
    )


def answer_metrics(items: Sequence[ItemResult]) -> AnswerMetrics:
    answerable = [i for i in items if i.answerable]
    answered = [i for i in items if not i.abstained and not i.error]
    abst = metrics.abstention((i.abstained, not i.answerable) for i in items)
    faithful = sum(1 for i in answered if i.citation_problem is None)
    return AnswerMetrics(
        questions=len(items),
        answerable=len(answerable),
        em=_round(metrics.mean(i.em for i in answerable)),
        f1=_round(metrics.mean(i.f1 for i in answerable)),
        accuracy=_round(metrics.mean(float(i.correct) for i in items)),
        abstention_precision=_round(abst.precision),
        abstention_recall=_round(abst.recall),
        abstained=abst.abstained,
        unanswerable=abst.unanswerable,
        correct_abstentions=abst.correct,
        answered=len(answered),
        citation_faithfulness=_round(faithful / len(answered)) if answered else None,
        faithful=faithful,
        errors=sum(1 for i in items if i.error),
        **_calibration(answered),
    )


def _calibration(answered: Sequence[ItemResult]) -> dict:
    """How well `confidence` predicts a right answer, over the answered questions (an answer to an
    unanswerable question is wrong)."""
    if not answered:
        return {}
    import numpy as np

    from ..reader.calibration import reliability

    prob = np.asarray([i.confidence for i in answered], dtype=float)
    right = np.asarray([float(i.correct) for i in answered])
    rows, ece = reliability(prob, right, bins=5)
    return {"ece": ece, "reliability": rows}


def conversation_metrics(turns: Sequence[ItemResult]) -> ConversationMetrics:
    answerable = [t for t in turns if t.answerable]
    by_conversation: dict[str, bool] = {}
    for t in turns:
        by_conversation[t.conversation or ""] = by_conversation.get(t.conversation or "", True) and t.correct
    correct = sum(1 for t in turns if t.correct)
    return ConversationMetrics(
        conversations=len(by_conversation),
        turns=len(turns),
        correct_turns=correct,
        turn_accuracy=_round(correct / len(turns)) if turns else None,
        em=_round(metrics.mean(t.em for t in answerable)),
        f1=_round(metrics.mean(t.f1 for t in answerable)),
        conversations_all_correct=sum(by_conversation.values()),
    )


def breakdown(
    items: Sequence[ItemResult], key: Callable[[ItemResult], str], retrievers: Sequence[str]
) -> list[GroupRow]:
    groups: dict[str, list[ItemResult]] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    rows = []
    for name in sorted(groups):
        group = groups[name]
        answerable = [i for i in group if i.answerable]
        rows.append(
            GroupRow(
                key=name,
                n=len(group),
                answerable=len(answerable),
                recall_5={r: retrieval_metrics(r, answerable).recall_5 for r in retrievers},
                em=_round(metrics.mean(i.em for i in answerable)),
                f1=_round(metrics.mean(i.f1 for i in answerable)),
                accuracy=_round(metrics.mean(float(i.correct) for i in group)),
            )
        )
    return rows


def _got(item: ItemResult) -> str:
    if item.error:
        return "(error)"
    if item.abstained:
        return f"{ABSTAIN} {item.reason or ''}".strip()
    return item.answer or ""


def failure_reason(item: ItemResult) -> str | None:
    """Why an item failed, or None when it passed (correct and, if answered, faithfully cited)."""
    if item.error:
        return f"error: {item.error}"
    if item.correct:
        reason = None
    elif not item.answerable:
        reason = "answered an unanswerable question"
    elif item.abstained:
        reason = "abstained on an answerable question"
    else:
        reason = f"wrong answer (EM {item.em:.0f}, F1 {item.f1:.2f})"
    if item.answerable and reason:
        where = f"at rank {item.evidence_rank}" if item.evidence_rank else "not"
        reason += f"; evidence {where} in the answerer's passages"
    if item.citation_problem:
        reason = f"{reason}; " if reason else ""
        reason += f"citation: {item.citation_problem}"
    if reason and item.resolved_question and item.resolved_question != item.question:
        reason += f"; resolved as {item.resolved_question!r}"
    return reason


def failures(items: Sequence[ItemResult]) -> list[Failure]:
    out = []
    for item in items:
        reason = failure_reason(item)
        if reason is None:
            continue
        out.append(
            Failure(
                id=item.id,
                question=item.question,
                expected=" | ".join(item.expected) if item.expected else ABSTAIN,
                got=_got(item),
                reason=reason,
            )
        )
    return out


def build_report(
    config: RunConfig,
    retrievers: Sequence[RetrieverName],
    questions: list[ItemResult],
    turns: list[ItemResult],
    has_conversations: bool,
) -> EvalReport:
    names = [r.value for r in retrievers]
    answerable = [q for q in questions if q.answerable]
    return EvalReport(
        config=config,
        retrieval={name: retrieval_metrics(name, answerable) for name in names},
        answers=answer_metrics(questions),
        conversations=conversation_metrics(turns) if has_conversations else None,
        breakdown={
            "type": breakdown(questions, lambda i: i.type, names),
            "variant": breakdown(questions, lambda i: i.variant, names),
            "document": breakdown(questions, lambda i: i.doc_id or "(none)", names),
        },
        failures=failures(questions) + failures(turns),
        questions=questions,
        turns=turns,
    )
