"""A real OpenAI-compatible HTTP server for tests: chat completions (plain and streamed), embeddings, models.

It runs on its own event loop in a background thread, so clients that block (redisvl's vectorizers
call the endpoint while being constructed) work as well as AsyncOpenAI on the test's loop:

    with FakeOpenAI() as server:
        client = AsyncOpenAI(base_url=server.base_url, api_key="test")

Controls (safe to use from any thread): `.requests` (every request seen, with its arrival time),
`fail_next(n, status, path=None)`, `stall_next(n, seconds, path=None)` (a hung endpoint), `delay` (seconds
before answering), `reply` (callable(messages) -> str), `dims` (embedding size), `stream_pieces` and
`piece_delay` (a streamed reply comes in that many pieces, that many seconds apart), `break_stream_after`
(a streamed reply ends after that many pieces with an error event, as the API does when it fails mid-stream).

The default reply suits end-to-end RAG tests. It expects numbered passages in the user or system
message, each a block that starts with a line `[n] Title — heading` followed by the passage text:

    [1] Installation — Requirements
    Lorebot needs Python 3.11 or newer. ...

and answers with the first sentence of passage [1] plus " [1]", or "I don't know." when the prompt has
no passage (details: testkit.fakes.openai_content.parse_passages).
`reply = follow_not_covered` (testkit.fakes.openai_content) makes it a model that finds nothing in its
passages and answers with the "not covered" marker the system prompt asks for.
"""

from __future__ import annotations

import asyncio
import base64
import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from aiohttp import web

from testkit.fakes.background_server import BackgroundServer
from testkit.fakes.openai_content import cite_first_passage, count_tokens, hashed_embedding, message_text

Reply = Callable[[list[dict[str, Any]]], str]
BODY = web.RequestKey("json_body", object)  # the parsed body, handed from the middleware to the handlers

_ERROR_TEXT = {
    429: ("Rate limit reached for requests", "requests", "rate_limit_exceeded"),
    500: ("The server had an error while processing your request.", "server_error", None),
}


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    json: Any  # the parsed body, or None when it was empty or not JSON
    headers: dict[str, str]
    at: float = 0.0  # time.monotonic() on arrival


@dataclass(frozen=True)
class _Fault:
    status: int | None  # None: answer normally, after the stall
    retry_after: float | None = None
    stall: float = 0.0
    path: str | None = None  # only requests whose path ends with this

    def matches(self, path: str) -> bool:
        return self.path is None or path.endswith(self.path)


def error_response(status: int, message: str, type_: str, code: str | None = None, **headers: str) -> web.Response:
    """An error in the shape the OpenAI API uses (and the openai client parses)."""
    body = {"error": {"message": message, "type": type_, "param": None, "code": code}}
    return web.json_response(body, status=status, headers=headers)


