"""What a question pins down — the places and years it names — found without word lists of any
corpus, and whether a piece of evidence honours them.

Places are the provinces and prefecture-level cities of the administrative-division data file
(`qa/resources/divisions.tsv`, via `qa.divisions`), counties and districts where the text marks them
as such (`qa.answering.places.find_places`: 双流区, 成都双流), what jieba's part-of-speech tagger calls place
names (`ns`), and words that end in an administrative suffix (东营市, 张家港市, 滨江区) unless they
name a kind of area (`generic_areas.txt`: 开发区, 全市 …); the suffix is dropped for matching.
Years are four-digit years. A place or year named in the question must be named by the paragraph
of the evidence (which holds its sentence) or its document's title; a year may also be the document's publication
year (news of a year reports on it), or the year before it when the evidence says 去年/上年. A volume
asked for ('专利申请量是多少') must be named by the paragraph or title: what it counts (申请), not only the thing
counted (专利授权 is another figure)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ..answering.jurisdictions import with_governed_place
from ..answering.numbers import asks_one_year
from ..answering.places import find_places
from ..answering.question import analyze
from ..divisions import known_places, lies_within, publication_words, short_name
from ..name_places import with_name_places
from ..normalize import normalize
from ..tokenize import pos_tag

_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?=\d{1,2}月|(?!\d))")  # 20171月: a Taiwan page's 106年1月
# characters of pointing and grammar words that no place name the tagger may guess holds
_NOT_IN_NAMES = re.compile(r"[那这该此其的了在和与及是]")
_LAST_YEAR = re.compile(r"去年|上年|上一年|前一年")
_GENERIC = {"中国", "全国", "国内", "国外", "境外", "海外", "我国", "国家", "中华", "内地"}
_SUFFIXED_WORD = re.compile(r"^[\u4e00-\u9fff]{2,6}(?:省|市|县|区|州)$")


def _resource_words(name: str) -> list[str]:
    text = resources.files("qa").joinpath("resources", name).read_text(encoding="utf-8")
    return [w for line in text.splitlines() if not line.startswith("#") for w in line.replace(":", " ").split()]


@lru_cache(maxsize=1)
def generic_areas() -> frozenset[str]:
    return frozenset(_resource_words("generic_areas.txt"))


@dataclass(frozen=True)
class Constraints:
    places: tuple[str, ...]  # normalized, suffix dropped
    years: tuple[int, ...]
    metric: str | None = None  # what a 'X量是多少' question counts: 申请 of 专利申请量
    levels: tuple[str, ...] = ()  # wider places that say which level is meant ('深圳在广东省考核中': 广东)
    one_year: bool = False  # the years are of one year asked, not the ends of a span (2014年至2024年, 十年来)

    def __bool__(self) -> bool:
        return bool(self.places or self.years or self.metric)


# a figure asked of a volume: the two characters before 量 (总量 / 数量: before those) say what is counted
_VOLUME = re.compile(r"([\u4e00-\u9fff]{2})(?:总|数)?量(?:是|为|有|达到?|共)?(?:多少|几)")


def metric_asked(text: str) -> str | None:
    """What a volume asked counts: '专利申请量是多少' -> 申请, '登记总量是多少' -> 登记."""
    m = _VOLUME.search(text)
    return m.group(1) if m else None


def _place_parts(word: str, known: frozenset[str]) -> list[str]:
    """A place word as the places it names: itself, or where the tagger made one word of a known
    place and what follows it (香港海关: an office of 香港; 江苏南京: two places), that place, and the
    rest where it is a place too."""
    if word in known:
        return [word]
    head = next((word[:n] for n in range(len(word) - 2, 1, -1) if word[:n] in known), None)
    if head is None:
        return [word]
    rest = word[len(head) :]
    return [head, rest] if rest in known or find_places(rest) else [head]


@lru_cache(maxsize=4096)
def question_constraints(question: str) -> Constraints:
    text = normalize(question)
    tagged = pos_tag(text)
    places: list[str] = []
    known = known_places()
    generic = generic_areas()
    media = publication_words()
    for i, (word, flag) in enumerate(tagged):
        if len(word) < 2 or word in _GENERIC or word in generic:
            continue
        after = "".join(w for w, _ in tagged[i + 1 : i + 3])
        if after.startswith(media) or word.endswith(media):
            continue  # 香港商报: a newspaper, not a place asked about
        if word not in known and _NOT_IN_NAMES.search(word):
            continue  # '案例中那起': the tagger's 中那 is no place (names hold no 那, 这, 的 …)
        if flag == "ns" or word in known or (_SUFFIXED_WORD.match(word) and flag.startswith("n")):
            for name in _place_parts(word, known):
                core = short_name(name)
                if core not in _GENERIC and core not in places:
                    places.append(core)
    for name in known:  # a division the tagger cut into a longer word (东营专利)
        at = text.find(name)
        if len(name) >= 2 and at >= 0 and not any(name in p or p in name for p in places):
            if not text.startswith(media, at + len(name)):
                places.append(name)
    for name in find_places(text):  # a county the tagger cut in two (双流 / 区) or left unmarked (成都双流)
        if name in text and name not in _GENERIC and not any(name in p or p in name for p in places):
            places.append(name)
    places = [p for p in places if not _in_company_names(p, text) and not _in_quoted_names(p, text)]
    years = tuple(dict.fromkeys(int(y) for y in _YEAR.findall(text)))
    return Constraints(tuple(places), years, metric_asked(text), tuple(analyze(question).level_places), asks_one_year(text, years))


# a company's name that opens with a place (温州海鹤药业有限公司): the place is part of the name
_COMPANY = re.compile(r"(?:省|市|县|区)?(?:(?![与和及的])[\u4e00-\u9fff]){1,12}?(?:有限责任公司|股份有限公司|有限公司|公司|集团)")


def _in_company_names(place: str, text: str) -> bool:
    """True when every time the question names the place it opens a company's name: the question
    asks about the company, not the place ('中外制药株式会社与温州海鹤药业有限公司案的文号')."""
    at = [m.end() for m in re.finditer(re.escape(place), text)]
    return bool(at) and all(_COMPANY.match(text, i) for i in at)


# a name the question quotes (“镇湖刺绣”, 「台北之家」): a place inside it is part of the name
_QUOTED = re.compile(r"“[^”]{1,30}”|「[^」]{1,30}」|『[^』]{1,30}』|\"[^\"]{1,30}\"")


def _in_quoted_names(place: str, text: str) -> bool:
    """True when every time the question names the place it is inside a quoted name: the question
    asks about what the name names ('涉及“镇湖刺绣”的那件案例'), not about the place."""
    quoted = [(m.start(), m.end()) for m in _QUOTED.finditer(text)]
    at = [m.start() for m in re.finditer(re.escape(place), text)]
    return bool(at) and all(any(a < i < b for a, b in quoted) for i in at)


def _implied(place: str, c: Constraints, text: str) -> bool:
    """A wider place the question names beside a narrower one is said by naming the narrower one
    ('泉州…在福建排第一': a text about 泉州 is about a part of 福建, the administrative data says)."""
    return any(other != place and other in text and lies_within(other, place) for other in c.places)


def missing_places(c: Constraints, texts: list[str]) -> list[str]:
    """Places of the question that none of the (normalized) texts names, or implies."""
    return [p for p in c.places if not any(p in t or _implied(p, c, t) for t in texts)]


LEAD = 600  # characters of a document's opening that say what year all of it is about


def honoured(c: Constraints, paragraph: str, title: str, published: str | None, lead: str = "") -> str | None:
    """None when the evidence's paragraph (which holds its sentence) or its document's title
    honours the question's places and years and names what its volume counts, else what it misses
    ('place', 'year' or 'metric'). A paragraph that names no year is read in the year of the
    document's opening (`lead`: 'the statistics of their work in 2018'), where that names the year
    asked, else in its publication year; a region that no division is (海关, 长三角) is honoured by the
    opening too. Texts are normalized."""
    context = paragraph + "\n" + title
    for place in c.places:
        if place not in context and not _implied(place, c, context):
            if not find_places(place) and place in lead:
                continue  # a region no division is (海关, 长三角) that the page opens on: it is about it throughout
            return "place"
    if c.metric and c.metric not in context:
        return "metric"  # 专利申请量 asked, a paragraph that says only 专利授权
    if c.years:
        said = {int(y) for y in _YEAR.findall(context)}
        if said & set(c.years):
            return None
        if said:
            return "year"  # the evidence is about another year
        if {int(y) for y in _YEAR.findall(lead)} & set(c.years):
            return None  # no year around the evidence, the year asked where the document opens
        # no year around the evidence: the publication year, or the year before it (去年)
        pub = int(published[:4]) if published and published[:4].isdigit() else None
        if pub is None:
            return None
        if pub in c.years or ((pub - 1) in c.years and _LAST_YEAR.search(paragraph)):
            return None
        return "year"
    return None


def speaks_for(text: str, norm_doc: str, doc_id: str) -> str:
    """`text` (normalized: a title, the document itself) with the places its document speaks for
    without naming them: by its offices (a page of Taiwan's 智慧局 never says 台湾) and by its file
    name (a yearbook's table saved as fujian_yb2022_….txt never says 福建)."""
    return with_name_places(with_governed_place(text, norm_doc), doc_id)


def unnamed_places(question: str, doc_norms: dict[str, str], doc_ids: list[str]) -> list[str]:
    """Places of the question that none of these documents (normalized texts) names."""
    texts = [speaks_for(doc_norms[d], doc_norms[d], d) for d in dict.fromkeys(doc_ids) if d in doc_norms]
    return missing_places(question_constraints(question), texts)
