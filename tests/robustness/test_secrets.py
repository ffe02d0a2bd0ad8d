"""Secrets never reach logs or error messages: every token, key and the Redis password is set to a
unique canary, errors are triggered (model endpoint failing and unreachable, Redis with a wrong
password and down, a bad setting), and the captured logs, messages and CLI output are scanned."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys

import pytest
import redis

from adapters.settings import load_settings
from bot.core import Lorebot
from bot.settings import SettingsError
from bot.store.connection import RedisUnavailable, connect
from bot.types import Question
from ingest.context import indexer_for
from tests.conftest import SAMPLES

REDIS_PASSWORD = "canary-redis-pw-2236067977"
CANARIES = {
    "SLACK_BOT_TOKEN": "xoxb-canary-slack-3141592653",
    "SLACK_SIGNING_SECRET": "canary-signing-2718281828",
    "SLACK_APP_TOKEN": "xapp-canary-1618033988",
    "OPENAI_API_KEY": "sk-canary-openai-1414213562",
    "DISCORD_TOKEN": "canary.discord.1732050807",
}
EVERY_CANARY = [*CANARIES.values(), REDIS_PASSWORD, "wrong-canary-pw-5772156649"]
QUESTION = Question("cli", "local", "How do I connect Lorebot to Slack?")


def assert_clean(text: str) -> None:
    for canary in EVERY_CANARY:
        assert canary not in text, f"secret {canary} leaked:\n{text}"


@pytest.fixture
def protected_redis(private_redis):
    """The private server with a password: its URL (with the password) and a URL with a wrong one.
    (The embedded server's own stop cannot authenticate, so it is killed at the end.)"""
    redis.Redis(port=private_redis.server.port, retry=None).config_set("requirepass", REDIS_PASSWORD)
    port = private_redis.server.port
    yield private_redis, f"redis://:{REDIS_PASSWORD}@127.0.0.1:{port}/0", \
        f"redis://:{EVERY_CANARY[-1]}@127.0.0.1:{port}/0"
    with contextlib.suppress(ProcessLookupError):
        private_redis.kill9()


async def test_core_failures_leave_no_secret_in_logs_or_messages(protected_redis, make_settings, fake_openai,
                                                                   lorebot_logging, capfd):
    server, url, wrong_url = protected_redis
    settings = make_settings(REDIS_URL=url, LOREBOT_LOG_LEVEL="DEBUG", LOREBOT_MODEL_RETRIES=0,
                             LOREBOT_EMBEDDINGS="openai:fake-embed", OPENAI_BASE_URL=fake_openai.base_url,
                             **CANARIES)
    lorebot_logging(settings)
    messages: list[str] = []
    bot = await Lorebot.open(settings)
    try:
        await indexer_for(bot).sync("lorebot-docs", SAMPLES)
        assert fake_openai.requests[0].headers["Authorization"] == f"Bearer {CANARIES['OPENAI_API_KEY']}"
        fake_openai.fail_next(1, status=500, path="/chat/completions")
        messages.append((await bot.answer(QUESTION)).text)
        fake_openai.fail_next(1, status=429, path="/embeddings")
        messages.append((await bot.answer(QUESTION)).text)
        fake_openai.stop()  # the model endpoint is gone
        messages.append((await bot.answer(QUESTION)).text)
        with pytest.raises(RedisUnavailable) as wrong:
            await connect(settings.model_copy(update={"redis_url": wrong_url}))
        server.kill9()
        messages.append((await bot.answer(QUESTION)).text)
        with pytest.raises(RedisUnavailable) as down:
            await connect(settings)
        messages += [str(wrong.value), str(down.value)]
        with pytest.raises(SettingsError) as bad:
            load_settings(_env_file=None, REDIS_URL=url, LOREBOT_TOP_K="lots", **CANARIES)
        messages.append(str(bad.value))
        try:  # a library logging a failure whose message and traceback hold secrets
            raise ConnectionError(f"could not reach {url} with {CANARIES['SLACK_BOT_TOKEN']}")
        except ConnectionError:
            logging.getLogger("some.library").exception("request failed: %s", CANARIES["OPENAI_API_KEY"])
    finally:
        await bot.close()
    logs = capfd.readouterr().err
    assert "HTTP 500" in messages[0] and "HTTP 429" in messages[1] and "cannot be reached" in messages[2]
    assert "AuthenticationError" in messages[4] and "***@127.0.0.1" in messages[5]
    assert "LOREBOT_TOP_K" in messages[6]
    for expected in ("language model endpoint error: HTTP 500", "embeddings endpoint error: HTTP 429",
                     "redis unavailable while answering", "request failed: [redacted]", "Traceback"):
        assert expected in logs, expected
    assert_clean(logs)
    assert_clean("\n".join(messages))


async def run_cli(tmp_path, env: dict[str, str], *args: str) -> tuple[int, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "adapters.cli", *args, cwd=tmp_path, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path), "HF_HUB_OFFLINE": "1",
             "LOREBOT_LOG_LEVEL": "DEBUG", "LOREBOT_DATA_DIR": str(tmp_path / "data"), **CANARIES, **env},
    )
    out, _ = await asyncio.wait_for(proc.communicate(), 120)
    return proc.returncode, out.decode()


async def test_cli_errors_hold_no_secret(protected_redis, tmp_path):
    _, url, wrong_url = protected_redis
    dead_model = {"LOREBOT_EMBEDDINGS": "openai:any", "OPENAI_BASE_URL": "http://127.0.0.1:9/v1",
                  "LOREBOT_MODEL_RETRIES": "0"}
    runs = {
        "model unreachable": ({"REDIS_URL": url, **dead_model}, "embeddings endpoint cannot be reached"),
        "wrong Redis password": ({"REDIS_URL": wrong_url}, "AuthenticationError"),
        "bad setting": ({"REDIS_URL": url, "LOREBOT_TOP_K": "lots"}, "invalid setting LOREBOT_TOP_K"),
    }
    results = await asyncio.gather(*(run_cli(tmp_path, env, "ask", "How do I install?") for env, _ in runs.values()))
    for (name, (_, expected)), (code, output) in zip(runs.items(), results):
        assert code != 0 and expected in output, (name, output)
        assert "Traceback" not in output, (name, output)
        assert_clean(output)
