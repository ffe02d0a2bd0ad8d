"""Chat commands, platform-neutral: the Slack and Discord adapters map their slash commands to
`run_command(bot, q, name, args, is_admin)` and render the Answer it returns.

Who is an admin is a platform fact the adapter decides. A sync started from chat runs in the
background of this process (holding the source's lock) and is answered at once; `status` shows how
it went.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from redis.exceptions import RedisError

from adapters.chat import modes
from bot.access import visible_sources
from bot.channels import ChannelStore
from bot.core import REDIS_DOWN, Lorebot, OnText
from bot.types import Answer, AnswerMode, Question, Reason
from ingest.context import IngestContext
from ingest.source_checks import NAME
from ingest.source_sync import start_sync
from ingest.sources import Registry, SourceError

log = logging.getLogger(__name__)



class Arg(StrEnum):
    """What a command takes after its name."""

    NONE = ""
    QUESTION = "QUESTION"
    SOURCE = "SOURCE"
    MODE = "mentions|auto [WAIT]"
    TARGET = "TARGET|off"


@dataclass(frozen=True)
class Command:
    """One chat command, as every platform shows it. `summary` is the line of `help`; `description`
    is Discord's (at most 100 characters); `admin` commands are refused to others, and `admin_view`
    ones show admins more (every source, not only the channel's); `public` answers are shown to the
    channel, the others to the asker alone."""

    name: str
    summary: str
    description: str
    arg: Arg = Arg.NONE
    admin: bool = False
    admin_view: bool = False
    public: bool = False


# The one table of chat commands: Slack's `/lore NAME`, Discord's `/NAME`, and `help` are built from it.
TABLE = (
    Command("ask", "answer from the documents this channel can see",
            "Ask a question about the documents this channel can see", Arg.QUESTION, public=True),
    Command("sources", "the document sources this channel can see", "The document sources this channel can see",
            admin_view=True),
    Command("status", "when each source was last synced, how it went, and when it syncs next",
            "When each source was last synced, how it went, and when it syncs next", admin_view=True),
    Command("forget", "forget this conversation's history",
            "Forget this conversation's history (this channel, or this thread)"),
    Command("help", "this list", "What Lorebot can do"),
    Command("link", "let this channel see SOURCE", "Let this channel see a document source (admins)",
            Arg.SOURCE, admin=True),
    Command("unlink", "stop this channel seeing SOURCE", "Stop this channel seeing a document source (admins)",
            Arg.SOURCE, admin=True),
    Command("sync", "sync SOURCE now, in the background", "Sync a document source now, in the background (admins)",
            Arg.SOURCE, admin=True),
    Command("mode", "answer only when mentioned, or also new questions here (auto; WAIT like 10m: people first)",
            "How Lorebot answers here: when mentioned, or new questions too (admins)", Arg.MODE, admin=True),
    Command("escalate", "whom \"Ask a person\" and unanswered questions are handed to here",
            "Whom questions Lorebot cannot answer are handed to here (admins)", Arg.TARGET, admin=True),
)
BY_NAME = {c.name: c for c in TABLE}
COMMANDS = tuple(BY_NAME)
ADMIN_ONLY = {c.name for c in TABLE if c.admin}
ASKS_WHO_IS_ADMIN = {c.name for c in TABLE if c.admin or c.admin_view}  # the others answer everyone alike
SAFE_WORD = re.compile(r"^[\w\-]{1,32}$")


def _help_line(c: Command) -> str:
    usage = f"{c.name} {c.arg.value}".strip()
    return f"• `{usage}`: {c.summary}"


HELP = "\n".join(["Commands:", *(_help_line(c) for c in TABLE if not c.admin), "For admins:",
                   *(_help_line(c) for c in TABLE if c.admin)])
NOT_ADMIN = "Sorry, only an admin can use `{name}`. Ask a workspace or server admin to do it."
USAGE = "Usage: `{name} SOURCE`."
PRIVATE = "private"  # `ask private QUESTION`: the answer is shown to the asker alone


def notice(text: str, error: Reason | None = None) -> Answer:
    """A chat command's reply (not an answer to a question: never logged, no confidence)."""
    return Answer(text, mode=AnswerMode.NOTICE, error=error)


async def run_command(bot: Lorebot, q: Question, name: str, args: str, is_admin: bool,
                      on_text: OnText | None = None) -> Answer:
    name = name.strip().lstrip("/").lower()
    args = args.strip()
    if name not in COMMANDS:  # user text is echoed only when it cannot carry markup or mentions
        shown = f" `{name}`" if SAFE_WORD.match(name) else " you used"
        return notice(f"I don't know the command{shown}.\n{HELP}", Reason.UNKNOWN_COMMAND)
    if name == "ask":
        private, question = split_private(args)
        if private:  # its own memory: what one person asks privately never shapes others' answers
            q = dataclasses.replace(q, thread=f"private:{q.user}")
        return await bot.answer(dataclasses.replace(q, text=question), on_text)
    if name == "help":
        return notice(HELP)
    if name in ADMIN_ONLY and not is_admin:
        return notice(NOT_ADMIN.format(name=name), Reason.NOT_ADMIN)
    registry = Registry(bot.redis, bot.settings.key_prefix)
    try:
        if name == "forget":
            await bot.forget(q)
            return notice("Done: I have forgotten this conversation's history.")
        if name == "sources":
            return await _sources(bot, registry, q, is_admin)
        if name == "status":
            return await _status(bot, registry, q, is_admin)
        if name in ("mode", "escalate"):
            store = ChannelStore(bot.redis, bot.settings.key_prefix)
            setting = modes.set_mode if name == "mode" else modes.set_escalation
            try:
                return notice(await setting(store, q, args))
            except SourceError as exc:
                usage = modes.MODE_USAGE if name == "mode" else modes.ESCALATE_USAGE
                return notice(f"{exc}. {usage}", Reason.MISSING_ARGUMENT)
        source = args.split()[0] if args else ""
        if not source:
            return notice(USAGE.format(name=name), Reason.MISSING_ARGUMENT)
        if not NAME.match(source):
            return notice(f"That is not a source name. {USAGE.format(name=name)}", Reason.UNKNOWN_SOURCE)
        if name == "link":
            new = await registry.link(source, q.scope)
            return notice(f"Linked `{source}`: questions here are now answered from it." if new
                          else f"`{source}` was already linked to this channel.")
        if name == "unlink":
            removed = await registry.unlink(source, q.scope)
            return notice(f"Unlinked `{source}`: questions here no longer see it." if removed
                          else f"`{source}` was not linked to this channel.")
        return await _sync(bot, source)
    except SourceError as exc:
        return notice(f"{exc}.", Reason.UNKNOWN_SOURCE)
    except RedisError as exc:
        log.warning("redis unavailable in command %s: %s", name, type(exc).__name__)
        return notice(REDIS_DOWN, Reason.REDIS_UNAVAILABLE)


def split_private(args: str) -> tuple[bool, str]:
    """(`ask private …` was used, the question without the word)."""
    words = args.split(None, 1)
    if len(words) == 2 and words[0].lower() == PRIVATE:
        return True, words[1]
    return False, args


async def _sources(bot: Lorebot, registry: Registry, q: Question, is_admin: bool) -> Answer:
    visible = await visible_sources(bot.redis, bot.settings, q)
    names = await registry.names() if visible is None else visible
    if not names:
        text = "No document source is linked to this channel yet."
        known = await registry.names()
        if is_admin and known:
            text += f" Known sources: {', '.join(f'`{n}`' for n in known)}. Link one with `link SOURCE`."
        elif known:
            text += " An admin can link one with `link SOURCE`."
        return notice(text, Reason.NO_SOURCES)
    lines = ["This channel sees:"]
    for n in names:
        source = await registry.get(n)
        lines.append(f"• `{n}`" + (f" ({source.kind or 'kind detected'}; syncs {source.schedule})" if source
                                   else " (indexed only: no definition, it syncs when ingested again)"))
    return notice("\n".join(lines))


async def _status(bot: Lorebot, registry: Registry, q: Question, is_admin: bool) -> Answer:
    visible = await visible_sources(bot.redis, bot.settings, q)
    names = await registry.names() if is_admin or visible is None else visible
    if not names:
        return notice("No document source is linked to this channel yet.", Reason.NO_SOURCES)
    lines = ["Sources:"]
    for n in names:
        lines.append(describe(await registry.status(n)))
    return notice("\n".join(lines))


def describe(status: dict[str, Any]) -> str:
    """One line of chat status for a source (Registry.status)."""
    parts = [f"• `{status['name']}`"]
    last = status.get("last")
    if status.get("syncing"):
        parts.append("syncing now;")
    if last is None:
        parts.append("never synced.")
    else:
        parts.append(f"last run {last['last_run']}: {last['outcome']}")
        if last.get("error"):
            parts.append(f"({last['error']})")
        elif last["outcome"] == "synced":
            parts.append(f"({last['added']} added, {last['changed']} changed, {last['deleted']} deleted"
                         + (f", {len(last['failed'])} files skipped" if last.get("failed") else "") + ")")
        parts[-1] += "."
    if status.get("next_run"):
        parts.append(f"Next run {status['next_run']}.")
    elif status.get("registered") and status.get("schedule") != "manual":
        parts.append("No scheduler is running.")
    return " ".join(parts)


async def _sync(bot: Lorebot, name: str) -> Answer:
    if not await start_sync(IngestContext.of(bot), name):
        return notice(f"A sync of `{name}` is already running; `status` shows how it goes.", Reason.SYNC_RUNNING)
    return notice(f"Sync of `{name}` started; `status` shows how it went.")
