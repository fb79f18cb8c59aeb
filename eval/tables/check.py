"""Check the table sets: `python3 eval/tables/check.py [FOLDER ...]` (default: every split —
eval/tables, dev, dev2, final). For each questions.jsonl: JSON lines with the fields and values of
the format, unique ids, a document for every doc_id, the first answer and a non-empty evidence
verbatim in that document (further answers: in it too, or the first one with a unit added or its digit grouping removed), and
unanswerable items with no answers. Standard library only; exits 1 on any problem."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
SPLITS = (HERE, HERE / "dev", HERE / "dev2", HERE / "dev3", HERE / "final")
FIELDS = {"id", "question", "answers", "doc_id", "evidence", "type", "variant"}
VARIANTS = {"plain", "paraphrase", "traditional", "english", "unanswerable"}


def documents(folder: Path) -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted((folder / "docs").iterdir()) if p.is_file()}


def problems(folder: Path) -> tuple[list[str], Counter]:
    docs = documents(folder)
    found: list[str] = []
    seen: set[str] = set()
    variants: Counter = Counter()
    for n, line in enumerate((folder / "questions.jsonl").read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        where = f"{folder.name}/questions.jsonl:{n}"
        try:
            item = json.loads(line)
        except ValueError as exc:
            found.append(f"{where}: not JSON ({exc})")
            continue
        if set(item) != FIELDS:
            found.append(f"{where}: fields {sorted(item)}, want {sorted(FIELDS)}")
            continue
        if item["id"] in seen:
            found.append(f"{where}: id {item['id']} repeated")
        seen.add(item["id"])
        variants[item["variant"]] += 1
        if item["variant"] not in VARIANTS:
            found.append(f"{where}: variant {item['variant']!r}")
        text = docs.get(item["doc_id"])
        if text is None:
            found.append(f"{where}: no document {item['doc_id']!r} in docs/")
            continue
        answers = item["answers"]
        if item["variant"] == "unanswerable" or item["type"] == "none":
            if answers or item["type"] != "none" or item["variant"] != "unanswerable":
                found.append(f"{where}: an unanswerable item has type 'none', variant 'unanswerable' and no answers")
            continue
        if not answers or answers[0] not in text:
            found.append(f"{where}: first answer {answers[:1]} not in {item['doc_id']}")
        for extra in answers[1:]:
            plain = answers[0].replace(" ", "").replace("\u00a0", "").replace(",", "")
            if extra not in text and not extra.startswith(answers[0]) and extra != plain:
                found.append(f"{where}: answer {extra!r} neither in the document nor the first answer with a unit or ungrouped")
        if item["evidence"] and item["evidence"] not in text:
            found.append(f"{where}: evidence not verbatim in {item['doc_id']}")
    return found, variants


def main(argv: list[str]) -> int:
    folders = [Path(a).resolve() for a in argv] or list(SPLITS)
    bad = 0
    for folder in folders:
        found, variants = problems(folder)
        for line in found:
            print(line)
        bad += len(found)
        print(f"{folder.relative_to(HERE.parent.parent) if folder.is_relative_to(HERE.parent.parent) else folder}: "
              f"{sum(variants.values())} questions {dict(sorted(variants.items()))}, {len(found)} problems")
    print("OK" if not bad else f"{bad} problems")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
