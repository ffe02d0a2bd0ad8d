"""The fake Slack's conversations: conversations.info (with `is_ext_shared` for Slack Connect channels)
and conversations.replies (a thread's parent and replies, oldest first, paged with a cursor), shaped
as Slack answers them (docs.slack.dev/reference/methods/conversations.info, conversations.replies).

People's messages are what tests `record` (the events they send carry the same fields); Lorebot's
own are those it posted through chat.postMessage. Refused as Slack refuses: a channel the bot cannot
see (`not_in_channel` here: Slack answers `channel_not_found` for a private one it is not in), a
thread that does not exist (`thread_not_found`), a missing argument (`invalid_arguments`).
"""

from __future__ import annotations

from typing import Any

from testkit.fakes.slack_limits import MessageRejected

CONVERSATION_METHODS = ("conversations.info", "conversations.replies")
MAX_LIMIT = 1000


class SlackConversations:
    """Mixed into FakeSlack, which provides `_lock`, `_messages`, `not_in_channel` and the bot's ids."""

    _lock: Any
    _messages: dict[str, list[dict[str, Any]]]
    not_in_channel: set[str]

    def _init_conversations(self) -> None:
        self.ext_shared: set[str] = set()  # Slack Connect channels
        self._people: dict[str, list[dict[str, Any]]] = {}

    def record(self, event: dict[str, Any]) -> dict[str, Any]:
        """Keep a person's message (a message event as tests send it), so the thread shows it; returns it."""
        message = {"type": "message", "user": event.get("user", ""), "text": event.get("text", ""), "ts": event["ts"]}
        if event.get("thread_ts"):
            message["thread_ts"] = event["thread_ts"]
        if event.get("bot_id"):
            message["bot_id"] = event["bot_id"]
        with self._lock:
            self._people.setdefault(event["channel"], []).append(message)
        return event

    def _conversation(self, method: str, args: dict[str, Any], bot_user: str, bot_id: str) -> dict[str, Any]:
        channel = str(args.get("channel", ""))
        if not channel:
            raise MessageRejected("invalid_arguments", "channel is required")
        if channel in self.not_in_channel:
            raise MessageRejected("channel_not_found", channel)
        if method == "conversations.info":
            return {"channel": self._info(channel)}
        return self._replies(channel, args, bot_user, bot_id)

    def _info(self, channel: str) -> dict[str, Any]:
        shared = channel in self.ext_shared
        kind = channel[:1]
        return {"id": channel, "name": channel.lower(), "is_channel": kind == "C", "is_group": kind == "G",
                "is_im": kind == "D", "is_mpim": False, "is_private": kind in "GD", "created": 1449252889,
                "is_archived": False, "is_general": False, "unlinked": 0, "name_normalized": channel.lower(),
                "is_shared": shared, "is_org_shared": False, "is_ext_shared": shared, "is_pending_ext_shared": False,
                "pending_shared": [], "context_team_id": "T0000001",
                "shared_team_ids": ["T0000001", "T0000EXT"] if shared else ["T0000001"],
                "is_member": True, "topic": {"value": "", "creator": "", "last_set": 0},
                "purpose": {"value": "", "creator": "", "last_set": 0}}

    def _replies(self, channel: str, args: dict[str, Any], bot_user: str, bot_id: str) -> dict[str, Any]:
        ts = str(args.get("ts", ""))
        if not ts:
            raise MessageRejected("invalid_arguments", "ts is required")
        with self._lock:
            people = [dict(m) for m in self._people.get(channel, [])]
            bots = [{"type": "message", "user": bot_user, "bot_id": bot_id, "text": m.get("text", ""),
                     "ts": m["ts"], **({"thread_ts": m["thread_ts"]} if m.get("thread_ts") else {})}
                    for m in self._messages.get(channel, [])]
        everything = people + bots
        parent = next((m for m in everything if m["ts"] == ts), None)
        if parent is None:
            raise MessageRejected("thread_not_found", ts)
        replies = sorted((m for m in everything if m.get("thread_ts") == ts and m["ts"] != ts),
                         key=lambda m: float(m["ts"]))
        if replies:
            parent.update(thread_ts=ts, reply_count=len(replies))
        thread = [parent, *replies]
        start = int(args.get("cursor") or 0)
        limit = min(int(args.get("limit") or MAX_LIMIT), MAX_LIMIT)
        page = thread[start:start + limit]
        more = start + limit < len(thread)
        return {"messages": page, "has_more": more,
                "response_metadata": {"next_cursor": str(start + limit) if more else ""}}
