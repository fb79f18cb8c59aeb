"""SQuAD-format reading-comprehension files: `data[].paragraphs[].{context, qas[].{id, question,
answers[].{text, answer_start}}}` (v1.1; v2's `is_impossible` and empty answers are read as
unanswerable)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class MrcAnswer:
    text: str
    start: int  # character offset into the context


@dataclass(frozen=True)
class MrcExample:
    qid: str
    question: str
    context: str
    answers: tuple[MrcAnswer, ...]  # empty: the context does not answer
    title: str = ""
    paragraph: str = ""  # an id of the paragraph, unique within its file


class SquadFormatError(ValueError):
    pass


def load_squad(path: str | Path) -> list[MrcExample]:
    """Every question of a SQuAD-format file, with its paragraph. Answers whose `answer_start`
    does not point at their text are re-anchored at the first occurrence (or dropped)."""
    path = Path(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8-sig"))
        articles = raw["data"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise SquadFormatError(f"{path} is not a SQuAD-format JSON file ({exc}); expected data[].paragraphs[].qas[]") from exc
    out: list[MrcExample] = []
    for a_i, article in enumerate(articles):
        title = str(article.get("title", ""))
        for p_i, para in enumerate(article.get("paragraphs", [])):
            context = para["context"]
            pid = str(para.get("id") or f"{path.stem}-{a_i}-{p_i}")
            for qa in para.get("qas", []):
                answers = []
                if not qa.get("is_impossible"):
                    for ans in qa.get("answers", []):
                        text, start = ans["text"], int(ans.get("answer_start", -1))
                        if not text.strip():
                            continue
                        if context[start : start + len(text)] != text:
                            start = context.find(text)
                            if start < 0:
                                continue
                        answers.append(MrcAnswer(text, start))
                out.append(MrcExample(str(qa["id"]), qa["question"], context, tuple(answers), title, pid))
    return out
