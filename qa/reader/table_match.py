"""Which cell of a table a question asks for.

A question asks for a cell when it names one row and one column: a row by one of its label cells
(the first column, and any other column of words rather than figures), a column by its header. The
match is general — the longest run of the header's characters (or, in Latin script, words) that
the question repeats — with one correction learned nowhere and tied to no document: words the
table's caption or its document's title already say (授权量 in "各地区专利授权量") are what every
column measures, so they count half toward choosing one. A row or column that two candidates
match equally well is no match: the reader then says nothing and the other readers read."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..cedict import latin_key, latin_names
from ..crosslingual import said_in_chinese
from ..divisions import short_name
from ..languages import has_chinese
from ..normalize import normalize
from ..tokenize import tokenize
from .english import stopwords
from .grouped_header import SUBTOTAL, TOTAL
from .gloss import english_words, glossary
from .statistics_terms import equivalents
from .table_model import YEAR_CELL, Cell, Row, Table

_UNIT_TOKENS = re.compile(r"[a-z0-9]+|[^\sa-z0-9]")
_WHICH = re.compile(r"哪|谁|什么|which|who|what")
_HOW_MUCH = re.compile(r"多少|几|比例|占比|how many|how much|what (?:share|percentage|number)|\bnumber of\b|\bamount of\b")  # a figure asked
_SHARE = re.compile(r"比例|比重|占比|百分之|百分比|percentage|share of|what share|percent")
_SHARE_CELL = re.compile(r"%|‰|％|百分|^\d+(?:\.\d+)?/\d+(?:\.\d+)?$")  # 100/84.4: a subtotal's share of its group and of all
_GROWTH = re.compile(r"增长|增幅|增速|同比|趋势|growth", re.IGNORECASE)
_BOTH_ORIGINS = re.compile(r"(?:国内|境内|海内)外(?!观)")  # (国内外观设计: 国内 and 外观设计)
_SUM_ASKED = re.compile(r"加起来|加在一起|合起来|总和|combined|added together")  # figures of several columns summed
_TOTAL_ASKED = re.compile(r"加起来|加在一起|一共|总共|共计|合计|总计|总和|in total|altogether|combined|all (?:three|kinds)")


def _units(text: str) -> list[str]:
    """Characters of Chinese text, words of Latin text: what a match is counted in."""
    return _UNIT_TOKENS.findall(text)


def _run(phrase: list[str], question: str, joiner: str) -> str:
    """The longest run of `phrase`'s units that `question` contains, joined back into text."""
    best = ""
    for i in range(len(phrase)):
        for j in range(len(phrase), i, -1):
            if j - i <= len(_units(best)):
                break
            piece = joiner.join(phrase[i:j])
            if piece in question:
                best = piece
                break
    return best


def _glossed_score(header: str, senses: frozenset[str]) -> float:
    """How well a Chinese question names a heading or row label in English: the share of its content
    words that begin with a word of the CC-CEDICT senses of the question's words (发明 -> invention, 申请
    -> application: 'Invention Number of Applications'); less than half, or one word of three or
    more, is chance."""
    words = [w for w in re.findall(r"[a-z]+", header.lower()) if w not in stopwords()]
    if not words or not senses:
        return 0.0
    return _said_share(sum(1 for w in words if any(_said_as(w, s) for s in senses)), len(words))


def _said_share(n: int, words: int) -> float:
    """The score of a label of which `n` content words of `words` are said in the other language:
    none, one of three or more, or less than half is chance; else the share said first (all of a
    short label over most of a long one), then how many."""
    if n == 0 or (n < 2 and words > 2) or n * 2 < words:
        return 0.0
    return n / words + 0.01 * n


def _termed_score(label: str, question: str) -> float:
    """How well a Chinese question names an English heading or label by the Chinese words of its
    phrases (`crosslingual.said_in_chinese`: 'Utility model' by 实用新型), scored as `_glossed_score`."""
    return _said_share(*said_in_chinese(label, question))


