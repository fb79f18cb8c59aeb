"""Numbers as the news writes them: digits or Chinese numerals, magnitudes, units, 连续N年, 第N位."""

from __future__ import annotations

import re

from .words import alternation, units

CN_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_NUM = "[零〇一二两三四五六七八九十百千]+"
# digits may be grouped in thousands as Taiwan, Hong Kong and English pages write them (46,122)
NUM = rf"(?:\d{{1,3}}(?:,\d{{3}})+(?!\d)(?:\.\d+)?|\d+(?:\.\d+)?|{CN_NUM})"

UNITS = alternation(units())  # qa/resources/units.tsv
# a quantity: optional qualifier, number, optional magnitude, unit or percent; 余/多 may follow; some
# sites set a space between a figure and its unit ('6353144 件'); a number may be said in 万 and the
# rest as Taiwan pages write it ('9萬7,411件' is 97,411)
QUANTITY = re.compile(
    rf"(?P<pre>超过|超|约|近|逾|共|累计)?(?P<num>(?:\d+[万亿](?=\d))?{NUM})(?P<mag>[万亿])?(?P<approx>余|多)?[ \u00a0]?(?P<unit>%|‰|{UNITS})"
    rf"|(?P<frac>{NUM}分之{NUM}|(?<![\d/.])\d{{1,3}}/\d{{1,3}}(?![\d/号]))"
)
# units of a span of time (a figure in one answers 多久 / 多少天; else it is a date or a year)
TIME_UNITS = ("年", "个月", "月", "周", "天", "日", "小时", "分钟", "个工作日", "工作日")

# units of a share or a rate rather than an amount (a fraction is one too)
SHARE_UNITS = ("%", "‰", "倍", "个百分点", "百分点")  # a change of a share is in percentage points
_SHARE = re.compile(
    rf"(?:[%‰％倍]|分之{NUM}|\d/\d{{1,3}}|\d\s?(?:percent|per cent|percentage points?|times|fold))$|^百分之", re.I
)


def is_share(figure: str) -> bool:
    """True for a share, a rate or a multiple ('15.2%', '3倍', '1/5', '三分之一', '百分之十', '53.3 percent'): no answer
    to an amount asked ('专利授权量是多少'), whichever reader found it."""
    return bool(_SHARE.search(figure.strip()))


# 连续N年 / 第N位 and friends keep their frame words
STREAK = re.compile(rf"连续(?:第)?{NUM}(?:年|届|次)")
_RANK_SCOPE = r"(?:全省|全国|全市)?(?:各大城市|大中城市|城市)?(?:中)?"
RANKING = re.compile(
    rf"{_RANK_SCOPE}(?:排名|排|位居|居|位列|列){_RANK_SCOPE}(?:第{NUM}(?:位|名)?|首位)|第{NUM}(?:位|名)"
)
ORDINAL = re.compile(rf"第({NUM})(届|次|批|年|位|名)|(?<![\d零〇一二两三四五六七八九十百千这那本该每同上下])({NUM})(届)")
YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?:年度|年)?(?!\d)")
# a date in Chinese numerals, as official documents are signed (二○一○年四月十四日: its zero written
# 〇, ○ or 零); pieces of the date patterns of spans.py
CN_YEAR = "(?:一九|二[〇○零])[〇○零一二三四五六七八九]{2}年"
CN_MONTH = "(?:十[一二]?|[一二三四五六七八九])月"
CN_DAY = "(?:三十一?|二十[一二三四五六七八九]?|十[一二三四五六七八九]?|[一二三四五六七八九])日"
# captures lose the 年 between a year and its month: "20231-10月", "2023426日"
DAMAGED_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?=\d{1,2}(?:-\d{1,2})?月|\d{3,4}日)")


def cn_to_int(text: str) -> int | None:
    """'二十四' -> 24, '24' -> 24, '两' -> 2; None when it is not a number."""
    if text.isdigit():
        return int(text)
    if not text or any(ch not in CN_DIGITS and ch not in CN_UNITS for ch in text):
        return None
    total, current = 0, 0
    for ch in text:
        if ch in CN_DIGITS:
            current = current * 10 + CN_DIGITS[ch] if current and text.startswith("零") else CN_DIGITS[ch]
        else:
            total += (current or 1) * CN_UNITS[ch]
            current = 0
    return total + current


def ordinals(norm_text: str) -> set[tuple[int, str]]:
    """{(24, '届')} for 第二十四届 / 第24届."""
    out = set()
    for match in ORDINAL.finditer(norm_text):
        number, unit = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
        value = cn_to_int(number)
        if value is not None:
            out.add((value, unit))
    return out


# the year inside a document or case number is when it was filed, not what the sentence is about:
# 国知发保字〔2022〕27号, (2021)川知民终2152号
DOC_YEAR = re.compile(r"[〔\[［][12]\d{3}[〕\]］]第?\d+号")
CASE_NUMBER = re.compile(r"[(（][12]\d{3}[)）][\u4e00-\u9fff][\u4e00-\u9fff\d]{0,15}?\d+号")  # (2023)鄂01知民初481号: a court code may hold digits


