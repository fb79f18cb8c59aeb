"""Page-furniture removal for web captures.

The cleaned text is a sequence of the capture's own lines, stripped of surrounding whitespace:
nothing inside a kept line is rewritten, so every offset and quote refers to text the source has.
"""

from __future__ import annotations

import re

# Lines from which everything to the end of the document is page furniture (comment sections,
# recommendation blocks, site footers). They only count after the first 30% of a document, so a
# navigation link of that name in the page header cannot swallow the article.
_TAIL_MARKERS = re.compile(
    r"^(读特热榜|讀特熱榜|鹏友圈|相关推荐|相關推薦|香港商報PDF|香港商报PDF|友情链接|友情鏈接"
    r"|-?\s*友情链接[:：]|主办单位[:：]|ICP备案|承印人)"
)

TAIL_START = 0.3
_MASTHEAD = re.compile(r"^[^\s\d,，。:：]{2,8}(报|報|网|網|报社|報社)$")

_DROP_LINE = [
    # site navigation and widgets
    re.compile(r"^\S{2,12}\s*>$"),
    re.compile(r"^-{1,2}\s*(天氣|天气)$"),
    re.compile(r"^(IN视频|股市|聯絡我們|联系我们)$"),
    re.compile(r"^【读特\+?】$"),
    # advertising that the capture mixed into the page
    re.compile(r"CBA直播|360影视|欧美动漫|在线观看"),
    # publication metadata (extracted separately) and credits
    re.compile(r"^(发布时间|發布時間)[:：]\s*\d{4}[/-]\d{1,2}[/-]\d{1,2}"),
    re.compile(r"^(责任编辑|責任編輯)[:：]"),
    re.compile(r"^[（(]?编辑[:：\s]"),
    re.compile(r"^编辑\s+\S+\s+审读"),
    re.compile(r"^(来源|來源|新闻来源)[:：]\s*\S{1,20}$"),
    re.compile(r"^(摘要|摘 要)[:：]"),
    re.compile(r"(未经授权不得转载|未經授權,?不得複製|未经许可不得复制)"),
    # government portal header table
    re.compile(r"^(索引号|组配分类|发布机构|有效性|名称\s|生成日期)"),
    # footers
    re.compile(r"(ICP备|ICP證|公网安备|Copyright|版权所有|版權所有)", re.IGNORECASE),
    re.compile(r"^(电话|電話|地址)[:：]"),
    re.compile(r"^[（(]深圳[）)]\s*[\d\- ]+$"),
]


def is_furniture(line: str) -> bool:
    return any(pattern.search(line) for pattern in _DROP_LINE)


def clean_text(raw: str) -> str:
    """Return the article text of a web capture: furniture lines dropped, the rest kept verbatim."""
    lines = [line.strip() for line in raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    seen_chars, tail_from = 0, int(len(raw) * TAIL_START)
    for number, line in enumerate(lines):
        if seen_chars >= tail_from and _TAIL_MARKERS.search(line):
            lines = lines[:number]
            break
        seen_chars += len(line) + 1
    kept: list[str] = []
    for line in lines:
        line = line.replace("\u00a0", " ").replace("\u3000", " ").strip()
        if not line or is_furniture(line):
            continue
        if len(kept) < 1 and _MASTHEAD.match(line):  # the site's name above the headline
            continue
        if kept and kept[-1] == line:  # a title printed twice
            continue
        kept.append(line)
    return "\n".join(kept)
