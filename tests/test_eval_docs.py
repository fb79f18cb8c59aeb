"""`qa eval --docs`: a held-out set is answered over the corpus plus its own documents, indexed apart."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from qa.cli.main import cli
from qa.evaluation.corpora import CorpusLayoutError, combined_corpus
from conftest import CORPUS_DIR


def test_combined_corpus_lays_the_folders_side_by_side_and_is_reused(tmp_path: Path) -> None:
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "dongying-2023.txt").write_text("东营市2023年专利授权量5268件。\n", encoding="utf-8")
    corpus, index = combined_corpus(CORPUS_DIR, [extra], tmp_path / "work")
    names = sorted(p.name for p in corpus.iterdir())
    assert "dongying-2023.txt" in names and len(names) == len(list(CORPUS_DIR.iterdir())) + 1
    again, index2 = combined_corpus(CORPUS_DIR, [extra], tmp_path / "work")
    assert (again, index2) == (corpus, index) and index.parent == corpus.parent
    (extra / "dongying-2023.txt").unlink()
    (extra / "other.txt").write_text("其他\n", encoding="utf-8")
    assert "dongying-2023.txt" not in {p.name for p in combined_corpus(CORPUS_DIR, [extra], tmp_path / "work")[0].iterdir()}
    clash = tmp_path / "clash"
    clash.mkdir()
    name = next(CORPUS_DIR.iterdir()).name
    (clash / name).write_text("不同的内容\n", encoding="utf-8")
    with pytest.raises(CorpusLayoutError, match="rename"):
        combined_corpus(CORPUS_DIR, [clash], tmp_path / "work")


def test_eval_answers_over_extra_documents(tmp_path: Path) -> None:
    extra = tmp_path / "docs"
    extra.mkdir()
    (extra / "dongying-2023.txt").write_text(
        "东营市2023年知识产权新闻发布会\n2024年2月,东营市市场监管局介绍,2023年全市专利授权量5268件。\n", encoding="utf-8"
    )
    qs = tmp_path / "q.jsonl"
    qs.write_text(json.dumps({
        "id": "t1", "question": "2023年东营市专利授权量是多少?", "answers": ["5268件"], "doc_id": "dongying-2023",
        "evidence": "专利授权量5268件", "type": "metric", "variant": "plain",
    }, ensure_ascii=False) + "\n", encoding="utf-8")
    conv = tmp_path / "c.jsonl"
    conv.write_text("", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, [
        "--index-dir", str(tmp_path / "index"), "--embedder", "hashing", "--reader", "rules", "--no-progress",
        "eval", "--docs", str(extra), "--set", str(qs), "--conversations", str(conv), "--retriever", "bm25",
        "--out", str(out), "--name", "held-out", "--json",
    ], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["retrieval"]["bm25"]["recall_5"] == 1.0
    assert report["config"]["reader"] == "rules" and (out / "held-out.md").is_file()


def test_a_set_without_conversations_beside_it_is_run_without_any(tmp_path: Path) -> None:
    """--conversations defaults to the conversations.jsonl beside the question set: a set that has
    none is not run with the own set's conversations."""
    folder = tmp_path / "set"
    folder.mkdir()
    qs = folder / "questions.jsonl"
    qs.write_text(json.dumps({
        "id": "t1", "question": "亳州有效发明专利量是多少?", "answers": ["3721件"], "doc_id": "bozhou-ip-press-conference-2023",
        "evidence": "3721件", "type": "metric", "variant": "plain",
    }, ensure_ascii=False) + "\n", encoding="utf-8")
    args = ["--index-dir", str(tmp_path / "index"), "--embedder", "hashing", "--reader", "rules", "--no-progress",
            "eval", "--set", str(qs), "--retriever", "bm25", "--out", str(tmp_path / "out"), "--json"]
    report = json.loads(CliRunner().invoke(cli, args, catch_exceptions=False).stdout)
    assert report["conversations"] is None and report["config"]["conversation_set"] is None
    (folder / "conversations.jsonl").write_text(json.dumps({"id": "c1", "turns": [{
        "question": "亳州有效发明专利量是多少?", "answers": ["3721件"], "doc_id": "bozhou-ip-press-conference-2023",
        "evidence": "3721件",
    }]}, ensure_ascii=False) + "\n", encoding="utf-8")
    report = json.loads(CliRunner().invoke(cli, args, catch_exceptions=False).stdout)
    assert report["conversations"]["turns"] == 1 and report["config"]["conversation_set"].endswith("set/conversations.jsonl")
