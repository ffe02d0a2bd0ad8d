"""`lorebot run slack`: the slack-bolt AsyncApp, in Socket Mode when SLACK_APP_TOKEN is set, else over
HTTP (Events API, interactivity and slash commands at /slack/events on $PORT, checked with the
signing secret; a health check at /healthz). Both modes use the same listeners. Beside them runs
the follow-ups task (re-answers after a sync, weekly gap digests: adapters/chat/followups.py).

Every listener acks first (events are acked by bolt before the listener runs) and does its work in a
task, so Slack's 3-second limit holds however slow the answer is.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

import aiohttp
from aiohttp import web
from pydantic import SecretStr
from redis.exceptions import RedisError
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from adapters.chat.followups import Followups
from adapters.settings import AppSettings
from adapters.slack.commands import SlashCommand
from adapters.slack.followups import SlackPoster
from adapters.slack.handlers import Handlers
from adapters.slack.replies import Replies
from adapters.slack.support import Support
from bot.core import Lorebot
from bot.settings import SettingsError

log = logging.getLogger(__name__)
bolt_log = logging.getLogger("slack_bolt.lorebot")
# bolt reads SLACK_BOT_TOKEN itself and warns it is unused when given a client: ours holds that token.
bolt_log.addFilter(lambda record: record.getMessage() != warning_client_prioritized_and_token_skipped())

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
SLACK_API = "https://slack.com/api/"
SHUTDOWN_GRACE = 20.0  # seconds the answers in progress get to finish on shutdown
NEEDS_BOT_TOKEN = "the Slack bot needs its bot token (xoxb-...)"


@dataclass(frozen=True)
class SlackApp:
    bolt: AsyncApp
    replies: Replies
    support: Support

    @property
    def bot(self) -> Lorebot:
        return self.replies.bot


def _secret(value: SecretStr | None, name: str, why: str) -> str:
    if value is None:
        raise SettingsError(f"invalid setting {name}: {why}")
    return value.get_secret_value()


def check_settings(settings: AppSettings) -> None:
    _secret(settings.slack_bot_token, "SLACK_BOT_TOKEN", NEEDS_BOT_TOKEN)
    if settings.slack_app_token is None:
        _secret(settings.slack_signing_secret, "SLACK_SIGNING_SECRET", "Slack over HTTP needs the app's signing "
                "secret (or set SLACK_APP_TOKEN to use Socket Mode)")


def web_client(settings: AppSettings, retry_ratelimited: bool = True) -> AsyncWebClient:
    """A Web API client for the bot token (at SLACK_API_URL when set, for tests and proxies)."""
    token = _secret(settings.slack_bot_token, "SLACK_BOT_TOKEN", NEEDS_BOT_TOKEN)
    base_url = settings.slack_api_url or SLACK_API
    retries = [AsyncConnectionErrorRetryHandler()]
    if retry_ratelimited:
        retries.append(AsyncRateLimitErrorRetryHandler(max_retry_count=2))
    return AsyncWebClient(token=token, base_url=base_url if base_url.endswith("/") else base_url + "/",
                          retry_handlers=retries)


def build_app(bot: Lorebot) -> SlackApp:
    """The AsyncApp with Lorebot's listeners, for either mode."""
    settings = bot.settings
    check_settings(settings)
    socket_mode = settings.slack_app_token is not None
    client = web_client(settings)
    secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else ""
    bolt = AsyncApp(client=client, signing_secret=secret, request_verification_enabled=not socket_mode,
                    ignoring_self_events_enabled=True, logger=bolt_log)
    replies = Replies(bot, client, web_client(settings, retry_ratelimited=False))
    handlers = Handlers(replies)
    handlers.register(bolt)
    SlashCommand(replies, handlers.support).register(bolt)
    return SlackApp(bolt, replies, handlers.support)


@web.middleware
async def refuse_malformed_timestamps(request: web.Request, handler):
    """slack_sdk's signature check does int() on the timestamp unguarded: a forged non-numeric one
    would be a 500 with a traceback. It is an unsigned request: 401."""
    if request.method == "POST" and not request.headers.get("X-Slack-Request-Timestamp", "").isdigit():
        return web.json_response({"error": "invalid request"}, status=401)
    return await handler(request)


def web_app(slack: SlackApp) -> web.Application:
    """The HTTP app: bolt's endpoint plus GET /healthz (200 when Redis answers, else 503)."""
    app = slack.bolt.web_app(path=EVENTS_PATH)
    app.middlewares.append(refuse_malformed_timestamps)

    async def health(request: web.Request) -> web.Response:
        try:
            await slack.bot.redis.ping()
        except (RedisError, OSError) as exc:
            log.warning("health check: redis unavailable (%s)", type(exc).__name__)
            return web.json_response({"ok": False, "redis": "unavailable"}, status=503)
        return web.json_response({"ok": True})

    app.router.add_get(HEALTH_PATH, health)
    return app


async def start_http(slack: SlackApp, host: str, port: int) -> web.AppRunner:
    runner = web.AppRunner(web_app(slack), handle_signals=False, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner


def socket_mode_handler(slack: SlackApp) -> AsyncSocketModeHandler:
    token = _secret(slack.bot.settings.slack_app_token, "SLACK_APP_TOKEN", "Socket Mode needs the app token")
    return AsyncSocketModeHandler(slack.bolt, token)


async def check_token(client: AsyncWebClient) -> None:
    """Fail at start, with a clear line, when Slack refuses the bot token. Slack out of reach is no
    reason to stop: the server starts and the token is checked again on the first event."""
    try:
        auth = await client.auth_test()
    except SlackApiError as exc:
        raise SettingsError(f"invalid setting SLACK_BOT_TOKEN: Slack refused it ({exc.response.get('error')})") \
            from None
    except (aiohttp.ClientError, TimeoutError) as exc:
        log.warning("cannot reach the Slack API at %s to check the bot token (%s); starting anyway",
                    client.base_url, type(exc).__name__)
        return
    log.info("Slack: signed in as %s in %s", auth.get("user"), auth.get("team"))


async def serve(settings: AppSettings) -> None:
    """Run until cancelled; on the way out, stop taking events and let the answers in progress finish."""
    check_settings(settings)
    await check_token(web_client(settings))  # before starting Redis and loading a model
    bot = await Lorebot.open(settings)
    try:
        slack = build_app(bot)
        followups = asyncio.create_task(
            Followups(bot, SlackPoster(slack.replies.client), settings.digest_check_seconds).run())
        if settings.slack_app_token is not None:
            handler = socket_mode_handler(slack)
            await handler.connect_async()
            stop = handler.close_async
            log.info("Slack: connected in Socket Mode")
        else:
            stop = (await start_http(slack, "0.0.0.0", settings.port)).cleanup
            log.info("Slack: listening on port %s (%s, %s)", settings.port, EVENTS_PATH, HEALTH_PATH)
        slack.support.start()  # questions waiting for people first, this process's share of them
        try:
            await asyncio.Event().wait()
        finally:
            followups.cancel()
            await stop()
            await slack.support.stop(SHUTDOWN_GRACE)
            await slack.replies.drain(SHUTDOWN_GRACE)
            await asyncio.gather(followups, return_exceptions=True)
    finally:
        await bot.close()
