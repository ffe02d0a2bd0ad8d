"""The fake OpenAI server, driven by the real openai client."""

from __future__ import annotations

import base64
import threading

import numpy as np
import openai
import pytest
from openai import AsyncOpenAI

from testkit.fakes.openai_content import NO_ANSWER, cite_first_passage, hashed_embedding, parse_passages
from testkit.fakes.openai_fixtures import fake_openai  # noqa: F401  (fixture)
from testkit.fakes.openai_server import FakeOpenAI

PROMPT = """Answer from the numbered sources below and cite them like [1].

[1] Installation — Requirements
Lorebot needs Python 3.11 or newer. It installs torch first.

[2] Slack app setup — Scopes
Add the app_mentions:read scope.
"""


@pytest.fixture
async def clients(fake_openai: FakeOpenAI):
    """Makes AsyncOpenAI clients for the fake server, closed before the test's loop ends."""
    made: list[AsyncOpenAI] = []

    def make(**kw) -> AsyncOpenAI:
        made.append(AsyncOpenAI(base_url=fake_openai.base_url, api_key="sk-test", **kw))
        return made[-1]

    yield make
    for client in made:
        await client.close()


def cosine(a, b) -> float:
    a, b = np.asarray(a), np.asarray(b)
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


async def test_chat_default_reply_cites_passage_one(fake_openai: FakeOpenAI, clients):
    client = clients()
    messages = [{"role": "system", "content": "You are Lorebot."}, {"role": "user", "content": PROMPT}]
    result = await client.chat.completions.create(model="gpt-4o-mini", messages=messages)
    assert result.choices[0].message.content == "Lorebot needs Python 3.11 or newer. [1]"
    assert result.choices[0].finish_reason == "stop"
    assert result.usage.completion_tokens > 0
    [request] = fake_openai.requests
    assert request.path == "/v1/chat/completions"
    assert request.json["messages"] == messages
    assert request.headers["Authorization"] == "Bearer sk-test"


async def test_chat_without_passages_says_it_does_not_know(clients):
    result = await clients().chat.completions.create(
        model="m", messages=[{"role": "user", "content": "What is the airspeed of a swallow?"}])
    assert result.choices[0].message.content == NO_ANSWER


async def test_chat_stream_splits_content_into_chunks(fake_openai: FakeOpenAI, clients):
    fake_openai.reply = lambda messages: "one two three four five six seven eight"
    stream = await clients().chat.completions.create(
        model="m", messages=[{"role": "user", "content": "count"}], stream=True,
        stream_options={"include_usage": True})
    pieces, finish, usage = [], None, None
    async for chunk in stream:
        assert chunk.object == "chat.completion.chunk"
        if chunk.usage:
            usage = chunk.usage
        for choice in chunk.choices:
            if choice.delta.content:
                pieces.append(choice.delta.content)
            finish = choice.finish_reason or finish
    assert "".join(pieces) == "one two three four five six seven eight"
    assert len(pieces) > 1
    assert finish == "stop"
    assert usage is not None and usage.completion_tokens == 8


async def test_reply_callable_sees_the_messages(fake_openai: FakeOpenAI, clients):
    seen = []
    fake_openai.reply = lambda messages: seen.append(messages) or "scripted"
    result = await clients().chat.completions.create(
        model="m", messages=[{"role": "user", "content": "hi"}])
    assert result.choices[0].message.content == "scripted"
    assert seen == [[{"role": "user", "content": "hi"}]]


async def test_embeddings_base64_default_matches_float_and_is_deterministic(fake_openai: FakeOpenAI, clients):
    client = clients()
    texts = ["How do I install Lorebot?", "how do i install lorebot", "Discord gateway intents"]
    decoded = await client.embeddings.create(model="text-embedding-3-small", input=texts)
    floats = await client.embeddings.create(model="text-embedding-3-small", input=texts, encoding_format="float")
    requests = fake_openai.requests_to("/embeddings")
    assert requests[0].json["encoding_format"] == "base64"  # what the client asks for by default
    assert requests[1].json["encoding_format"] == "float"
    assert len(decoded.data[0].embedding) == 384
    for a, b, text in zip(decoded.data, floats.data, texts):
        assert np.allclose(a.embedding, b.embedding, atol=1e-6)
        assert np.allclose(b.embedding, hashed_embedding(text, 384))
    assert cosine(floats.data[0].embedding, floats.data[1].embedding) == pytest.approx(1.0)
    assert cosine(floats.data[0].embedding, floats.data[2].embedding) < 0.5
    assert floats.usage.prompt_tokens == 5 + 5 + 3  # one token a word


