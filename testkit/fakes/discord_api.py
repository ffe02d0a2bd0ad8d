"""A fake Discord for tests: the REST API (at /api/v10) and the gateway websocket (at /gw/), served on
its own thread and loop (testkit.fakes.background_server), so the real discord.py client talks to it:

    with FakeDiscord() as discord_api:
        settings = make_settings(DISCORD_API_URL=discord_api.api_url, DISCORD_GATEWAY_URL=discord_api.gateway_url)

REST: GET /users/@me, /oauth2/applications/@me, /gateway(/bot); PUT/GET application commands (global
and per guild, kept in `commands`); POST /interactions/{id}/{token}/callback (autocomplete results kept
as `choices`); POST /webhooks/{app}/{token} (followups); GET/PATCH/DELETE
/webhooks/{app}/{token}/messages/{id|@original}; POST /channels/{id}/messages (replies) and
GET/PATCH/DELETE them; POST /channels/{id}/typing; people's messages, history, threads started from a
message and forum posts (testkit.fakes.discord_threads). Messages and interactions behave as Discord's do
(testkit.fakes.discord_store), size rules included (testkit.fakes.discord_limits). JSON answers carry
`Content-Type: application/json` exactly, as discord.py requires. Every request is recorded with the
time it arrived (`requests`); `fail_next` makes one fail. A post to a channel the fake does not know is
refused (404, 10003 Unknown Channel), and to one in `no_access` (a channel the bot cannot see or may not
write in) with 403, 50001 Missing Access, as Discord refuses them.

Gateway (testkit.fakes.discord_gateway): `dispatch(event, data)` sends an event (a message's text
withheld as Discord withholds it from a bot without the message-content intent), `reconnect(*events)`
sends op 7; the world's builders (`slash`, `autocomplete`, `click`, `mention`, `says`, `reply_to`,
`direct_message`, `forum_post`, and `start_thread`) make the usual events. Once the bot has synced its
commands, `slash` types each option by the command's definition and refuses what Discord's client
would not send (testkit.fakes.discord_options).
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from testkit.fakes import discord_payloads as p
from testkit.fakes.background_server import BackgroundServer
from testkit.fakes.discord_gateway import FakeGateway
from testkit.fakes.discord_limits import MessageRejected
from testkit.fakes.discord_store import EPHEMERAL, LOADING, ApiError, MessageStore
from testkit.fakes.discord_threads import UNKNOWN_CHANNEL, DiscordThreads
from testkit.fakes.discord_world import DiscordWorld

PREFIX = "/api/v10"
MISSING_ACCESS = (403, 50001, "Missing Access")
BODY = web.RequestKey("json_body", object)  # the parsed body, handed from the middleware to the handlers


@dataclass(frozen=True)
class DiscordRequest:
    method: str
    path: str  # without the /api/v10 prefix
    query: dict[str, str]
    json: Any
    status: int  # what the fake answered
    at: float  # time.monotonic() on arrival


def _json(data: Any, status: int = 200) -> web.Response:
    return web.Response(status=status, body=json.dumps(data).encode(), headers={"Content-Type": "application/json"})


def _answer(found: dict[str, Any] | None) -> web.Response:
    return _json(found) if found is not None else web.Response(status=204)


class FakeDiscord(DiscordThreads, DiscordWorld, BackgroundServer):
    name = "fake-discord"

    def __init__(self, token: str = "fake-discord-bot-token", response_deadline: float = 3.0) -> None:
        DiscordWorld.__init__(self)
        BackgroundServer.__init__(self)
        self.token = token
        self.store = MessageStore(self.bot_user, self.guild_id, self.dm["id"], response_deadline)
        self.commands: dict[str | None, list[dict[str, Any]]] = {}  # guild id (None: global) -> synced
        self.gateway: FakeGateway | None = None
        self._lock = threading.Lock()
        self._requests: list[DiscordRequest] = []
        self._failures: list[tuple[str, str, ApiError]] = []
        self.no_access: set[str] = set()  # channel ids the bot may not post in (control)
        self._init_threads()

    # --- addresses, records and controls --------------------------------------------------------
    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{PREFIX}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gw/"

    def requests(self, method: str | None = None, path: str = "") -> list[DiscordRequest]:
        """Recorded requests, optionally of one method and with a path matching the regex `path`."""
        with self._lock:
            found = list(self._requests)
        return [r for r in found if (method is None or r.method == method) and re.search(path, r.path)]

    def fail_next(self, method: str, path: str, status: int = 400, code: int = 50035,
                  message: str = "Invalid Form Body") -> None:
        """Answer the next `method` request whose path matches the regex `path` with this error."""
        with self._lock:
            self._failures.append((method, path, ApiError(status, code, message)))

    def interaction_messages(self, token: str) -> list[dict[str, Any]]:
        return self.store.interaction_messages(token)

    def choices(self, token: str) -> list[dict[str, Any]] | None:
        return self.store.choices(token)

    def synced_command(self, name: str, guild_id: str | None) -> dict[str, Any] | None:
        """In a guild its own commands and the global ones are usable, in a DM the global ones."""
        with self._lock:
            usable = [*(self.commands.get(guild_id, []) if guild_id else []), *self.commands.get(None, [])]
        return next((dict(c) for c in usable if c["name"] == name), None)

    def channel_messages(self, channel_id: str) -> list[dict[str, Any]]:
        return self.store.channel_messages(channel_id)

    async def wait_for(self, condition: Callable[[], Any], timeout: float = 10, what: str = "condition") -> Any:
        """Poll until `condition()` is truthy and return it."""
        deadline = time.monotonic() + timeout
        while not (found := condition()):
            if time.monotonic() > deadline:
                raise TimeoutError(f"timed out waiting for {what}")
            await asyncio.sleep(0.01)
        return found

    # --- gateway events -------------------------------------------------------------------------
    async def dispatch(self, event: str, data: dict[str, Any]) -> int:
        """Send a gateway event; its sequence number."""
        if event == "INTERACTION_CREATE":
            self.store.expect(data)
        self.keep(event, data)  # kept whole: the history withholds text as the gateway does
        if event in ("MESSAGE_CREATE", "MESSAGE_UPDATE"):
            data = self.seen_by_bot(data, self.intents)
        return await self.run(self.gateway.dispatch(event, data))  # type: ignore[union-attr]

    @property
    def intents(self) -> int:
        """The intents the client identified with (0 before it has)."""
        identified = [o for o in (self.gateway.opened if self.gateway else []) if "intents" in o]
        return int(identified[-1]["intents"]) if identified else 0

    async def reconnect(self, *events: tuple[str, dict[str, Any]]) -> list[int]:
        """Ask the client to reconnect (op 7); `events` happen before it has resumed (their sequences)."""
        for event, data in events:
            if event == "INTERACTION_CREATE":
                self.store.expect(data)
        return await self.run(self.gateway.reconnect(list(events)))  # type: ignore[union-attr]

    # --- server ---------------------------------------------------------------------------------
    def build_app(self) -> web.Application:
        self.gateway = FakeGateway(self.token, self.gateway_url, self.ready(), [self.guild_create()])
        app = web.Application(middlewares=[self._record])
        r = app.router
        r.add_get("/gw/", self.gateway.handle)
        r.add_get(PREFIX + "/users/@me", self._me)
        r.add_get(PREFIX + "/oauth2/applications/@me", self._application)
        r.add_get(PREFIX + "/gateway", self._gateway)
        r.add_get(PREFIX + "/gateway/bot", self._gateway)
        for path in ("/applications/{app}/commands", "/applications/{app}/guilds/{guild}/commands"):
            r.add_route("PUT", PREFIX + path, self._put_commands)
            r.add_get(PREFIX + path, self._get_commands)
        r.add_post(PREFIX + "/interactions/{id}/{token}/callback", self._callback)
        r.add_post(PREFIX + "/webhooks/{app}/{token}", self._followup)
        r.add_route("*", PREFIX + "/webhooks/{app}/{token}/messages/{message}", self._webhook_message)
        r.add_post(PREFIX + "/channels/{channel}/messages", self._channel_post)
        self.add_thread_routes(app, PREFIX)
        r.add_route("*", PREFIX + "/channels/{channel}/messages/{message}", self._channel_message)
        r.add_post(PREFIX + "/channels/{channel}/typing", self._typing)
        return app

    async def on_stop(self) -> None:
        if self.gateway is not None:
            await self.gateway.close()

    def _failure(self, method: str, path: str) -> ApiError | None:
        with self._lock:
            found = next((f for f in self._failures if f[0] == method and re.search(f[1], path)), None)
            if found is not None:
                self._failures.remove(found)
        return found[2] if found else None

    @web.middleware
    async def _record(self, request: web.Request, handler: Callable) -> web.StreamResponse:
        if not request.path.startswith(PREFIX):
            return await handler(request)
        at, path = time.monotonic(), request.path.removeprefix(PREFIX)
        raw = await request.read()
        request[BODY] = body = json.loads(raw) if raw and request.content_type == "application/json" else None
        with_token = re.match(r"/(interactions|webhooks)/", path)  # the interaction token is the credential
        try:
            if not with_token and request.headers.get("Authorization") != f"Bot {self.token}":
                raise ApiError(401, 0, "401: Unauthorized")
            if failure := self._failure(request.method, path):
                raise failure
            response: web.StreamResponse = await handler(request)
        except (ApiError, MessageRejected) as exc:
            response = _json(exc.body(), getattr(exc, "status", 400))
        except web.HTTPNotFound:
            response = _json({"code": 0, "message": "404: Not Found"}, 404)
        with self._lock:
            self._requests.append(DiscordRequest(request.method, path, dict(request.query), body, response.status, at))
        return response

    async def _me(self, request: web.Request) -> web.Response:
        return _json(self.bot_user)

    async def _application(self, request: web.Request) -> web.Response:
        return _json(self.application())

    async def _gateway(self, request: web.Request) -> web.Response:
        return _json({"url": self.gateway_url, "shards": 1, "session_start_limit": {
            "total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}})

    async def _typing(self, request: web.Request) -> web.Response:
        return web.Response(status=204)

    async def _put_commands(self, request: web.Request) -> web.Response:
        guild = request.match_info.get("guild")
        synced = []
        for c in request[BODY]:
            permissions = c.get("default_member_permissions")  # Discord answers it as a string
            synced.append({"id": p.snowflake(), "application_id": self.app_id, "version": p.snowflake(), "type": 1,
                           "nsfw": False, **c, **({"guild_id": guild} if guild else {}),
                           "default_member_permissions": None if permissions is None else str(permissions)})
        with self._lock:
            self.commands[guild] = synced
        return _json(synced)

    async def _get_commands(self, request: web.Request) -> web.Response:
        with self._lock:
            return _json(self.commands.get(request.match_info.get("guild"), []))

    async def _callback(self, request: web.Request) -> web.Response:
        state, msg = self.store.respond(request.match_info["id"], request.match_info["token"], request[BODY] or {})
        if "with_response" not in request.query:
            return web.Response(status=204)
        interaction = {"id": state.payload["id"], "type": state.payload["type"]}
        if msg is None:  # an autocomplete result: no message, no resource
            return _json({"interaction": interaction})
        return _json({"interaction": {**interaction, "response_message_id": msg["id"],
                                      "response_message_loading": bool(msg["flags"] & LOADING),
                                      "response_message_ephemeral": bool(msg["flags"] & EPHEMERAL)},
                      "resource": {"type": (request[BODY] or {}).get("type"), "message": msg}})

    async def _followup(self, request: web.Request) -> web.Response:
        msg = self.store.followup(request.match_info["token"], request[BODY] or {})
        return _json(msg) if request.query.get("wait") in ("1", "true", "True") else web.Response(status=204)

    async def _webhook_message(self, request: web.Request) -> web.Response:
        info = request.match_info
        return _answer(self.store.webhook_message(request.method, info["token"], info["message"], request[BODY] or {}))

    async def _channel_post(self, request: web.Request) -> web.Response:
        channel_id = request.match_info["channel"]
        if channel_id not in self._known_channels():
            raise ApiError(*UNKNOWN_CHANNEL)
        if channel_id in self.no_access:
            raise ApiError(*MISSING_ACCESS)
        return _json(self.store.post(channel_id, request[BODY] or {}))

    async def _channel_message(self, request: web.Request) -> web.Response:
        info = request.match_info
        if request.method == "GET" and (person := self.person_message(info["channel"], info["message"])):
            return _json(person)
        return _answer(self.store.channel_message(request.method, info["channel"], info["message"],
                                                  request[BODY] or {}))
