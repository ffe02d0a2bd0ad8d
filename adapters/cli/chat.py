"""The terminal chat: rendering answers and `lorebot chat` (without a terminal: the demo questions)."""

from __future__ import annotations

import json
from pathlib import Path

from rich.console import Console
from rich.markdown import Markdown

from adapters.chat.texts import with_link_hint
from adapters.settings import AppSettings
from bot.types import Answer, AnswerMode, Question

REPO_ROOT = Path(__file__).resolve().parents[2]  # adapters/cli/chat.py -> the repository
SAMPLE_EXPORT = REPO_ROOT / "samples" / "lorebot-docs"
DEMO_QUESTIONS = REPO_ROOT / "samples" / "demo-questions.json"
SAMPLE_SOURCE = "lorebot-docs"
MODE_LABELS = {AnswerMode.GENERATIVE: "generated", AnswerMode.EXTRACTIVE: "quoted passages",
               AnswerMode.NOTICE: "notice"}


def cli_answer(answer: Answer, q: Question) -> Answer:
    """The core's answer, with how to link a source from the command line where none is linked."""
    return with_link_hint(answer, f"`lorebot sources link SOURCE {q.scope}`")


def render_answer(console: Console, answer: Answer) -> None:
    console.print(Markdown(answer.text))
    if answer.citations:
        console.print()
        for c in answer.citations:
            where = f"{c.title} [dim]({c.path})[/dim]" if c.path else c.title  # a file's path ends with its name
            heading = f" › {c.heading}" if c.heading else ""
            link = f"  {c.url}" if c.url else ""
            console.print(f"[bold][{c.n}][/bold] {where}{heading}  [dim]({c.source})[/dim]{link}")
    mode = MODE_LABELS[answer.mode]
    console.print(f"[dim]— {mode}[/dim]")


def demo_questions() -> list[str]:
    if not DEMO_QUESTIONS.exists():
        return []
    return [item["question"] for item in json.loads(DEMO_QUESTIONS.read_text())]


async def chat_loop(settings: AppSettings, base: Question, console: Console, interactive: bool) -> None:
    from bot.core import Lorebot

    bot = await Lorebot.open(settings)
    try:
        if not interactive:
            for text in demo_questions():
                console.rule(f"[bold]{text}")
                render_answer(console, cli_answer(await bot.answer(_ask(base, text)), base))
            return
        console.print("Ask about your documents. Commands: /forget, /quit.")
        while True:
            try:
                text = console.input("[bold green]you> [/bold green]").strip()
            except EOFError:
                return
            if text in {"/quit", "/exit"}:
                return
            if text == "/forget":
                await bot.forget(_ask(base, ""))
                console.print("[dim]memory of this conversation cleared[/dim]")
                continue
            if text:
                with console.status("thinking…"):
                    answer = cli_answer(await bot.answer(_ask(base, text)), base)
                render_answer(console, answer)
    finally:
        await bot.close()


def _ask(base: Question, text: str) -> Question:
    return Question(platform=base.platform, channel=base.channel, text=text, user="terminal", thread=base.thread)
