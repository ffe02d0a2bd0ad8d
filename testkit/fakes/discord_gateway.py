"""The fake Discord gateway (a websocket, JSON text frames): HELLO, IDENTIFY -> READY and GUILD_CREATE,
RESUME -> the missed events then RESUMED, heartbeat acks, and dispatches pushed by tests.

Like Discord, it keeps each session's events by sequence number: a client that resumes gets every
event after the last sequence it saw, including those sent while it was disconnected. `reconnect()`
sends op 7 (RECONNECT), which makes discord.py drop the socket and resume.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

DISPATCH, HEARTBEAT, IDENTIFY, RESUME, RECONNECT, INVALID_SESSION, HELLO, HEARTBEAT_ACK = 0, 1, 2, 6, 7, 9, 10, 11
AUTHENTICATION_FAILED = 4004


@dataclass
class Session:
    id: str
    events: list[dict[str, Any]] = field(default_factory=list)  # every dispatch sent, with its "s"

    def next(self, event: str, data: Any) -> dict[str, Any]:
        frame = {"op": DISPATCH, "t": event, "s": len(self.events) + 1, "d": data}
        self.events.append(frame)
        return frame


class FakeGateway:
    def __init__(self, token: str, url: str, ready: dict[str, Any], guilds: list[dict[str, Any]]):
        self.token = token
        self.url = url
        self.ready = ready  # READY's d, without session_id and resume_gateway_url
        self.guilds = guilds  # each sent as GUILD_CREATE after READY
        self.opened: list[dict[str, Any]] = []  # the IDENTIFY and RESUME payloads received, in order
        self.session: Session | None = None
        self.replayed: list[int] = []  # sequence numbers sent again on a resume
        self.socket: web.WebSocketResponse | None = None

    @property
    def connected(self) -> bool:
        return self.socket is not None and not self.socket.closed

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        # autoclose off: a client's close is answered only after this side counts it as gone, so a client
        # whose close has completed never finds the gateway still "connected" (Discord is gone by then too).
        ws = web.WebSocketResponse(autoclose=False)
        await ws.prepare(request)
        await ws.send_json({"op": HELLO, "d": {"heartbeat_interval": 41250}, "s": None, "t": None})
        async for msg in ws:
            if msg.type != WSMsgType.TEXT:
                break
            frame = json.loads(msg.data)
            op, data = frame.get("op"), frame.get("d")
            if op == HEARTBEAT:
                await ws.send_json({"op": HEARTBEAT_ACK, "d": None, "s": None, "t": None})
            elif op in (IDENTIFY, RESUME):
                self.opened.append({"op": op, **data})
                if data.get("token") != self.token:
                    await ws.close(code=AUTHENTICATION_FAILED, message=b"Authentication failed.")
                elif op == IDENTIFY:
                    await self._identify(ws)
                else:
                    await self._resume(ws, data)
        if self.socket is ws:
            self.socket = None
        await ws.close()
        return ws

    async def _identify(self, ws: web.WebSocketResponse) -> None:
        self.session = Session(uuid.uuid4().hex)
        self.socket = ws
        ready = {**self.ready, "session_id": self.session.id, "resume_gateway_url": self.url}
        await ws.send_json(self.session.next("READY", ready))
        for guild in self.guilds:
            await ws.send_json(self.session.next("GUILD_CREATE", guild))

    async def _resume(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> None:
        if self.session is None or data.get("session_id") != self.session.id:
            await ws.send_json({"op": INVALID_SESSION, "d": False, "s": None, "t": None})
            return
        self.socket = ws
        seen = int(data.get("seq") or 0)
        for frame in self.session.events[seen:]:
            await ws.send_json(frame)
            self.replayed.append(frame["s"])
        await ws.send_json(self.session.next("RESUMED", {}))

    async def dispatch(self, event: str, data: dict[str, Any]) -> int:
        """Send an event to the connected client, or keep it for the resume if none is; its sequence."""
        if self.session is None:
            raise RuntimeError("no gateway session: the client has not identified yet")
        frame = self.session.next(event, data)
        if self.connected:
            await self.socket.send_json(frame)  # type: ignore[union-attr]
        return frame["s"]

    async def reconnect(self, events: list[tuple[str, dict[str, Any]]]) -> list[int]:
        """Send op 7, then `events`: nothing more goes to that socket, so they wait for the resume."""
        if not self.connected:
            raise RuntimeError("no client is connected to the gateway")
        socket, self.socket = self.socket, None
        await socket.send_json({"op": RECONNECT, "d": None, "s": None, "t": None})  # type: ignore[union-attr]
        return [await self.dispatch(event, data) for event, data in events]

    async def close(self) -> None:
        if self.socket is not None:
            await self.socket.close()
