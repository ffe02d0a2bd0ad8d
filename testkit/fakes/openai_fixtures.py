"""pytest fixture for the fake OpenAI-compatible server (import it, or list this module in pytest_plugins)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from testkit.fakes.openai_server import FakeOpenAI


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    """A running fake server for one test; point clients at `fake_openai.base_url`."""
    with FakeOpenAI() as server:
        yield server
