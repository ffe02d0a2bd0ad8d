"""Test helpers for the Slack adapter: Slack-shaped payloads, signed HTTP requests to the running app,
and waiting for what the fake Slack API saw."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import aiohttp
from slack_sdk.signature import SignatureVerifier

from adapters.slack.app import SlackApp
from adapters.slack.render import HELPFUL, LOADING
from testkit.fakes.slack_api import BOT_USER, TEAM, Call, FakeSlack

CHANNEL = "C0000001"
USER = "U0000001"
SECRET = "test-signing-secret"
_ts = itertools.count(1)


def new_ts() -> str:
    return f"{1600000000 + next(_ts)}.000100"


def event_callback(event: dict[str, Any], event_id: str | None = None) -> dict[str, Any]:
    return {"token": "legacy-token", "team_id": TEAM, "api_app_id": "A0000001", "type": "event_callback",
            "event_id": event_id or "Ev" + uuid.uuid4().hex[:10].upper(), "event_time": int(time.time()),
            "authorizations": [{"team_id": TEAM, "user_id": BOT_USER, "is_bot": True}], "event": event}


def mention(text: str, channel: str = CHANNEL, user: str = USER, ts: str | None = None,
            thread_ts: str | None = None) -> dict[str, Any]:
    event = {"type": "app_mention", "user": user, "text": f"<@{BOT_USER}> {text}", "ts": ts or new_ts(),
             "channel": channel, "team": TEAM}
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def message(text: str, channel: str = CHANNEL, user: str = USER, ts: str | None = None,
            thread_ts: str | None = None, channel_type: str = "channel", **extra: Any) -> dict[str, Any]:
    event = {"type": "message", "user": user, "text": text, "ts": ts or new_ts(), "channel": channel,
             "channel_type": channel_type, "team": TEAM, **extra}
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


APP_ID = "A0000001"  # Lorebot's app, as event_callback's api_app_id names it


def edit_of(event: dict[str, Any], text: str, when: str | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """What Slack sends when the author edits `event`'s message (one that mentions the bot) to `text`:
    a new app_mention (same ts, an `edited` field; it comes with a new event_id) and a message_changed
    carrying the message as it is now and as it was."""
    stamp = when or new_ts()
    now = {**event, "type": "message", "text": text, "edited": {"user": event["user"], "ts": stamp}}
    now.pop("channel", None)
    mention_again = {**event, "type": "app_mention", "text": text, "edited": {"user": event["user"], "ts": stamp},
                     "event_ts": stamp}
    changed = {"type": "message", "subtype": "message_changed", "hidden": True, "channel": event["channel"],
               "message": now, "previous_message": {k: v for k, v in event.items() if k != "channel"}
               | {"type": "message"}, "event_ts": stamp, "ts": stamp, "channel_type": "channel"}
    return mention_again, changed


def file_share(text: str, channel: str = CHANNEL, user: str = USER, ts: str | None = None,
               thread_ts: str | None = None, channel_type: str = "channel") -> dict[str, Any]:
    """A message with a file attached, as the message event of subtype file_share."""
    files = [{"id": "F0000001", "created": 1600000000, "name": "error.png", "title": "error.png",
              "mimetype": "image/png", "filetype": "png", "user": user, "size": 1234, "mode": "hosted",
              "is_external": False, "url_private": "https://files.slack.com/files-pri/T-F/error.png"}]
    return message(text, channel, user, ts, thread_ts, channel_type, subtype="file_share", files=files,
                   upload=False, display_as_bot=False)


def thread_broadcast(text: str, thread_ts: str, root: dict[str, Any], channel: str = CHANNEL, user: str = USER,
                     ts: str | None = None) -> dict[str, Any]:
    """A thread reply also sent to the channel: one message (one ts) of subtype thread_broadcast,
    carrying the thread's root."""
    return message(text, channel, user, ts, thread_ts, subtype="thread_broadcast",
                   root={"text": root.get("text", ""), "user": root.get("user", USER), "ts": thread_ts,
                         "thread_ts": thread_ts, "type": "message", "reply_count": 1})


def message_deleted(deleted: dict[str, Any]) -> dict[str, Any]:
    stamp = new_ts()
    return {"type": "message", "subtype": "message_deleted", "hidden": True, "channel": deleted["channel"],
            "deleted_ts": deleted["ts"], "previous_message": {k: v for k, v in deleted.items() if k != "channel"},
            "event_ts": stamp, "ts": stamp, "channel_type": "channel"}


def channel_join(user: str = USER, channel: str = CHANNEL) -> dict[str, Any]:
    return message(f"<@{user}> has joined the channel", channel, user, subtype="channel_join", inviter="U0000009")


def bot_message(text: str, bot_id: str, app_id: str = "A0000099", channel: str = CHANNEL,
                thread_ts: str | None = None, **extra: Any) -> dict[str, Any]:
    """A message a bot posted: subtype bot_message, a bot_id and the bot's app, no user."""
    event = message(text, channel, "", thread_ts=thread_ts, subtype="bot_message", bot_id=bot_id, app_id=app_id,
                    username="a bot", **extra)
    event.pop("user")
    return event


