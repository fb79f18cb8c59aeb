"""Deterministic synthetic corpora for scale figures, made from the seed text.

A synthetic chunk is a run of sentences of the seed chunks recombined with a seeded RNG: it takes
a "home" seed chunk, draws most of its sentences from that chunk's document and a few from anywhere,
and perturbs every number (same digit count, random digits). Its vector is the mean of the real
passage vectors of the seed chunks its sentences came from plus seeded Gaussian noise, normalized,
so the real model never has to embed 100k chunks. The text is already normalized (it is made of
normalized seed text), so it is tokenized as is.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

import numpy as np

from ..chunking import Chunk, sentence_spans

_DIGITS = re.compile(r"\d+")
MIX_FOREIGN = 0.2  # share of sentences drawn from any document
NOISE = 0.04  # per-dimension standard deviation of the vector noise


@dataclass(frozen=True)
class SeedPool:
    """Sentences of the seed chunks (normalized text), with the row of the chunk each came from."""

    sentences: list[str]
    rows: list[int]  # seed chunk row of each sentence
    by_doc: dict[str, list[int]]  # doc_id -> sentence indices
    home_docs: list[str]  # doc_id of each seed chunk row


def seed_pool(chunks: list[Chunk], norms: list[str]) -> SeedPool:
    sentences: list[str] = []
    rows: list[int] = []
    by_doc: dict[str, list[int]] = {}
    for row, (chunk, norm) in enumerate(zip(chunks, norms)):
        for span in sentence_spans(norm):
            by_doc.setdefault(chunk.doc_id, []).append(len(sentences))
            sentences.append(norm[span.start : span.end])
            rows.append(row)
    return SeedPool(sentences, rows, by_doc, [c.doc_id for c in chunks])


def _perturb(sentence: str, rng: random.Random) -> str:
    def repl(match: re.Match[str]) -> str:
        digits = match.group(0)
        first = str(rng.randint(1, 9)) if digits[0] != "0" or len(digits) == 1 else "0"
        return first + "".join(str(rng.randint(0, 9)) for _ in digits[1:])

    return _DIGITS.sub(repl, sentence)


def synthetic_chunks(
    pool: SeedPool, n: int, size: int = 240, seed: int = 0
) -> tuple[list[Chunk], list[list[int]]]:
    """n synthetic chunks of about `size` characters, and for each the seed chunk rows it drew from."""
    rng = random.Random(seed)
    all_sentences = range(len(pool.sentences))
    chunks: list[Chunk] = []
    sources: list[list[int]] = []
    for i in range(n):
        home = rng.randrange(len(pool.home_docs))
        local = pool.by_doc[pool.home_docs[home]]
        parts: list[str] = []
        rows: list[int] = []
        length = 0
        while length < size * 0.6 or (length < size and rng.random() < 0.5):
            k = rng.choice(all_sentences) if rng.random() < MIX_FOREIGN else rng.choice(local)
            sentence = _perturb(pool.sentences[k], rng)
            if length and length + len(sentence) > size:
                break
            parts.append(sentence)
            rows.append(pool.rows[k])
            length += len(sentence)
        text = "".join(parts)
        doc_id = f"synthetic-{i // 20:05d}"
        chunks.append(Chunk(f"{doc_id}#{i % 20:04d}", doc_id, 0, len(text), text))
        sources.append(rows)
    return chunks, sources


def synthetic_vectors(seed_vectors: np.ndarray, sources: list[list[int]], seed: int = 0) -> np.ndarray:
    """Mean seed vector of each chunk's source rows, plus seeded noise, L2-normalized (float32)."""
    rng = np.random.default_rng(seed)
    out = np.empty((len(sources), seed_vectors.shape[1]), dtype=np.float32)
    step = 8192
    for offset in range(0, len(sources), step):
        part = sources[offset : offset + step]
        means = np.stack([seed_vectors[rows].mean(axis=0) for rows in part])
        noisy = means + rng.normal(0.0, NOISE, size=means.shape).astype(np.float32)
        out[offset : offset + len(part)] = noisy / np.linalg.norm(noisy, axis=1, keepdims=True)
    return out