# a year compared with ('较2022年增长23.79%') is not the year the figure is of
_COMPARED = re.compile(r"(?:较|比|相比|对比|同比)于?$")
_COMPARED_WIDTH = 3  # its longest form, 相比于: only the characters right before a year are read


def year_before(norm_text: str, at: int) -> int | None:
    """The year a sentence last names before position `at` (a figure's), as `marked_years` reads
    years; None where it names none there."""
    said = _year_positions(norm_text[:at], marked=True)
    return said[-1][1] if said else None


def follows_another_year(norm_sentence: str, at: int, asked: tuple[int, ...] | list[int]) -> bool:
    """True where a sentence names several years (written with 年) and the last one before a figure at
    `at` is none of those `asked`: '2023年度…72,607件,…,2024年度前七月40,415件' — 72,607 is 2023's."""
    return len(set(marked_years(norm_sentence))) > 1 and year_before(norm_sentence, at) not in (None, *asked)


# what joins the two ends of a span of time (2014年11月至2024年10月, 2014-2024年)
RANGE_JOIN = r"\s*(?:至|到|—|－|-|~|～)\s*"
# a span of several years: 2014年11月至2024年10月, 2014-2024年, 2019年到2023年
_YEAR_RANGE = re.compile(rf"((?:19|20)\d{{2}})(?:年(?:\d{{1,2}}月(?:\d{{1,2}}日)?)?)?{RANGE_JOIN}((?:19|20)\d{{2}})年")


def only_as_a_span_of_years(norm_sentence: str, asked: tuple[int, ...] | list[int]) -> bool:
    """True where every year asked that the sentence names is the start or the end of a span of
    several years ('2014年11月至2024年10月,…审结案件195506件': ten years' figure, not 2024's)."""
    spans = [(m.start(), m.end(), int(m.group(1)), int(m.group(2))) for m in _YEAR_RANGE.finditer(norm_sentence)]
    spans = [(a, b) for a, b, first, last in spans if first != last]
    if not spans:
        return False
    named = [(at, year) for at, year in _year_positions(norm_sentence) if year in asked]
    return bool(named) and all(any(a <= at < b for a, b in spans) for at, _ in named)


_OVER_YEARS = re.compile(r"累计|以来|至今|期间|历年|[一二三四五六七八九十两几\d]+年(?:来|间|里|中)")


def asks_one_year(norm_question: str, years: tuple[int, ...] | list[int]) -> bool:
    """Whether a question with years asks of one year, not of a span or a total over years it says
    (累计, 十年来, 2014年至2024年)."""
    return bool(years) and not _OVER_YEARS.search(norm_question) and not only_as_a_span_of_years(norm_question, years)


def marked_years(norm_text: str) -> list[int]:
    """`years`, of those written with 年 only (1968家 is a count, not a year)."""
    return [year for _, year in _year_positions(norm_text, marked=True)]


def _year_positions(norm_text: str, marked: bool = False) -> list[tuple[int, int]]:
    numbers = [(m.start(), m.end()) for pattern in (DOC_YEAR, CASE_NUMBER) for m in pattern.finditer(norm_text)]
    found = [
        (m.start(), int(m.group(1))) for m in YEAR.finditer(norm_text)
        if not any(a <= m.start() < b for a, b in numbers)
        and not _COMPARED.search(norm_text, max(0, m.start() - _COMPARED_WIDTH), m.start())
        and (not marked or m.group(0).endswith(("年", "年度")))
        and not _counted(norm_text, m)
    ]
    found += [(m.start(), int(m.group(1))) for m in DAMAGED_YEAR.finditer(norm_text)]
    return sorted(found)


def _counted(norm_text: str, year: re.Match[str]) -> bool:
    """A year-like number that counts things: its unit follows ('授权2091件', '1968家'), not 年."""
    if year.group(0).endswith(("年", "年度")):
        return False
    figure = QUANTITY.match(norm_text, year.start())
    return figure is not None and figure.group("unit") not in TIME_UNITS


def years(norm_text: str) -> list[int]:
    """The years a text speaks of, in order: not those inside a document or case number, nor those a
    figure is compared with (较2022年增长)."""
    return [year for _, year in _year_positions(norm_text)]


# a period within a year: 上半年, 前三季度, 1-10月 (also after a damaged year: '20231-10月'); a count up
# to a month's end (截至2022年6月底) covers the year so far: 1-6月
PERIOD = re.compile(
    r"全年|上半年|下半年|前三季度|第?[一二三四]季度|(?:(?<=(?:19|20)\d{2})|(?<!\d))1[-至]\d{1,2}月"
    r"|(?:截至|截止)到?(?:(?:19|20)\d{2}年)?(\d{1,2})月(?:底|末)?"
)
_SAME_PERIOD = {"1-6月": "上半年", "1-12月": "全年", "第一季度": "一季度", "第二季度": "二季度",
                "第三季度": "三季度", "第四季度": "四季度"}


def periods(norm_text: str) -> set[str]:
    """{'上半年'} for 上半年 / 1-6月; {'1-10月'} for 1至10月."""
    out = set()
    for match in PERIOD.finditer(norm_text):
        label = f"1-{int(match.group(1))}月" if match.group(1) else match.group(0).replace("至", "-")
        out.add(_SAME_PERIOD.get(label, label))
    return out
