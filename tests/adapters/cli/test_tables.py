"""`lorebot channels list` and `lorebot sources list` never cut an id: the new-user trial saw `slack:CYAM…`
twice, for two channels, in output that was not a terminal (80 columns). Through Typer's runner, which is
not a terminal, against the session's Redis."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from adapters.cli.app import app

CHANNELS = ["slack:CYAMLSUPPORT0000000001", "slack:CYAMLSUPPORT0000000002", "discord:112233445566778899001"]


@pytest.fixture
def cli(make_settings):
    s = make_settings()
    env = {"REDIS_URL": s.redis_url, "LOREBOT_KEY_PREFIX": s.key_prefix, "LOREBOT_DATA_DIR": str(s.data_dir)}
    runner = CliRunner()

    def invoke(*args: str) -> str:
        result = runner.invoke(app, list(args), env=env)
        assert result.exit_code == 0, result.output
        return result.output

    return invoke


def test_channels_list_shows_whole_ids(cli):
    for n, channel in enumerate(CHANNELS):
        cli("channels", "set", channel, "--mode", "auto", "--wait", "10m", "--threshold", "0.5",
            "--digest", "weekly", "--digest-to", f"slack:CYAMLDIGESTS00000000{n}")
    shown = cli("channels", "list")
    for n, channel in enumerate(CHANNELS):
        [row] = [line for line in shown.splitlines() if channel in line]  # each on one line, whole
        assert f"slack:CYAMLDIGESTS00000000{n}" in row, shown
    assert "…" not in shown


def test_sources_list_shows_whole_names_and_channels(cli, tmp_path):
    names = ["team-handbook-engineering-2024", "team-handbook-engineering-2025"]
    for name, channel in zip(names, CHANNELS):
        cli("sources", "add", name, str(tmp_path), "--every", "6h", "--channel", channel)
    shown = cli("sources", "list")
    for name, channel in zip(names, CHANNELS):
        [row] = [line for line in shown.splitlines() if name in line]
        assert channel in row and str(tmp_path) in row, shown
    assert "…" not in shown
