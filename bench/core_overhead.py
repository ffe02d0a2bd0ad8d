"""The bot's own overhead per question, without the model's time: from `Lorebot.answer` being called
to the prompt reaching the model endpoint (a local fake that answers at once), and 50 questions at
once through the core. Writes bench/results/core_overhead.json.

    python -m bench.core_overhead [--questions 100] [--concurrent 50]

Real parts throughout: embedded Redis, the local embedding model, the sample export, a channel
link, conversation memory and the answer log; only the chat model is the fake OpenAI server.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import threading
import time
from pathlib import Path

from adapters.settings import load_settings
from bench.common import percentile, save, scratch_redis
from bot.core import Lorebot
from bot.types import Question
from ingest.context import indexer_for
from ingest.sources import Registry
from testkit.fakes.openai_content import cite_first_passage
from testkit.fakes.openai_server import FakeOpenAI

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "samples" / "lorebot-docs"
CHANNEL = "C-bench"


class PromptClock:
    """The fake model's reply function: notes when each prompt arrived (the end of the bot's work)."""

    def __init__(self) -> None:
        self.arrivals: list[float] = []
        self._lock = threading.Lock()

    def __call__(self, messages: list[dict]) -> str:
        with self._lock:
            self.arrivals.append(time.perf_counter())
        return cite_first_passage(messages)


def ms(values: list[float]) -> dict:
    return {"p50_ms": round(percentile(values, 50), 1), "p95_ms": round(percentile(values, 95), 1)}


async def sequential(bot: Lorebot, clock: PromptClock, questions: list[str]) -> dict:
    overhead, total = [], []
    for i, text in enumerate(questions):
        q = Question(platform="slack", channel=CHANNEL, text=text, user="u", thread=f"seq-{i}")
        arrived = len(clock.arrivals)
        start = time.perf_counter()
        answer = await bot.answer(q)
        total.append((time.perf_counter() - start) * 1000)
        assert answer.mode == "generative" and len(clock.arrivals) == arrived + 1, answer
        overhead.append((clock.arrivals[arrived] - start) * 1000)
    return {"question_to_prompt": ms(overhead), "question_to_answer_with_instant_model": ms(total)}


async def concurrent(bot: Lorebot, questions: list[str], n: int) -> dict:
    async def one(i: int) -> tuple[float, str | None]:
        q = Question(platform="slack", channel=CHANNEL, text=questions[i % len(questions)], user="u",
                     thread=f"burst-{i}")
        start = time.perf_counter()
        answer = await bot.answer(q)
        return (time.perf_counter() - start) * 1000, answer.error if answer.mode != "generative" else None

    start = time.perf_counter()
    results = await asyncio.gather(*(one(i) for i in range(n)), return_exceptions=True)
    wall = time.perf_counter() - start
    ok = [r for r in results if isinstance(r, tuple) and r[1] is None]
    return {"questions": n, "answered": len(ok), "dropped_or_failed": n - len(ok), "wall_s": round(wall, 2),
            "throughput_per_s": round(len(ok) / wall, 1), **ms([r[0] for r in ok])}


async def run(n_questions: int, n_concurrent: int) -> dict:
    demo = [item["question"] for item in json.loads((REPO / "samples" / "demo-questions.json").read_text())]
    questions = [f"{q} ({i})" if i >= len(demo) else q for i, q in
                 ((i, demo[i % len(demo)]) for i in range(n_questions))]
    clock = PromptClock()
    with scratch_redis() as (url, tmp), FakeOpenAI(reply=clock) as model:
        settings = load_settings(_env_file=None, REDIS_URL=url, LOREBOT_DATA_DIR=str(tmp / "data"),
                                 OPENAI_BASE_URL=model.base_url, OPENAI_API_KEY="sk-bench")
        bot = await Lorebot.open(settings)
        try:
            await indexer_for(bot).sync("lorebot-docs", SAMPLES)
            await Registry(bot.redis, settings.key_prefix).link("lorebot-docs", f"slack:{CHANNEL}")
            await bot.embedder.prepare()
            await bot.answer(Question(platform="slack", channel=CHANNEL, text="warm up", user="u"))
            figures = await sequential(bot, clock, questions)
            figures["concurrent"] = await concurrent(bot, questions, n_concurrent)
        finally:
            await bot.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--questions", type=int, default=100)
    parser.add_argument("--concurrent", type=int, default=50)
    args = parser.parse_args()
    figures = asyncio.run(run(args.questions, args.concurrent))
    print(json.dumps(figures, indent=2))
    print(f"written to {save('core_overhead', figures)}")


if __name__ == "__main__":
    main()