def _question_senses(question: str) -> frozenset[str]:
    """The English words of the senses of a Chinese question's words (three letters or more), leaving
    out proper names (宁波: 'Ningbo prefecture level city in Zhejiang' names no Zhejiang row)."""
    out: set[str] = set()
    for term in tokenize(question):
        if len(term) < 2 or not has_chinese(term):
            continue
        try:
            senses = glossary().senses(term)
        except RuntimeError:  # no CC-CEDICT
            return frozenset()
        if senses and senses[0][:1].isupper():
            continue
        out.update(w for w in english_words(term) if len(w) >= 3)
    return frozenset(out)


def _said_as(word: str, sense: str) -> bool:
    """Whether an English word says a sense's word: it begins with it ('applications' / 'application'),
    or they share all but the sense's last two letters and five at least ('registration' / 'register')."""
    if word.startswith(sense):
        return True
    common = 0
    for a, b in zip(word, sense):
        if a != b:
            break
        common += 1
    return common >= 5 and common >= len(sense) - 2


def _column_score(header: str, question: str, topic: str) -> float:
    """How well the question names a column by its heading: the heading's characters (Chinese) or
    words (Latin) it repeats, each script of a bilingual heading (合计 Total) on its own, and each
    word-separated part of a Chinese heading (a group and its sub-heading: 职务 大专院校; a year) on its own.
    Chinese is counted in runs of two characters or more, so a question may put a word inside a
    heading (当月专利授权量 names 当月授权量); a part of which the runs cover less than half, or
    one character of a longer one, is chance. Counted half where the caption or title says it too,
    and not at all where that is only part of the heading."""
    if YEAR_CELL.match(header):  # a year heads the column: 2023年 or 2023, said either way
        return _year_score(header, question, topic)
    latin = _latin_score([u for u in _units(header) if u.isascii() and u.isalnum()], question, topic)
    # a year heading a group of columns (2013 大专院校 beside 累计 大专院校) counts with the group's words
    chinese = sum(
        _year_score(part, question, topic) if YEAR_CELL.match(part) else _chinese_part_score(part, question, topic)
        for part in _unpadded(header).split()
    )
    return max(latin, chinese)


def _year_score(heading: str, question: str, topic: str) -> float:
    """A year heading (2023年, 2023) named by the question: counted half where the caption says it too."""
    year = heading[:4]
    return 0.0 if not _named(year, question) else (1.0 if year in topic else 2.0)


def _latin_score(words: list[str], question: str, topic: str) -> float:
    """The score of a heading's Latin words: the runs of them the question repeats as whole words
    (Design + Number of Applications of 'Design Number of Applications'), a run of function words
    alone (of, the) counting for nothing; less than half of the words, or one word of several, is chance."""
    runs: list[str] = []
    i = 0
    while i < len(words):
        for j in range(len(words), i, -1):
            piece = " ".join(words[i:j])
            if _named(piece, question) and not all(w in stopwords() for w in words[i:j]):
                runs.append(piece)
                i = j
                break
        else:
            i += 1
    n = sum(len(r.split()) for r in runs)
    if n == 0 or (n < 2 and len(words) > 1) or n * 2 < len(words):
        return 0.0
    if n < len(words) and all(r in topic for r in runs):
        return 0.0  # part of a heading, in words the caption says anyway
    whole = 0.5 if n == len(words) else 0.0  # all of it said outranks the same words of a longer one
    return whole + sum(len(r.split()) / 2 if r in topic else float(len(r.split())) for r in runs)


def _chinese_part_score(part: str, question: str, topic: str) -> float:
    """The score of one word-separated part of a heading, in its non-Latin characters (see
    `_column_score`)."""
    units = [u for u in _units(part) if not u.isascii()]
    runs: list[str] = []
    i = 0
    while i < len(units):
        for j in range(len(units), i, -1):
            piece = "".join(units[i:j])
            if (j - i >= 2 or len(units) == 1) and piece in question:
                runs.append(piece)
                i = j
                break
        else:
            i += 1
    n = sum(len(r) for r in runs)
    if n == 0 or n * 2 < len(units):
        return 0.0
    if n < len(units) and all(r in topic for r in runs):
        return 0.0  # part of a heading, in words the caption says anyway (单位 of 科研单位, 单位:件)
    whole = 0.5 if n == len(units) and len(runs) == 1 else 0.0  # said whole (总累计) outranks most of another (年累计 of 当年累计)
    return whole + sum(len(r) / 2 if r in topic else float(len(r)) for r in runs)


