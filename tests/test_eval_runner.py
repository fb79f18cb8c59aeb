"""The evaluation runner, reports and `qa eval` (the fast tier uses the hashing-embedder pipeline)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

from qa.cli.main import cli
from qa.evaluation import metrics
from qa.evaluation.dataset import Conversation, EvalQuestion, load_conversations, load_questions, resolve_doc_ids
from qa.evaluation.report import render_markdown, write_reports
from qa.evaluation.runner import EvalSets, Runner
from qa.pipeline import Pipeline
from qa.settings import PROJECT_ROOT, RetrieverName
from qa.types import AskResult, Citation, Turn

EVAL_DIR = PROJECT_ROOT / "eval"


def _sets(n_questions: int = 6, n_conversations: int = 2) -> EvalSets:
    questions = load_questions(EVAL_DIR / "questions.jsonl")
    picked = questions[:n_questions] + [q for q in questions if not q.answerable][:2]
    return EvalSets(
        questions=picked,
        conversations=load_conversations(EVAL_DIR / "conversations.jsonl")[:n_conversations],
        question_set="eval/questions.jsonl",
        conversation_set="eval/conversations.jsonl",
    )


def test_runner_writes_both_reports_with_all_retrievers(pipeline: Pipeline, tmp_path: Path) -> None:
    sets = _sets()
    report = Runner(pipeline, [RetrieverName.hybrid, RetrieverName.bm25, RetrieverName.dense]).run(sets)
    json_path, md_path = write_reports(report, tmp_path, "run")
    assert (json_path.name, md_path.name) == ("run.json", "run.md")

    data = json.loads(json_path.read_text(encoding="utf-8"))
    answerable = [q for q in sets.questions if q.answerable]
    assert list(data["retrieval"]) == ["bm25", "dense", "hybrid"]  # side by side, fixed order
    for name, row in data["retrieval"].items():
        assert row["n"] == len(answerable)
        assert 0.0 <= row["recall_1"] <= row["recall_5"] <= row["recall_10"] <= 1.0
    config = data["config"]
    assert config["embedder"] == pipeline.embedder.embedder_id
    assert config["index_build"] == pipeline.index.name
    assert config["corpus_fingerprint"] == pipeline.index.manifest["corpus"]["fingerprint"]
    assert (config["fusion"], config["rrf_k"], config["backend"]) == ("rrf", 60, "embedded")
    assert config["qa_version"] and config["top_k"] == pipeline.settings.top_k
    assert data["answers"]["questions"] == len(sets.questions)
    assert data["answers"]["unanswerable"] == 2
    assert data["conversations"]["turns"] == sum(len(c.turns) for c in sets.conversations)
    assert {row["key"] for row in data["breakdown"]["type"]} == {q.type for q in sets.questions}
    assert {row["key"] for row in data["breakdown"]["document"]} >= {"(none)", "sz-ip-work-conference-2024"}
    assert len(data["questions"]) == len(sets.questions)

    md = md_path.read_text(encoding="utf-8")
    assert "| metric (n=6) | bm25 | dense | hybrid |" in md
    for label in ("R@1", "R@5", "R@10", "MRR@10", "nDCG@10", "citation faithfulness", "conversation turn accuracy"):
        assert f"| {label}" in md
    assert "### By variant" in md and "### By document" in md and "## Failing cases" in md


def test_retrieval_scores_match_a_direct_search(pipeline: Pipeline) -> None:
    sets = _sets(n_questions=4, n_conversations=0)
    report = Runner(pipeline, [RetrieverName.bm25]).run(sets)
    for q, item in zip(sets.questions, report.questions):
        if not q.answerable:
            assert item.retrieval == {}
            continue
        passages = pipeline.search(q.question, RetrieverName.bm25, 10).passages
        rel = [metrics.is_relevant(p.text, p.doc_id, q.evidence, q.doc_id) for p in passages]
        expected = next((i for i, r in enumerate(rel, start=1) if r), None)
        assert item.retrieval["bm25"].first_rank == expected
        assert item.retrieval["bm25"].mrr_10 == metrics.mrr_at_k(rel, 10)
    assert report.conversations is None


@dataclass
class ScriptedPipeline:
    """The real pipeline for retrieval and documents; scripted answers to check the judging."""

    real: Pipeline
    answers: dict[str, str | None]  # question -> answer text (None = abstain)
    histories: list[list[Turn]] = field(default_factory=list)

    def __getattr__(self, name: str):  # settings, index, documents, embedder, search
        return getattr(self.real, name)

    def ask(self, question: str, history, retriever=None, top_k=None) -> AskResult:
        self.histories.append(list(history))
        answer = self.answers.get(question)
        if answer == "RAISE":
            raise KeyError("boom")
        citations = []
        if answer is not None:
            doc = next(d for d in self.real.documents.values() if answer in d.text)
            start = doc.text.index(answer)
            citations = [Citation(doc.doc_id, f"{doc.doc_id}-0", doc.title, doc.published, start, start + len(answer), answer)]
        return AskResult(
            question=question, resolved_question=question, answer=answer, abstained=answer is None,
            reason="不知道" if answer is None else None, confidence=0.5, sentence=None, as_of=None,
            citations=citations, passages=self.real.search(question, retriever, top_k).passages,
        )


def _q(qid: str, question: str, answers: tuple[str, ...], evidence: str = "", doc_id: str = "") -> EvalQuestion:
    return EvalQuestion(qid, question, answers, doc_id, evidence, "metric" if answers else "none", "plain" if answers else "unanswerable")


def test_runner_judges_answers_abstentions_citations_and_turns(pipeline: Pipeline, tmp_path: Path) -> None:
    doc = "sz-ip-work-conference-2024"
    questions = [
        _q("a", "2023年深圳全市国内专利授权量是多少?", ("23.51万件",), "全市国内专利授权量23.51万件", doc),  # right
        _q("b", "2023年深圳的商标注册量是多少?", ("24.97万件",), "商标注册量24.97万件", doc),  # wrong answer
        _q("c", "2023年深圳每亿元GDP专利产出量是多少?", ("6.79件",), "每亿元GDP专利产出量6.79件", doc),  # abstains
        _q("d", "2023年北京市国内专利授权量是多少?", ()),  # abstains: right
        _q("e", "上海每万人口高价值发明专利拥有量是多少?", ()),  # answers: wrong
    ]
    turns = (
        _q("t1", "会议是谁主持的?", ("李军",), "李军主持", doc),
        _q("t2", "那北京呢?", ()),
    )
    scripted = ScriptedPipeline(pipeline, {"2023年深圳全市国内专利授权量是多少?": "23.51万件",
                                           "2023年深圳的商标注册量是多少?": "23.51万件",
                                           "上海每万人口高价值发明专利拥有量是多少?": "98.36件",
                                           "会议是谁主持的?": "李军"})
    sets = EvalSets(questions, [Conversation("c", turns)], "inline")
    report = Runner(scripted, [RetrieverName.bm25], show_progress=False).run(sets)

    a = report.answers
    # EM: a only. F1: a 1, b 2/3 (the wrong number still shares 万 and 件 with 24.97万件), c 0
    assert a.em == pytest.approx(1 / 3, abs=1e-4) and a.f1 == pytest.approx((1 + 2 / 3) / 3, abs=1e-4)
    assert (a.abstained, a.unanswerable, a.correct_abstentions) == (2, 2, 1)
    assert a.abstention_precision == 0.5 and a.abstention_recall == 0.5
    assert (a.answered, a.faithful, a.citation_faithfulness) == (3, 3, 1.0)
    assert a.accuracy == pytest.approx(0.4)  # a and d
    conv = report.conversations
    assert (conv.turns, conv.correct_turns, conv.turn_accuracy, conv.conversations_all_correct) == (2, 2, 1.0, 1)
    # the second turn saw the first as history: the user question and the assistant's answer
    assert scripted.histories[-1] == [Turn("user", "会议是谁主持的?"), Turn("assistant", "李军")]
    assert scripted.histories[-2] == []

    failed = {f.id: f for f in report.failures}
    assert set(failed) == {"b", "c", "e"}
    assert failed["b"].reason.startswith("wrong answer") and failed["b"].got == "23.51万件"
    assert failed["c"].reason.startswith("abstained on an answerable question") and failed["c"].expected == "6.79件"
    assert failed["e"].reason.startswith("answered an unanswerable question") and failed["e"].expected == "(abstain)"
    md = render_markdown(report, "scripted")
    assert "| b | 2023年深圳的商标注册量是多少? | 24.97万件 | 23.51万件 | wrong answer" in md
    assert "| abstention precision | 0.500 (1/2) |" in md


def test_a_pipeline_error_is_a_failing_case_not_the_end_of_the_run(pipeline: Pipeline) -> None:
    questions = [_q("x", "会议是谁主持的?", ("李军",), "李军主持", "sz-ip-work-conference-2024"), _q("y", "那北京呢?", ())]
    scripted = ScriptedPipeline(pipeline, {"会议是谁主持的?": "RAISE"})
    report = Runner(scripted, [RetrieverName.bm25], show_progress=False).run(EvalSets(questions, [], "inline"))
    assert report.answers.errors == 1 and report.answers.answered == 0
    assert report.answers.accuracy == 0.5  # y abstained correctly after x failed
    assert [(f.id, f.got, f.reason) for f in report.failures] == [("x", "(error)", "error: KeyError: 'boom'")]
    assert "| pipeline errors (see failing cases) | 1 |" in render_markdown(report, "err")


def _cli(settings, *args: str):
    base = ["--corpus-dir", str(settings.corpus_dir), "--index-dir", str(settings.index_dir),
            "--embedder", settings.embedder.value, "--no-progress"]
    return CliRunner().invoke(cli, base + list(args), catch_exceptions=False)


def test_eval_gate_passes_against_itself_and_fails_on_a_higher_baseline(pipeline: Pipeline, tmp_path: Path) -> None:
    settings = pipeline.settings
    out = tmp_path / "reports"
    result = _cli(settings, "eval", "--limit", "4", "--out", str(out), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["answers"]["questions"] == 4
    baseline = out / "latest.json"
    assert baseline.is_file() and (out / "latest.md").is_file()

    passed = _cli(settings, "eval", "--limit", "4", "--out", str(out), "--name", "again", "--gate", str(baseline))
    assert passed.exit_code == 0, passed.output
    assert "gate passed" in passed.output and (out / "again.md").is_file()

    data = json.loads(baseline.read_text(encoding="utf-8"))
    data["answers"]["f1"] = data["answers"]["f1"] + 0.05  # the run is now 0.05 below: beyond 0.02
    raised = tmp_path / "raised.json"
    raised.write_text(json.dumps(data), encoding="utf-8")
    failed = _cli(settings, "eval", "--limit", "4", "--out", str(out), "--name", "x", "--gate", str(raised))
    assert failed.exit_code != 0
    assert "regression" in failed.output and "answer F1" in failed.output and "BELOW" in failed.output
    assert "hybrid Recall@5" not in failed.output.split("regression", 1)[1]  # only the failing metric
    loose = _cli(settings, "eval", "--limit", "4", "--out", str(out), "--name", "x", "--gate", str(raised), "--tolerance", "0.1")
    assert loose.exit_code == 0, loose.output


def test_a_set_may_name_a_document_by_its_file_name_without_the_extension() -> None:
    known = ["sz-ip-work-conference-2024", "pct_regions.md", "grants.html", "grants.md", "report.v2"]
    questions = [
        _q("a", "x?", ("1",), "e", "sz-ip-work-conference-2024"),  # an id as the index spells it
        _q("b", "x?", ("1",), "e", "pct_regions"),  # pct_regions.md
        _q("c", "x?", ("1",), "e", "grants"),  # two files answer to it: not guessed
        _q("d", "x?", ("1",), "e", "nowhere"),
        _q("e", "x?", ()),  # unanswerable: no document
        _q("f", "x?", ("1",), "e", "report"),  # report.v2 is no file extension
    ]
    resolved, unknown = resolve_doc_ids(questions, known)
    assert [q.doc_id for q in resolved] == ["sz-ip-work-conference-2024", "pct_regions.md", "grants", "nowhere", "", "report"]
    assert unknown == ["grants", "nowhere", "report"]
    assert [q.id for q in resolved] == [q.id for q in questions] and resolved[1].evidence == "e"


def test_a_held_out_set_reports_aggregates_and_no_question(pipeline: Pipeline, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    result = _cli(pipeline.settings, "eval", "--limit", "6", "--out", str(out), "--name", "hidden", "--held-out")
    assert result.exit_code == 0, result.output
    data = json.loads((out / "hidden.json").read_text(encoding="utf-8"))
    assert data["held_out"] is True and data["answers"]["questions"] == 6
    assert data["questions"] == [] and data["turns"] == [] and data["failures"] == []
    assert data["failing"] >= 0 and data["breakdown"]["variant"]  # aggregates stay
    md = (out / "hidden.md").read_text(encoding="utf-8")
    assert "not listed: this set is held out" in md and "| accuracy (all questions)" in md
    for q in load_questions(EVAL_DIR / "questions.jsonl")[:6]:
        assert q.question not in md and q.question not in result.output

    shown = _cli(pipeline.settings, "eval", "--limit", "6", "--out", str(out), "--name", "shown")
    assert shown.exit_code == 0, shown.output
    data = json.loads((out / "shown.json").read_text(encoding="utf-8"))
    assert data["held_out"] is False and len(data["questions"]) == 6 and "failing" not in data


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--retriever", "bm25,sparse"], "sparse is not a retriever"),
        (["--retriever", "bm25", "--gate", "eval/questions.jsonl"], "include hybrid"),
        (["--set", "no/such.jsonl"], "eval set not found"),
        (["--gate", "no/such.json"], "baseline report not found"),
        (["--name", "../up"], "--name"),
    ],
)
def test_eval_bad_input_gets_a_clear_message(pipeline: Pipeline, tmp_path: Path, args: list[str], message: str) -> None:
    result = _cli(pipeline.settings, "eval", "--out", str(tmp_path), *args)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output


def test_bad_eval_lines_name_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "q.jsonl"
    path.write_text('{"id": "a", "question": "x?", "answers": []}\n{"id": "b", "question": "", "answers": []}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"q.jsonl:2: 'question'"):
        load_questions(path)
    path.write_text('{"id": "a", "question": "x?", "answers": ["1"]}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="needs its 'evidence'"):
        load_questions(path)


@pytest.mark.slow
def test_qa_eval_end_to_end_with_the_default_model(e5_pipeline: Pipeline, tmp_path: Path) -> None:
    settings = e5_pipeline.settings
    result = _cli(settings, "eval", "--limit", "5", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "latest.json").read_text(encoding="utf-8"))
    assert data["config"]["embedder"].startswith("e5-small")
    assert data["answers"]["questions"] == 5 and data["conversations"]["conversations"] == 5
    assert set(data["retrieval"]) == {"bm25", "dense", "hybrid"}
    # the first questions are plain lookups: the hybrid retriever finds their evidence in the top 10
    assert data["retrieval"]["hybrid"]["recall_10"] == 1.0
    md = (tmp_path / "latest.md").read_text(encoding="utf-8")
    assert "| metric (n=5) | bm25 | dense | hybrid |" in md and "limited to the first 5" in md
