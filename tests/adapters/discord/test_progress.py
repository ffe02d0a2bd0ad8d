"""LiveReply on real messages: a channel of the connected client, the fake Discord recording when
each send and edit arrived."""

from __future__ import annotations

import asyncio

from adapters.discord.progress import CURSOR, LiveReply
from bot.types import Answer, Citation

INTERVAL = 0.3


async def test_streamed_text_is_edited_in_no_faster_than_the_interval(start_discord, discord_api):
    running = await start_discord()
    channel = running.client.get_channel(int(discord_api.channel["id"]))
    live = LiveReply(channel.send, INTERVAL)
    text = ""
    for i in range(20):  # 20 pieces over about 1 s
        text += f"word{i} "
        await live.update(text)
        await asyncio.sleep(0.05)
    cites = (Citation(1, "Discord bot setup", "lorebot-docs", "Integrations/discord.md", "", "Enable it."),)
    await live.finish(Answer(text.strip() + " [1]", cites, mode="generative", id="abc123"))

    writes = discord_api.requests(None, rf"/channels/{discord_api.channel['id']}/messages")
    assert writes[0].method == "POST" and all(w.method == "PATCH" for w in writes[1:])
    previews = [w for w in writes if "components" not in w.json or not w.json["components"]]
    gaps = [b.at - a.at for a, b in zip(previews, previews[1:])]
    assert 2 <= len(previews) <= 5 and all(g >= INTERVAL * 0.9 for g in gaps), gaps
    assert all(w.json["content"].endswith(CURSOR) for w in previews)
    [message] = discord_api.channel_messages(discord_api.channel["id"])
    assert message["content"] == text.strip() + " [1]"
    assert message["embeds"][0]["fields"][0]["name"] == "[1] Discord bot setup"
    assert [b["custom_id"] for b in message["components"][0]["components"]] == ["lorebot:fb:abc123:1",
                                                                               "lorebot:fb:abc123:0",
                                                                               "lorebot:ask:abc123"]


async def test_a_final_answer_shorter_than_the_preview_removes_the_extra_messages(start_discord, discord_api):
    running = await start_discord()
    channel = running.client.get_channel(int(discord_api.channel["id"]))
    live = LiveReply(channel.send, INTERVAL)
    await live.update("Long draft sentence here. " * 120)  # about 3,100 characters: two messages
    await discord_api.wait_for(lambda: len(discord_api.channel_messages(discord_api.channel["id"])) == 2)
    await live.finish(Answer("Short final answer.", mode="notice"))

    [message] = discord_api.channel_messages(discord_api.channel["id"])
    assert message["content"] == "Short final answer." and not message["components"]
    assert len(discord_api.requests("DELETE", r"/channels/")) == 1
