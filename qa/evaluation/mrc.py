"""Reading-comprehension evaluation on SQuAD-format files (CMRC 2018, DRCD), two ways.

- *reading*: the learned span model is given the gold paragraph and must point at the answer
  (the setting of the published CMRC 2018 baselines; no abstention).
- *open*: every paragraph of the file is a document of a corpus indexed apart; each question goes
  through the normal pipeline (retrieval, reader, abstention) as a user's would.

Scores follow the CMRC 2018 script (characters as tokens, punctuation dropped, F1 from the longest
common substring, best over the gold answers), here on a 0-100 scale as published."""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from ..reader.squad import MrcExample
from . import metrics

log = logging.getLogger(__name__)

_TYPES = [
    ("person", re.compile(r"谁|哪位|何人|什么人|哪个人|名字|姓名")),
    ("time", re.compile(r"何时|什么时候|哪一?年|哪一?天|几月|几日|哪个月|时间|日期|年代|多久|多长时间")),
    ("place", re.compile(r"哪里|哪儿|何地|何处|哪个(?:国家|城市|省|地方|地区)|哪座|位于|什么地方")),
    ("number", re.compile(r"多少|几[个位次年名种件条项岁]|多大|多高|多长|多重|多远|第几")),
    ("reason", re.compile(r"为什么|为何|原因|怎么|如何")),
    ("entity", re.compile(r"什么|哪[个些种一]|何")),
]


def question_type(question: str) -> str:
    for name, pattern in _TYPES:
        if pattern.search(question):
            return name
    return "other"


@dataclass
class MrcItem:
    qid: str
    question: str
    answers: list[str]
    prediction: str | None
    em: float
    f1: float
    qtype: str
    ms: float


@dataclass
class MrcReport:
    file: str
    mode: str
    reader: str
    questions: int
    em: float
    f1: float
    abstention_rate: float
    median_ms: float
    by_type: dict[str, dict[str, float]] = field(default_factory=dict)
    items: list[MrcItem] = field(default_factory=list)
    seconds: float = 0.0
    model: str = ""  # fingerprint of the reader model that read (span_model.fingerprint)


def sample(examples: Sequence[MrcExample], limit: int | None) -> list[MrcExample]:
    """Every k-th question (a fixed, spread-out sample), or all of them."""
    if not limit or limit >= len(examples):
        return list(examples)
    step = len(examples) / limit
    return [examples[int(i * step)] for i in range(limit)]


def _report(path: str, mode: str, reader: str, items: list[MrcItem], seconds: float) -> MrcReport:
    n = max(1, len(items))
    groups: dict[str, list[MrcItem]] = defaultdict(list)
    for it in items:
        groups[it.qtype].append(it)
    by_type = {
        t: {
            "questions": len(g),
            "em": round(100 * sum(i.em for i in g) / len(g), 1),
            "f1": round(100 * sum(i.f1 for i in g) / len(g), 1),
            "abstained": round(sum(i.prediction is None for i in g) / len(g), 3),
        }
        for t, g in sorted(groups.items(), key=lambda kv: -len(kv[1]))
    }
    times = sorted(i.ms for i in items) or [0.0]
    return MrcReport(
        file=path, mode=mode, reader=reader, questions=len(items),
        em=round(100 * sum(i.em for i in items) / n, 1), f1=round(100 * sum(i.f1 for i in items) / n, 1),
        abstention_rate=round(sum(i.prediction is None for i in items) / n, 3),
        median_ms=round(times[len(times) // 2], 1), by_type=by_type, items=items, seconds=round(seconds, 1),
    )


def _item(ex: MrcExample, prediction: str | None, ms: float) -> MrcItem:
    golds = [a.text for a in ex.answers]
    return MrcItem(
        ex.qid, ex.question, golds, prediction, metrics.exact_match(golds, prediction),
        metrics.f1_score(golds, prediction), question_type(ex.question), round(ms, 2),
    )


def run_reading(
    path: str, examples: Sequence[MrcExample], read: Callable[[str, str], str | None],
    progress: Callable[[int, int], None] | None = None,
) -> MrcReport:
    """`read(question, paragraph)` -> the predicted answer text."""
    items, started = [], time.perf_counter()
    for i, ex in enumerate(examples):
        t = time.perf_counter()
        pred = read(ex.question, ex.context)
        items.append(_item(ex, pred, (time.perf_counter() - t) * 1000))
        if progress:
            progress(i + 1, len(examples))
    return _report(path, "reading", "learned", items, time.perf_counter() - started)


def run_open(
    path: str, examples: Sequence[MrcExample], ask: Callable[[str], str | None], reader: str,
    progress: Callable[[int, int], None] | None = None,
) -> MrcReport:
    """`ask(question)` -> the pipeline's answer (None when it abstained)."""
    items, started = [], time.perf_counter()
    for i, ex in enumerate(examples):
        t = time.perf_counter()
        pred = ask(ex.question)
        items.append(_item(ex, pred, (time.perf_counter() - t) * 1000))
        if progress:
            progress(i + 1, len(examples))
    return _report(path, "open", reader, items, time.perf_counter() - started)


def paragraph_corpus(examples: Sequence[MrcExample], root: Path) -> Path:
    """A corpus folder with one document per distinct paragraph (a title line, then the text)."""
    key = hashlib.sha256("\n".join(sorted({e.context for e in examples})).encode()).hexdigest()[:12]
    corpus = root / f"mrc-{key}" / "corpus"
    if corpus.is_dir() and any(corpus.iterdir()):
        return corpus
    corpus.mkdir(parents=True, exist_ok=True)
    seen: dict[str, str] = {}
    for ex in examples:
        if ex.context in seen:
            continue
        name = f"p{len(seen):05d}"
        seen[ex.context] = name
        title = ex.title.strip() or ex.context[:20]
        (corpus / f"{name}.txt").write_text(f"{title}\n{ex.context}\n", encoding="utf-8")
    return corpus


def report_dict(r: MrcReport, with_items: bool = True) -> dict:
    d = asdict(r)
    if not with_items:
        d.pop("items")
    return d


def markdown(reports: list[MrcReport], published: str | None = None) -> str:
    lines = ["# Reading comprehension", ""]
    if published:
        lines += [published, ""]
    lines += ["| file | mode | reader | questions | EM | F1 | abstained | median ms |", "|---|---|---|---|---|---|---|---|"]
    for r in reports:
        lines.append(
            f"| {r.file} | {r.mode} | {r.reader} | {r.questions} | {r.em} | {r.f1} | {r.abstention_rate:.1%} | {r.median_ms} |"
        )
    for r in reports:
        lines += ["", f"## {r.mode} mode by question type ({r.file})", "", "| type | questions | EM | F1 | abstained |", "|---|---|---|---|---|"]
        for t, g in r.by_type.items():
            lines.append(f"| {t} | {g['questions']} | {g['em']} | {g['f1']} | {g['abstained']:.1%} |")
    return "\n".join(lines) + "\n"
