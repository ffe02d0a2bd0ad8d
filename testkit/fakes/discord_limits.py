"""Discord's message size rules (and those of autocomplete choices), checked by the fake as the real
API does (400, code 50035 "Invalid Form Body", or 50006 for an empty message), so tests prove the
client keeps within them."""

from __future__ import annotations

from typing import Any

CONTENT = 2000
EMBEDS = 10
EMBEDS_TOTAL = 6000
TITLE, DESCRIPTION, FIELDS, FIELD_NAME, FIELD_VALUE, FOOTER, AUTHOR = 256, 4096, 25, 256, 1024, 2048, 256
CUSTOM_ID, LABEL = 100, 80
CHOICES, CHOICE_NAME, CHOICE_VALUE = 25, 100, 100


class MessageRejected(ValueError):
    def __init__(self, code: int, message: str, where: str = ""):
        super().__init__(message)
        self.code = code
        self.where = where

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": "Invalid Form Body" if self.code == 50035 else str(self)}
        if self.where:
            body["errors"] = {self.where: {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH", "message": str(self)}]}}
        return body


def _max(value: str | None, limit: int, where: str) -> int:
    if value is not None and len(value) > limit:
        raise MessageRejected(50035, f"Must be {limit} or fewer in length.", where)
    return len(value or "")


def embed_length(embed: dict[str, Any]) -> int:
    """The characters Discord counts towards the 6,000 limit, checking each part's own limit."""
    total = _max(embed.get("title"), TITLE, "title") + _max(embed.get("description"), DESCRIPTION, "description")
    fields = embed.get("fields") or []
    if len(fields) > FIELDS:
        raise MessageRejected(50035, f"Must be {FIELDS} or fewer in length.", "fields")
    for i, f in enumerate(fields):
        total += _max(f.get("name"), FIELD_NAME, f"fields.{i}.name")
        total += _max(f.get("value"), FIELD_VALUE, f"fields.{i}.value")
    total += _max((embed.get("footer") or {}).get("text"), FOOTER, "footer.text")
    return total + _max((embed.get("author") or {}).get("name"), AUTHOR, "author.name")


def check_message(msg: dict[str, Any]) -> None:
    """Raise MessageRejected if `msg` (content, embeds, components) breaks a rule."""
    content = msg.get("content") or ""
    embeds = msg.get("embeds") or []
    components = msg.get("components") or []
    if not content and not embeds and not components and not msg.get("flags", 0) & 128:  # 128: loading
        raise MessageRejected(50006, "Cannot send an empty message")
    _max(content, CONTENT, "content")
    if len(embeds) > EMBEDS:
        raise MessageRejected(50035, f"Must be {EMBEDS} or fewer in length.", "embeds")
    total = 0
    for i, embed in enumerate(embeds):
        try:
            total += embed_length(embed)
        except MessageRejected as exc:
            raise MessageRejected(exc.code, str(exc), f"embeds.{i}.{exc.where}") from None
    if total > EMBEDS_TOTAL:
        raise MessageRejected(50035, f"Embed size exceeds maximum size of {EMBEDS_TOTAL}", "embeds")
    for row in components:
        for item in row.get("components", []):
            _max(item.get("custom_id"), CUSTOM_ID, "components.custom_id")
            _max(item.get("label"), LABEL, "components.label")


def check_choices(choices: Any) -> None:
    """Raise MessageRejected if an autocomplete result's `choices` break a rule."""
    if not isinstance(choices, list):
        raise MessageRejected(50035, "This field is required", "data.choices")
    if len(choices) > CHOICES:
        raise MessageRejected(50035, f"Must be {CHOICES} or fewer in length.", "data.choices")
    for i, choice in enumerate(choices):
        name, value = choice.get("name"), choice.get("value")
        if not name or not isinstance(name, str) or value is None:
            raise MessageRejected(50035, "This field is required", f"data.choices.{i}")
        _max(name, CHOICE_NAME, f"data.choices.{i}.name")
        if isinstance(value, str):
            _max(value, CHOICE_VALUE, f"data.choices.{i}.value")