_PADDED = re.compile(r"(?<![^\s])[\u3400-\u9fff](?: [\u3400-\u9fff])+(?![^\s])")


def _unpadded(text: str) -> str:
    """A label or heading without the spaces that pad its single characters apart (全 省, 地 区, 职 务
    大专院校 -> 全省, 地区, 职务 大专院校): a page's typography, not a word break."""
    return _PADDED.sub(lambda m: m.group(0).replace(" ", ""), text)


_MARK = re.compile(r"^[#*※△▲]+\s*")  # a footnote's mark before a label (#非职务)
_UNIT_NOTE = re.compile(r"\s*[(（][%‰％件项个家人次元户所倍万亿千百]{0,3}[)）]?\s*$")


def _label(text: str) -> str:
    """A row label as a question names it: without padding spaces, a footnote's mark before it (#), nor
    the unit noted after it in brackets (结案(件), 趋势(%): what every figure of the row counts in, not
    what names the row)."""
    bare = _UNIT_NOTE.sub("", _MARK.sub("", _unpadded(text)))
    return bare if bare else _unpadded(text)


def _named(piece: str, question: str) -> bool:
    if piece.isascii():  # a Latin word or figure counts whole: Jilin is not in Jilinxi, 2001 not in 20011
        return re.search(rf"(?<![a-z0-9]){_latin_pattern(piece)}(?![a-z0-9])", question) is not None
    return piece in question


def _in_order(words: list[str], question: str) -> bool:
    """Whether the question says these Latin words in this order, at most two words between each two."""
    gap = r"(?:[^a-z0-9]+[a-z0-9]+){0,2}[^a-z0-9]+"
    pattern = gap.join(_latin_pattern(w) for w in words)
    return re.search(rf"(?<![a-z0-9]){pattern}(?![a-z0-9])", question) is not None


def _latin_pattern(piece: str) -> str:
    """A pattern of Latin words in either number: 'registrations approved' says 'Registration approved'
    and 'applications' 'application' (a heading's plural is a question's singular as often as not)."""
    words = []
    for word in piece.split(" "):
        stem = word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word
        words.append(re.escape(stem) + ("s?" if stem != word or (len(word) > 2 and word.isalpha()) else ""))
    return " ".join(words)


def _row_score(label: str, question: str, common: frozenset[str], names: bool = False) -> tuple[float, bool]:
    """How much of a row label the question names, in characters (Latin: words), and whether it
    names all of it. The whole label, or it without an administrative suffix (西湖 for 西湖区),
    counts in full; else the runs of two or more of its characters (or one Latin word) the question
    repeats (华为 of 华为技术有限公司, 合计 of 合计Total), leaving out runs that many of the table's
    labels share (有限公司, 公司): those name no row. Runs that cover less than half of what sets
    the label apart (国际 of 国际商业机器公司) name no row either."""
    label = _in_language_of(label, question)
    if not label:
        return 0.0, False
    units = _units(label)
    if _named(label, question) and (len(units) >= 2 or label.isascii()):
        return len(units) + 0.5, True  # a whole label outranks the same length of a longer one
    short = short_name(label)
    if short != label and len(short) >= 2 and short in question:
        return len(_units(short)) + 0.5, True
    chinese = chinese_names(label) if names and label.isascii() and has_chinese(question) else ()
    named = [m for n in chinese for m in dict.fromkeys((n, short_name(n))) if len(m) >= 2 and m in question]
    if named:  # a Chinese question, a table of English labels: Zhejiang is the 浙江 asked
        return max(len(n) for n in named) + 0.5, True
    covered, i, distinct = 0, 0, len(units)
    for piece in sorted((p for p in common if p in label), key=lambda p: (-len(p), p))[:1]:
        distinct = max(1, len(units) - len(_units(piece)))  # the part of the label no other shares
    stop = stopwords()
    while i < len(units):
        for j in range(len(units), i, -1):
            latin = all(u.isascii() for u in units[i:j])
            piece = " ".join(units[i:j]) if latin else "".join(units[i:j])
            if (
                (j - i >= 2 or latin) and _named(piece, question) and piece not in common
                and not (latin and all(u in stop for u in units[i:j]))  # 'for' of 'Applications for registration'
            ):
                covered += j - i
                i = j
                break
        else:
            i += 1
    content = [u for u in units if u not in stop]
    if label.isascii() and covered >= 2 and covered == len(content) and _in_order(content, question):
        # every word of a Latin label said in its order, a word or two apart and in either number
        # ('trademark registrations were approved' of 'Registrations approved'): the whole label,
        # outranking part of another ('applications' … 'registration' of 'Applications for registration')
        return covered + 0.5, True
    if covered * 2 >= distinct:
        return float(covered), False  # half of what sets it apart
    return float(_abbreviation(label, question)), False


