"""The fake Discord's messages and interactions, changed as Discord's REST API would change them:
interaction responses (within the response deadline, once; autocomplete ones with choices, the
others with a message), followups (the first after a defer fills the loading message), replies and
edits, each checked against Discord's size rules.

Thread-safe: the fake's handlers change it on the fake's loop while tests read it from theirs.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

from testkit.fakes import discord_payloads as p
from testkit.fakes.discord_limits import check_choices, check_message

EPHEMERAL, LOADING = 64, 128
CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, AUTOCOMPLETE_RESULT = 4, 5, 8  # interaction callback types


class ApiError(Exception):
    """An error answer in Discord's shape."""

    def __init__(self, status: int, code: int, message: str):
        super().__init__(message)
        self.status = status
        self.code = code

    def body(self) -> dict[str, Any]:
        return {"code": self.code, "message": str(self)}


UNKNOWN_MESSAGE = (404, 10008, "Unknown Message")


@dataclass
class Interaction:
    payload: dict[str, Any]
    dispatched: float
    responded: bool = False
    messages: list[str] = field(default_factory=list)  # the original response first, then followups
    choices: list[dict[str, Any]] | None = None  # an autocomplete interaction's answer


class MessageStore:
    def __init__(self, author: dict[str, Any], guild_id: str, dm_id: str, response_deadline: float):
        self.author = author
        self.guild_id = guild_id
        self.dm_id = dm_id
        self.response_deadline = response_deadline
        self.lock = threading.Lock()
        self._messages: dict[str, dict[str, Any]] = {}
        self._interactions: dict[str, Interaction] = {}

    # --- reading --------------------------------------------------------------------------------
    def interaction_messages(self, token: str) -> list[dict[str, Any]]:
        """What the user sees for an interaction now: the original response, then the followups."""
        with self.lock:
            state = self._interactions.get(token)
            return [dict(self._messages[m]) for m in state.messages if m in self._messages] if state else []

    def channel_messages(self, channel_id: str) -> list[dict[str, Any]]:
        """The bot's messages in a channel (not interaction responses), as they read now."""
        with self.lock:
            responses = {m for state in self._interactions.values() for m in state.messages}
            return [dict(m) for m in self._messages.values() if m["channel_id"] == channel_id
                    and m["id"] not in responses]

    def choices(self, token: str) -> list[dict[str, Any]] | None:
        """The choices an autocomplete interaction was answered with (None: not answered)."""
        with self.lock:
            state = self._interactions.get(token)
            return [dict(c) for c in state.choices] if state and state.choices is not None else None

    # --- interactions ---------------------------------------------------------------------------
    def expect(self, payload: dict[str, Any]) -> None:
        """An interaction is being dispatched: its time to respond starts now."""
        with self.lock:
            self._interactions.setdefault(payload["token"], Interaction(payload, time.monotonic()))

    def _interaction(self, token: str) -> Interaction:
        state = self._interactions.get(token)
        if state is None:
            raise ApiError(404, 10015, "Unknown Webhook")
        return state

    def respond(self, interaction_id: str, token: str,
                body: dict[str, Any]) -> tuple[Interaction, dict[str, Any] | None]:
        """The response message, or None for an autocomplete result (which makes no message)."""
        kind, data = body.get("type"), body.get("data") or {}
        with self.lock:
            state = self._interaction(token)
            if state.payload["id"] != interaction_id or time.monotonic() - state.dispatched > self.response_deadline:
                raise ApiError(404, 10062, "Unknown interaction")
            if state.responded:
                raise ApiError(400, 40060, "Interaction has already been acknowledged.")
            # Autocomplete is answered with choices alone, and only autocomplete is.
            allowed = ((AUTOCOMPLETE_RESULT,) if state.payload["type"] == p.AUTOCOMPLETE
                       else (CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE))
            if kind not in allowed:
                raise ApiError(400, 50035, f"callback type {kind!r} cannot answer interaction type "
                                           f"{state.payload['type']} (this fake knows {allowed})")
            if kind == AUTOCOMPLETE_RESULT:
                check_choices(data.get("choices"))
                state.choices, state.responded = list(data["choices"]), True
                return state, None
            flags = int(data.get("flags") or 0) | (LOADING if kind == DEFERRED_CHANNEL_MESSAGE else 0)
            msg = self._create(state.payload["channel_id"], {**data, "flags": flags}, webhook_id=self.author["id"])
            state.responded = True
            state.messages.append(msg["id"])
            return state, msg

    def followup(self, token: str, body: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            state = self._interaction(token)
            if not state.responded:  # the followup webhook exists once the interaction is responded to
                raise ApiError(404, 10015, "Unknown Webhook")
            first = self._messages.get(state.messages[0]) if state.messages else None
            if first is not None and first["flags"] & LOADING:  # the first followup fills a deferred response
                return self._edit(first["id"], body)
            msg = self._create(state.payload["channel_id"], body, webhook_id=self.author["id"])
            state.messages.append(msg["id"])
            return msg

    def webhook_message(self, method: str, token: str, message_id: str, body: dict[str, Any]) -> dict[str, Any] | None:
        """GET, PATCH or DELETE (None) an interaction's message ("@original": its response)."""
        with self.lock:
            state = self._interaction(token)
            if message_id == "@original":
                message_id = state.messages[0] if state.messages else ""
            if message_id not in state.messages:
                raise ApiError(*UNKNOWN_MESSAGE)
            if method == "DELETE":
                state.messages.remove(message_id)
            return self._change(method, message_id, body)

    # --- channel messages -----------------------------------------------------------------------
    def post(self, channel_id: str, body: dict[str, Any]) -> dict[str, Any]:
        reference = body.get("message_reference")
        extra = {"message_reference": {k: str(v) if k.endswith("_id") else v for k, v in reference.items()}
                 } if reference else {}  # Discord answers snowflakes as strings
        with self.lock:
            return self._create(channel_id, body, **extra)

    def channel_message(self, method: str, channel_id: str, message_id: str,
                        body: dict[str, Any]) -> dict[str, Any] | None:
        with self.lock:
            if self._messages.get(message_id, {}).get("channel_id") != channel_id:
                raise ApiError(*UNKNOWN_MESSAGE)
            return self._change(method, message_id, body)

    # --- changes (with the lock held) -----------------------------------------------------------
    def _create(self, channel_id: str, body: dict[str, Any], **extra: Any) -> dict[str, Any]:
        msg = p.message(p.snowflake(), channel_id, self.author, body.get("content") or "",
                        embeds=body.get("embeds") or [], components=body.get("components") or [],
                        flags=int(body.get("flags") or 0), **extra)
        if channel_id != self.dm_id:
            msg["guild_id"] = self.guild_id
        check_message(msg)
        self._messages[msg["id"]] = msg
        return msg

    def _edit(self, message_id: str, body: dict[str, Any]) -> dict[str, Any]:
        current = self._messages[message_id]
        edited = {**current, **{k: body[k] for k in ("content", "embeds", "components") if k in body},
                  "flags": current["flags"] & ~LOADING, "edited_timestamp": p.now()}
        check_message(edited)
        self._messages[message_id] = edited
        return edited

    def _change(self, method: str, message_id: str, body: dict[str, Any]) -> dict[str, Any] | None:
        if method == "PATCH":
            return self._edit(message_id, body)
        if method == "DELETE":
            del self._messages[message_id]
            return None
        return dict(self._messages[message_id])
