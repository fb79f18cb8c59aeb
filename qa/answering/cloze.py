"""Cloze spans: the question aligned around its wh-word with the sentence; what fills the gap is
the answer ('深圳在哪里打造X' against '深圳在前海打造X' -> '前海')."""

from __future__ import annotations

from .question import Kind, Question
from .span_base import ASKS_KIND, LEAD_WORDS, MEANINGFUL, PARTICLES, PUNCT, Span, cut_words, strip_particles, trim_punct


def _left_anchor(s: str, left_words: list[str], asks: bool) -> int | None:
    """Where the sentence's match of the question's words before the gap ends (its longest tail
    found, up to 12 characters); a question with an asking word may leave out up to two final
    words ('首个被评为': the text may leave out the verb)."""
    for skip in range(0, min(3, len(left_words)) if asks else 1):
        head = "".join(left_words[: len(left_words) - skip])
        for n in range(min(len(head), 12), 1, -1):
            found = s.rfind(head[-n:])
            if found >= 0:
                return found + n
    return None


def _right_anchor(s: str, right_words: list[str], left_end: int | None) -> tuple[int | None, str]:
    """Where the sentence's match of the question's words after the gap starts, and the leading
    words of the question it skipped to find a longer match."""
    right_start, matched, skipped = None, 0, ""
    for skip in range(0, min(3, len(right_words))):
        tail = "".join(right_words[skip:])
        for n in range(min(len(tail), 12), max(1, matched), -1):
            found = s.find(tail[:n], left_end or 0)
            if found >= 0:
                right_start, matched, skipped = found, n, "".join(right_words[:skip])
                break
    return right_start, skipped


def cloze_spans(s: str, q: Question) -> list[Span]:
    """Align the question around its wh-word with the sentence and take what fills the gap."""
    left = strip_particles(q.cloze_left, True)
    right = strip_particles(q.cloze_right, False)
    right_words = cut_words(right)
    left_end = _left_anchor(s, cut_words(left), asks=q.cloze_left != q.norm)
    right_start, skipped = _right_anchor(s, right_words, left_end)
    if left_end is not None and right_start is not None and 0 < right_start - left_end <= 40:
        start, end = left_end, right_start
        while end > start and s[end - 1] in PARTICLES:
            end -= 1
        if q.head and ASKS_KIND.search(q.norm):
            head_at = s.find(q.head, end, end + 16)
            if head_at >= 0 and not any(ch in PUNCT for ch in s[end:head_at]):
                end = head_at + len(q.head)
        if skipped and s.startswith(skipped, start) and len(MEANINGFUL.findall(s[start + len(skipped) : end])) >= 2:
            start += len(skipped)  # 哪个地理标志产品 -> '地理标志产品“亳菊”': the noun asked about is no answer
        start, end = trim_punct(s, start, end)
        gap = s[start:end]
        if len(MEANINGFUL.findall(gap)) >= 2 and not any(ch in "。;；" for ch in gap):
            return [Span(start, end, Kind.entity, 1.0)]
    # '在哪里打造X' against '打造前海、河套X': the asked words come after the question's verb
    if len(right_words) >= 2:
        verb, rest = right_words[0], "".join(right_words[1:])[:8]
        at = s.find(verb)
        after = at + len(verb)
        found = s.find(rest, after) if at >= 0 and len(verb) >= 2 else -1
        if found > after and found - after <= 20 and not any(ch in PUNCT.difference("、") for ch in s[after:found]):
            if len(MEANINGFUL.findall(s[after:found])) >= 2:
                return [Span(after, found, Kind.entity, 0.8)]
    if left_end is not None:
        # the particles the question's words were stripped of ('作品类别是' -> '作品类别') are the
        # sentence's too: the gap starts after them ('…作品类别是摄影作品,' -> '摄影作品')
        begin = left_end + 1 if s[left_end : left_end + 1] in ("是", "为") else left_end
        end = begin
        while end < len(s) and s[end] not in PUNCT and end - begin < 30:
            end += 1
        if len(MEANINGFUL.findall(s[begin:end])) >= 2:
            return [Span(begin, end, Kind.entity, 0.6)]
    if right_start is not None and right_start > 0:
        start = right_start
        while start > 0 and s[start - 1] not in PUNCT and right_start - start < 20:
            start -= 1
        words = cut_words(s[start:right_start])
        while words and words[0] in LEAD_WORDS:
            words.pop(0)
        text = "".join(words)
        end = right_start
        if q.head and ASKS_KIND.search(q.norm) and s.startswith(q.head, end):
            end += len(q.head)
        start, end = trim_punct(s, right_start - len(text), end)
        if len(MEANINGFUL.findall(s[start:end])) >= 2:
            return [Span(start, end, Kind.entity, 0.5)]
    return []
