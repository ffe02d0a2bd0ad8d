"""Fixtures for the robustness tests: a private embedded Redis that a test may stop, kill -9 and
restart (never the session's server), fake-model settings, and Lorebot's own logging for a test."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.logs import setup_logging
from testkit.fakes.openai_content import FAKE_ABSTAIN_THRESHOLD
from testkit.robustness.private_redis import PrivateRedis


@pytest.fixture
def private_redis(tmp_path: Path):
    server = PrivateRedis.start(tmp_path / "private-redis")
    yield server
    server.stop()


@pytest.fixture
def fake_model_env(fake_openai) -> dict[str, object]:
    """Settings values that send embeddings and chat to the fake OpenAI server."""
    return {"LOREBOT_EMBEDDINGS": "openai:fake-embed", "OPENAI_BASE_URL": fake_openai.base_url,
            "LOREBOT_ABSTAIN_THRESHOLD": FAKE_ABSTAIN_THRESHOLD,
            "OPENAI_API_KEY": "sk-robustness-key"}


@pytest.fixture
def lorebot_logging():
    """Install Lorebot's logging (with its redacting filter) for one test, then remove it."""
    root = logging.getLogger()
    level = root.level
    installed = []

    def install(settings):
        redactor = setup_logging(settings)
        installed.extend(h for h in root.handlers if redactor in h.filters)

    yield install
    for handler in installed:
        root.removeHandler(handler)
    root.setLevel(level)