async def test_embeddings_explicit_base64_is_little_endian_float32(fake_openai: FakeOpenAI, clients):
    fake_openai.dims = 16
    raw = await clients().embeddings.with_raw_response.create(
        model="e", input="single text", encoding_format="base64")
    payload = raw.http_response.json()
    vector = np.frombuffer(base64.b64decode(payload["data"][0]["embedding"]), dtype="<f4")
    assert vector.shape == (16,)
    assert np.allclose(vector, hashed_embedding("single text", 16), atol=1e-6)
    assert np.linalg.norm(vector) == pytest.approx(1.0, abs=1e-5)


async def test_embeddings_reject_empty_input(clients):
    with pytest.raises(openai.BadRequestError, match="input"):
        await clients(max_retries=0).embeddings.create(model="e", input=["ok", ""])


@pytest.mark.parametrize("status, error", [(500, openai.InternalServerError), (429, openai.RateLimitError)])
async def test_fail_next_answers_with_openai_errors(fake_openai: FakeOpenAI, clients, status, error):
    client = clients(max_retries=0)
    fake_openai.fail_next(2, status=status)
    for _ in range(2):
        with pytest.raises(error) as caught:
            await client.chat.completions.create(model="m", messages=[{"role": "user", "content": "q"}])
        assert caught.value.status_code == status
        assert caught.value.body["message"]
    ok = await client.chat.completions.create(model="m", messages=[{"role": "user", "content": "q"}])
    assert ok.choices[0].message.content == NO_ANSWER
    assert len(fake_openai.requests) == 3


async def test_client_retries_after_429_with_retry_after(fake_openai: FakeOpenAI, clients):
    fake_openai.fail_next(1, status=429, retry_after=0)
    result = await clients(max_retries=1).embeddings.create(model="e", input="x")
    assert len(result.data[0].embedding) == 384
    assert len(fake_openai.requests) == 2


async def test_faults_can_target_one_path(fake_openai: FakeOpenAI, clients):
    client = clients(max_retries=0, timeout=0.3)
    fake_openai.fail_next(1, status=500, path="/chat/completions")
    fake_openai.stall_next(1, seconds=2.0, path="/chat/completions")
    await client.embeddings.create(model="e", input="not failed: the faults wait for a chat request")
    with pytest.raises(openai.InternalServerError):
        await client.chat.completions.create(model="m", messages=[{"role": "user", "content": "q"}])
    with pytest.raises(openai.APITimeoutError):
        await client.chat.completions.create(model="m", messages=[{"role": "user", "content": "q"}])
    ok = await client.chat.completions.create(model="m", messages=[{"role": "user", "content": "q"}])
    assert ok.choices[0].message.content == NO_ANSWER
    times = [r.at for r in fake_openai.requests]
    assert times == sorted(times) and times[0] > 0


async def test_delay_trips_the_client_timeout(fake_openai: FakeOpenAI, clients):
    fake_openai.delay = 1.0
    with pytest.raises(openai.APITimeoutError):
        await clients(max_retries=0, timeout=0.2).models.list()


async def test_models_and_unknown_paths(fake_openai: FakeOpenAI, clients):
    client = clients(max_retries=0)
    models = [m.id async for m in client.models.list()]
    assert models == list(fake_openai.models)
    with pytest.raises(openai.NotFoundError):
        await client.completions.create(model="m", prompt="legacy")


def test_blocking_client_works_while_the_server_runs_in_its_thread():
    with FakeOpenAI(dims=8) as server:
        sync = openai.OpenAI(base_url=server.base_url, api_key="k", max_retries=0)
        assert len(sync.embeddings.create(model="e", input="blocking call").data[0].embedding) == 8
        assert threading.current_thread() is threading.main_thread()
    with pytest.raises(openai.APIConnectionError):
        openai.OpenAI(base_url=server.base_url, api_key="k", max_retries=0, timeout=2).models.list()


@pytest.mark.parametrize("prompt, expected", [
    ("[1] Title — Heading\n## Heading\nFirst. Second.", {1: "First. Second."}),
    ("  [2] Two\ntext two\n[1] One\ntext one\n\n", {2: "text two", 1: "text one"}),
    ("[1] Only a one-line passage here.", {1: "Only a one-line passage here."}),
    ("no passages\n see [1] inline", {}),
])
def test_parse_passages_is_lenient(prompt, expected):
    assert parse_passages(prompt) == expected


def test_default_reply_prefers_latest_non_assistant_message_and_content_parts():
    messages = [
        {"role": "system", "content": "[1] Old\nFrom the system prompt."},
        {"role": "assistant", "content": "[1] Earlier answer.\nIgnored."},
        {"role": "user", "content": [{"type": "text", "text": "[1] New — h\nUse ./dev run. Then wait."}]},
    ]
    assert cite_first_passage(messages) == "Use ./dev run. [1]"
    assert cite_first_passage(messages[:2]) == "From the system prompt. [1]"
