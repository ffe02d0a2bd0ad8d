"""Robustness figures: the longer runs of tests/robustness, on scratch embedded Redis servers with the
fake model (tests/fakes), printed and saved to bench/results/robustness.json.

- isolation: N questions made from documents the asking channel may not see (verbatim, quoted, mixed,
  as search syntax), through Lorebot.answer; leaks counted in the answers' citations and in everything
  the model was shown (passages and conversation history).
- restart during sync: R syncs of a generated export, each struck in the middle (in turn: SHUTDOWN and
  back at once, or kill -9 and down past the client's reconnection window); the outcome (completed by
  itself, or resumed by a second run), whether the index is whole afterwards, and how long after the
  restart it was whole again.
- Slack load: C channels x Q questions at once through the Slack HTTP path; ack and answer p50/p95.

    python -m bench.robustness [--questions 10000] [--rounds 6] [--pages 400] [--channels 20] [--per-channel 10]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
import uuid
from pathlib import Path

import aiohttp
from redis.asyncio import Redis

from adapters.settings import AppSettings, load_settings
from adapters.slack.app import build_app, start_http
from bench.common import percentile, save, scratch_redis
from bot.core import Lorebot
from ingest.context import indexer_for
from testkit.fakes.openai_server import FakeOpenAI
from testkit.fakes.slack_api import FakeSlack
from testkit.paths import SAMPLES
from testkit.robustness.index_check import index_state
from testkit.robustness.isolation import (
    DM_SOURCES,
    answer_leaks,
    build_corpus,
    hostile_questions,
    index_and_link,
    prompt_leaks,
)
from testkit.robustness.private_redis import PrivateRedis
from testkit.robustness.slack_load import slack_load
from testkit.robustness.sync_faults import export, when_written
from testkit.slack_harness import SECRET, SlackHTTP

BATCH = 50


def settings(redis_url: str, data: Path, model: FakeOpenAI, **env: object) -> AppSettings:
    return load_settings(
        _env_file=None, REDIS_URL=redis_url, LOREBOT_DATA_DIR=str(data), LOREBOT_KEY_PREFIX="b" + uuid.uuid4().hex[:8],
        LOREBOT_EMBEDDINGS="openai:fake-embed", OPENAI_BASE_URL=model.base_url, OPENAI_API_KEY="sk-bench", **env,
    )


async def isolation(questions: int) -> dict:
    with scratch_redis() as (url, tmp), FakeOpenAI() as model:
        bot = await Lorebot.open(settings(url, tmp / "data", model, LOREBOT_DM_SOURCES=DM_SOURCES))
        try:
            corpus = build_corpus(tmp / "corpus")
            await index_and_link(bot, corpus)
            asked = hostile_questions(corpus, questions)
            started = time.monotonic()
            answers = []
            for i in range(0, len(asked), BATCH):
                answers += await asyncio.gather(*(bot.answer(q) for _, q in asked[i : i + BATCH]))
            seconds = time.monotonic() - started
            in_answers = answer_leaks(asked, answers)
            in_prompts = prompt_leaks(asked, [r.json["messages"] for r in model.requests_to("/chat/completions")])
        finally:
            await bot.close()
    return {"questions": questions, "answers_not_from_own_sources": len(in_answers),
            "prompts_showing_other_channels": len(in_prompts), "examples": (in_answers + in_prompts)[:5],
            "seconds": round(seconds, 1), "questions_per_second": round(questions / seconds, 1)}


async def restart_round(n: int, pages: int, kill: bool) -> dict:
    """One sync struck mid-way; returns its outcome."""
    with tempfile.TemporaryDirectory(prefix="lorebot-bench-") as tmp, FakeOpenAI() as model:
        root = Path(tmp)
        server = PrivateRedis.start(root / "redis")
        bot = await Lorebot.open(settings(server.url, root / "data", model))
        watcher = Redis.from_url(server.url)
        try:
            files = export(root / "export", pages)
            model.delay = 0.02  # a little model time per batch, as a remote endpoint has
            outage = 6.0 if kill else 0.1  # kill -9: down past the client's reconnection window

            def strike() -> None:
                if kill:
                    server.kill9()
                else:
                    server.shutdown()
                time.sleep(outage)
                server.restart()

            sync = asyncio.create_task(indexer_for(bot).sync("docs", root / "export"))
            at = pages * (1 + n % 3) // 4
            written = await when_written(watcher, bot, at, strike)
            back = time.monotonic()
            try:
                first = await sync
                outcome = "completed" if first.ok else f"failed: {first.error}"
            except Exception as exc:  # the sync gave up while Redis was down: run it again
                second = await indexer_for(bot).sync("docs", root / "export")
                outcome = f"resumed ({type(exc).__name__}; {second.added} added, {second.unchanged} kept)"
            try:
                whole = set(await index_state(bot.redis, bot.indexes.keys, "docs")) == set(files)
            except AssertionError as exc:
                whole = False
                outcome += f"; {exc}"
            return {"strike": "kill -9" if kill else "shutdown", "at_documents": written, "outcome": outcome,
                    "index_whole": whole, "seconds_from_restart_to_whole": round(time.monotonic() - back, 2)}
        finally:
            await watcher.aclose()
            await bot.close()
            server.stop()


async def slack(channels: int, per_channel: int) -> dict:
    with scratch_redis() as (url, tmp), FakeOpenAI() as model, FakeSlack() as api:
        bot = await Lorebot.open(settings(url, tmp / "data", model, SLACK_BOT_TOKEN=api.bot_token,
                                          SLACK_SIGNING_SECRET=SECRET, SLACK_API_URL=api.api_url))
        app = build_app(bot)
        runner = await start_http(app, "127.0.0.1", 0)
        try:
            await indexer_for(bot).sync("lorebot-docs", SAMPLES)
            host, port = runner.addresses[0][:2]
            async with aiohttp.ClientSession() as session:
                result = await slack_load(SlackHTTP(f"http://{host}:{port}", api, session, app), bot, SECRET,
                                          channels, per_channel, timeout=600)
        finally:
            await runner.cleanup()
            await app.replies.drain(30)
            await bot.close()
    return {"channels": channels, "questions": channels * per_channel, "problems": len(result.problems),
            "examples": result.problems[:5], "seconds": round(result.seconds, 1),
            "ack_p95_s": round(percentile(result.acks, 95), 3),
            "answer_p50_s": round(percentile(result.latencies, 50), 2),
            "answer_p95_s": round(percentile(result.latencies, 95), 2)}


async def main(args: argparse.Namespace) -> dict:
    figures: dict = {}
    figures["isolation"] = await isolation(args.questions)
    print("isolation:", figures["isolation"], flush=True)
    figures["restart_during_sync"] = [await restart_round(n, args.pages, kill=n % 2 == 1) for n in range(args.rounds)]
    for row in figures["restart_during_sync"]:
        print("restart during sync:", row, flush=True)
    figures["slack_load"] = await slack(args.channels, args.per_channel)
    print("slack load:", figures["slack_load"], flush=True)
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--questions", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--pages", type=int, default=400)
    parser.add_argument("--channels", type=int, default=20)
    parser.add_argument("--per-channel", type=int, default=10)
    print("saved", save("robustness", asyncio.run(main(parser.parse_args()))))
