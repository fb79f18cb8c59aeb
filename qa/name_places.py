"""The places a document's file name names in Latin script: a provincial yearbook's table saved as
`fujian_yb2022_patents_by_category.txt` is Fujian's though its text never says 福建. The file name is
the user's own word on what a document is about, read like its title: words of it that are the
pinyin or English name of a province, a prefecture-level city or a special administrative region
(CC-CEDICT's names, `cedict.latin_names`, kept where the administrative-division data lists them),
alone or two together ('hong_kong'). A word that names two such places (suzhou: 苏州 and 宿州) names
neither."""

from __future__ import annotations

import re
from functools import lru_cache

from .cedict import latin_names
from .divisions import known_places, short_name
from .normalize import normalize

_WORD = re.compile(r"[A-Za-z]+")
MIN_LETTERS = 4  # shorter words (yb, sz, ip) are abbreviations, not names


def _places(key: str) -> set[str]:
    known = known_places()
    return {short_name(normalize(head)) for head in latin_names().get(key, ()) if normalize(head) in known}


@lru_cache(maxsize=4096)
def name_places(doc_id: str) -> tuple[str, ...]:
    """Places (short names, as `answering.places.find_places` gives them) that the document's name
    names; () where it names none."""
    words = [w.lower() for w in _WORD.findall(doc_id.rsplit("/", 1)[-1])]
    out: list[str] = []
    for i, word in enumerate(words):
        for key in (word, word + words[i + 1] if i + 1 < len(words) else ""):
            if len(key) < MIN_LETTERS:
                continue
            places = _places(key)
            if len(places) == 1:
                out.extend(p for p in places if p not in out)
    return tuple(out)


def with_name_places(text: str, doc_id: str) -> str:
    """`text` (a title, a document) with the places its document's name names on a line of their own."""
    places = name_places(doc_id)
    return text + "\n" + " ".join(places) if places else text
