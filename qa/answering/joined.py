"""A figure of two things together: a figure's clause that names a thing the question asks about
joined with another it does not ask about ('高校和科研机构有效发明专利拥有量共达到102.3万件' for 高校) gives
the figure of both, not of the thing asked. Read by both readers: the rule reader scores such a
figure down, the learned reader takes it only where no other answer holds."""

from __future__ import annotations

import re

from .question import Question

_JOINED = re.compile(r"(?:和|及|与|以及)([\u4e00-\u9fff]{2,4})")
_TOTAL_ASKED = re.compile(r"一共|总共|合计|共计|总计|加起来|总量|总数|[两三四五六七八九]种|各类|两者|二者")
_JOINED_BEFORE = re.compile(r"([\u4e00-\u9fff]{2,4})(?:和|及|与|以及)$")


def joined_with_another(q: Question, clause: str) -> bool:
    """A figure's clause names a thing the question asks about joined with another it does not name
    ('高校和科研机构有效发明专利拥有量共达到102.3万件' for 高校's figure): the figure is of both together."""
    if _TOTAL_ASKED.search(q.norm):
        return False  # '三种专利一共': the figure of all together is asked
    for term in q.terms:
        if len(term) < 2:
            continue
        for m in re.finditer(re.escape(term), clause):
            joined = _JOINED.match(clause, m.end())
            # (not kinds of one thing listed: '实用新型专利以及外观设计专利' for 专利)
            if joined and joined.group(1)[:2] not in q.norm and term not in clause[joined.end() : joined.end() + 6]:
                return True
            joined = _JOINED_BEFORE.search(clause, 0, m.start())
            if joined and joined.group(1)[-2:] not in q.norm and term not in joined.group(1):
                return True  # ('高校和科研机构' for 科研机构's figure)
    return False
