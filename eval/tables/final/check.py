#!/usr/bin/env python3
"""Validate eval/tables-final/questions.jsonl against the captured documents (stdlib only).

Checks: JSON fields and types, unique ids, allowed variants/types, that each doc_id
names a file in docs/, that every first answer and every non-empty evidence string
occurs verbatim in its document, and the minimum counts per variant.
Exit status 0 when everything passes, 1 otherwise.
"""
import json
import os
import sys
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
DOCS = os.path.join(HERE, "docs")
QFILE = os.path.join(HERE, "questions.jsonl")

FIELDS = {"id": str, "question": str, "answers": list, "doc_id": str,
          "evidence": str, "type": str, "variant": str}
VARIANTS = {"plain", "paraphrase", "traditional", "english", "unanswerable"}
MINIMUMS = {"paraphrase": 8, "traditional": 3, "english": 3, "unanswerable": 8}
MIN_TOTAL = 40


def load_docs():
    docs = {}
    for name in sorted(os.listdir(DOCS)):
        stem, ext = os.path.splitext(name)
        if ext in (".md", ".txt"):
            if stem in docs:
                raise SystemExit(f"duplicate document id {stem}")
            with open(os.path.join(DOCS, name), encoding="utf-8") as f:
                docs[stem] = f.read()
    return docs


def main():
    docs = load_docs()
    errors = []
    seen = set()
    variants = Counter()
    used_docs = Counter()
    n = 0
    with open(QFILE, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                errors.append(f"line {lineno}: blank line")
                continue
            try:
                q = json.loads(line)
            except json.JSONDecodeError as e:
                errors.append(f"line {lineno}: bad JSON ({e})")
                continue
            n += 1
            where = f"line {lineno} ({q.get('id', '?')})"
            if set(q) != set(FIELDS):
                errors.append(f"{where}: fields {sorted(q)} != {sorted(FIELDS)}")
            for k, typ in FIELDS.items():
                if k in q and not isinstance(q[k], typ):
                    errors.append(f"{where}: {k} should be {typ.__name__}")
            if not all(isinstance(a, str) and a for a in q.get("answers", [])):
                errors.append(f"{where}: answers must be non-empty strings")
            qid = q.get("id")
            if qid in seen:
                errors.append(f"{where}: duplicate id")
            seen.add(qid)
            if not q.get("question", "").strip():
                errors.append(f"{where}: empty question")
            v = q.get("variant")
            if v not in VARIANTS:
                errors.append(f"{where}: unknown variant {v!r}")
            variants[v] += 1
            d = q.get("doc_id")
            if d not in docs:
                errors.append(f"{where}: doc_id {d!r} not in docs/")
                continue
            used_docs[d] += 1
            text = docs[d]
            answers = q.get("answers", [])
            ev = q.get("evidence", "")
            if v == "unanswerable":
                if answers or q.get("type") != "none" or ev != "":
                    errors.append(f"{where}: unanswerable needs answers=[], type='none', evidence=''")
            else:
                if not answers:
                    errors.append(f"{where}: answerable question without answers")
                elif answers[0] not in text:
                    errors.append(f"{where}: first answer {answers[0]!r} not found verbatim in {d}")
                if q.get("type") != "metric":
                    errors.append(f"{where}: type should be 'metric'")
                if not ev:
                    errors.append(f"{where}: evidence is empty")
            if ev and ev not in text:
                errors.append(f"{where}: evidence {ev!r} not found verbatim in {d}")
    if n < MIN_TOTAL:
        errors.append(f"only {n} questions (< {MIN_TOTAL})")
    for v, m in MINIMUMS.items():
        if variants[v] < m:
            errors.append(f"variant {v}: {variants[v]} (< {m})")
    unused = sorted(set(docs) - set(used_docs))
    if unused:
        errors.append(f"documents without questions: {unused}")
    print(f"{n} questions, {len(docs)} documents")
    print("by variant:", dict(sorted(variants.items())))
    print("by document:", dict(sorted(used_docs.items())))
    if errors:
        print(f"FAILED ({len(errors)} problems):")
        for e in errors:
            print("  -", e)
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
