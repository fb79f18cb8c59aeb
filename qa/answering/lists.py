"""List spans: runs of items separated by 、 (cut down to the items' own words) and runs of 《》
titles, for questions that ask for several things (哪几个区, 哪些措施)."""

from __future__ import annotations

import re

from .question import Kind, Question
from .span_base import LEAD_WORDS, TITLE, Span, cut_words, strip_particles


LIST_RUN = re.compile(r"[^,，;；。:：、“”《》()（）]{1,30}(?:、[^,，;；。:：、“”《》()（）]{1,30})+")


def _trim_item(item: str, from_left: bool, bound: int, q: Question, others: str) -> str:
    """Cut an outer list item longer than the others down to its own words: stop at lead words,
    digits, question words the other items do not share, or past the bound the others set."""
    words = cut_words(item)
    if from_left:  # the first item: walk backwards from the 、
        words = words[::-1]
    if len(item) <= bound and not any(w in LEAD_WORDS or re.match(r"\d", w) for w in words):
        return item
    kept: list[str] = []
    for word in words:
        if word in LEAD_WORDS or re.match(r"\d", word):
            break
        if kept and len(word) >= 2 and word in q.norm and word not in others:
            break
        if len("".join(kept)) + len(word) > bound and kept:
            break
        kept.append(word)
    if from_left:
        kept = kept[::-1]
    return "".join(kept)


def _runs(s: str) -> list[tuple[int, list[str]]]:
    """、-separated runs as (offset, items); an inner item holding a clause-opening word (为, 是 …)
    ends one run and starts the next after that word: '书记、局长蔡英权为福田、南山' -> '福田、南山'."""
    runs: list[tuple[int, list[str]]] = []
    for m in LIST_RUN.finditer(s):
        offset, items = m.start(), m.group(0).split("、")
        current_start, current = offset, [items[0]]
        position = offset + len(items[0]) + 1
        for item in items[1:]:
            words = cut_words(item)
            cut = max((i for i, w in enumerate(words[:-1]) if w in LEAD_WORDS), default=None)
            if cut is not None and item is not items[-1]:
                if len(current) >= 2:
                    runs.append((current_start, current))
                tail = "".join(words[cut + 1 :])
                current_start, current = position + len(item) - len(tail), [tail]
            else:
                current.append(item)
            position += len(item) + 1
        if len(current) >= 2:
            runs.append((current_start, current))
    return runs


def list_spans(s: str, q: Question) -> list[Span]:
    out = []
    titles = list(TITLE.finditer(s))
    if len(titles) >= 2:
        out.append(Span(titles[0].start(), titles[-1].end(), Kind.listing, 0.9))
    for start_at, items in _runs(s):
        middle = items[1:-1]
        bound = (max(len(i) for i in middle) + 2) if middle else max(len(items[0]), len(items[-1])) + 4
        if not middle:
            bound = min(len(items[0]), len(items[-1])) + 4
        first = _trim_item(items[0], True, bound, q, "".join(items[1:]))
        last = _trim_item(items[-1], False, bound, q, "".join(items[:-1]))
        if not first or not last:
            continue
        run_end = start_at + len("、".join(items))
        start = start_at + len(items[0]) - len(first)
        end = run_end - len(items[-1]) + len(last)
        strength = 0.8 if q.list_size in (None, len(items)) else 0.4
        after = s[end : end + 12]
        if any(len(w) >= 2 and w in after for w in cut_words(strip_particles(q.cloze_right, False))):
            strength += 0.2  # the question's own words follow the list: 哪几个区颁发 / …5个区颁发
        if start < end:
            out.append(Span(start, end, Kind.listing, strength))
        out += _items_of_places(s, start_at, [first, *middle, last], start, q)
    return out


def _items_of_places(s: str, run_start: int, items: list[str], first_start: int, q: Question) -> list[Span]:
    """The items of a run that name the place asked, where they stand together ('其中浙江有哪两个' of
    '…江苏省苏州市、浙江省杭州市、浙江省宁波市、安徽省合肥市…' -> '浙江省杭州市、浙江省宁波市')."""
    if not q.places:
        return []
    hits = [i for i, item in enumerate(items) if any(p in item for p in q.places)]
    if not hits or len(hits) == len(items) or hits != list(range(hits[0], hits[-1] + 1)):
        return []
    positions, at = [], first_start
    for item in items:
        positions.append((at, at + len(item)))
        at += len(item) + 1
    start, end = positions[hits[0]][0], positions[hits[-1]][1]
    if s[start:end] != "、".join(items[hits[0] : hits[-1] + 1]):
        return []  # the trimmed outer items do not line up with the sentence
    strength = 1.0 if q.list_size in (None, len(hits)) else 0.6
    return [Span(start, end, Kind.listing, strength)]