_HAN_LABEL = re.compile(r"^[\u3400-\u9fff]{4,}$")


def _abbreviation(label: str, question: str) -> int:
    """The length of the longest abbreviation of a Chinese label the question writes, or 0: three
    characters or more, fewer than the label's, that open and close as it does and are its characters
    in order (日化品 of 日用化学品: 药物和日化品 names 药物和家庭日用化学品), as Chinese shortens names."""
    if not _HAN_LABEL.match(label):
        return 0
    best = 0
    for i, ch in enumerate(question):
        if ch != label[0]:
            continue
        for j in range(min(len(question), i + len(label) - 1), i + 2, -1):
            if j - i <= best:
                break
            if question[j - 1] == label[-1] and _in_order_chars(question[i:j], label):
                best = j - i
                break
    return best


def _in_order_chars(short: str, label: str) -> bool:
    at = 0
    for ch in short:
        at = label.find(ch, at) + 1
        if at == 0:
            return False
    return True


_LATIN_RUN = re.compile(r"[a-z](?:[a-z\-'’.&/ ]*[a-z])?")
_HAN_RUN = re.compile(r"[\u3400-\u9fff]+")


def _in_language_of(label: str, question: str) -> str:
    """A label in two languages (小计 sub-total, 国内domestic: normalized) as a question in one of them
    names it: its words in the question's language (the other half would count as words left unsaid)."""
    if not (has_chinese(label) and _LATIN_RUN.search(label)):
        return label
    kept = " ".join((_LATIN_RUN if has_chinese(question) else _HAN_RUN).sub(" ", label).split())
    return kept or label


def _group_total(scores: list[tuple[float, int]], label_texts: list[list[str]]) -> int | None:
    """Where the rows named best tie because the question names their group and none of them (国外 of
    国外 / 小计, 国外 / 职务, 国外 / 非职务): the one of them that is the group's total, if one is. A row's
    group is its labels before its last (a group label kept aside, or a first label column)."""
    top = max((s for s, _ in scores), default=0.0)
    tied = [k for s, k in scores if s == top and s > 0]
    groups = {tuple(label_texts[k][:-1]) for k in tied}
    if len(tied) < 2 or len(groups) != 1 or not any(next(iter(groups))):
        return None
    totals = [k for k in tied if label_texts[k] and TOTAL.search(label_texts[k][-1])]
    return totals[0] if len(totals) == 1 else None


def chinese_names(label: str) -> tuple[str, ...]:
    """The Chinese names of a proper name written in Latin script ('zhejiang' -> 浙江, 'inner mongolia'
    -> 内蒙古, "xi'an" -> 西安), two characters or more (`cedict.latin_names`); none for a common word
    (total, other)."""
    words = label.split()
    half = len(words) // 2
    if half and words[:half] == words[half:]:
        label = " ".join(words[:half])  # 'Japan Japan': a name written twice (two label columns run together)
    try:
        found = latin_names().get(latin_key(label), ())
    except RuntimeError:  # no CC-CEDICT: Latin labels are matched as written only
        return ()
    return tuple(n for n in found if len(n) >= 2)


def row_names(row: Row, labels: frozenset[int] | set[int]) -> str:
    """What a row's Latin labels are called in Chinese (Zhejiang -> 浙江), one a line: the place a
    Chinese question asks about is said by the row it matched, in the other script."""
    texts = [c.text for c in row.label_cells(labels)]
    return "\n".join(n for t in texts if t.isascii() for n in chinese_names(normalize(t)))


