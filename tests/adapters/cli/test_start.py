"""`lorebot start`, the main job `./dev run` runs: without a terminal it defines and indexes the sample
export and answers the demo questions, each citing its page, then exits."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import REPO


def test_start_indexes_the_sample_and_answers_the_demo_questions(make_settings):
    s = make_settings()
    env = {**os.environ, "REDIS_URL": s.redis_url, "LOREBOT_KEY_PREFIX": s.key_prefix,
           "LOREBOT_DATA_DIR": str(s.data_dir), "COLUMNS": "200"}
    for platform_var in ("SLACK_BOT_TOKEN", "DISCORD_TOKEN", "OPENAI_API_KEY", "OPENAI_BASE_URL"):
        env.pop(platform_var, None)
    done = subprocess.run([sys.executable, "-m", "adapters.cli", "start"], cwd=REPO, env=env, text=True,
                          stdin=subprocess.DEVNULL, capture_output=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    out = done.stdout
    assert "sync of lorebot-docs" in out and "No Slack or Discord credentials" in out
    for demo in json.loads((REPO / "samples" / "demo-questions.json").read_text()):
        after = out.split(demo["question"], 1)[1]
        assert f"[1] {demo['page']}" in after.split("\n[2]")[0], demo

    # The sample is a source like any other: `sources list` shows it, defined as `sources add` would.
    listed = subprocess.run([sys.executable, "-m", "adapters.cli", "sources", "list", "--json"], cwd=REPO,
                            env=env, text=True, stdin=subprocess.DEVNULL, capture_output=True, timeout=120)
    assert listed.returncode == 0, listed.stderr[-2000:]
    (sample,) = json.loads(listed.stdout)
    assert (sample["name"], sample["registered"], sample["location"], sample["schedule"]) == (
        "lorebot-docs", True, str((REPO / "samples" / "lorebot-docs").resolve()), "manual")
    assert sample["last"]["outcome"] == "synced" and sample["last"]["added"] > 0
