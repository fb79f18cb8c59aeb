# Checks JSON validity and that every answer/evidence string occurs verbatim in the named document.
import json, os, sys, collections
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
def load_docs(d):
    return {f[:-4]: open(os.path.join(d, f), encoding="utf-8").read() for f in os.listdir(d) if f.endswith(".txt")}
def check(split_dir, prefix, cprefix):
    docs = load_docs(os.path.join(split_dir, "docs"))
    errs = 0; var = collections.Counter(); typ = collections.Counter(); ids = set()
    def chk(where, q):
        nonlocal errs
        d = q["doc_id"]
        if d not in docs:
            print("MISSING DOC", where, d); errs += 1; return
        t = docs[d]
        for a in q["answers"]:
            if a not in t: print("ANSWER NOT FOUND", where, repr(a)); errs += 1
        if q["evidence"] and q["evidence"] not in t:
            print("EVIDENCE NOT FOUND", where, repr(q["evidence"])); errs += 1
        if q["answers"] and not q["evidence"]:
            print("NO EVIDENCE", where); errs += 1
        if q["answers"] and not any(a in q["evidence"] for a in q["answers"]):
            print("EVIDENCE LACKS ANSWER", where); errs += 1
        if q["evidence"] and not (5 <= len(q["evidence"]) <= 60):
            print("EVIDENCE LENGTH", where, len(q["evidence"]))
    for line in open(os.path.join(split_dir, "questions.jsonl"), encoding="utf-8"):
        q = json.loads(line)
        assert q["id"].startswith(prefix) and q["id"] not in ids; ids.add(q["id"])
        assert set(q) == {"id","question","answers","doc_id","evidence","type","variant"}, q["id"]
        assert q["type"] in {"metric","event","policy","none"} and q["variant"] in {"plain","paraphrase","traditional","confusable","unanswerable","english"}
        assert (q["variant"] == "unanswerable") == (q["answers"] == []), q["id"]
        var[q["variant"]] += 1; typ[q["type"]] += 1
        chk(q["id"], q)
    nconv = 0; nturn = 0; nun = 0
    for line in open(os.path.join(split_dir, "conversations.jsonl"), encoding="utf-8"):
        c = json.loads(line); nconv += 1
        assert c["id"].startswith(cprefix) and 2 <= len(c["turns"]) <= 4
        for i, t in enumerate(c["turns"]):
            nturn += 1; nun += (t["answers"] == [])
            chk("%s#%d" % (c["id"], i + 1), t)
    print(split_dir, "questions", sum(var.values()), dict(var), dict(typ), "conversations", nconv, "turns", nturn, "unanswerable turns", nun, "errors", errs)
    return errs
e = check(ROOT, "g", "gc")
if os.path.exists(os.path.join(ROOT, "dev", "questions.jsonl")):
    e += check(os.path.join(ROOT, "dev"), "d", "dc")
if os.path.exists(os.path.join(ROOT, "dev2", "questions.jsonl")):
    e += check(os.path.join(ROOT, "dev2"), "e", "ec")
if os.path.exists(os.path.join(ROOT, "dev3", "questions.jsonl")):
    e += check(os.path.join(ROOT, "dev3"), "f", "fc")
if os.path.exists(os.path.join(ROOT, "dev4", "questions.jsonl")):
    e += check(os.path.join(ROOT, "dev4"), "h", "hc")
if os.path.exists(os.path.join(ROOT, "dev5", "questions.jsonl")):
    e += check(os.path.join(ROOT, "dev5"), "k", "kc")
if os.path.exists(os.path.join(ROOT, "dev6", "questions.jsonl")):
    e += check(os.path.join(ROOT, "dev6"), "m", "mc")
if os.path.exists(os.path.join(ROOT, "dev7", "questions.jsonl")):
    e += check(os.path.join(ROOT, "dev7"), "n", "nc")
sys.exit(1 if e else 0)
