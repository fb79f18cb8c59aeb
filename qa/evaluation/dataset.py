"""The eval set on disk: questions.jsonl and conversations.jsonl, read into typed records."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Iterable, Sequence

from ..formats import SUFFIXES


@dataclass(frozen=True)
class EvalQuestion:
    id: str
    question: str
    answers: tuple[str, ...]  # accepted answers; empty = the corpus does not say
    doc_id: str  # "" when unanswerable
    evidence: str  # a short substring of the gold passage ("" when unanswerable)
    type: str  # metric|event|policy|none
    variant: str  # plain|paraphrase|traditional|confusable|unanswerable|…

    @property
    def answerable(self) -> bool:
        return bool(self.answers)


@dataclass(frozen=True)
class Conversation:
    id: str
    turns: tuple[EvalQuestion, ...]  # turn ids are "<conversation id>#<n>", n from 1


def _read_jsonl(path: Path) -> list[tuple[int, dict[str, Any]]]:
    if not path.is_file():
        raise FileNotFoundError(f"eval set not found: {path} (pass an existing JSONL file)")
    rows = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}:{lineno}: not valid JSON ({exc.msg})") from None
        if not isinstance(row, dict):
            raise ValueError(f"{path}:{lineno}: each line must be a JSON object")
        rows.append((lineno, row))
    return rows


def _question(row: dict[str, Any], where: str, default_id: str | None = None) -> EvalQuestion:
    question = row.get("question")
    if not isinstance(question, str) or not question.strip():
        raise ValueError(f"{where}: 'question' must be a non-empty string")
    answers = row.get("answers", [])
    if not isinstance(answers, list) or not all(isinstance(a, str) and a.strip() for a in answers):
        raise ValueError(f"{where}: 'answers' must be a list of non-empty strings ([] = unanswerable)")
    evidence = row.get("evidence") or ""
    if answers and not evidence:
        raise ValueError(f"{where}: an answerable question needs its 'evidence' substring")
    qid = row.get("id", default_id)
    if not isinstance(qid, str) or not qid:
        raise ValueError(f"{where}: 'id' must be a non-empty string")
    return EvalQuestion(
        id=qid,
        question=question.strip(),
        answers=tuple(answers),
        doc_id=str(row.get("doc_id") or ""),
        evidence=str(evidence),
        type=str(row.get("type") or ("none" if not answers else "unknown")),
        variant=str(row.get("variant") or ("unanswerable" if not answers else "plain")),
    )


def load_questions(path: Path) -> list[EvalQuestion]:
    questions = [_question(row, f"{path}:{lineno}") for lineno, row in _read_jsonl(path)]
    seen: set[str] = set()
    for q in questions:
        if q.id in seen:
            raise ValueError(f"{path}: question id {q.id!r} appears twice (ids must be unique)")
        seen.add(q.id)
    return questions


def load_conversations(path: Path) -> list[Conversation]:
    conversations = []
    for lineno, row in _read_jsonl(path):
        where = f"{path}:{lineno}"
        cid = row.get("id")
        turns = row.get("turns")
        if not isinstance(cid, str) or not cid:
            raise ValueError(f"{where}: 'id' must be a non-empty string")
        if not isinstance(turns, list) or not turns or not all(isinstance(t, dict) for t in turns):
            raise ValueError(f"{where}: 'turns' must be a non-empty list of objects")
        conversations.append(
            Conversation(
                id=cid,
                turns=tuple(
                    _question(turn, f"{where} turn {n}", default_id=f"{cid}#{n}")
                    for n, turn in enumerate(turns, start=1)
                ),
            )
        )
    return conversations


def resolve_doc_ids(questions: Sequence[EvalQuestion], known: Iterable[str]) -> tuple[list[EvalQuestion], list[str]]:
    """Questions with their doc_id as the index spells it, and the names no document answers to.
    A set may name a document by its file name without the extension (`report` for report.md,
    whose id keeps it): that name is taken where exactly one document's id is it plus a document
    format's extension."""
    known = set(known)
    by_stem: dict[str, list[str]] = {}
    for doc_id in known:
        stem, dot, ext = doc_id.rpartition(".")
        if dot and stem and f".{ext.lower()}" in SUFFIXES:
            by_stem.setdefault(stem, []).append(doc_id)
    resolved, unknown = [], []
    for q in questions:
        if not q.doc_id or q.doc_id in known:
            resolved.append(q)
        elif len(by_stem.get(q.doc_id, [])) == 1:
            resolved.append(replace(q, doc_id=by_stem[q.doc_id][0]))
        else:
            resolved.append(q)
            unknown.append(q.doc_id)
    return resolved, unknown
