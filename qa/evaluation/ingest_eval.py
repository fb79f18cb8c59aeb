"""Ingest evaluation: title and date accuracy, and furniture left in the text, on real captures.

    python -m qa.evaluation.ingest_eval [--set eval/ingest] [--out eval/reports]

Reads `<set>/sources.jsonl` (the truth: title, published, furniture strings that must be gone) and
`<set>/captures/` (the files), loads them as a corpus and writes `ingest.json` and `ingest.md`.
Targets (issue 12): title right >= 90 %, date right >= 95 %, no furniture string in any cleaned text."""

from __future__ import annotations

import argparse
import json
import logging
import unicodedata
from pathlib import Path

from ..documents import load_corpus

log = logging.getLogger(__name__)

TARGETS = {"title": 0.90, "date": 0.95}


def _norm(text: str | None) -> str:
    return "".join(unicodedata.normalize("NFKC", text or "").split())


def evaluate(set_dir: Path) -> dict:
    truth = [json.loads(line) for line in (set_dir / "sources.jsonl").read_text(encoding="utf-8").splitlines() if line]
    corpus = load_corpus(set_dir / "captures")
    by_path = {Path(d.path).name: d for d in corpus.documents}
    skipped = {Path(s.path).name: s.reason for s in corpus.skipped}
    rows = []
    for item in truth:
        name = f"{item['id']}.{item['format']}"
        doc = by_path.get(name)
        row = {"id": item["id"], "format": item["format"], "url": item["url"], "true_title": item["title"],
               "true_date": item["published"]}
        if doc is None:
            row |= {"skipped": skipped.get(name, "missing"), "title_ok": False, "date_ok": False, "furniture_left": []}
        else:
            row |= {
                "title": doc.title, "date": doc.published, "source": doc.source, "provenance": doc.provenance,
                "title_ok": _norm(doc.title) == _norm(item["title"]),
                "date_ok": doc.published == item["published"],
                "furniture_left": [f for f in item.get("furniture", []) if f in doc.text],
            }
        rows.append(row)
    n = len(rows)
    summary = {
        "documents": n,
        "by_format": {f: sum(1 for r in rows if r["format"] == f) for f in sorted({r["format"] for r in rows})},
        "title_accuracy": round(sum(r["title_ok"] for r in rows) / n, 4) if n else 0.0,
        "date_accuracy": round(sum(r["date_ok"] for r in rows) / n, 4) if n else 0.0,
        "documents_with_furniture": sum(1 for r in rows if r["furniture_left"]),
        "skipped": sum(1 for r in rows if "skipped" in r),
        "targets": TARGETS,
    }
    summary["title_target_met"] = summary["title_accuracy"] >= TARGETS["title"]
    summary["date_target_met"] = summary["date_accuracy"] >= TARGETS["date"]
    summary["furniture_target_met"] = summary["documents_with_furniture"] == 0
    return {"summary": summary, "documents": rows}


def to_markdown(report: dict) -> str:
    s = report["summary"]
    ok = {True: "met", False: "NOT met"}
    lines = [
        "# Ingest evaluation: title, date and furniture on real captures",
        "",
        f"{s['documents']} captures ({', '.join(f'{k} {v}' for k, v in s['by_format'].items())}); "
        f"set: eval/ingest/ (sources.jsonl: address, true title and date of each).",
        "",
        "| measure | value | target | |",
        "|---|---|---|---|",
        f"| title right | {s['title_accuracy']:.1%} | ≥ {s['targets']['title']:.0%} | {ok[s['title_target_met']]} |",
        f"| date right | {s['date_accuracy']:.1%} | ≥ {s['targets']['date']:.0%} | {ok[s['date_target_met']]} |",
        f"| captures with navigation/comment text left | {s['documents_with_furniture']} | 0 | "
        f"{ok[s['furniture_target_met']]} |",
        "",
        "| capture | format | title | date (true) | provenance (title/date/source) | furniture left |",
        "|---|---|---|---|---|---|",
    ]
    for r in report["documents"]:
        if "skipped" in r:
            lines.append(f"| {r['id']} | {r['format']} | skipped: {r['skipped']} | ({r['true_date']}) | | |")
            continue
        title = ("✓ " if r["title_ok"] else "✗ ") + (r["title"] or "")
        if not r["title_ok"]:
            title += f" (true: {r['true_title']})"
        date = ("✓ " if r["date_ok"] else "✗ ") + str(r["date"]) + ("" if r["date_ok"] else f" ({r['true_date']})")
        prov = "/".join(r["provenance"].get(k, "?") for k in ("title", "published", "source"))
        lines.append(f"| {r['id']} | {r['format']} | {title} | {date} | {prov} | {', '.join(r['furniture_left'])} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", type=Path, default=Path("eval/ingest"))
    parser.add_argument("--out", type=Path, default=Path("eval/reports"))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    report = evaluate(args.set)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "ingest.json").write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (args.out / "ingest.md").write_text(to_markdown(report), encoding="utf-8")
    s = report["summary"]
    print(f"title {s['title_accuracy']:.1%}, date {s['date_accuracy']:.1%}, "
          f"furniture left in {s['documents_with_furniture']} of {s['documents']}")


if __name__ == "__main__":
    main()
