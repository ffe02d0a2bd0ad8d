"""A real Slack Web API and Socket Mode server for tests (aiohttp on its own thread and loop:
testkit.fakes.background_server): the real slack_sdk AsyncWebClient and Socket Mode client talk to it.

    with FakeSlack() as slack:
        client = AsyncWebClient(token=slack.bot_token, base_url=slack.api_url)

Web API (POST form or JSON, or GET query, at /api/METHOD): auth.test, chat.postMessage, chat.update,
chat.postEphemeral, chat.startStream, chat.appendStream, chat.stopStream, users.info,
conversations.info and conversations.replies (testkit.fakes.slack_conversations: `ext_shared` channels,
people's messages kept with `record`), apps.connections.open (answers the websocket URL). Every call is recorded (`calls(method)`); posted
messages are kept, with updates applied (`messages(channel)`); a message that breaks Slack's size
rules is refused as Slack would (testkit.fakes.slack_limits). response_url posts (POST /response/ID)
are recorded as calls of method "response_url". The stream methods: testkit.fakes.slack_streams (a
streamed message cannot be updated until it is stopped).

Socket Mode: GET /socket is a websocket that says `hello`; `await send_envelope(kind, payload)` pushes
an envelope to the connected client and `acks` holds what it acknowledged.

Controls (thread-safe): `fail_next(method, error)`, `ratelimit_next(method, retry_after)`,
`not_in_channel` (channel ids the bot is not a member of), `users` (id -> users.info fields),
`stream_refusal` (an error every chat.startStream answers, as from a Slack that will not stream for
this app: e.g. "unknown_method"), `expire_streams()` (Slack ends the streams left open).
"""

from __future__ import annotations

import itertools
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from testkit.fakes.background_server import BackgroundServer
from testkit.fakes.slack_conversations import CONVERSATION_METHODS, SlackConversations
from testkit.fakes.slack_limits import MessageRejected, check_message
from testkit.fakes.slack_streams import STREAM_METHODS, SlackStreams

BOT_USER = "UBOT0001"
BOT_ID = "BBOT0001"
TEAM = "T0000001"
MESSAGE_METHODS = ("chat.postMessage", "chat.update", "chat.postEphemeral")


@dataclass(frozen=True)
class Call:
    method: str
    args: dict[str, Any]  # form/JSON/query arguments; `blocks` decoded from JSON
    token: str
    at: float = field(default_factory=time.monotonic)  # when it arrived (for latency figures)


