"""Chat commands on a real core (fake OpenAI, real Redis): who may do what, links taking effect at
once, a chat-started sync answered at once and its outcome shown by `status` later."""

from __future__ import annotations

import asyncio

from adapters.chat.commands import COMMANDS, run_command
from bot.types import Question
from ingest.context import indexer_for
from ingest.sources import Registry, Source
from testkit.exports import page, write_pages

HERE = Question(platform="slack", channel="C1", text="", user="U1")


async def indexed(bot, tmp_path, name: str = "handbook") -> Registry:
    root = write_pages(tmp_path / name, {"deploy.md": page("Deploying", "Deploys run from the release branch.")})
    registry = Registry(bot.redis, bot.settings.key_prefix)
    await registry.add(Source(name=name, location=str(root)).validated())
    report = await indexer_for(bot).sync(name, root)
    assert report.added == 1
    return registry


async def wait_idle(registry: Registry, name: str) -> dict:
    for _ in range(200):
        status = await registry.status(name)
        if not status["syncing"] and status["last"]:
            return status
        await asyncio.sleep(0.05)
    raise AssertionError(f"the sync of {name} did not finish")


async def test_help_lists_every_command_and_unknown_gets_help(fake_bot):
    help_ = await run_command(fake_bot, HERE, "help", "", is_admin=False)
    assert help_.mode == "notice" and help_.error is None
    for name in COMMANDS:
        assert f"`{name}" in help_.text
    unknown = await run_command(fake_bot, HERE, "/frobnicate", "x", is_admin=True)
    assert unknown.error == "unknown_command"
    assert "`frobnicate`" in unknown.text and "`sync SOURCE`" in unknown.text
    mention = await run_command(fake_bot, HERE, "<!channel>", "", is_admin=True)
    assert mention.error == "unknown_command" and "<!channel>" not in mention.text


async def test_non_admins_are_refused_and_nothing_changes(fake_bot, tmp_path):
    registry = await indexed(fake_bot, tmp_path)
    for name in ("link", "unlink", "sync"):
        answer = await run_command(fake_bot, HERE, name, "handbook", is_admin=False)
        assert (answer.mode, answer.error) == ("notice", "not_admin")
        assert f"`{name}`" in answer.text
    assert await registry.linked(HERE.scope) == []
    assert (await registry.status("handbook"))["last"] is None  # no sync was started


async def test_link_then_ask_then_unlink(fake_bot, tmp_path):
    await indexed(fake_bot, tmp_path)
    before = await run_command(fake_bot, HERE, "ask", "How do deploys work?", is_admin=False)
    assert before.error == "no_sources" and "link" in before.text

    linked = await run_command(fake_bot, HERE, "link", "handbook", is_admin=True)
    assert linked.error is None and "Linked `handbook`" in linked.text
    again = await run_command(fake_bot, HERE, "link", "handbook", is_admin=True)
    assert "already linked" in again.text

    streamed: list[str] = []

    async def on_text(text: str) -> None:
        streamed.append(text)

    answer = await run_command(fake_bot, HERE, "ask", "How do deploys work?", is_admin=False, on_text=on_text)
    assert answer.mode == "generative" and answer.id
    assert [c.title for c in answer.citations] == ["Deploying"]
    assert streamed and "release branch" in streamed[-1]
    other = await run_command(fake_bot, Question(platform="slack", channel="C2", text=""), "ask", "deploys?", False)
    assert other.error == "no_sources"  # the link is per channel

    unlinked = await run_command(fake_bot, HERE, "unlink", "handbook", is_admin=True)
    assert "Unlinked `handbook`" in unlinked.text
    after = await run_command(fake_bot, HERE, "ask", "How do deploys work?", is_admin=False)
    assert after.error == "no_sources"


