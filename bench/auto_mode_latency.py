"""Auto mode latency on Slack: signed message events (new top-level questions, no mention) to the real
AsyncApp over HTTP, in a channel set to auto mode, with the fake Slack Web API and the fake OpenAI
model (tests/fakes), on a scratch embedded Redis with the sample docs indexed. Figures (no
assertions): the time from sending the message to the answer's chat.postMessage arriving at the fake
Slack, p50/p95 over N messages sent C at a time; at once (no wait), and with a wait (people first),
where the figure past the wait is the cost of the durable queue and its polling.

    python -m bench.auto_mode_latency [--events 100] [--concurrency 10] [--wait 1] [--poll 2]
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
from bot.channels import ChannelMode, ChannelStore
from bot.core import Lorebot
from ingest.context import indexer_for
from ingest.sources import Registry
from testkit.fakes.openai_server import FakeOpenAI
from testkit.fakes.slack_api import FakeSlack
from testkit.paths import SAMPLES
from testkit.slack_harness import (
    CHANNEL,
    SECRET,
    event_callback,
    message,
    new_ts,
    signed,
)

QUESTIONS = ("How do I connect Lorebot to Slack?", "Which Discord intent must I enable?",
             "How do I make a source re-sync every 6 hours?", "Which embedding model does Lorebot use by default?",
             "What should I do when Lorebot says the search module is missing?")


async def one(session: aiohttp.ClientSession, url: str, api: FakeSlack, n: int, user: str) -> float:
    ts = new_ts()
    event = api.record(message(QUESTIONS[n % len(QUESTIONS)], ts=ts, user=user))  # threads show it
    body = json.dumps(event_callback(event))
    sent = time.monotonic()
    async with session.post(url, data=body.encode(), headers=signed(body, "application/json")) as r:
        if r.status != 200:
            raise RuntimeError(f"the app answered HTTP {r.status} to a signed event")
    while True:
        posted = next((c for c in api.calls("chat.postMessage") if c.args.get("thread_ts") == ts), None)
        if posted:
            return posted.at - sent
        await asyncio.sleep(0.005)


async def run(events: int, concurrency: int, wait: float, poll: float) -> dict[str, list[float]]:
    with scratch_redis() as (redis_url, tmp), FakeOpenAI() as model, FakeSlack() as api:
        settings = load_settings(
            _env_file=None, REDIS_URL=redis_url, LOREBOT_DATA_DIR=str(tmp / "data"),
            LOREBOT_EMBEDDINGS="openai:fake-embed", OPENAI_BASE_URL=model.base_url, OPENAI_API_KEY="sk-bench",
            SLACK_BOT_TOKEN=api.bot_token, SLACK_SIGNING_SECRET=SECRET, SLACK_API_URL=api.api_url,
            LOREBOT_AUTO_USER_GAP=0, LOREBOT_AUTO_CHANNEL_GAP=0, LOREBOT_AUTO_POLL_SECONDS=poll,
        )
        bot = await Lorebot.open(settings)
        results: dict[str, list[float]] = {}
        try:
            await indexer_for(bot).sync("lorebot-docs", SAMPLES)
            await Registry(bot.redis, settings.key_prefix).link("lorebot-docs", f"slack:{CHANNEL}")
            channels = ChannelStore(bot.redis, settings.key_prefix)
            slack = build_app(bot)
            slack.support.start()
            runner = await start_http(slack, "127.0.0.1", 0)
            host, port = runner.addresses[0][:2]
            url = f"http://{host}:{port}/slack/events"
            async with aiohttp.ClientSession() as session:
                for name, seconds in (("at_once", 0.0), ("waited", wait)):
                    await channels.update(f"slack:{CHANNEL}", mode=ChannelMode.AUTO, wait_seconds=seconds)
                    times: list[float] = []
                    for batch in range(0, events, concurrency):
                        size = min(concurrency, events - batch)
                        times += await asyncio.gather(*(one(session, url, api, batch + i, f"U{batch + i:08d}")
                                                        for i in range(size)))
                    results[name] = times
            await runner.cleanup()
            await slack.support.stop(30)
            await slack.replies.drain(30)
        finally:
            await bot.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--wait", type=float, default=1.0, help="seconds people get first, in the waited run")
    parser.add_argument("--poll", type=float, default=2.0, help="LOREBOT_AUTO_POLL_SECONDS")
    args = parser.parse_args()
    results = asyncio.run(run(args.events, args.concurrency, args.wait, args.poll))

    def ms(values: list[float], p: float, minus: float = 0.0) -> float:
        return round(1000 * (percentile(sorted(values), p) - minus), 1)

    now, waited = results["at_once"], results["waited"]
    report("auto_mode_latency", {
        "events": args.events, "concurrency": args.concurrency,
        "answer_p50_ms": ms(now, 50), "answer_p95_ms": ms(now, 95),
        "wait_s": args.wait, "poll_s": args.poll,
        "waited_answer_p50_ms": ms(waited, 50), "waited_answer_p95_ms": ms(waited, 95),
        "past_the_wait_p50_ms": ms(waited, 50, args.wait), "past_the_wait_p95_ms": ms(waited, 95, args.wait),
    })


if __name__ == "__main__":
    main()
