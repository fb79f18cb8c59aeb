"""Run the eval set through a pipeline: retrieval per retriever, then the answerer, turn by turn."""

from __future__ import annotations

import logging
import sys
import time
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Sequence

from tqdm import tqdm

from .. import __version__
from ..pipeline import Pipeline
from ..retrieval import Passage
from ..settings import RetrieverName
from ..types import AskResult, Turn
from . import metrics
from .aggregate import build_report
from .dataset import Conversation, EvalQuestion, resolve_doc_ids
from .results import RETRIEVAL_DEPTH, EvalReport, ItemResult, RetrievalScore, RunConfig

log = logging.getLogger(__name__)

CORRECT_F1 = 0.8  # an answer with EM 1 or F1 at least this counts as correct


@dataclass(frozen=True)
class EvalSets:
    questions: list[EvalQuestion]
    conversations: list[Conversation]
    question_set: str  # where they came from, for the report
    conversation_set: str | None = None
    limit: int | None = None


def _relevance(passages: Sequence[Passage], q: EvalQuestion) -> list[bool]:
    return [metrics.is_relevant(p.text, p.doc_id, q.evidence, q.doc_id) for p in passages]


class Runner:
    def __init__(
        self,
        pipeline: Pipeline,
        retrievers: Sequence[RetrieverName] = tuple(RetrieverName),
        answer_retriever: RetrieverName = RetrieverName.hybrid,
        show_progress: bool | None = None,
    ) -> None:
        if not retrievers:
            raise ValueError("name at least one retriever to evaluate (bm25, dense, hybrid)")
        self.pipeline = pipeline
        order = ("bm25", "dense", "hybrid")  # the report shows them side by side in this order
        self.retrievers = sorted(dict.fromkeys(retrievers), key=lambda r: order.index(r.value))
        self.answer_retriever = answer_retriever
        self.show_progress = pipeline.settings.show_progress if show_progress is None else show_progress
        self._norm_chunks: list[tuple[str, str]] | None = None

    # ------------------------------------------------------------------------------- retrieval

    def _relevant_in_index(self, q: EvalQuestion) -> int | None:
        """How many chunks of the whole index are relevant (the ideal for nDCG)."""
        if self._norm_chunks is None:
            chunks = getattr(self.pipeline.index, "chunks", None)
            self._norm_chunks = [(c.doc_id, metrics.matching_form(c.text)) for c in chunks] if chunks is not None else []
        if not self._norm_chunks:
            return None
        evidence = metrics.matching_form(q.evidence)
        return sum(1 for doc_id, text in self._norm_chunks if evidence in text and (not q.doc_id or doc_id == q.doc_id))

    def _score(self, q: EvalQuestion, retriever: RetrieverName) -> RetrievalScore:
        passages = self.pipeline.search(q.question, retriever, RETRIEVAL_DEPTH).passages
        rel = _relevance(passages, q)
        n_relevant = self._relevant_in_index(q)
        if n_relevant is not None:
            n_relevant = max(n_relevant, sum(rel))
        first = next((rank for rank, r in enumerate(rel, start=1) if r), None)
        return RetrievalScore(
            first_rank=first,
            recall_1=metrics.recall_at_k(rel, 1),
            recall_5=metrics.recall_at_k(rel, 5),
            recall_10=metrics.recall_at_k(rel, 10),
            mrr_10=metrics.mrr_at_k(rel, 10),
            ndcg_10=metrics.ndcg_at_k(rel, 10, n_relevant),
        )

    # ------------------------------------------------------------------------------- answering

    def _judge(self, item: ItemResult, q: EvalQuestion, result: AskResult) -> None:
        item.resolved_question = result.resolved_question
        item.abstained = result.abstained or not result.answer
        item.confidence = float(result.confidence)
        item.answer = None if item.abstained else result.answer
        item.reason = result.reason
        if q.answerable:
            rel = _relevance(result.passages, q)
            item.evidence_rank = next((rank for rank, r in enumerate(rel, start=1) if r), None)
            item.em = metrics.exact_match(q.answers, item.answer)
            item.f1 = metrics.f1_score(q.answers, item.answer)
            item.correct = not item.abstained and (item.em == 1.0 or item.f1 >= CORRECT_F1)
        else:
            item.correct = item.abstained
        if not item.abstained:
            item.citation_problem = metrics.citation_problem(item.answer, result.citations, self.pipeline.documents)

    def _ask(self, item: ItemResult, q: EvalQuestion, history: list[Turn]) -> AskResult | None:
        """Ask and judge; a pipeline error is recorded as a failing case, not the end of the run."""
        try:
            result = self.pipeline.ask(q.question, list(history), self.answer_retriever)
        except Exception as exc:  # noqa: BLE001 - one broken question must not hide the others
            log.exception("the pipeline failed on %s: %s", q.id, q.question)
            item.error = f"{type(exc).__name__}: {exc}"
            return None
        self._judge(item, q, result)
        return result

    def _item(self, q: EvalQuestion, conversation: str | None = None, turn: int | None = None) -> ItemResult:
        return ItemResult(
            id=q.id,
            question=q.question,
            expected=list(q.answers),
            doc_id=q.doc_id,
            type=q.type,
            variant=q.variant,
            conversation=conversation,
            turn=turn,
        )

    # ------------------------------------------------------------------------------------- run

    def run(self, sets: EvalSets) -> EvalReport:
        started = time.perf_counter()
        sets = self._resolved(sets)
        started_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        answerable = [q for q in sets.questions if q.answerable]
        total = len(answerable) * len(self.retrievers) + len(sets.questions)
        total += sum(len(c.turns) for c in sets.conversations)
        bar = tqdm(total=total, desc="eval", unit="q", file=sys.stderr, disable=not self.show_progress)
        try:
            questions = [self._item(q) for q in sets.questions]
            by_id = {item.id: item for item in questions}
            for retriever in self.retrievers:
                bar.set_postfix_str(retriever.value)
                for q in answerable:
                    by_id[q.id].retrieval[retriever.value] = self._score(q, retriever)
                    bar.update()
            bar.set_postfix_str("answers")
            for q, item in zip(sets.questions, questions):
                self._ask(item, q, [])
                bar.update()
            bar.set_postfix_str("conversations")
            turns = []
            for conversation in sets.conversations:
                history: list[Turn] = []
                for n, q in enumerate(conversation.turns, start=1):
                    item = self._item(q, conversation.id, n)
                    result = self._ask(item, q, history)
                    turns.append(item)
                    reply = (result.answer or result.reason or "") if result else ""
                    history += [Turn("user", q.question), Turn("assistant", reply)]
                    bar.update()
        finally:
            bar.close()
        config = self._config(sets, started_at, round(time.perf_counter() - started, 2))
        report = build_report(config, self.retrievers, questions, turns, has_conversations=bool(sets.conversations))
        log.info("evaluated %d questions and %d turns in %.1fs", len(questions), len(turns), report.config.duration_s)
        return report

    def _resolved(self, sets: EvalSets) -> EvalSets:
        """The sets with each question's doc_id as the index names the document (a set may name
        `report` for the file report.md); a name no document answers to is logged, not guessed."""
        known = list(self.pipeline.documents)
        questions, unknown = resolve_doc_ids(sets.questions, known)
        conversations = []
        for conversation in sets.conversations:
            turns, missing = resolve_doc_ids(conversation.turns, known)
            conversations.append(replace(conversation, turns=tuple(turns)))
            unknown += missing
        for name in sorted(set(unknown)):
            log.warning("the eval set names document %r, which the index does not hold: its retrieval scores 0", name)
        return replace(sets, questions=questions, conversations=conversations)

    def _config(self, sets: EvalSets, started_at: str, duration_s: float) -> RunConfig:
        settings = self.pipeline.settings
        index = self.pipeline.index
        manifest = getattr(index, "manifest", None) or {}
        return RunConfig(
            qa_version=__version__,
            backend=settings.backend.value,
            embedder=getattr(self.pipeline.embedder, "embedder_id", settings.embedder.value),
            fusion=settings.fusion.value,
            rrf_k=settings.rrf_k,
            candidates=settings.candidates,
            top_k=settings.top_k,
            retrieval_depth=RETRIEVAL_DEPTH,
            answer_retriever=self.answer_retriever.value,
            retrievers=[r.value for r in self.retrievers],
            corpus_fingerprint=(manifest.get("corpus") or {}).get("fingerprint"),
            index_build=getattr(index, "name", None),
            question_set=sets.question_set,
            conversation_set=sets.conversation_set,
            limit=sets.limit,
            correct_f1=CORRECT_F1,
            started=started_at,
            duration_s=duration_s,
            reader=settings.reader.value,
        )


def display_path(path: Path) -> str:
    """A path as the report shows it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