async def test_unknown_source_and_missing_argument(fake_bot, tmp_path):
    await indexed(fake_bot, tmp_path)
    answer = await run_command(fake_bot, HERE, "link", "nope", is_admin=True)
    assert answer.error == "unknown_source"
    assert "nope" in answer.text and "handbook" in answer.text  # names what exists
    usage = await run_command(fake_bot, HERE, "sync", "  ", is_admin=True)
    assert usage.error == "missing_argument" and "sync SOURCE" in usage.text
    hostile = await run_command(fake_bot, HERE, "link", "<@U123>|`x`", is_admin=True)
    assert hostile.error == "unknown_source" and "<@U123>" not in hostile.text


async def test_sources_lists_what_this_channel_sees(fake_bot, tmp_path):
    await indexed(fake_bot, tmp_path)
    none = await run_command(fake_bot, HERE, "sources", "", is_admin=True)
    assert none.error == "no_sources" and "`handbook`" in none.text  # admins are told what they can link
    await run_command(fake_bot, HERE, "link", "handbook", is_admin=True)
    listed = await run_command(fake_bot, HERE, "sources", "", is_admin=False)
    assert listed.error is None and "`handbook`" in listed.text and "manual" in listed.text
    # A source only ingested (`lorebot ingest`, no definition) is listed too, marked so.
    root = write_pages(tmp_path / "notes", {"n.md": page("Notes", "Release notes are kept here.")})
    assert (await indexer_for(fake_bot).sync("notes", root)).ok
    await run_command(fake_bot, HERE, "link", "notes", is_admin=True)
    listed = await run_command(fake_bot, HERE, "sources", "", is_admin=False)
    assert "• `notes` (indexed only: no definition" in listed.text, listed.text


async def test_sync_from_chat_answers_at_once_and_status_shows_the_outcome(fake_bot, fake_openai, tmp_path):
    root = write_pages(tmp_path / "wiki", {f"p{i}.md": page(f"Page {i}", f"Body {i}.") for i in range(3)})
    registry = Registry(fake_bot.redis, fake_bot.settings.key_prefix)
    await registry.add(Source(name="wiki", location=str(root), every="6h").validated())
    fake_openai.delay = 0.5  # the embedding request keeps the sync running for a while

    started = await asyncio.wait_for(run_command(fake_bot, HERE, "sync", "wiki", is_admin=True), 0.4)
    assert started.error is None and "started" in started.text
    busy = await run_command(fake_bot, HERE, "sync", "wiki", is_admin=True)
    assert busy.error == "sync_running"
    during = await run_command(fake_bot, HERE, "status", "", is_admin=True)
    assert "`wiki` syncing now" in during.text

    status = await wait_idle(registry, "wiki")
    assert status["last"]["outcome"] == "synced" and status["last"]["added"] == 3
    shown = await run_command(fake_bot, HERE, "status", "", is_admin=True)
    assert "synced (3 added, 0 changed, 0 deleted)" in shown.text
    assert "No scheduler is running" in shown.text  # scheduled, but no scheduler has planned a next run


async def test_status_for_non_admins_shows_only_linked_sources(fake_bot, tmp_path):
    registry = await indexed(fake_bot, tmp_path)
    await indexed(fake_bot, tmp_path, "secret")
    assert (await run_command(fake_bot, HERE, "status", "", is_admin=False)).error == "no_sources"
    await registry.link("handbook", HERE.scope)
    shown = await run_command(fake_bot, HERE, "status", "", is_admin=False)
    assert "`handbook`" in shown.text and "secret" not in shown.text
    assert "never synced" in shown.text  # indexed directly, not through a source run


async def test_forget_clears_this_conversation(fake_bot, tmp_path):
    registry = await indexed(fake_bot, tmp_path)
    await registry.link("handbook", HERE.scope)
    await run_command(fake_bot, HERE, "ask", "How do deploys work?", is_admin=False)
    assert await fake_bot.memory.recent(HERE.conversation)
    done = await run_command(fake_bot, HERE, "forget", "", is_admin=False)
    assert done.error is None and "forgotten" in done.text
    assert await fake_bot.memory.recent(HERE.conversation) == []
