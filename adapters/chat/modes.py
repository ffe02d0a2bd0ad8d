"""The `mode` and `escalate` chat commands (admins): how Lorebot behaves in this channel, stored with
bot.channels.ChannelStore so every process follows a change at once.

    mode                      show this channel's settings
    mode mentions             answer only when addressed (the default)
    mode auto [WAIT]          also answer new questions posted here; WAIT (10m): people first
    mode auto threshold=0.6   ... abstaining below this confidence ("default": the configured one)
    escalate TARGET           hand questions to TARGET (a user group or person; a role or member)
    escalate off              no hand-off target
"""

from __future__ import annotations

from bot.channels import ChannelConfig, ChannelMode, ChannelStore
from bot.types import Question
from ingest.channel_checks import (
    format_duration,
    parse_duration,
    parse_mode,
    parse_target,
    parse_threshold,
)
from ingest.source_checks import SourceError

MODE_USAGE = "Usage: `mode mentions` or `mode auto [WAIT] [threshold=X]` (WAIT like 10m: people first)."
ESCALATE_USAGE = "Usage: `escalate TARGET` (a user group or person to mention) or `escalate off`."


def describe(config: ChannelConfig) -> str:
    """One channel's settings in a sentence (the target as stored: mentions are not rendered here)."""
    if config.mode == ChannelMode.AUTO:
        text = "Mode **auto**: I answer new questions posted here when I'm confident"
        text += (f", if no one has replied within {format_duration(config.wait_seconds)}."
                 if config.wait_seconds else ".")
    else:
        text = "Mode **mentions**: I answer when mentioned, in DMs and in threads I answered."
    if config.threshold is not None:
        text += f" Confidence threshold: {config.threshold:g}."
    text += f" Hand-offs go to `{config.escalate}`." if config.escalate else " No hand-off target."
    return text


async def set_mode(store: ChannelStore, q: Question, args: str) -> str:
    """Apply `mode ARGS`; the reply. Raises SourceError with what is wrong."""
    words = args.split()
    if not words:
        return describe(await store.get(q.scope))
    changes: dict[str, object] = {"mode": parse_mode(words[0])}
    for word in words[1:]:
        name, sep, value = word.partition("=")
        if not sep:
            name, value = "wait", word
        if name.lower() == "wait":
            changes["wait_seconds"] = parse_duration(value)
        elif name.lower() == "threshold":
            changes["threshold"] = parse_threshold(value)
        else:
            raise SourceError(f"unknown setting {name!r}. {MODE_USAGE}")
    if changes["mode"] == ChannelMode.MENTIONS:
        changes.setdefault("wait_seconds", 0.0)
    return "Done. " + describe(await store.update(q.scope, **changes))


async def set_escalation(store: ChannelStore, q: Question, args: str) -> str:
    """Apply `escalate ARGS` (none: show the target); the reply. Raises SourceError."""
    if not args.strip():
        target = (await store.get(q.scope)).escalate
        return f"Hand-offs go to `{target}`." if target else f"No hand-off target is set. {ESCALATE_USAGE}"
    target = parse_target(q.platform, args)
    await store.update(q.scope, escalate=target)
    return f"Done. Hand-offs go to `{target}`." if target else "Done. No hand-off target any more."
