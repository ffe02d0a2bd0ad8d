"""Settings of the ingest layer: chunk size, the sources file, sync locks, schedules and downloads.

Added to the core's fields by subclassing, so the one settings object a process reads carries them."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from bot.settings import Settings, read_settings


class IngestSettings(Settings):
    """The core's settings plus what syncing exports needs (README, "Configuration")."""

    chunk_tokens: int = Field(default=0, ge=0, alias="LOREBOT_CHUNK_TOKENS")  # 0: the embedder's window
    sources_file: Path | None = Field(default=None, alias="LOREBOT_SOURCES_FILE")  # YAML, applied at start
    sync_lock_seconds: float = Field(default=60.0, ge=1, alias="LOREBOT_SYNC_LOCK_SECONDS")  # renewed while syncing
    reconcile_seconds: float = Field(default=30.0, ge=1, alias="LOREBOT_RECONCILE_SECONDS")  # schedule re-read
    max_download_mb: int = Field(default=2048, ge=1, alias="LOREBOT_MAX_DOWNLOAD_MB")
    fetch_timeout: float = Field(default=600.0, gt=0, alias="LOREBOT_FETCH_TIMEOUT")  # one whole download


def load_ingest_settings(**overrides: object) -> IngestSettings:
    """IngestSettings from the environment; raises SettingsError naming an invalid variable."""
    return read_settings(IngestSettings, overrides)