def slash_command(text: str, response_url: str, command: str = "/lore", user: str = USER,
                  channel: str = CHANNEL) -> dict[str, str]:
    return {"token": "legacy-token", "team_id": TEAM, "team_domain": "test", "channel_id": channel,
            "channel_name": "general", "user_id": user, "user_name": "someone", "command": command, "text": text,
            "api_app_id": "A0000001", "response_url": response_url, "trigger_id": "1.2.3"}


def block_action(action_id: str, value: str, response_url: str, user: str = USER, channel: str = CHANNEL,
                 message_ts: str = "1.1", thread_ts: str | None = None) -> dict[str, Any]:
    msg = {"type": "message", "ts": message_ts, "user": BOT_USER, "text": "answer"}
    if thread_ts:
        msg["thread_ts"] = thread_ts
    return {"type": "block_actions", "team": {"id": TEAM, "domain": "test"}, "user": {"id": user, "team_id": TEAM},
            "api_app_id": "A0000001", "token": "legacy-token", "trigger_id": "1.2.3",
            "container": {"type": "message", "message_ts": message_ts, "channel_id": channel},
            "channel": {"id": channel, "name": "general"}, "message": msg, "response_url": response_url,
            "actions": [{"action_id": action_id, "block_id": "lorebot_feedback", "value": value, "type": "button",
                         "action_ts": "1.2"}]}


def signed(body: str, content_type: str, secret: str = SECRET, timestamp: int | None = None) -> dict[str, str]:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body)
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": signature, "Content-Type": content_type}


@dataclass
class Reply:
    status: int
    body: str
    seconds: float


@dataclass
class SlackHTTP:
    """The app served on a real port, and the fake Slack it talks to."""

    url: str
    api: FakeSlack
    session: aiohttp.ClientSession
    slack: SlackApp | None = None  # None when the app runs inside `serve`

    async def post(self, body: str, content_type: str, **sign: Any) -> Reply:
        headers = signed(body, content_type, **{k: v for k, v in sign.items() if k in ("secret", "timestamp")})
        headers.update(sign.get("headers", {}))
        start = time.perf_counter()
        async with self.session.post(self.url + "/slack/events", data=body.encode(), headers=headers) as r:
            return Reply(r.status, await r.text(), time.perf_counter() - start)

    async def event(self, event: dict[str, Any], event_id: str | None = None, **sign: Any) -> Reply:
        return await self.post(json.dumps(event_callback(event, event_id)), "application/json", **sign)

    async def command(self, text: str, command: str = "/lore", **fields: Any) -> Reply:
        form = slash_command(text, self.api.response_url(), command=command, **fields)
        return await self.post(urlencode(form), "application/x-www-form-urlencoded")

    async def action(self, payload: dict[str, Any]) -> Reply:
        return await self.post(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")


def text_of(message: dict[str, Any]) -> str:
    """All the text a message shows: its blocks' text (a streamed message's markdown too), else its text."""
    parts = []
    for block in message.get("blocks") or []:
        if "text" in block:
            parts.append(block["text"]["text"] if isinstance(block["text"], dict) else block["text"])
        parts += [e["text"] for e in block.get("elements", []) if e.get("type") in ("mrkdwn", "plain_text")]
    return "\n".join(parts) if parts else message.get("text", "")


def button_value(message: dict[str, Any], action_id: str = HELPFUL) -> str | None:
    """The value of a button of the message (the answer id, for the feedback buttons)."""
    return next((e.get("value") for b in message.get("blocks") or [] for e in b.get("elements", [])
                 if e.get("action_id") == action_id), None)


def replies_begun(api: FakeSlack, thread_ts: str | None = None) -> list[Call]:
    """The calls that begin one of the bot's messages (a post, or a stream: answers are streamed by
    default), in a thread if given."""
    return [c for c in api.calls() if c.method in ("chat.postMessage", "chat.startStream")
            and (thread_ts is None or c.args.get("thread_ts") == thread_ts)]


def has_feedback(message: dict[str, Any]) -> bool:
    return button_value(message) is not None


def finished(message: dict[str, Any]) -> bool:
    """No longer the placeholder, a progress edit or a stream in progress."""
    text = text_of(message)
    return LOADING not in text and "_writing…_" not in text and not message.get("streaming")


async def until(check: Callable[[], Any], timeout: float = 15, what: str = "the condition") -> Any:
    """Poll `check` until it returns something truthy (returned), or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := check():
            return result
        await asyncio.sleep(0.02)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


async def answered(api: FakeSlack, channel: str, thread_ts: str | None, timeout: float = 15) -> list[dict]:
    """The bot's finished messages in a thread, once the first is finished."""
    return await until(lambda: [m for m in api.messages(channel, thread_ts) if finished(m)] or None, timeout,
                       f"an answer in {channel}/{thread_ts}")