class FakeSlack(SlackStreams, SlackConversations, BackgroundServer):
    name = "fake-slack"

    def __init__(self, bot_token: str = "xoxb-test-bot-token", app_token: str = "xapp-test-app-token") -> None:
        super().__init__()
        self.bot_token = bot_token
        self.app_token = app_token
        self.users: dict[str, dict[str, Any]] = {}
        self.not_in_channel: set[str] = set()
        self.stream_refusal: str | None = None
        self.acks: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._calls: list[Call] = []
        self._messages: dict[str, list[dict[str, Any]]] = {}
        self._failures: dict[str, list[tuple[int, str, float]]] = {}
        self._ts = itertools.count(1)
        self._sockets: list[web.WebSocketResponse] = []
        self._init_conversations()

    # --- controls -------------------------------------------------------------------------------
    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def response_url(self, key: str = "") -> str:
        return f"http://127.0.0.1:{self.port}/response/{key or uuid.uuid4().hex[:8]}"

    def calls(self, method: str | None = None) -> list[Call]:
        with self._lock:
            return [c for c in self._calls if method is None or c.method == method]

    def messages(self, channel: str, thread_ts: str | None = None) -> list[dict[str, Any]]:
        """The bot's messages in `channel` (in a thread if given), as they read now."""
        with self._lock:
            found = self._messages.get(channel, [])
            return [dict(m) for m in found if thread_ts is None or m.get("thread_ts") == thread_ts]

    def fail_next(self, method: str, error: str, n: int = 1) -> None:
        with self._lock:
            self._failures.setdefault(method, []).extend([(200, error, 0.0)] * n)

    def ratelimit_next(self, method: str, retry_after: float = 1, n: int = 1) -> None:
        with self._lock:
            self._failures.setdefault(method, []).extend([(429, "ratelimited", retry_after)] * n)

    @property
    def socket_connected(self) -> bool:
        return bool(self._sockets)

    async def send_envelope(self, kind: str, payload: dict[str, Any], **extra: Any) -> str:
        """Push an envelope ("events_api", "slash_commands", "interactive") to the Socket Mode client."""
        if not self._sockets:
            raise RuntimeError("no Socket Mode client is connected")
        envelope_id = uuid.uuid4().hex
        envelope = {"envelope_id": envelope_id, "type": kind, "payload": payload,
                    "accepts_response_payload": kind != "events_api", **extra}
        await self.run(self._sockets[-1].send_str(json.dumps(envelope)))
        return envelope_id

    # --- server ---------------------------------------------------------------------------------
    def build_app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/response/{key}", self._response_url)
        app.router.add_get("/socket", self._socket)
        return app

    async def on_stop(self) -> None:
        for ws in list(self._sockets):
            await ws.close()

    # --- Web API --------------------------------------------------------------------------------
    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args: dict[str, Any] = dict(request.query)
        if request.method == "POST":
            if request.content_type == "application/json":
                args.update(await request.json() or {})
            else:
                args.update(await request.post())
        if isinstance(args.get("blocks"), str):
            try:
                args["blocks"] = json.loads(args["blocks"])
            except ValueError:
                pass  # left as text: check_message refuses it
        token = request.headers.get("Authorization", "").removeprefix("Bearer ") or str(args.pop("token", ""))
        with self._lock:
            self._calls.append(Call(method, args, token))
            queued = self._failures.get(method)
            failure = queued.pop(0) if queued else None
        if failure is not None:
            status, error, retry_after = failure
            headers = {"Retry-After": f"{retry_after:g}"} if status == 429 else {}
            return web.json_response({"ok": False, "error": error}, status=status, headers=headers)
        expected = self.app_token if method == "apps.connections.open" else self.bot_token
        if not token:
            return web.json_response({"ok": False, "error": "not_authed"})
        if token != expected:
            return web.json_response({"ok": False, "error": "invalid_auth"})
        try:
            return web.json_response({"ok": True, **self._answer(method, args)})
        except MessageRejected as exc:
            return web.json_response({"ok": False, "error": exc.error, "errors": [exc.detail]})

    def _answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {"url": "https://lorebot-test.slack.com/", "team": "Test", "user": "lorebot", "team_id": TEAM,
                    "user_id": BOT_USER, "bot_id": BOT_ID, "is_enterprise_install": False}
        if method == "apps.connections.open":
            return {"url": f"ws://127.0.0.1:{self.port}/socket"}
        if method == "users.info":
            user = self.users.get(str(args.get("user", "")))
            if user is None:
                raise MessageRejected("user_not_found", "unknown user")
            return {"user": {"id": args["user"], "is_bot": False, "is_admin": False, "is_owner": False, **user}}
        if method in MESSAGE_METHODS:
            return self._message(method, args)
        if method in STREAM_METHODS:
            return self._stream(method, args)
        if method in CONVERSATION_METHODS:
            return self._conversation(method, args, BOT_USER, BOT_ID)
        raise MessageRejected("unknown_method", method)

    def _message(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._writable_channel(args)
        check_message(args)
        with self._lock:
            if method == "chat.postEphemeral":
                return {"message_ts": self._next_ts()}
            if method == "chat.update":
                found = [m for m in self._messages.get(channel, []) if m["ts"] == args.get("ts")]
                if not found:
                    raise MessageRejected("message_not_found", str(args.get("ts")))
                if found[0].get("streaming"):
                    raise MessageRejected("cant_update_message", "the message is still streaming")
                found[0].update(text=args.get("text", ""), blocks=args.get("blocks"), updates=found[0]["updates"] + 1)
                return {"channel": channel, "ts": found[0]["ts"], "text": found[0]["text"]}
            message = self._add_message(channel, args.get("thread_ts"), text=args.get("text", ""),
                                        blocks=args.get("blocks"))
            return {"channel": channel, "ts": message["ts"], "message": dict(message)}

    def _add_message(self, channel: str, thread_ts: str | None, **fields: Any) -> dict[str, Any]:
        """A new message of the bot's (the caller holds the lock)."""
        message = {"ts": self._next_ts(), "thread_ts": thread_ts, "updates": 0, "user": BOT_USER, **fields}
        self._messages.setdefault(channel, []).append(message)
        return message

    def _next_ts(self) -> str:
        n = next(self._ts)
        return f"{1700000000 + n}.{n:06d}"

    async def _response_url(self, request: web.Request) -> web.Response:
        args = await request.json()
        with self._lock:
            self._calls.append(Call("response_url", args, request.match_info["key"]))
        try:
            check_message(args)
        except MessageRejected as exc:
            return web.Response(status=400, text=exc.error)
        return web.Response(text="ok")

    # --- Socket Mode ----------------------------------------------------------------------------
    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self._sockets.append(ws)
        await ws.send_str(json.dumps({"type": "hello", "num_connections": 1,
                                      "connection_info": {"app_id": "A0000001"},
                                      "debug_info": {"host": "fake-slack", "approximate_connection_time": 3600}}))
        try:
            async for msg in ws:
                if msg.type == WSMsgType.TEXT:
                    with self._lock:
                        self.acks.append(json.loads(msg.data))
        finally:
            self._sockets.remove(ws)
        return ws
