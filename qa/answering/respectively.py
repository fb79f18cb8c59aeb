"""'A、B、C 分别为 x、y、z': which figure belongs to the item a question names.

News lists several subjects and then their figures in the same order after 分别 (respectively):
'沪、苏、浙、皖四省市新增发明专利授权量24.77万件(分别为4.43万件、10.79万件、6.5万件、3.05万件)'. A question
about one subject (浙江) is answered by the figure in its place, not by the total or a neighbour's
figure. A subject is matched to the question by the place it names (abbreviations included), else by
words that only it shares with the question (年份, 马德里国际注册商标 / 驰名商标)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .numbers import QUANTITY, SHARE_UNITS
from .places import find_places
from .span_base import clause_start

_RESPECTIVELY = re.compile(r"分别(?:为|是|达到?|有|占|约为|约|增长|下降|居)?")
_CLAUSE_END = re.compile(r"[,，;；。)）!?！？]")
_ITEMS = re.compile(r"[^,，;；。:：()（）、]+(?:、[^,，;；。:：()（）、]+)+")
_LAST_JOIN = re.compile(r"和|及|与")
_NOTE = re.compile(r"[(（][^()（）]{0,20}[)）]")
_SENTENCE_END = re.compile(r"[。;；!?！？]")
_MAX_COMMON = 8
# two subjects joined once, up to what the list says of them ('有效发明专利和有效注册商标' before 分别)
_PAIR = re.compile(r"([^和及与]+?)(?:和|及|与)([^和及与]+?)")


def _has_figure(text: str) -> bool:
    """A figure other than a year or a date ('2803批', '7435.64万件'; not '2022年')."""
    return any(m.group("frac") or m.group("unit") not in ("年", "月", "日") for m in QUANTITY.finditer(text))


@dataclass(frozen=True)
class Respective:
    names: tuple[str, ...]  # the subjects as written, in order (the first and last may carry words around them)
    values: tuple[tuple[int, int], ...]  # the figures' spans in the sentence, in the same order


def _values(s: str, start: int, stop: int) -> list[tuple[int, int]]:
    """Spans of the 、-separated values in s[start:stop] ('3.9万批、1万批和0.5万批' is three)."""
    out, at = [], start
    for piece in s[start:stop].split("、"):
        out.append((at, at + len(piece)))
        at += len(piece) + 1
    if out:
        a, b = out[-1]
        join = _LAST_JOIN.search(s, a, b)
        if join and join.start() > a:
            out[-1:] = [(a, join.start()), (join.end(), b)]
    return [(a, b) for a, b in out if b > a]


def _names(text: str) -> list[str]:
    items = text.split("、")
    join = _LAST_JOIN.search(items[-1])
    if join and join.start() > 0 and len(items) >= 2:
        items[-1:] = [items[-1][: join.start()], items[-1][join.end() :]]
    return items


def _figure_run(s: str, start: int, stop: int) -> list[tuple[int, int]]:
    """The first run of two or more figures joined by 、/和/及 in s[start:stop] (bracketed notes
    blanked out by the caller: '73812件、1166件(2023年前11个月)、6196件')."""
    run: list[tuple[int, int]] = []
    for m in QUANTITY.finditer(s, start, stop):
        if m.group("frac") is None and m.group("unit") in ("年", "月", "日"):
            continue
        if run and s[run[-1][1] : m.start()].strip() in ("、", "和", "及"):
            run.append((m.start(), m.end()))
            continue
        if len(run) >= 2:
            return run
        run = [(m.start(), m.end())]
    return run if len(run) >= 2 else []


def _subjects(s: str, start: int, stop: int, count: int) -> list[tuple[str, ...]]:
    """The 、-lists of `count` subjects (no figures) in s[start:stop], nearest first."""
    out = []
    for found in reversed(list(_ITEMS.finditer(s, start, stop))):
        names = _names(found.group(0))
        if len(names) == count and not any(_has_figure(n) for n in _heads(tuple(names))):
            out.append(tuple(names))
    return out


def respectives(s: str) -> list[Respective]:
    """Every 'subjects … 分别 … figures' of a (normalized) sentence whose counts agree."""
    out = []
    for m in _RESPECTIVELY.finditer(s):
        stop = _CLAUSE_END.search(s, m.end())
        values = _values(s, m.end(), stop.start() if stop else len(s))
        found_names = False
        if len(values) >= 2:
            for found in reversed(list(_ITEMS.finditer(s, 0, m.start()))):
                names = _names(found.group(0))
                if len(names) == len(values):
                    found_names = True
                    if not any(_has_figure(n) for n in _heads(tuple(names))):
                        out.append(Respective(tuple(names), tuple(values)))
                    break  # '2803批、7435.64万件,分别占…的98.97%、99.68%': figures and their shares, no subjects
        if not found_names and len(values) == 2:
            # 'A和B分别达到x和y': two subjects joined by 和 / 及 / 与 in the clause before 分别
            lo = clause_start(s, m.start())
            pair = _PAIR.fullmatch(s, lo, m.start())
            if pair and not any(_has_figure(n) for n in pair.groups()):
                second = pair.group(2)
                first = pair.group(1).rsplit("的", 1)[-1]  # '…授权的有效发明专利': the subject after its last 的
                first = first[-(len(second) + 2) :] if len(first) > len(second) + 4 else first
                out.append(Respective((first, second), tuple(values)))
                continue
        if found_names:
            continue
        # '海牙、马德里体系分别提交外观设计、商标国际注册申请1166件(…)、6196件': the figures come later in
        # the sentence, and every list of as many subjects before them is read in their order
        plain = _NOTE.sub(lambda n: " " * len(n.group(0)), s)  # bracketed notes blanked, offsets kept
        end = _SENTENCE_END.search(plain, m.end())
        run = _figure_run(plain, m.end(), end.start() if end else len(plain))
        if run:
            lists = _subjects(plain, m.end(), run[0][0], len(run)) + _subjects(plain, 0, m.start(), len(run))
            out += [Respective(tuple(n.strip() for n in names), tuple(run)) for names in lists]
    return out


def _heads(names: tuple[str, ...]) -> list[str]:
    """The subjects without the words around the list: the first and the last are cut to the
    width of the list's longest middle subject ('电子电器等货物依然占据前三位' -> '电子电器'); of a
    list of two, to the shorter one's, for the words the two share are said once, before the first
    ('发明专利申请量、授权量': 申请量 and 授权量) or after the last ('发明、外观设计专利': 发明 and 外观)."""
    last = re.split(r"等|共|分别", names[-1], maxsplit=1)[0]
    width = max(2, max((len(n) for n in names[1:-1]), default=min(len(names[0]), len(last))))
    return [names[0][-width:], *names[1:-1], last[:width]]


def _shared(name: str, question: str, sentence: str) -> int:
    """Length of the longest piece of `name` the question says and the sentence says nowhere else
    (注册 of 马德里国际注册商标 is no choice where the sentence also says 有效注册量)."""
    for size in range(min(_MAX_COMMON, len(name)), 1, -1):
        for i in range(len(name) - size + 1):
            piece = name[i : i + size]
            if piece in question and sentence.count(piece) == 1:
                return size
    return 0


def chosen(r: Respective, question: str, places: list[str], sentence: str) -> int | None:
    """Which subject the (normalized) question names: by place where the subjects are places,
    else by words only it shares with the question; None when it names none or several."""
    listed = find_places("、".join(r.names), abbreviations=True)
    asked = set(places) | set(find_places(question, abbreviations=True))  # '沪苏浙皖…合计' names them all
    if asked and len(listed) == len(r.names):
        hits = [i for i, p in enumerate(listed) if p in asked]
        return hits[0] if len(hits) == 1 else None
    heads = _heads(r.names)
    scores = [_shared(h, question, sentence) for h in heads]
    best = max(scores)
    return scores.index(best) if best and scores.count(best) == 1 else None


def respective_value(s: str, question: str, places: list[str]) -> tuple[int, int] | None:
    """The span of the figure the question's subject has in a 分别-list of sentence `s`, if any."""
    for r in respectives(s):
        i = chosen(r, question, places, s)
        if i is not None:
            return r.values[i]
    return None