def chinese_words(table: Table) -> str:
    """The Chinese a table writes in its caption, headings and labels (a bilingual table's English
    left out): the words an English question is rendered in."""
    labels = table.label_columns()
    texts = [table.caption, *(c.text for c in table.header.cells), *(c.text for r in table.rows for c in r.label_cells(labels))]
    return " ".join(_HAN_RUN.findall(" ".join(texts)))


def _common_pieces(labels: list[str]) -> frozenset[str]:
    """Runs of characters that more than a third of the labels (and at least three) share."""
    if len(labels) < 3:
        return frozenset()
    counts: dict[str, int] = {}
    for label in set(labels):
        seen = {label[i:j] for i in range(len(label)) for j in range(i + 1, min(len(label), i + 6) + 1)}
        for piece in seen:
            counts[piece] = counts.get(piece, 0) + 1
    floor = max(3, len(set(labels)) / 3)
    return frozenset(p for p, n in counts.items() if n >= floor)


def _share_row_of(below: Row, row: Row, labels: frozenset[int]) -> bool:
    """Whether `below` holds `row`'s shares: its labels (none, or in Latin script where the row's
    are Chinese) name no other row, and its figures are shares."""
    mine = [c.text for j in sorted(labels) if j < len(row.cells) for c in (row.cells[j],) if c.text]
    theirs = [c.text for c in below.extra] + [below.cells[j].text for j in sorted(labels) if j < len(below.cells) and below.cells[j].text]
    figures = [c.text for j, c in enumerate(below.cells) if j not in labels and c.text]
    return (
        bool(figures) and all(_SHARE_CELL.search(f) for f in figures)
        and all(t.isascii() for t in theirs) and not all(t.isascii() for t in mine)
    )


def _several_named(col_scores: list[tuple[float, int]], row: Row, table: Table, floor: float) -> bool:
    """Whether the question names two or more columns of counts other than totals beyond what it says
    of the total's heading (发明 申请量 and 外观设计 申请量 beyond the 申请 of 合计 申请量)."""
    named = [
        j for sc, j in col_scores
        if sc > floor and j < len(row.cells) and not _SHARE_CELL.search(row.cells[j].text) and not TOTAL.search(table.header.cells[j].text)
    ]
    return len(named) >= 2


def _total_column(values: list[int], row: Row, table: Table, question: str, col_scores: list[tuple[float, int]]) -> int | None:
    """The table's column of totals (not subtotals): of a total's count and share, the one the question
    asks; of 'Total Number of Applications' and '… deemed Withdrawn', the heading the others qualify;
    of several, the one the question names best. None where no one is."""
    heads = {j: normalize(table.header.cells[j].text) for j in values}
    totals = [j for j in values if TOTAL.search(heads[j]) and not SUBTOTAL.search(heads[j])]
    counted = [j for j in totals if j < len(row.cells) and not _SHARE_CELL.search(row.cells[j].text)]
    if len(counted) == 1 and not _SHARE.search(question):
        totals = counted
    if len(totals) > 1:
        plain = [j for j in totals if all(k == j or heads[k].startswith(heads[j]) for k in totals)]
        best = _unique_best([(sc, j) for sc, j in col_scores if j in totals])
        totals = plain if len(plain) == 1 else [best] if best is not None else totals
    return totals[0] if len(totals) == 1 else None


def _unique_best(scores: list[tuple[float, int]]) -> int | None:
    """The index of the one best positive score; None when none is positive or two share it."""
    ranked = sorted((s for s in scores if s[0] > 0), reverse=True)
    if not ranked or (len(ranked) > 1 and ranked[1][0] == ranked[0][0]):
        return None
    return ranked[0][1]


def _row_scores(label_texts: list[list[str]], question: str, common: frozenset[str]) -> tuple[list[tuple[float, int]], list[bool]]:
    """Each row's score (its labels' scores added up: 国内 + 授权量 names the 授权量 row of the 国内
    group, not the 合计 one) and whether the question names a label of it whole. A row named in the
    question's script first; only where none is, a Latin label by its Chinese name (a bilingual
    table's 天津 row, not the Tianjin row of shares under it)."""
    row_scores: list[tuple[float, int]] = []
    whole: list[bool] = []
    for names in (False, True):
        row_scores, whole = [], []
        for k, texts in enumerate(label_texts):
            scored = [_row_score(t, question, common, names) for t in texts] or [(0.0, False)]
            row_scores.append((sum(sc for sc, _ in scored), k))
            whole.append(any(w for _, w in scored))
        if any(score > 0 for score, _ in row_scores):
            break
    return row_scores, whole


