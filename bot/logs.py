"""Logging set-up: one format for every process, and a filter that blanks every configured secret
out of every record, whatever code logged it (our own, or a client library's)."""

from __future__ import annotations

import logging
import re

from pydantic import SecretStr

from bot.settings import Settings

REDACTED = "[redacted]"
# Token shapes worth hiding even when they are not ours (a user pasting one into a question).
_TOKEN_SHAPES = re.compile(r"\b(xox[abposr]-[\w-]{6,}|xapp-[\w-]{6,}|sk-[\w-]{12,})")
_URL_PASSWORD = re.compile(r"(\w+://[^:/@\s]*:)[^@\s]+@")


class RedactSecrets(logging.Filter):
    def __init__(self, secrets: list[str]):
        super().__init__()
        self.secrets = sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for s in self.secrets:
            text = text.replace(s, REDACTED)
        text = _TOKEN_SHAPES.sub(REDACTED, text)
        return _URL_PASSWORD.sub(rf"\1{REDACTED}@", text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = self.redact(message)
        if record.exc_info and record.exc_info[1] is not None:
            # Format the traceback now so the secrets in it can be removed too.
            clean += "\n" + self.redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
            record.exc_text = None
        record.msg, record.args = clean, None
        return True


def secrets_of(settings: Settings) -> list[str]:
    values = [v.get_secret_value() for v in settings.__dict__.values() if isinstance(v, SecretStr) and v]
    if settings.redis_url and "@" in settings.redis_url:
        values.append(settings.redis_url)
    return values


def setup_logging(settings: Settings) -> RedactSecrets:
    root = logging.getLogger()
    for h in list(root.handlers):
        if getattr(h, "_lorebot", False):
            root.removeHandler(h)
    handler = logging.StreamHandler()
    handler._lorebot = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    redactor = RedactSecrets(secrets_of(settings))
    handler.addFilter(redactor)
    root.addHandler(handler)
    root.setLevel(settings.log_level.upper())
    for noisy in ("httpx", "sentence_transformers", "transformers", "urllib3", "asyncio"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return redactor
