"""`qa ask` and `qa chat`: answers with their sources."""

from __future__ import annotations

import sys

import click

from ..contract import AskResponse, payload
from ..settings import RetrieverName
from ..types import AskResult, Turn
from .common import print_json, user_errors
from .search_cmd import RETRIEVERS, load_pipeline

CHAT_HELP = "commands: /reset starts a new conversation, /sources shows the last answer's full sources, /quit leaves"


def render(result: AskResult, full_sources: bool = False) -> str:
    lines = []
    if result.resolved_question != result.question:
        lines.append(f"(理解为: {result.resolved_question})")
    if result.abstained:
        lines.append(f"无法回答: {result.reason}")
    else:
        lines.append(f"答案: {result.answer}")
        source = result.citations[0].title if result.citations else ""
        lines.append(f"截至: {result.as_of or '日期不详'} 《{source}》" if source else f"截至: {result.as_of or '日期不详'}")
        if result.sentence:
            lines.append(f"原文: {result.sentence}")
    lines.append(f"置信度: {result.confidence:.2f}")
    for i, c in enumerate(result.citations, start=1):
        date = f", {c.published}" if c.published else ""
        quote = c.quote if full_sources or len(c.quote) <= 80 else c.quote[:80] + "…"
        lines.append(f"[{i}] {c.title}{date} ({c.doc_id} {c.start}-{c.end}): {quote}")
    return "\n".join(lines)


@click.command("ask")
@click.argument("question")
@click.option("--retriever", type=RETRIEVERS, help="hybrid (default), bm25 or dense.")
@click.option("--top-k", type=click.IntRange(1, 50), help="How many passages to return.")
@click.option("--json", "as_json", is_flag=True, help="Print the /ask payload.")
@click.pass_context
def ask_command(ctx: click.Context, question: str, retriever: str | None, top_k: int | None, as_json: bool) -> None:
    """Answer QUESTION from the corpus, with citations, or say the corpus does not say."""
    if not question.strip():
        raise click.BadParameter("the question is empty", param_hint="QUESTION")
    pipeline = load_pipeline(ctx, warm_up=False)
    with user_errors():
        result = pipeline.ask(question, (), RetrieverName(retriever) if retriever else None, top_k)
    if as_json:
        print_json(payload(AskResponse.from_result(result)))
    else:
        click.echo(render(result))


@click.command("chat")
@click.option("--retriever", type=RETRIEVERS, help="hybrid (default), bm25 or dense.")
@click.option("--json", "as_json", is_flag=True, help="Print each /ask payload as one JSON line.")
@click.pass_context
def chat_command(ctx: click.Context, retriever: str | None, as_json: bool) -> None:
    """Interactive conversation with follow-up questions; reads one question per line from a pipe."""
    pipeline = load_pipeline(ctx)
    interactive = sys.stdin.isatty()
    name = RetrieverName(retriever) if retriever else None
    history: list[Turn] = []
    last: AskResult | None = None
    if interactive:
        click.echo(f"提问吧 ({CHAT_HELP})")
    while True:
        try:
            line = input("问> " if interactive else "")
        except EOFError:
            break
        except KeyboardInterrupt:
            click.echo()
            break
        question = line.strip()
        if not question:
            continue
        if question in ("/quit", "/exit"):
            break
        if question == "/reset":
            history, last = [], None
            click.echo("(new conversation)")
            continue
        if question == "/sources":
            click.echo(render(last, full_sources=True) if last else "(no answer yet)")
            continue
        if question.startswith("/"):
            click.echo(CHAT_HELP)
            continue
        with user_errors():
            last = pipeline.ask(question, history, name)
        if as_json:
            import json

            click.echo(json.dumps(payload(AskResponse.from_result(last)), ensure_ascii=False))
        else:
            if not interactive:
                click.echo(f"问: {question}")
            click.echo(render(last) + "\n")
        history += [Turn("user", question), Turn("assistant", last.answer or last.reason or "")]


COMMANDS = [ask_command, chat_command]
