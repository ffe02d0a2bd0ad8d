"""The weekly knowledge-gap digest on Discord, end to end: questions asked through the core, the
digest posted by the real discord.py client to the fake Discord REST API, which refuses what Discord
refuses (more than 2,000 characters in a message, an unknown channel, a channel without access)."""

from __future__ import annotations

import time

import discord
import pytest

from adapters.chat.followups import Followups
from adapters.discord.followups import DiscordPoster
from bot.channels import ChannelStore, Digest
from bot.types import Question
from testkit.fakes.discord_limits import CONTENT

# Long questions on six topics the sample docs do not cover (three each, in words of their own so the
# fake model's bag-of-words embeddings group them), so the digest's five themes need several messages.
TOPICS = ["badges", "parking", "canteen", "travel", "laptops", "holidays"]
ASKED = [f"Question {n} on {topic}: " + " ".join(f"{topic}{k}" for k in range(24)) + "?"
         for topic in TOPICS for n in range(3)]


async def test_digest_posted_within_discords_limits_and_tried_again_after_a_refusal(start_discord, discord_api):
    running = await start_discord()
    bot, channel = running.bot, discord_api.channel["id"]
    scope, target = f"discord:{channel}", discord_api.thread["id"]  # the team's digest goes to a thread
    await ChannelStore(bot.redis, bot.settings.key_prefix).update(scope, digest=Digest.WEEKLY,
                                                                  digest_to=f"discord:{target}")
    for i, text in enumerate(ASKED):
        await bot.answer(Question("discord", channel, text, user=str(1000 + i)))
    followups = Followups(bot, DiscordPoster(running.client), 600)
    now = time.time() + 60

    discord_api.no_access.add(target)  # the bot may not write there (yet): Discord answers 403
    assert await followups.post_digests(now) == []
    assert [r.status for r in discord_api.requests("POST", f"/channels/{target}/messages")] == [403]
    discord_api.no_access.discard(target)  # access granted: the next check posts the week's digest
    assert await followups.post_digests(now + 60) == [scope]

    posted = discord_api.channel_messages(target)
    assert len(posted) >= 2 and all(0 < len(m["content"]) <= CONTENT for m in posted)
    assert {r.status for r in discord_api.requests("POST", f"/channels/{target}/messages")} == {403, 200}
    digest = "\n".join(m["content"] for m in posted)
    assert digest.startswith(f"**Knowledge gaps this week in {scope}**")
    assert digest.count("questions from") == 5 and f"lorebot gaps --channel {scope}" in digest
    assert await followups.post_digests(now + 120) == [] and len(discord_api.channel_messages(target)) == len(posted)


async def test_the_fake_refuses_what_discord_refuses(start_discord, discord_api):
    running = await start_discord()
    thread = running.client.get_partial_messageable(int(discord_api.thread["id"]))
    with pytest.raises(discord.HTTPException) as too_long:
        await thread.send("x" * (CONTENT + 1))
    assert (too_long.value.status, too_long.value.code) == (400, 50035)
    with pytest.raises(discord.NotFound) as unknown:
        await running.client.get_partial_messageable(123456789012345678).send("hello")
    assert unknown.value.code == 10003
    await thread.send("x" * CONTENT)  # exactly the limit is fine