def _without_heading(question: str, table: Table, values: list[int], topic: str) -> str | None:
    """The question without the words of the column it names best (its Latin words, and the parts of
    a Chinese heading it repeats) — of columns it names equally well (a count and its share under
    '总累计 Total'), the words they share; None where it names no column."""
    scores = [(_column_score(normalize(table.header.cells[j].text), question, topic), j) for j in values]
    top = max((sc for sc, _ in scores), default=0.0)
    if top <= 0:
        return None
    headings = [_unpadded(normalize(table.header.cells[j].text)) for sc, j in scores if sc == top]
    words = set.intersection(*({u for u in _units(h) if u.isascii() and u.isalpha()} for h in headings))
    parts = set.intersection(*({p for p in h.split() if not p.isascii() and len(p) >= 2} for h in headings))
    rest = question
    for word in words:
        rest = re.sub(rf"(?<![a-z0-9]){_latin_pattern(word)}(?![a-z0-9])", " ", rest)
    for part in parts:
        rest = rest.replace(part, " ")
    return rest


@dataclass(frozen=True)
class CellMatch:
    table: Table
    row: Row
    column: int
    score: float  # row match + column match, in matched characters
    full: bool  # the whole row label and the whole column header were named

    @property
    def cell(self) -> Cell:
        return self.row.cells[self.column]


