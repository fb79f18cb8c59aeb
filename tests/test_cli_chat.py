"""`qa ask` and `qa chat` as a person uses them: readable answers, a conversation from a pipe."""

from __future__ import annotations

import json

from click.testing import CliRunner

from qa.cli.main import cli
from qa.settings import Settings


def invoke(settings: Settings, *args: str, stdin: str | None = None):  # noqa: ANN201
    options = [
        "--corpus-dir", str(settings.corpus_dir),
        "--index-dir", str(settings.index_dir),
        "--embedder", settings.embedder.value,
        "--no-progress",
        "--log-level", "WARNING",
    ]
    return CliRunner().invoke(cli, [*options, *args], input=stdin, catch_exceptions=False)


def test_ask_prints_answer_date_sentence_and_source(settings: Settings) -> None:
    result = invoke(settings, "ask", "亳州有效发明专利量是多少?")
    assert result.exit_code == 0
    out = result.stdout
    assert "答案: 3721件" in out
    assert "截至: 2023-11-30" in out and "亳州市召开2023年度知识产权强市建设新闻发布会实录" in out
    assert "原文:" in out and "有效发明专利量3721件" in out
    assert "[1] " in out


def test_ask_abstains_with_a_reason(settings: Settings) -> None:
    result = invoke(settings, "ask", "2023年北京市国内专利授权量是多少?")
    assert result.exit_code == 0
    assert "无法回答" in result.stdout and "北京" in result.stdout


def test_empty_question_is_a_usage_error(settings: Settings) -> None:
    result = invoke(settings, "ask", "   ")
    assert result.exit_code == 2
    assert "empty" in result.output and "Traceback" not in result.output


def test_chat_reads_a_conversation_from_a_pipe(settings: Settings) -> None:
    questions = "2023年深圳全市国内专利授权量是多少?\n那商标注册量呢?\n/sources\n/reset\n那商标注册量呢?\n"
    result = invoke(settings, "chat", stdin=questions)
    assert result.exit_code == 0
    out = result.stdout
    assert "答案: 23.51万件" in out
    assert "理解为: 2023年深圳" in out and "答案: 24.97万件" in out  # the follow-up used the history
    assert "(new conversation)" in out
    # after /reset the same elliptical question has no history to lean on
    after_reset = out.split("(new conversation)")[1]
    assert "24.97万件" not in after_reset


def test_chat_json_lines_are_ask_payloads(settings: Settings) -> None:
    result = invoke(settings, "chat", "--json", stdin="2023年深圳全市国内专利授权量是多少?\n那商标注册量呢?\n")
    payloads = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [p["answer"] for p in payloads] == ["23.51万件", "24.97万件"]
    assert payloads[1]["resolved_question"] != payloads[1]["question"]
