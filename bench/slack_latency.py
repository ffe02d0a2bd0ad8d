"""Slack latency: signed app_mention events to the real AsyncApp over HTTP, with the fake Slack Web API
and the fake OpenAI model (tests/fakes), on a scratch embedded Redis with the sample docs indexed.
Figures (no assertions): the ack, the first message posted (the placeholder) and the final answer,
each from the moment the event was sent; p50/p95 over N events sent C at a time.

    python -m bench.slack_latency [--events 200] [--concurrency 20]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time

import aiohttp

from adapters.settings import load_settings
from adapters.slack.app import build_app, start_http
from bench.common import percentile, report, scratch_redis
from bot.core import Lorebot
from ingest.context import indexer_for
from ingest.sources import Registry
from testkit.fakes.openai_server import FakeOpenAI
from testkit.fakes.slack_api import FakeSlack
from testkit.paths import SAMPLES
from testkit.slack_harness import CHANNEL, SECRET, event_callback, has_feedback, mention, new_ts, signed

QUESTIONS = ("How do I connect Lorebot to Slack?", "Which Discord intent must I enable?",
             "How do I make a source re-sync every 6 hours?", "Which embedding model does Lorebot use by default?",
             "What should I do when Lorebot says the search module is missing?")


def final_update(api: FakeSlack, placeholder_ts: str):
    """The chat.update that put the answer (with its feedback buttons) in the placeholder."""
    return next((c for c in api.calls("chat.update") if c.args.get("ts") == placeholder_ts and has_feedback(c.args)),
                None)


async def one(session: aiohttp.ClientSession, url: str, api: FakeSlack, n: int) -> dict[str, float]:
    ts = new_ts()
    body = json.dumps(event_callback(mention(QUESTIONS[n % len(QUESTIONS)], ts=ts, channel=CHANNEL)))
    sent = time.monotonic()
    async with session.post(url, data=body.encode(), headers=signed(body, "application/json")) as r:
        if r.status != 200:
            raise RuntimeError(f"the app answered HTTP {r.status} to a signed event")
    acked = time.monotonic()
    while True:
        posted = next((c for c in api.calls("chat.postMessage") if c.args.get("thread_ts") == ts), None)
        placeholder = posted and api.messages(CHANNEL, ts)
        final = placeholder and final_update(api, placeholder[0]["ts"])
        if posted and final:
            return {"ack": acked - sent, "first": posted.at - sent, "final": final.at - sent}
        await asyncio.sleep(0.005)


async def run(events: int, concurrency: int) -> dict:
    with scratch_redis() as (redis_url, tmp), FakeOpenAI() as model, FakeSlack() as api:
        settings = load_settings(
            _env_file=None, REDIS_URL=redis_url, LOREBOT_DATA_DIR=str(tmp / "data"),
            LOREBOT_EMBEDDINGS="openai:fake-embed", OPENAI_BASE_URL=model.base_url, OPENAI_API_KEY="sk-bench",
            SLACK_BOT_TOKEN=api.bot_token, SLACK_SIGNING_SECRET=SECRET, SLACK_API_URL=api.api_url,
        )
        bot = await Lorebot.open(settings)
        try:
            await indexer_for(bot).sync("lorebot-docs", SAMPLES)
            await Registry(bot.redis, settings.key_prefix).link("lorebot-docs", f"slack:{CHANNEL}")
            slack = build_app(bot)
            runner = await start_http(slack, "127.0.0.1", 0)
            host, port = runner.addresses[0][:2]
            url = f"http://{host}:{port}/slack/events"
            results: list[dict[str, float]] = []
            start = time.monotonic()
            async with aiohttp.ClientSession() as session:
                for batch in range(0, events, concurrency):
                    size = min(concurrency, events - batch)
                    results += await asyncio.gather(*(one(session, url, api, batch + i) for i in range(size)))
            wall = time.monotonic() - start
            await runner.cleanup()
            await slack.replies.drain(30)
        finally:
            await bot.close()

    def ms(key: str, p: float) -> float:
        return round(1000 * percentile(sorted(r[key] for r in results), p), 1)

    return {
        "events": events,
        "concurrency": concurrency,
        "ack_p50_ms": ms("ack", 50), "ack_p95_ms": ms("ack", 95),
        "first_message_p50_ms": ms("first", 50), "first_message_p95_ms": ms("first", 95),
        "final_answer_p50_ms": ms("final", 50), "final_answer_p95_ms": ms("final", 95),
        "answers_per_s": round(events / wall, 1),
        "chat_update_calls": len(api.calls("chat.update")),
        "chat_post_calls": len(api.calls("chat.postMessage")),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=20)
    args = parser.parse_args()
    figures = asyncio.run(run(args.events, args.concurrency))
    report("slack_latency", figures)


if __name__ == "__main__":
    main()
