#!/usr/bin/env python3
"""Validate eval/tables/questions.jsonl against eval/tables/docs/ (stdlib only).

Checks: required fields and types, unique ids, allowed variant/type values,
doc_id resolves to docs/<doc_id>.md or .txt, every first answer and every
evidence string occurs verbatim in its document, the first answer occurs inside
the evidence, later answers are either verbatim in the document or the first
answer plus a unit suffix, and unanswerable items have answers == [] and
type == "none". Exit status 0 when everything passes.
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
QFILE = os.path.join(HERE, "questions.jsonl")
DOCDIR = os.path.join(HERE, "docs")
FIELDS = {"id": str, "question": str, "answers": list, "doc_id": str,
          "evidence": str, "type": str, "variant": str}
VARIANTS = {"plain", "paraphrase", "traditional", "english", "unanswerable"}
UNITS = {"件", "项", "个", "%", " pieces", " piece"}


def load_doc(doc_id):
    for ext in (".md", ".txt"):
        p = os.path.join(DOCDIR, doc_id + ext)
        if os.path.isfile(p):
            with open(p, encoding="utf-8") as f:
                return f.read()
    return None


def main():
    errors, seen, n = [], set(), 0
    counts = {}
    with open(QFILE, encoding="utf-8") as f:
        for lineno, raw in enumerate(f, 1):
            if not raw.strip():
                continue
            n += 1
            where = f"line {lineno}"
            try:
                q = json.loads(raw)
            except json.JSONDecodeError as e:
                errors.append(f"{where}: bad JSON ({e})")
                continue
            for k, t in FIELDS.items():
                if k not in q:
                    errors.append(f"{where}: missing field {k!r}")
                elif not isinstance(q[k], t):
                    errors.append(f"{where}: field {k!r} should be {t.__name__}")
            extra = set(q) - set(FIELDS)
            if extra:
                errors.append(f"{where}: unexpected fields {sorted(extra)}")
            if any(k not in q or not isinstance(q[k], FIELDS[k]) for k in FIELDS):
                continue
            where = f"{where} ({q['id']})"
            if q["id"] in seen:
                errors.append(f"{where}: duplicate id")
            seen.add(q["id"])
            if not q["question"].strip():
                errors.append(f"{where}: empty question")
            if q["variant"] not in VARIANTS:
                errors.append(f"{where}: unknown variant {q['variant']!r}")
            counts[q["variant"]] = counts.get(q["variant"], 0) + 1
            if not all(isinstance(a, str) and a for a in q["answers"]):
                errors.append(f"{where}: answers must be non-empty strings")
                continue
            doc = load_doc(q["doc_id"])
            if doc is None:
                errors.append(f"{where}: no document docs/{q['doc_id']}.md|.txt")
                continue
            if q["variant"] == "unanswerable":
                if q["answers"] != []:
                    errors.append(f"{where}: unanswerable item must have answers == []")
                if q["type"] != "none":
                    errors.append(f"{where}: unanswerable item must have type 'none'")
                if q["evidence"] and q["evidence"] not in doc:
                    errors.append(f"{where}: evidence not verbatim in document")
                continue
            if q["type"] != "metric":
                errors.append(f"{where}: answerable item should have type 'metric'")
            if not q["answers"]:
                errors.append(f"{where}: answerable item has no answers")
                continue
            if not q["evidence"]:
                errors.append(f"{where}: answerable item has empty evidence")
            elif q["evidence"] not in doc:
                errors.append(f"{where}: evidence not verbatim in document")
            first = q["answers"][0]
            if first not in doc:
                errors.append(f"{where}: first answer {first!r} not verbatim in document")
            if q["evidence"] and first not in q["evidence"]:
                errors.append(f"{where}: first answer {first!r} not inside evidence")
            for a in q["answers"][1:]:
                if a in doc:
                    continue
                if a.startswith(first) and a[len(first):] in UNITS:
                    continue
                errors.append(f"{where}: answer {a!r} neither verbatim nor first answer + unit")
    if n == 0:
        errors.append("no questions found")
    for e in errors:
        print("FAIL", e)
    print(f"{n} questions; by variant: {dict(sorted(counts.items()))}")
    print("OK" if not errors else f"{len(errors)} problem(s)")
    return 0 if not errors else 1


if __name__ == "__main__":
    sys.exit(main())