def is_respective_figure(sentence: str, start: int, end: int, question: str, places: list[str]) -> bool | None:
    """Whether [start, end) of a (normalized) sentence is the figure of the 分别-list subject the
    question names: True, False (another subject's, or the total), or None where the sentence has no
    such list or the question names none of its subjects."""
    if "分别" not in sentence:
        return None
    own = respective_value(sentence, question, places)
    return None if own is None else own[0] <= start and end <= own[1]


_MAGNITUDE = {None: 1.0, "万": 1e4, "亿": 1e8}


def _amount(text: str) -> tuple[float, str] | None:
    """A figure's value and unit ('7.06万件' -> (70600.0, '件')); None for no single plain figure."""
    m = QUANTITY.fullmatch(text.strip())
    if m is None or m.group("frac") or not re.fullmatch(r"[\d,.]+", m.group("num")):
        return None
    return float(m.group("num").replace(",", "")) * _MAGNITUDE[m.group("mag")], m.group("unit")


def largest(s: str, shares: bool) -> list[tuple[int, int]]:
    """The subject with the largest figure in each 分别-list of a (normalized) sentence whose figures
    are all of one unit ('石家庄、沧州、唐山分别为70792件、67179件、53020件' -> 石家庄): the one that leads
    where the sentence does not say which does. Its span, as the list names it. `shares`: the
    lead asked is of a rate or share (增长最快, 占比最高), read from a list of percentages only; else
    from a list of amounts only."""
    out = []
    for r in respectives(s):
        amounts = [_amount(s[a:b]) for a, b in r.values]
        if any(x is None for x in amounts) or len({x[1] for x in amounts}) != 1:  # type: ignore[index]
            continue
        if (amounts[0][1] in SHARE_UNITS) != shares:  # type: ignore[index]
            continue
        values = [x[0] for x in amounts]  # type: ignore[index]
        top = max(values)
        if values.count(top) != 1:
            continue
        i = values.index(top)
        name = _heads(r.names)[i].strip()
        if i == 0:  # the first subject as written may carry the words before the list: a place named
            # last in it, else as written where it is about as long as the others ('石家庄、沧州、唐山')
            first = r.names[0].strip()
            places = find_places(first)
            if places and first.endswith(places[-1]):
                name = places[-1]
            elif len(first) <= max(len(n) for n in r.names[1:-1] or r.names[1:]) + 2:
                name = first
        at = s.find(name)
        if at >= 0 and 2 <= len(name) <= 20:
            out.append((at, at + len(name)))
    return out
