#!/usr/bin/env python3
"""Stdlib-only validator for the held-out table QA set in this folder.

Checks every line of questions.jsonl:
  * it is a JSON object with exactly the expected fields and types;
  * ids are unique; type/variant values are allowed and consistent;
  * doc_id names a file docs/<doc_id>.md or docs/<doc_id>.txt;
  * answerable items: non-empty answers, answers[0] and evidence occur
    verbatim in the document, and answers[0] occurs inside evidence;
  * unanswerable items: answers == [], evidence == "", type == "none";
  * the set-level minimums (size and per-variant counts).

Usage: python3 check.py [path/to/questions.jsonl]
Exit status 0 when everything passes, 1 otherwise.
"""
import collections
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
FIELDS = {"id", "question", "answers", "doc_id", "evidence", "type", "variant"}
VARIANTS = {"plain", "paraphrase", "traditional", "english", "unanswerable"}
MINIMUMS = {"total": 40, "paraphrase": 8, "traditional": 3, "english": 3,
            "unanswerable": 8}


def find_doc(doc_id):
    for ext in (".md", ".txt"):
        p = os.path.join(HERE, "docs", doc_id + ext)
        if os.path.isfile(p):
            return p
    return None


def main(argv):
    qpath = argv[1] if len(argv) > 1 else os.path.join(HERE, "questions.jsonl")
    errors = []
    seen = set()
    counts = collections.Counter()
    per_doc = collections.Counter()
    cache = {}
    n = 0
    with open(qpath, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                errors.append("line %d: blank line" % lineno)
                continue
            where = "line %d" % lineno
            try:
                q = json.loads(line)
            except ValueError as e:
                errors.append("%s: invalid JSON (%s)" % (where, e))
                continue
            if not isinstance(q, dict):
                errors.append("%s: not a JSON object" % where)
                continue
            n += 1
            keys = set(q)
            if keys != FIELDS:
                errors.append("%s: fields %s (missing %s, extra %s)" % (
                    where, sorted(keys), sorted(FIELDS - keys), sorted(keys - FIELDS)))
                continue
            where = "%s (%s)" % (where, q["id"])
            for k in ("id", "question", "doc_id", "evidence", "type", "variant"):
                if not isinstance(q[k], str):
                    errors.append("%s: %s must be a string" % (where, k))
            if not isinstance(q["answers"], list) or not all(
                    isinstance(a, str) and a for a in q["answers"]):
                errors.append("%s: answers must be a list of non-empty strings" % where)
                continue
            if not re.fullmatch(r"u\d{3}", q["id"]):
                errors.append("%s: id should look like u001" % where)
            if q["id"] in seen:
                errors.append("%s: duplicate id" % where)
            seen.add(q["id"])
            if not q["question"].strip():
                errors.append("%s: empty question" % where)
            if q["variant"] not in VARIANTS:
                errors.append("%s: unknown variant %r" % (where, q["variant"]))
            counts[q["variant"]] += 1
            per_doc[q["doc_id"]] += 1
            path = find_doc(q["doc_id"])
            if path is None:
                errors.append("%s: no docs/%s.md or .txt" % (where, q["doc_id"]))
                continue
            if path not in cache:
                with open(path, encoding="utf-8") as df:
                    cache[path] = df.read()
            text = cache[path]
            if q["variant"] == "unanswerable":
                if q["answers"] != []:
                    errors.append("%s: unanswerable item must have answers []" % where)
                if q["evidence"] != "":
                    errors.append("%s: unanswerable item must have evidence \"\"" % where)
                if q["type"] != "none":
                    errors.append("%s: unanswerable item must have type none" % where)
                continue
            if q["type"] != "metric":
                errors.append("%s: answerable item must have type metric" % where)
            if not q["answers"]:
                errors.append("%s: answerable item has no answers" % where)
                continue
            first = q["answers"][0]
            if first not in text:
                errors.append("%s: first answer %r not in %s" % (
                    where, first, os.path.basename(path)))
            if not q["evidence"]:
                errors.append("%s: answerable item has empty evidence" % where)
            elif q["evidence"] not in text:
                errors.append("%s: evidence not verbatim in %s" % (
                    where, os.path.basename(path)))
            elif first not in q["evidence"]:
                errors.append("%s: first answer %r not inside evidence" % (where, first))
    counts["total"] = n
    for k, m in MINIMUMS.items():
        if counts[k] < m:
            errors.append("set: %s has %d items, needs >= %d" % (k, counts[k], m))
    print("items: %d" % n)
    for v in sorted(VARIANTS):
        print("  %-13s %d" % (v, counts[v]))
    print("per document:")
    for d, c in sorted(per_doc.items()):
        print("  %-32s %d" % (d, c))
    if errors:
        print("\nFAILED (%d problems):" % len(errors))
        for e in errors:
            print("  " + e)
        return 1
    print("\nOK")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
