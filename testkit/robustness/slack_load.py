"""Many questions from many Slack channels at once, through the real AsyncApp over HTTP: each must be
answered exactly once, in its own thread. Used by tests/robustness/test_slack.py and bench/robustness.py."""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field

from bot.core import Lorebot
from ingest.sources import Registry
from testkit.paths import REPO
from testkit.slack_harness import SlackHTTP, finished, mention, new_ts, text_of, until

QUESTIONS = [item["question"] for item in json.loads((REPO / "samples" / "demo-questions.json").read_text())]


@dataclass
class LoadResult:
    acks: list[float] = field(default_factory=list)  # seconds from sending an event to its HTTP 200
    latencies: list[float] = field(default_factory=list)  # from sending to the answer's last edit
    problems: list[str] = field(default_factory=list)  # anything not answered exactly once in its thread
    seconds: float = 0.0


async def slack_load(http: SlackHTTP, bot: Lorebot, secret: str, channels: int = 20, per_channel: int = 10,
                     source: str = "lorebot-docs", timeout: float = 180) -> LoadResult:
    names = [f"CLOAD{i:03d}" for i in range(channels)]
    for channel in names:
        await Registry(bot.redis, bot.settings.key_prefix).link(source, f"slack:{channel}")
    asked = [(names[i % channels], new_ts(), QUESTIONS[i % len(QUESTIONS)]) for i in range(channels * per_channel)]
    sent: dict[tuple[str, str], float] = {}
    result = LoadResult()
    started = time.monotonic()

    async def ask(channel: str, ts: str, text: str) -> None:
        sent[channel, ts] = time.monotonic()
        reply = await http.event(mention(text, channel=channel, ts=ts), secret=secret)
        result.acks.append(reply.seconds)
        if reply.status != 200:
            result.problems.append(f"{channel}/{ts}: HTTP {reply.status}")

    await asyncio.gather(*(ask(*q) for q in asked))
    await until(lambda: all(any(finished(m) for m in http.api.messages(c, ts)) for c, ts, _ in asked),
                timeout, f"{len(asked)} answers")
    await http.slack.replies.drain(30)
    result.seconds = time.monotonic() - started
    updates = http.api.calls("chat.update")
    for channel, ts, _ in asked:
        replies = http.api.messages(channel, ts)
        if len(replies) != 1 or "[1]" not in text_of(replies[0]):
            result.problems.append(f"{channel}/{ts}: {len(replies)} replies: {[text_of(r)[:60] for r in replies]}")
            continue
        last = max((c.at for c in updates if c.args.get("channel") == channel and c.args.get("ts") == replies[0]["ts"]),
                   default=None)
        if last is not None:
            result.latencies.append(last - sent[channel, ts])
    posted = sum(len(http.api.messages(c)) for c in names)
    if posted != len(asked):
        result.problems.append(f"{posted} messages posted for {len(asked)} questions")
    return result