class FakeOpenAI(BackgroundServer):
    name = "fake-openai"

    def __init__(self, *, dims: int = 384, reply: Reply = cite_first_passage, stream_pieces: int = 4,
                 models: tuple[str, ...] = ("gpt-4o-mini", "text-embedding-3-small")) -> None:
        self.dims = dims
        self.reply = reply
        self.delay = 0.0
        self.stream_pieces = stream_pieces
        self.piece_delay = 0.0
        self.break_stream_after: int | None = None
        self.models = models
        self._lock = threading.Lock()
        self._requests: list[RecordedRequest] = []
        self._failures: list[_Fault] = []
        super().__init__()

    # --- controls -------------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    def requests_to(self, path: str) -> list[RecordedRequest]:
        """The requests whose path ends with `path` (e.g. "/chat/completions")."""
        return [r for r in self.requests if r.path.endswith(path)]

    def fail_next(self, n: int = 1, status: int = 500, retry_after: float | None = None,
                  path: str | None = None) -> None:
        """Answer the next n requests (to `path` only, e.g. "/chat/completions", when given) with an
        OpenAI-shaped error (and a Retry-After header if given)."""
        if not 400 <= status <= 599:
            raise ValueError(f"status must be an HTTP error (4xx/5xx), got {status}")
        with self._lock:
            self._failures.extend([_Fault(status, retry_after, path=path)] * n)

    def stall_next(self, n: int = 1, seconds: float = 30.0, path: str | None = None) -> None:
        """Hold the next n requests (to `path` only, when given) for `seconds` before answering them:
        a hung endpoint, for testing client timeouts."""
        with self._lock:
            self._failures.extend([_Fault(None, stall=seconds, path=path)] * n)

    # --- the server -----------------------------------------------------------------------------
    def build_app(self) -> web.Application:
        app = web.Application(middlewares=[self._behaviour])
        app.router.add_post("/v1/chat/completions", self._chat)
        app.router.add_post("/v1/embeddings", self._embeddings)
        app.router.add_get("/v1/models", self._models)
        app.router.add_route("*", "/{tail:.*}", self._not_found)
        return app

    # --- handlers -------------------------------------------------------------------------------
    @web.middleware
    async def _behaviour(self, request: web.Request, handler: Callable) -> web.StreamResponse:
        raw = await request.read()
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        with self._lock:
            self._requests.append(RecordedRequest(request.method, request.path, body, dict(request.headers),
                                                  time.monotonic()))
            fault = next((f for f in self._failures if f.matches(request.path)), None)
            if fault is not None:
                self._failures.remove(fault)
        if self.delay:
            await asyncio.sleep(self.delay)
        if fault is not None and fault.stall:
            await asyncio.sleep(fault.stall)
        if fault is not None and fault.status is not None:
            status, retry_after = fault.status, fault.retry_after
            message, type_, code = _ERROR_TEXT.get(status, (f"Injected error {status}", "server_error", None))
            headers = {"Retry-After": f"{retry_after:g}"} if retry_after is not None else {}
            return error_response(status, message, type_, code, **headers)
        if raw and body is None:
            return error_response(400, "The request body is not valid JSON.", "invalid_request_error")
        request[BODY] = body
        return await handler(request)

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        body = request[BODY] or {}
        messages = body.get("messages")
        if not isinstance(messages, list) or not messages or not all(isinstance(m, dict) for m in messages):
            return error_response(400, "'messages' must be a non-empty array of objects.", "invalid_request_error")
        model = str(body.get("model") or self.models[0])
        text = self.reply(messages)
        prompt_tokens = sum(count_tokens(message_text(m)) for m in messages)
        usage = {"prompt_tokens": prompt_tokens, "completion_tokens": count_tokens(text),
                 "total_tokens": prompt_tokens + count_tokens(text)}
        head = {"id": f"chatcmpl-{uuid.uuid4().hex[:24]}", "created": int(time.time()), "model": model,
                "system_fingerprint": None}
        if body.get("stream"):
            include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
            return await self._stream(request, head, text, usage if include_usage else None)
        choice = {"index": 0, "message": {"role": "assistant", "content": text, "refusal": None},
                  "finish_reason": "stop", "logprobs": None}
        return web.json_response({**head, "object": "chat.completion", "choices": [choice], "usage": usage})

    async def _stream(self, request: web.Request, head: dict, text: str, usage: dict | None) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"})
        await response.prepare(request)

        async def send(choices: list[dict], **extra: Any) -> None:
            chunk = {**head, "object": "chat.completion.chunk", "choices": choices, **extra}
            await response.write(f"data: {json.dumps(chunk)}\n\n".encode())

        def choice(delta: dict, finish: str | None = None) -> list[dict]:
            return [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}]

        await send(choice({"role": "assistant", "content": ""}))
        for n, piece in enumerate(split_pieces(text, self.stream_pieces)):
            if n == self.break_stream_after:
                await send([], error={"message": "The server had an error while processing your request.",
                                      "type": "server_error", "param": None, "code": None})
                await response.write_eof()
                return response
            if n and self.piece_delay:
                await asyncio.sleep(self.piece_delay)
            await send(choice({"content": piece}))
        await send(choice({}, "stop"))
        if usage is not None:  # the real API sends usage last, in a chunk with no choices
            await send([], usage=usage)
        await response.write(b"data: [DONE]\n\n")
        await response.write_eof()
        return response

    async def _embeddings(self, request: web.Request) -> web.Response:
        body = request[BODY] or {}
        given = body.get("input")
        inputs = [given] if isinstance(given, str) else given
        if not isinstance(inputs, list) or not inputs or not all(isinstance(t, str) and t for t in inputs):
            return error_response(400, "'input' must be a non-empty string or array of non-empty strings.",
                                  "invalid_request_error")
        dims = body.get("dimensions") or self.dims
        if not isinstance(dims, int) or dims < 1:
            return error_response(400, "'dimensions' must be a positive integer.", "invalid_request_error")
        encoding = body.get("encoding_format") or "float"
        if encoding not in ("float", "base64"):
            return error_response(400, f"'encoding_format' must be 'float' or 'base64', got {encoding!r}.",
                                  "invalid_request_error")
        data = []
        for i, text in enumerate(inputs):
            vec: Any = hashed_embedding(text, dims)
            if encoding == "base64":
                vec = base64.b64encode(np.asarray(vec, dtype="<f4").tobytes()).decode("ascii")
            data.append({"object": "embedding", "index": i, "embedding": vec})
        tokens = sum(count_tokens(t) for t in inputs)
        return web.json_response({"object": "list", "data": data, "model": str(body.get("model") or self.models[-1]),
                                  "usage": {"prompt_tokens": tokens, "total_tokens": tokens}})

    async def _models(self, request: web.Request) -> web.Response:
        data = [{"id": m, "object": "model", "created": 0, "owned_by": "lorebot-tests"} for m in self.models]
        return web.json_response({"object": "list", "data": data})

    async def _not_found(self, request: web.Request) -> web.Response:
        return error_response(404, f"Unknown request URL: {request.method} {request.path}", "invalid_request_error",
                              "unknown_url")


def split_pieces(text: str, pieces: int) -> list[str]:
    """`text` cut at word boundaries into up to `pieces` parts that join back to it exactly."""
    words = text.split(" ")
    size = max(1, -(-len(words) // max(1, pieces)))
    groups = [words[i : i + size] for i in range(0, len(words), size)]
    return [" ".join(g) + (" " if i < len(groups) - 1 else "") for i, g in enumerate(groups)]
