"""The fake Discord's conversations as people write them: their messages (kept as they are dispatched),
channel and thread history (GET /channels/{id}/messages, newest first, with `limit`, `before` and
`after`, as Discord answers it), one message (GET /channels/{id}/messages/{id}), threads started
from a message (POST /channels/{id}/messages/{id}/threads, or a person's `start_thread`: the thread's
id is the message's, as on Discord, and its history begins with a THREAD_STARTER_MESSAGE, type 21,
that carries the message; a second thread is refused with 160004), and forum posts (a thread in a
forum channel whose first message has the thread's id).

Refused as Discord refuses: history of a channel it does not know (404, 10003 Unknown Channel), a
message it does not know (404, 10008 Unknown Message), `limit` outside 1..100 (400, 50035).
"""

from __future__ import annotations

import threading
from typing import Any

from aiohttp import web

from testkit.fakes import discord_payloads as p
from testkit.fakes.discord_store import ApiError, MessageStore

UNKNOWN_CHANNEL = (404, 10003, "Unknown Channel")
UNKNOWN_MESSAGE = (404, 10008, "Unknown Message")
THREAD_EXISTS = (400, 160004, "A thread has already been created for this message")


class DiscordThreads:
    """Mixed into FakeDiscord, which provides `store`, the world's channels and `_json`."""

    store: MessageStore
    intents: int
    seen_by_bot: Any
    guild_id: str
    channel: dict[str, Any]
    thread: dict[str, Any]
    forum: dict[str, Any]
    dm: dict[str, Any]

    def _init_threads(self) -> None:
        self._people_lock = threading.Lock()
        self._people: dict[str, list[dict[str, Any]]] = {}
        self.threads_started: dict[str, dict[str, Any]] = {}  # message id -> thread

    def keep(self, event: str, data: dict[str, Any]) -> None:
        """A dispatched event that leaves something behind: a person's message, a new thread."""
        with self._people_lock:
            if event == "MESSAGE_CREATE" and data.get("author", {}).get("id") != self.store.author["id"]:
                self._people.setdefault(data["channel_id"], []).append(data)
            elif event == "THREAD_CREATE":
                self.threads_started.setdefault(data["id"], data)

    def channel_of(self, channel_id: str) -> dict[str, Any]:
        """A thread started here, else the world's channel with this id."""
        with self._people_lock:
            started = self.threads_started.get(channel_id)
        return started or super().channel_of(channel_id)  # type: ignore[misc]

    def _known_channels(self) -> set[str]:
        with self._people_lock:
            started = set(self.threads_started)
        return {self.channel["id"], self.thread["id"], self.forum["id"], self.dm["id"], *started}

    def start_thread(self, opener: dict[str, Any], who: dict[str, Any], name: str = "a thread") -> dict[str, Any]:
        """`who` starts a thread from `opener` (a person's channel message, as dispatched): the thread, for
        THREAD_CREATE; as on Discord, its history begins with a THREAD_STARTER_MESSAGE pointing at `opener`."""
        thread = {**p.thread(opener["id"], self.guild_id, opener["channel_id"], name=name), "owner_id": who["id"],
                  "newly_created": True}
        with self._people_lock:
            self.threads_started[opener["id"]] = thread
            self._people.setdefault(thread["id"], []).insert(0, p.thread_starter(thread["id"], opener))
        return thread

    def _seen(self, message: dict[str, Any]) -> dict[str, Any]:
        """A message (and the one it carries) as the bot reads it in history."""
        nested = message.get("referenced_message")
        shown = self.seen_by_bot(dict(message), self.intents)
        return {**shown, "referenced_message": self.seen_by_bot(nested, self.intents)} if nested else shown

    def _history_of(self, channel_id: str) -> list[dict[str, Any]]:
        with self._people_lock:  # without the message-content intent, Discord withholds the text here too
            people = [self._seen(m) for m in self._people.get(channel_id, [])]
        bots = [m for m in self.store.channel_messages(channel_id)]
        return sorted(people + bots, key=lambda m: int(m["id"]))

    def person_message(self, channel_id: str, message_id: str) -> dict[str, Any] | None:
        with self._people_lock:
            found = next((m for m in self._people.get(channel_id, []) if m["id"] == message_id), None)
            thread = self.threads_started.get(message_id)
        if found is None:
            return None
        return {**self.seen_by_bot(found, self.intents), **({"thread": thread} if thread else {})}

    async def _history(self, request: web.Request) -> web.Response:
        channel_id = request.match_info["channel"]
        if channel_id not in self._known_channels():
            raise ApiError(*UNKNOWN_CHANNEL)
        try:
            limit = int(request.query.get("limit", 50))
        except ValueError:
            limit = 0
        if not 1 <= limit <= 100:
            raise ApiError(400, 50035, "Invalid Form Body")
        found = self._history_of(channel_id)
        if before := request.query.get("before"):
            found = [m for m in found if int(m["id"]) < int(before)]
        if after := request.query.get("after"):
            found = [m for m in found if int(m["id"]) > int(after)]
            return self._json_list(found[:limit][::-1])
        return self._json_list(found[::-1][:limit])

    def _json_list(self, found: list[dict[str, Any]]) -> web.Response:
        import json

        return web.Response(body=json.dumps(found).encode(), headers={"Content-Type": "application/json"})

    async def _start_thread(self, request: web.Request) -> web.Response:
        channel_id, message_id = request.match_info["channel"], request.match_info["message"]
        body = await request.json()
        if self.person_message(channel_id, message_id) is None:
            raise ApiError(*UNKNOWN_MESSAGE)
        with self._people_lock:
            if message_id in self.threads_started:
                raise ApiError(*THREAD_EXISTS)
            thread = p.thread(message_id, self.guild_id, channel_id, name=str(body.get("name", ""))[:100])
            thread["owner_id"] = self.store.author["id"]
            self.threads_started[message_id] = thread
            opener = next(m for m in self._people.get(channel_id, []) if m["id"] == message_id)
            self._people.setdefault(message_id, []).insert(0, p.thread_starter(message_id, opener))
        import json

        return web.Response(status=201, body=json.dumps(thread).encode(), headers={"Content-Type": "application/json"})

    def add_thread_routes(self, app: web.Application, prefix: str) -> None:
        app.router.add_get(prefix + "/channels/{channel}/messages", self._history)
        app.router.add_post(prefix + "/channels/{channel}/messages/{message}/threads", self._start_thread)
