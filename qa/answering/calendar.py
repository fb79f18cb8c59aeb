"""Years of the Republic of China calendar, which Taiwan's offices date by (民國106年 = 2017), read as
the Gregorian years a question names. The text keeps its length ('106年' becomes '2017'), so
offsets into it still point into the document."""

from __future__ import annotations

import re
from functools import lru_cache

from .jurisdictions import governed_place

_ROC_MARK = re.compile(r"民国\s*\d{2,3}\s*年")
# 100–149: 2011–2060, written with three digits, a PDF's space before 年 or not (108 年)
_ROC_YEAR = re.compile(r"(?<![\d.])(1[0-4]\d)( ?)年")


@lru_cache(maxsize=512)
def roc_dated(norm_doc: str) -> bool:
    """True when a (normalized) document dates by the ROC calendar: it says 民國…年, or it speaks
    for Taiwan by its offices (a page of 智慧局)."""
    return bool(_ROC_MARK.search(norm_doc)) or governed_place(norm_doc) == "台湾"


def gregorian(norm_text: str, roc: bool) -> str:
    """`norm_text` with its three-digit ROC years written as Gregorian years of the same length
    ('106年' -> '2017', '106 年' -> '2017年') where its document dates by the ROC calendar (`roc`),
    else unchanged."""
    if not roc:
        return norm_text
    return _ROC_YEAR.sub(lambda m: str(int(m.group(1)) + 1911) + ("年" if m.group(2) else ""), norm_text)


def gregorian_question(norm_question: str) -> str:
    """A question with its three-digit ROC years as Gregorian years ('108年2月' -> '2019年2月'): what it
    asks of a document dated by the ROC calendar (offsets into a question matter to no one)."""
    return _ROC_YEAR.sub(lambda m: f"{int(m.group(1)) + 1911}年", norm_question)
