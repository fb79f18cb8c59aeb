"""A question's terms weighted by IDF, and how much of that weight a text holds: the rule
reader's measure of how well a sentence covers the question."""

from __future__ import annotations

import re

_GAP = r"[\u4e00-\u9fff]{1,2}"  # the word a compound's pieces may hold between them
# a compound's last piece said as the second of two coordinated words sharing its head (发明专利授权量 in
# 发明专利申请量、授权量): the first word, then the conjunction
_SHARED_HEAD = r"[\u4e00-\u9fff]{1,4}[、和与及]"


class TermWeights(dict):
    """A question's terms with their IDF weights, and the share of that weight a text holds.

    A word found whole counts once: the pieces jieba's search mode also emits (知识产权保护工作站 ->
    知识, 产权, 工作站 …) do not count again beside it, so long compounds do not outweigh the rest of
    the question; a word missing whole gets half credit for its best piece that is present. A term
    said another way (`aliases`) counts whole, or half where the passages at hand also say it as
    asked (`written`): there the sentence in the asker's word is the closer one (质押贷款 asked, one
    sentence says 质押贷款 and another 质押融资)."""

    def __init__(
        self,
        weights: dict[str, float],
        aliases: dict[str, tuple[str, ...]] | None = None,
        written: frozenset[str] = frozenset(),
    ) -> None:
        super().__init__(weights)
        self.aliases = aliases or {}  # other ways a text says a term (年均 for 平均每年: `synonyms`)
        self.written = written  # terms the passages at hand say as asked
        self._maximal = [t for t in weights if not any(t != u and t in u for u in weights)]
        self._pieces = {t: [(p, weights[p]) for p in weights if p != t and p in t] for t in self._maximal}
        self._total = sum(weights[t] for t in self._maximal)
        self._splits = {
            t: [(head, re.compile(re.escape(head) + _GAP + re.escape(t[len(head) :])))
                for head, _ in self._pieces[t] if t.startswith(head) and len(head) >= 2 and len(t) - len(head) >= 2]
            + [(tail, re.compile(re.escape(t[: -len(tail)]) + _SHARED_HEAD + re.escape(tail)))
               for tail, _ in self._pieces[t] if t.endswith(tail) and len(tail) >= 2 and len(t) - len(tail) >= 2]
            for t in self._maximal
        }

    def __or__(self, other: dict[str, float]) -> "TermWeights":  # type: ignore[override]
        return TermWeights({**self, **other}, self.aliases, self.written)

    def says(self, term: str, text: str) -> bool:
        """Whether `text` says the term, as written or another way."""
        return term in text or any(a in text for a in self.aliases.get(term, ()))

    def _split(self, term: str, text: str) -> bool:
        """Whether the text says the term as two of its pieces with a word between them (商标注册量 said
        as 商标有效注册量: a modifier may sit inside a compound as well as before it), or its head shared
        by two coordinated words (发明专利授权量 said as 发明专利申请量、授权量)."""
        return any(piece in text and pattern.search(text) for piece, pattern in self._splits[term])

    def coverage(self, text: str) -> float:
        if self._total <= 0:
            return 0.0
        found = 0.0
        for term in self._maximal:
            weight = self[term]
            if term in text:
                found += weight
                continue
            if self.says(term, text):
                found += 0.5 * weight if term in self.written else weight
                continue
            if self._split(term, text):
                found += weight
                continue
            best = max((w for piece, w in self._pieces[term] if piece in text), default=0.0)
            found += 0.5 * min(best, weight)
        return found / self._total
