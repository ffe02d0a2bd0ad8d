"""Shared fixtures: a real embedded Redis with the search module, the shared data folder, and
AppSettings built for a test (each test gets its own key prefix, so tests never see each other's data)."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
import redis

from adapters.settings import AppSettings, load_settings
from bot.store.redis_server import ensure_embedded_redis, stop_embedded_redis
from testkit.paths import REPO, SAMPLES  # noqa: E402,F401 (re-exported for the tests)

# Nothing in the tests may reach a model hub.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# The developer's own environment must not leak into the tests.
for _var in (
    "REDIS_URL", "OPENAI_API_KEY", "OPENAI_BASE_URL", "LOREBOT_EMBEDDINGS", "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "SLACK_API_URL", "DISCORD_TOKEN", "DISCORD_API_URL",
    "DISCORD_GATEWAY_URL", "LOREBOT_DATA_DIR", "LOREBOT_DM_SOURCES",
):
    os.environ.pop(_var, None)


def shared_data_dir() -> Path:
    return Path(os.environ.get("LOREBOT_SHARED_DATA", REPO.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    path = shared_data_dir()
    if not path.is_dir():
        pytest.skip(f"shared test data not found at {path} (set LOREBOT_SHARED_DATA)")
    return path


@pytest.fixture(scope="session")
def redis_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("embedded-redis")


@pytest.fixture(scope="session")
def redis_url(redis_dir: Path):
    """A real redis-server with RediSearch, started for the session (or REDIS_URL_TEST if given)."""
    if url := os.environ.get("LOREBOT_TEST_REDIS_URL"):
        yield url
        return
    server = ensure_embedded_redis(redis_dir)
    yield server.url
    stop_embedded_redis(redis_dir)


@pytest.fixture
def key_prefix() -> str:
    return "t" + uuid.uuid4().hex[:10]


@pytest.fixture
def make_settings(redis_url: str, key_prefix: str, tmp_path: Path):
    """AppSettings for this test: the session's Redis, a private key prefix, no .env file."""

    def make(**overrides: object) -> AppSettings:
        values: dict[str, object] = {
            "REDIS_URL": redis_url,
            "LOREBOT_KEY_PREFIX": key_prefix,
            "LOREBOT_DATA_DIR": str(tmp_path / "data"),
        }
        values.update(overrides)
        return load_settings(_env_file=None, **values)

    return make


@pytest.fixture
def redis_client(redis_url: str):
    client = redis.Redis.from_url(redis_url)
    yield client
    client.close()


# The fake OpenAI-compatible server (a real HTTP server the openai client talks to).
from testkit.fakes.openai_content import FAKE_ABSTAIN_THRESHOLD  # noqa: E402
from testkit.fakes.openai_fixtures import fake_openai  # noqa: E402,F401


@pytest.fixture
async def fake_bot(make_settings, fake_openai):
    """A Lorebot whose embeddings and answers come from the fake OpenAI server (fast, deterministic)."""
    from bot.core import Lorebot

    bot = await Lorebot.open(make_settings(
        LOREBOT_EMBEDDINGS="openai:fake-embed", OPENAI_BASE_URL=fake_openai.base_url, OPENAI_API_KEY="sk-test-key",
        LOREBOT_ABSTAIN_THRESHOLD=FAKE_ABSTAIN_THRESHOLD,
        LOREBOT_MODEL_RETRIES=0,
    ))
    yield bot
    await bot.close()


@pytest.fixture
async def local_bot(make_settings):
    """A Lorebot on the real local model (all-MiniLM-L6-v2), answering extractively."""
    from bot.core import Lorebot

    bot = await Lorebot.open(make_settings())
    yield bot
    await bot.close()


@pytest.fixture(scope="session")
def local_embedder():
    """The real local model (loaded once per test process)."""
    from bot.retrieval.embedder import LocalEmbedder

    embedder = LocalEmbedder()
    embedder._load()
    return embedder