def match_cell(question: str, table: Table, title: str = "") -> CellMatch | None:
    """The cell `question` (normalized) asks for, or None when it names no row and column of the
    table unambiguously or the cell is empty. A question for a figure reads the columns of
    figures; one for a name (哪家, 谁, which) the label columns the row was not found by."""
    topic = normalize(table.caption + "\n" + title)
    implied = equivalents(question)  # what the question asks in the table's words too (高校: 大专院校)
    question = question + ("\n" + " ".join(implied) if implied else "")
    labels = table.label_columns()
    width = len(table.header.cells)
    label_texts = [
        [_label(normalize(c.text)) for c in row.label_cells(labels)]
        for row in table.rows
    ]
    common = _common_pieces([t for texts in label_texts for t in texts])
    by_rows = _BOTH_ORIGINS.sub("合计", question)  # 国内外: home and abroad together, the total's row, not 国内's
    row_scores, whole = _row_scores(label_texts, by_rows, common)
    senses: frozenset[str] | None = None  # what a Chinese question's words mean in English, when needed
    if not any(score > 0 for score, _ in row_scores) and has_chinese(question):
        # a Chinese question, rows labelled in English words ('Applications for registration'): a row is
        # named by what the question's words mean
        senses = _question_senses(question)
        row_scores = [
            (sum(max(_glossed_score(t, senses), _termed_score(t, question)) for t in texts if not has_chinese(t)), k)
            for k, texts in enumerate(label_texts)
        ]
        whole = [False] * len(label_texts)
    growth_rows = [any(_GROWTH.search(t) for t in texts) for texts in label_texts]
    said: dict[int, float] = {}  # the row scores before growth rows gave way to the row of the figure named
    if _GROWTH.search(question) and any(score > 0 and not growth_rows[k] for score, k in row_scores):
        # a growth asked of a figure the question names (结案数的趋势): its row, whose growth is read
        # from the row of growth rates under it (趋势(%), 同比增长) below
        said = dict((k, score) for score, k in row_scores)
        row_scores = [(0.0 if growth_rows[k] else score, k) for score, k in row_scores]
    best_row = _unique_best(row_scores)
    if best_row is None:
        best_row = _group_total(row_scores, label_texts)
    values = [j for j in range(width) if j not in labels]
    if best_row is None and not said and any(score > 0 for score, _ in row_scores):
        # rows tied on a word the question says of the column ('monthly total' of 'Monthly Total Number
        # of Applications' names no 'Total' row): a word said once names one thing, so the rows are
        # scored again without the words of the one column named
        rest = _without_heading(by_rows, table, values, topic)
        if rest is not None:
            again, again_whole = _row_scores(label_texts, rest, common)
            best_row = _unique_best(again)
            if best_row is not None:
                row_scores, whole = again, again_whole
    if best_row is None:
        return None
    row = table.rows[best_row]
    wants_name = bool(_WHICH.search(question)) and not _HOW_MUCH.search(question)
    if wants_name:
        # asked for a name (排名第8的企业是哪家?): a label column the row was not found by
        by = {j for j in labels if j < len(row.cells) and _row_score(normalize(row.cells[j].text), question, common)[0] > 0}
        values = [j for j in labels if j not in by]
    col_scores = [(_column_score(normalize(table.header.cells[j].text), question, topic), j) for j in values]
    if not any(sc for sc, _ in col_scores) and has_chinese(question):
        # a Chinese question, headings in English only: a heading is named by what the question's words mean
        senses = _question_senses(question) if senses is None else senses
        col_scores = [
            (
                max(_glossed_score(heading, senses), _termed_score(heading, question)) if not has_chinese(heading) else 0.0, j
            )
            for j in values
            for heading in (normalize(table.header.cells[j].text),)
        ]
    column = _unique_best(col_scores)
    if column is None and not wants_name:
        # columns named alike (发明 数量 / 发明 构成 %): a count asked for reads the one of counts, a
        # share the one of shares
        share = _SHARE.search(question) is not None
        kind = {j for j in values if j < len(row.cells) and bool(_SHARE_CELL.search(row.cells[j].text)) == share}
        column = _unique_best([(sc, j) for sc, j in col_scores if j in kind])
    if not wants_name and _TOTAL_ASKED.search(question):
        # a total asked for (三类专利加起来, 一共, altogether) where no one column is named, or several
        # (发明和外观设计加起来): the column of totals, if the table has one
        total = _total_column(values, row, table, question, col_scores)
        if column is None or (
            total is not None and _SUM_ASKED.search(question) and _several_named(col_scores, row, table, dict((j, sc) for sc, j in col_scores)[total])
        ):
            column = total
    if column is None and len(values) == 1 and not any(s for s, _ in col_scores):
        column = values[0]  # one column to answer from: the question need not name it
    if column is not None and column < len(row.cells) and _SHARE.search(question) and not _SHARE_CELL.search(row.cells[column].text):
        # a share asked for (受理量构成(占比)), a count found: a column of shares the question names too
        shares = _unique_best([(sc, j) for sc, j in col_scores if j < len(row.cells) and _SHARE_CELL.search(row.cells[j].text)])
        column = shares if shares is not None else column
    if column is None or column >= len(row.cells) or not row.cells[column].text or row.cells[column].text in "-—–/":
        return None
    growth_said = 0.0
    if _GROWTH.search(question) and not _GROWTH.search(normalize(table.header.cells[column].text)) and not growth_rows[best_row]:
        # a growth asked for (同比增长率, 增幅), a column and row of another figure found: the row of
        # growth rates right under it, if it has one
        below = best_row + 1
        if below >= len(table.rows) or not growth_rows[below] or column >= len(table.rows[below].cells):
            return None
        row = table.rows[below]
        if not row.cells[column].text or row.cells[column].text in "-—–/":
            return None
        growth_said = said.get(below, 0.0)  # the growth row named as well: surer than a table where it alone is
    if _SHARE.search(question) and not _SHARE_CELL.search(row.cells[column].text):
        # a share asked for (比例, 占比, %), a count found: statistical tables often give each row's
        # shares in the row right under it, labelled in the other language or not at all
        below = table.rows[best_row + 1] if best_row + 1 < len(table.rows) else None
        if below is None or column >= len(below.cells) or not _SHARE_CELL.search(below.cells[column].text) or not _share_row_of(below, row, labels):
            return None
        row = below
    row_score = row_scores[best_row][0] + (growth_said if row is not table.rows[best_row] else 0.0)
    col_score = dict((j, s) for s, j in col_scores).get(column, 0.0)
    header = normalize(table.header.cells[column].text)
    full = whole[best_row] and header in question
    return CellMatch(table, row, column, row_score + col_score, full)
