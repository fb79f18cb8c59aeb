"""The questions a training run reads: a share converted to Simplified script, split into training
and held-out questions by whole paragraphs (calibration replays the same split), and answers
labelled as token positions in a window."""

from __future__ import annotations

import random

from .squad import MrcAnswer, MrcExample
from .windows import Window


def label(win: Window, start_char: int, end_char: int) -> tuple[int, int]:
    """Token positions of a character span inside a window, or (0, 0) when it is not wholly there."""
    s = e = -1
    for i, (a, b) in enumerate(win.offsets):
        if b <= a:
            continue
        if s < 0 and b > start_char:
            s = i
        if a < end_char:
            e = i
    if s < 0 or e < s or win.offsets[s][0] > start_char or win.offsets[e][1] < end_char:
        return 0, 0
    return win.first + s, win.first + e


def simplified(examples: list[MrcExample], share: float, seed: int) -> tuple[list[MrcExample], int]:
    """A share of the paragraphs written in Traditional script, with their questions and answers,
    converted to Simplified (OpenCC t2s, length-kept so answer offsets stay valid), so one model
    reads both scripts. Returns the examples and how many paragraphs were converted."""
    from dataclasses import replace

    from ..normalize import to_simplified

    if share <= 0:
        return examples, 0
    chosen: dict[str, str | None] = {}  # paragraph -> its Simplified text, None when it stays as written
    out: list[MrcExample] = []
    for ex in examples:
        key = ex.paragraph or ex.context
        if key not in chosen:
            converted = to_simplified(ex.context) if random.Random(f"{seed}:{key}").random() < share else ex.context
            chosen[key] = converted if converted != ex.context else None
        context = chosen[key]
        if context is None:
            out.append(ex)
            continue
        answers = tuple(MrcAnswer(to_simplified(a.text), a.start) for a in ex.answers)
        if any(context[a.start : a.start + len(a.text)] != a.text for a in answers):
            out.append(ex)  # conversion moved the answer: keep the original
            continue
        out.append(replace(ex, question=to_simplified(ex.question), context=context, answers=answers))
    return out, sum(c is not None for c in chosen.values())


def split_for_training(
    examples: list[MrcExample], seed: int, simplify: float, valid_size: int
) -> tuple[list[MrcExample], list[MrcExample], int]:
    """A run's questions in the script it reads them, split into training and held-out questions
    (whole paragraphs), and how many paragraphs were converted; calibration replays it."""
    examples, converted = simplified(examples, simplify, seed)
    train_ex, valid_ex = _split(examples, valid_size, random.Random(seed))
    return train_ex, valid_ex, converted


def _split(examples: list[MrcExample], valid_size: int, rng: random.Random) -> tuple[list, list]:
    """Hold out whole paragraphs (not single questions) so validation paragraphs are unseen."""
    paragraphs = sorted({ex.context for ex in examples})
    rng.shuffle(paragraphs)
    held: set[str] = set()
    count = 0
    by_para: dict[str, int] = {}
    for ex in examples:
        by_para[ex.context] = by_para.get(ex.context, 0) + 1
    for p in paragraphs:
        if count >= valid_size:
            break
        held.add(p)
        count += by_para[p]
    return [e for e in examples if e.context not in held], [e for e in examples if e.context in held]
