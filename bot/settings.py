"""The core's settings: storage, models, retrieval and memory.

Lorebot reads one settings object once, from the environment (and .env), and passes it in. Each layer
adds its own fields by subclassing: ingest/settings.py (sync), adapters/settings.py (chat platforms, the
HTTP port); the object read is the adapters' one, and the core sees only the fields declared here."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TypeVar

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

_EMBEDDINGS = re.compile(r"^(local|local:.+|openai:[\w.\-/:]+)$")


def url_setting(v: str | None) -> str | None:
    """An optional URL setting: blank is unset; anything but a URL raises ValueError."""
    if v is None or v.strip() == "":
        return None
    if not re.match(r"^(redis|rediss|unix|http|https|ws|wss)://", v):
        raise ValueError("must be a URL (redis://, rediss://, unix://, http(s)://, ws(s)://)")
    return v.strip()


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
    # What a local:PATH model needs before questions and passages (e5: "query: " / "passage: ");
    # unset: read from the model folder (bot.retrieval.embedder.model_prefixes).
    query_prefix: str | None = Field(default=None, alias="LOREBOT_EMBEDDINGS_QUERY_PREFIX")
    passage_prefix: str | None = Field(default=None, alias="LOREBOT_EMBEDDINGS_PASSAGE_PREFIX")
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
    memory_turns: int = Field(default=10, ge=0, le=200, alias="LOREBOT_MEMORY_TURNS")
    memory_ttl_days: float = Field(default=30, gt=0, alias="LOREBOT_MEMORY_TTL_DAYS")
    dm_sources: str = Field(default="", alias="LOREBOT_DM_SOURCES")  # "*", "" or "a,b"
    # Below this confidence (bot.answering.confidence) Lorebot abstains; a channel may set its own.
    # The default was chosen with bench/abstention.py on SciFact and MS MARCO together (README).
    abstain_threshold: float = Field(default=0.09, ge=0.0, le=1.0, alias="LOREBOT_ABSTAIN_THRESHOLD")

    # Answer log and knowledge gaps (bot/insights)
    answer_log_days: float = Field(default=90, gt=0, alias="LOREBOT_ANSWER_LOG_DAYS")  # questions kept this long
    # An answer given with less confidence than this is a gap too (besides abstentions, "not helpful"
    # votes and hand-offs to a person).
    gap_confidence: float = Field(default=0.5, ge=0, le=1, alias="LOREBOT_GAP_CONFIDENCE")
    # Questions whose average cosine distance is below this form one theme (bench/gaps.py measures it).
    theme_distance: float = Field(default=0.65, gt=0, lt=2, alias="LOREBOT_THEME_DISTANCE")
    reanswer_days: float = Field(default=14, ge=0, alias="LOREBOT_REANSWER_DAYS")  # abstentions re-asked after a sync

    # Process
    log_level: str = Field(default="INFO", alias="LOREBOT_LOG_LEVEL", pattern=r"^(?i:debug|info|warning|error)$")

    @field_validator("embeddings")
    @classmethod
    def _embeddings_spec(cls, v: str) -> str:
        if not _EMBEDDINGS.match(v):
            raise ValueError('must be "local", "local:PATH" or "openai:MODEL"')
        return v

    @field_validator("redis_url", "openai_base_url")
    @classmethod
    def _url(cls, v: str | None) -> str | None:
        return url_setting(v)

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


S = TypeVar("S", bound=Settings)


def read_settings(cls: type[S], overrides: dict[str, object]) -> S:
    """The settings of `cls` (Settings or a layer's subclass of it), from the environment and .env with
    `overrides` (by variable name) on top; an invalid value raises SettingsError naming the variable."""
    try:
        return cls(**overrides)  # type: ignore[arg-type]  # pydantic validates each value
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]) if first.get("loc") else "settings"
        raise SettingsError(f"invalid setting {name}: {first['msg']}") from None


def load_settings(**overrides: object) -> Settings:
    """The core's settings alone (the adapters read the whole object: adapters.settings.load_settings)."""
    return read_settings(Settings, overrides)
