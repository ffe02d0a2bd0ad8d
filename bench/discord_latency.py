"""Discord latency: /ask interactions dispatched through the fake Discord gateway to the real discord.py
client, answered by the fake OpenAI model (tests/fakes), on a scratch embedded Redis with the sample
docs indexed. Figures (no assertions): from each dispatch to the defer callback, to the first followup
(the first streamed text) and to the final answer (the write carrying the feedback buttons);
p50/p95 over rounds of C interactions sent at once.

    python -m bench.discord_latency [--rounds 5] [--concurrency 20]
"""

from __future__ import annotations

import argparse
import asyncio
import time

from adapters.discord.app import LorebotClient
from adapters.settings import load_settings
from bench.common import percentile, report, scratch_redis
from bot.core import Lorebot
from ingest.context import indexer_for
from ingest.sources import Registry
from testkit.fakes.discord_api import FakeDiscord
from testkit.fakes.openai_server import FakeOpenAI
from testkit.paths import SAMPLES

QUESTIONS = ("How do I connect Lorebot to Slack?", "Which Discord intent must I enable?",
             "How do I make a source re-sync every 6 hours?", "Which embedding model does Lorebot use by default?",
             "What should I do when Lorebot says the search module is missing?")


def timings(api: FakeDiscord, token: str, sent: float) -> dict[str, float] | None:
    """Milliseconds from the dispatch to the defer, the first followup and the final write; None until final."""
    writes = api.requests(None, rf"/(interactions/\d+|webhooks/\d+)/{token}")
    final = [w for w in writes if w.method in ("POST", "PATCH") and (w.json or {}).get("components")]
    if not final:
        return None
    defer = next(w for w in writes if w.path.endswith("/callback"))
    first = next(w for w in writes if w.path.startswith("/webhooks/"))
    return {"defer": (defer.at - sent) * 1000, "first": (first.at - sent) * 1000, "final": (final[-1].at - sent) * 1000,
            "ok": float(all(w.status == 200 for w in writes))}


async def one_round(api: FakeDiscord, n: int, concurrency: int) -> list[dict[str, float]]:
    payloads = [api.slash("ask", question=f"{QUESTIONS[(n + i) % len(QUESTIONS)]} (#{n + i})")
                for i in range(concurrency)]
    sent = {}
    for payload in payloads:  # one after the other, as fast as the gateway sends them
        sent[payload["token"]] = time.monotonic()
        await api.dispatch("INTERACTION_CREATE", payload)
    deadline = time.monotonic() + 60
    while True:
        done = {t: timings(api, t, s) for t, s in sent.items()}
        if all(done.values()):
            return list(done.values())  # type: ignore[arg-type]
        if time.monotonic() > deadline:
            raise RuntimeError(f"{sum(v is None for v in done.values())} interactions were not answered in 60 s")
        await asyncio.sleep(0.005)


async def run(rounds: int, concurrency: int) -> dict:
    with scratch_redis() as (url, tmp), FakeOpenAI() as model, FakeDiscord() as api:
        settings = load_settings(_env_file=None, REDIS_URL=url, LOREBOT_DATA_DIR=str(tmp / "data"),
                                 LOREBOT_EMBEDDINGS="openai:fake-embed", OPENAI_BASE_URL=model.base_url,
                                 OPENAI_API_KEY="sk-bench", DISCORD_TOKEN=api.token, DISCORD_API_URL=api.api_url,
                                 DISCORD_GATEWAY_URL=api.gateway_url, LOREBOT_DISCORD_GUILDS=api.guild_id)
        bot = await Lorebot.open(settings)
        client = LorebotClient(bot, guild_ready_timeout=0.05)
        try:
            await indexer_for(bot).sync("lorebot-docs", SAMPLES)
            await Registry(bot.redis, settings.key_prefix).link("lorebot-docs", f"discord:{api.channel['id']}")
            async with client:
                task = asyncio.create_task(client.start(api.token))
                await asyncio.wait_for(client.wait_until_ready(), 10)
                await one_round(api, 0, 1)  # warm-up: connections, caches
                samples = []
                for r in range(rounds):
                    samples += await one_round(api, (r + 1) * concurrency, concurrency)
                await client.close()
                await task
        finally:
            await bot.close()

    def figure(key: str, p: int) -> float:
        return round(percentile(sorted(s[key] for s in samples), p), 1)

    return {"interactions": len(samples), "concurrency": concurrency,
            "defer_p50_ms": figure("defer", 50), "defer_p95_ms": figure("defer", 95),
            "defer_max_ms": round(max(s["defer"] for s in samples), 1),
            "first_text_p50_ms": figure("first", 50), "first_text_p95_ms": figure("first", 95),
            "final_answer_p50_ms": figure("final", 50), "final_answer_p95_ms": figure("final", 95),
            "all_requests_accepted": all(s["ok"] for s in samples)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=20)
    args = parser.parse_args()
    figures = asyncio.run(run(args.rounds, args.concurrency))
    report("discord_latency", figures)


if __name__ == "__main__":
    main()
