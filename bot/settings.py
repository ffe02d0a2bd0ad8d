"""Lorebot's one Settings object: read once from the environment (and .env), then passed in."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

_EMBEDDINGS = re.compile(r"^(local|local:.+|openai:[\w.\-/:]+)$")
_SCOPE = re.compile(r"^(slack|discord|cli):[\w.\-]+$")


class SettingsError(ValueError):
    """An invalid setting, with one line that names the variable."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    # Storage
    redis_url: str | None = Field(default=None, alias="REDIS_URL")
    data_dir: Path = Field(default=Path(".lorebot"), alias="LOREBOT_DATA_DIR")
    key_prefix: str = Field(default="lorebot", alias="LOREBOT_KEY_PREFIX", pattern=r"^[\w\-]+$")

    # Models
    embeddings: str = Field(default="local", alias="LOREBOT_EMBEDDINGS")
    openai_api_key: SecretStr | None = Field(default=None, alias="OPENAI_API_KEY")
    openai_base_url: str | None = Field(default=None, alias="OPENAI_BASE_URL")
    chat_model: str = Field(default="gpt-4o-mini", alias="LOREBOT_CHAT_MODEL")
    model_timeout: float = Field(default=30.0, gt=0, alias="LOREBOT_MODEL_TIMEOUT")
    model_retries: int = Field(default=2, ge=0, le=10, alias="LOREBOT_MODEL_RETRIES")
    answer_deadline: float = Field(default=60.0, gt=0, alias="LOREBOT_ANSWER_DEADLINE")
    max_concurrent_answers: int = Field(default=8, ge=1, le=1000, alias="LOREBOT_MAX_CONCURRENT_ANSWERS")

    # Retrieval and memory
    top_k: int = Field(default=6, ge=1, le=50, alias="LOREBOT_TOP_K")
    candidates: int = Field(default=40, ge=5, le=500, alias="LOREBOT_CANDIDATES")
    chunk_tokens: int = Field(default=0, ge=0, alias="LOREBOT_CHUNK_TOKENS")  # 0: the embedder's window
    memory_turns: int = Field(default=10, ge=0, le=200, alias="LOREBOT_MEMORY_TURNS")
    memory_ttl_days: float = Field(default=30, gt=0, alias="LOREBOT_MEMORY_TTL_DAYS")
    dm_sources: str = Field(default="", alias="LOREBOT_DM_SOURCES")  # "*", "" or "a,b"

    # Slack
    slack_bot_token: SecretStr | None = Field(default=None, alias="SLACK_BOT_TOKEN")
    slack_signing_secret: SecretStr | None = Field(default=None, alias="SLACK_SIGNING_SECRET")
    slack_app_token: SecretStr | None = Field(default=None, alias="SLACK_APP_TOKEN")
    slack_api_url: str | None = Field(default=None, alias="SLACK_API_URL")

    # Slack adapter (adapters/slack)
    slack_command: str = Field(default="/lore", alias="LOREBOT_SLACK_COMMAND", pattern=r"^/[a-z0-9_\-]{1,31}$")
    slack_admins: str = Field(default="", alias="LOREBOT_SLACK_ADMINS", pattern=r"^[A-Z0-9,\s]*$")  # user IDs
    slack_thread_followups: bool = Field(default=True, alias="LOREBOT_SLACK_THREAD_FOLLOWUPS")
    slack_answer_bots: bool = Field(default=False, alias="LOREBOT_SLACK_ANSWER_BOTS")
    # Answers in threads with Slack's chat.startStream/appendStream/stopStream: "auto" falls back to
    # message edits where Slack refuses them, "on" tries on every answer, "off" always edits.
    slack_streaming: Literal["auto", "on", "off"] = Field(default="off", alias="LOREBOT_SLACK_STREAMING")

    # Discord
    discord_token: SecretStr | None = Field(default=None, alias="DISCORD_TOKEN")
    discord_api_url: str | None = Field(default=None, alias="DISCORD_API_URL")
    discord_gateway_url: str | None = Field(default=None, alias="DISCORD_GATEWAY_URL")

    # Discord adapter (adapters/discord)
    # Guild IDs to sync slash commands to at start (instant); empty: global commands (up to an hour to appear).
    discord_guilds: str = Field(default="", alias="LOREBOT_DISCORD_GUILDS", pattern=r"^\s*(\d+\s*(,\s*\d+\s*)*)?$")
    # A role (name or ID) whose members are admins besides those with the Manage Server permission.
    discord_admin_role: str = Field(default="", alias="LOREBOT_DISCORD_ADMIN_ROLE")
    # Seconds between edits of a streaming answer (Discord allows about 5 edits per 5 s in a channel).
    discord_edit_seconds: float = Field(default=1.0, ge=0.2, le=30, alias="LOREBOT_DISCORD_EDIT_SECONDS")
    discord_answer_bots: bool = Field(default=False, alias="LOREBOT_DISCORD_ANSWER_BOTS")  # answer other bots' mentions

    # Sources and scheduled sync (bot/sources.py, ingest/scheduler.py)
    sources_file: Path | None = Field(default=None, alias="LOREBOT_SOURCES_FILE")  # YAML, applied at start
    sync_lock_seconds: float = Field(default=60.0, ge=1, alias="LOREBOT_SYNC_LOCK_SECONDS")  # renewed while syncing
    reconcile_seconds: float = Field(default=30.0, ge=1, alias="LOREBOT_RECONCILE_SECONDS")  # schedule re-read
    max_download_mb: int = Field(default=2048, ge=1, alias="LOREBOT_MAX_DOWNLOAD_MB")
    fetch_timeout: float = Field(default=600.0, gt=0, alias="LOREBOT_FETCH_TIMEOUT")  # one whole download

    # Process
    port: int = Field(default=3000, ge=0, le=65535, alias="PORT")
    log_level: str = Field(default="INFO", alias="LOREBOT_LOG_LEVEL", pattern=r"^(?i:debug|info|warning|error)$")

    @field_validator("embeddings")
    @classmethod
    def _embeddings_spec(cls, v: str) -> str:
        if not _EMBEDDINGS.match(v):
            raise ValueError('must be "local", "local:PATH" or "openai:MODEL"')
        return v

    @field_validator("redis_url", "openai_base_url", "slack_api_url", "discord_api_url", "discord_gateway_url")
    @classmethod
    def _url(cls, v: str | None) -> str | None:
        if v is None or v.strip() == "":
            return None
        if not re.match(r"^(redis|rediss|unix|http|https|ws|wss)://", v):
            raise ValueError("must be a URL (redis://, rediss://, unix://, http(s)://, ws(s)://)")
        return v.strip()

    @property
    def generative(self) -> bool:
        """A model endpoint is configured: answers are generated, not extracted."""
        return bool(self.openai_base_url or self.openai_api_key)

    @property
    def dm_source_list(self) -> list[str] | None:
        """None means every source."""
        v = self.dm_sources.strip()
        if v == "*":
            return None
        return [s.strip() for s in v.split(",") if s.strip()]

    @property
    def redis_dir(self) -> Path:
        return self.data_dir / "redis"


def load_settings(**overrides: object) -> Settings:
    """Read the settings once; an invalid value raises SettingsError naming the variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]) if first.get("loc") else "settings"
        raise SettingsError(f"invalid setting {name}: {first['msg']}") from None
