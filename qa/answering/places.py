"""Place names: a gazetteer of Chinese provinces, major cities and the districts the news names.

Used to read a question's place constraint and to check it against the text around an answer."""

from __future__ import annotations

import re
from functools import lru_cache

# provinces and regions, then prefecture-level cities of the provinces the corpus covers and the
# largest cities elsewhere, then Shenzhen's districts; all in simplified script (text is normalized)
_PLACES = """
北京 天津 上海 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东
海南 四川 贵州 云南 陕西 甘肃 青海 台湾 内蒙古 广西 西藏 宁夏 新疆 香港 澳门
广州 深圳 珠海 汕头 佛山 韶关 湛江 肇庆 江门 茂名 惠州 梅州 汕尾 河源 阳江 清远 东莞 中山 潮州 揭阳 云浮
合肥 芜湖 蚌埠 淮南 马鞍山 淮北 铜陵 安庆 黄山 滁州 阜阳 宿州 六安 亳州 池州 宣城
南京 苏州 无锡 常州 杭州 宁波 温州 厦门 福州 济南 青岛 郑州 武汉 长沙 南昌 成都 西安 昆明 贵阳 南宁
哈尔滨 长春 沈阳 大连 石家庄 太原 兰州 西宁 银川 乌鲁木齐 拉萨 呼和浩特 海口 三亚 雄安
福田 罗湖 南山 宝安 龙岗 龙华 坪山 光明 盐田 大鹏 前海 河套 越秀 南沙 连平 徐闻 怀集 蒙城
""".split()
_SUFFIXED = re.compile(r"([\u4e00-\u9fff]{2,4}?)(?:省|市|自治区|特别行政区)")


# what lies inside what, for the names of the gazetteer: province -> its cities, city -> its districts
_WITHIN = {
    "广东": "广州 深圳 珠海 汕头 佛山 韶关 湛江 肇庆 江门 茂名 惠州 梅州 汕尾 河源 阳江 清远 东莞 中山 潮州 揭阳 云浮",
    "安徽": "合肥 芜湖 蚌埠 淮南 马鞍山 淮北 铜陵 安庆 黄山 滁州 阜阳 宿州 六安 亳州 池州 宣城",
    "江苏": "南京 苏州 无锡 常州",
    "浙江": "杭州 宁波 温州",
    "福建": "厦门 福州",
    "山东": "济南 青岛",
    "河南": "郑州",
    "湖北": "武汉",
    "湖南": "长沙",
    "江西": "南昌",
    "四川": "成都",
    "陕西": "西安",
    "云南": "昆明",
    "贵州": "贵阳",
    "广西": "南宁",
    "黑龙江": "哈尔滨",
    "吉林": "长春",
    "辽宁": "沈阳 大连",
    "河北": "石家庄 雄安",
    "山西": "太原",
    "甘肃": "兰州",
    "青海": "西宁",
    "宁夏": "银川",
    "新疆": "乌鲁木齐",
    "西藏": "拉萨",
    "内蒙古": "呼和浩特",
    "海南": "海口 三亚",
    "深圳": "福田 罗湖 南山 宝安 龙岗 龙华 坪山 光明 盐田 大鹏 前海 河套",
    "广州": "越秀 南沙",
    "亳州": "蒙城",
    "河源": "连平",
    "湛江": "徐闻",
    "肇庆": "怀集",
}
_PARENT = {inner: outer for outer, inners in _WITHIN.items() for inner in inners.split()}


def lies_within(inner: str, outer: str) -> bool:
    """True when place `inner` is part of place `outer` (亳州 in 安徽, 南山 in 深圳 and in 广东)."""
    parent = _PARENT.get(inner)
    while parent is not None:
        if parent == outer:
            return True
        parent = _PARENT.get(parent)
    return False


def narrowest(places: list[str]) -> list[str]:
    """The places that constrain an answer: a place that holds another one named beside it is
    implied by it ('亳州…在安徽全省排第几' asks about 亳州; 安徽 only says which ranking)."""
    return [p for p in places if not any(other != p and lies_within(other, p) for other in places)]


@lru_cache(maxsize=1)
def gazetteer() -> tuple[str, ...]:
    # longest first so 马鞍山 wins over shorter overlaps
    return tuple(sorted(set(_PLACES), key=len, reverse=True))


# a place inside a publication's name (香港商报, 安徽日报) is no constraint on the facts
_PUBLICATION = ("商报", "日报", "晚报", "特区报", "商报社", "电视台", "广播")


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    # longest names first, so an alternation prefers 马鞍山 to a shorter name inside it
    names = "|".join(re.escape(place) for place in gazetteer())
    publications = "|".join(_PUBLICATION)
    return re.compile(rf"({names})(?!{publications})")


def find_places(norm_text: str) -> list[str]:
    """Known places named in normalized text, in order of appearance, without repeats."""
    return list(dict.fromkeys(m.group(1) for m in _pattern().finditer(norm_text)))
