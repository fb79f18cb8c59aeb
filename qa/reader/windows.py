"""Question + passage inputs for the span model, and spans read back out of its logits.

An input is `<s> question </s></s> passage window </s>` (XLM-R's pair layout). A passage longer
than a window is read in overlapping windows; every passage token knows its character offsets in
the passage, so a span of tokens becomes a span of the original text."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..e5onnx.tokenizer import E5Tokenizer, Encoding

MAX_QUESTION_TOKENS = 64


@dataclass(frozen=True)
class Window:
    ids: np.ndarray  # int64 [n]
    first: int  # index in `ids` of the first passage token
    offsets: list[tuple[int, int]]  # character offsets of the passage tokens in the window, in order
    passage: int  # which passage (index into the caller's list)


def question_ids(tok: E5Tokenizer, question: str) -> list[int]:
    return tok.encode(question).ids[:MAX_QUESTION_TOKENS]


def make_windows(
    tok: E5Tokenizer,
    q_ids: list[int],
    passage: Encoding,
    passage_index: int,
    max_len: int,
    stride: int,
) -> list[Window]:
    """The windows a passage is read in: as many passage tokens as fit beside the question,
    each window starting `stride` tokens after the last."""
    room = max(16, max_len - len(q_ids) - 4)
    head = [tok.bos, *q_ids, tok.eos, tok.eos]
    out: list[Window] = []
    n = len(passage.ids)
    start = 0
    while True:
        end = min(n, start + room)
        ids = np.asarray(head + passage.ids[start:end] + [tok.eos], dtype=np.int64)
        out.append(Window(ids, len(head), passage.offsets[start:end], passage_index))
        if end >= n:
            return out
        start += min(stride, room)


@dataclass(frozen=True)
class SpanScore:
    window: int
    start: int  # character offsets in the window's passage
    end: int
    score: float  # start logit + end logit
    null: float  # the window's no-answer score (start and end logits at <s>)


def best_spans(
    logits: np.ndarray, windows: list[Window], max_answer_tokens: int, per_window: int = 3
) -> list[SpanScore]:
    """The best spans of every window (start <= end, at most `max_answer_tokens` long), each with
    its window's no-answer score; sorted best first."""
    out: list[SpanScore] = []
    for w_i, (win, lg) in enumerate(zip(windows, logits)):
        n = len(win.offsets)
        if n == 0:
            continue
        s_log = lg[win.first : win.first + n, 0]
        e_log = lg[win.first : win.first + n, 1]
        null = float(lg[0, 0] + lg[0, 1])
        # score matrix over (start, end) within the length limit
        k = min(n, max_answer_tokens)
        cand: list[tuple[float, int, int]] = []
        top_starts = np.argsort(-s_log)[: max(per_window * 4, 8)]
        top_ends = np.argsort(-e_log)[: max(per_window * 4, 8)]
        for s in top_starts:
            for e in top_ends:
                if s <= e < s + k:
                    cand.append((float(s_log[s] + e_log[e]), int(s), int(e)))
        cand.sort(reverse=True)
        for score, s, e in cand[:per_window]:
            a, b = win.offsets[s][0], win.offsets[e][1]
            if b > a:
                out.append(SpanScore(w_i, a, b, score, null))
    out.sort(key=lambda sp: -sp.score)
    return out


def pad_batch(windows: list[Window], pad_id: int) -> tuple[np.ndarray, np.ndarray]:
    """ids [B, L] and mask [B, L] (float32, 1 = token), padded to the longest window."""
    n = max(len(w.ids) for w in windows)
    ids = np.full((len(windows), n), pad_id, dtype=np.int64)
    mask = np.zeros((len(windows), n), dtype=np.float32)
    for i, w in enumerate(windows):
        ids[i, : len(w.ids)] = w.ids
        mask[i, : len(w.ids)] = 1.0
    return ids, mask
