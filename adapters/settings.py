"""The whole settings object a Lorebot process reads once: the core's and ingest's fields plus the
chat platforms' (Slack, Discord) and the HTTP port. Every adapter and process entry point loads it
with `load_settings` and passes it down; the core and ingest see it as their own settings class."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr, field_validator

from bot.settings import read_settings, url_setting
from ingest.settings import IngestSettings


class AppSettings(IngestSettings):
    """Every Lorebot setting (README, "Configuration")."""

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

    # Support channels (adapters/chat): auto mode's minimum gaps between answers given unasked, per
    # asker and per channel, and how often each process looks for questions whose wait is over.
    auto_user_gap: float = Field(default=60.0, ge=0, le=86400, alias="LOREBOT_AUTO_USER_GAP")
    auto_channel_gap: float = Field(default=10.0, ge=0, le=86400, alias="LOREBOT_AUTO_CHANNEL_GAP")
    auto_poll_seconds: float = Field(default=2.0, gt=0, le=60, alias="LOREBOT_AUTO_POLL_SECONDS")
    # Read what people write (Discord's privileged Message Content intent): needed for auto mode and
    # thread context on Discord; enable it for the bot in the Developer Portal first.
    discord_message_content: bool = Field(default=False, alias="LOREBOT_DISCORD_MESSAGE_CONTENT")
    # Follow-ups in the bot processes (adapters/chat/followups.py): how often weekly digests are looked for.
    digest_check_seconds: float = Field(default=600.0, ge=1, alias="LOREBOT_DIGEST_CHECK_SECONDS")

    # Process
    port: int = Field(default=3000, ge=0, le=65535, alias="PORT")

    @field_validator("slack_api_url", "discord_api_url", "discord_gateway_url")
    @classmethod
    def _platform_url(cls, v: str | None) -> str | None:
        return url_setting(v)


def load_settings(**overrides: object) -> AppSettings:
    """Read every setting once (environment, .env, then `overrides` by variable name); raises
    SettingsError naming an invalid variable."""
    return read_settings(AppSettings, overrides)
