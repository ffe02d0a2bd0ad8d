"""Slack's message size rules, as the fake Web API enforces them: a message that breaks one is
rejected with the error code Slack uses (`msg_too_long`, `invalid_blocks`, `no_text`), so a test
passing against the fake proves the adapter stays inside the limits.

Limits (api.slack.com/reference/block-kit): 50 blocks a message; section text 3,000 chars; context
up to 10 elements; actions up to 25 elements; button text 75 chars, value 2,000, action_id 255;
header text 150; every text object non-empty; message text 40,000 chars (the blocks' text is held
to the same total). Slack also refuses a field a block or element does not have, a text object of
the wrong kind (a button's or header's text must be plain_text), a non-boolean `verbatim`/`emoji`,
a button style other than primary/danger, and two blocks with one block_id.

Streams (docs.slack.dev/reference/methods/chat.startStream, appendStream, stopStream): markdown_text
at most 12,000 chars a call; held here to 12,000 for a streamed message's whole text as well (the
markdown block's cumulative limit; Slack documents none for a stream); chat.stopStream's blocks
follow the block rules above, at most 50 (`msg_blocks_too_many`).
"""

from __future__ import annotations

import json
from typing import Any

MAX_BLOCKS = 50
MAX_SECTION_TEXT = 3000
MAX_CONTEXT_ELEMENTS = 10
MAX_ACTIONS_ELEMENTS = 25
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
MAX_ID = 255
MAX_HEADER_TEXT = 150
MAX_MESSAGE_TEXT = 40000
MAX_MARKDOWN_TEXT = 12000


class MessageRejected(ValueError):
    def __init__(self, error: str, detail: str):
        super().__init__(f"{error}: {detail}")
        self.error = error
        self.detail = detail


# The fields each kind of block, element and text object may have.
FIELDS = {
    "section": {"type", "block_id", "text", "fields", "accessory", "expand"},
    "context": {"type", "block_id", "elements"},
    "actions": {"type", "block_id", "elements"},
    "header": {"type", "block_id", "text"},
    "divider": {"type", "block_id"},
    "button": {"type", "text", "action_id", "value", "url", "style", "confirm", "accessibility_label"},
    "mrkdwn": {"type", "text", "verbatim"},
    "plain_text": {"type", "text", "emoji"},
}


def _known_fields(obj: dict, where: str) -> None:
    extra = set(obj) - FIELDS.get(str(obj.get("type")), set(obj))
    if extra:
        raise MessageRejected("invalid_blocks", f"{where}: unknown field(s) {sorted(extra)}")


def _text_object(obj: Any, where: str, limit: int) -> int:
    if not isinstance(obj, dict) or obj.get("type") not in ("mrkdwn", "plain_text"):
        raise MessageRejected("invalid_blocks", f"{where}: must be a mrkdwn or plain_text object")
    _known_fields(obj, where)
    for flag in ("verbatim", "emoji"):
        if flag in obj and not isinstance(obj[flag], bool):
            raise MessageRejected("invalid_blocks", f"{where}.{flag}: must be a boolean")
    text = obj.get("text")
    if not isinstance(text, str) or not text:
        raise MessageRejected("invalid_blocks", f"{where}: text must be more than 0 characters")
    if len(text) > limit:
        raise MessageRejected("invalid_blocks", f"{where}: text must be at most {limit} characters, got {len(text)}")
    return len(text)


def _button(el: dict, where: str) -> int:
    _known_fields(el, where)
    if el.get("style") not in (None, "primary", "danger"):
        raise MessageRejected("invalid_blocks", f"{where}.style: must be primary or danger")
    if el.get("text", {}).get("type") != "plain_text":
        raise MessageRejected("invalid_blocks", f"{where}.text: a button's text must be plain_text")
    size = _text_object(el.get("text"), f"{where}.text", MAX_BUTTON_TEXT)
    if len(str(el.get("value", ""))) > MAX_BUTTON_VALUE or len(str(el.get("action_id", ""))) > MAX_ID:
        raise MessageRejected("invalid_blocks", f"{where}: value or action_id too long")
    return size


def _block(block: Any, where: str) -> int:
    """The characters of text the block holds; raises MessageRejected when it breaks a rule."""
    if not isinstance(block, dict):
        raise MessageRejected("invalid_blocks", f"{where}: a block must be an object")
    if len(str(block.get("block_id", ""))) > MAX_ID:
        raise MessageRejected("invalid_blocks", f"{where}.block_id: at most {MAX_ID} characters")
    kind = block.get("type")
    _known_fields(block, where)
    if kind == "section":
        if "text" not in block and not block.get("fields"):
            raise MessageRejected("invalid_blocks", f"{where}: a section needs text or fields")
        return _text_object(block["text"], f"{where}.text", MAX_SECTION_TEXT) if "text" in block else 0
    if kind == "context":
        elements = block.get("elements")
        if not isinstance(elements, list) or not 1 <= len(elements) <= MAX_CONTEXT_ELEMENTS:
            raise MessageRejected("invalid_blocks", f"{where}.elements: 1 to {MAX_CONTEXT_ELEMENTS} elements")
        return sum(_text_object(e, f"{where}.elements[{i}]", MAX_SECTION_TEXT) for i, e in enumerate(elements))
    if kind == "actions":
        elements = block.get("elements")
        if not isinstance(elements, list) or not 1 <= len(elements) <= MAX_ACTIONS_ELEMENTS:
            raise MessageRejected("invalid_blocks", f"{where}.elements: 1 to {MAX_ACTIONS_ELEMENTS} elements")
        for i, el in enumerate(elements):
            if not isinstance(el, dict) or el.get("type") != "button":
                raise MessageRejected("invalid_blocks", f"{where}.elements[{i}]: only buttons are supported here")
        return sum(_button(el, f"{where}.elements[{i}]") for i, el in enumerate(elements))
    if kind == "header":
        if (block.get("text") or {}).get("type") != "plain_text":
            raise MessageRejected("invalid_blocks", f"{where}.text: a header's text must be plain_text")
        return _text_object(block.get("text"), f"{where}.text", MAX_HEADER_TEXT)
    if kind == "divider":
        return 0
    raise MessageRejected("invalid_blocks", f"{where}: unsupported block type {kind!r}")


def _blocks(args: dict[str, Any]) -> Any:
    blocks = args.get("blocks")
    if isinstance(blocks, str):
        try:
            return json.loads(blocks)
        except ValueError:
            raise MessageRejected("invalid_blocks_format", "blocks is not valid JSON") from None
    return blocks


def check_message(args: dict[str, Any]) -> None:
    """Raise MessageRejected if chat.postMessage/chat.update/a response_url post would be refused."""
    text = args.get("text") or ""
    blocks = _blocks(args)
    if not text and not blocks:
        raise MessageRejected("no_text", "a message needs text or blocks")
    if len(text) > MAX_MESSAGE_TEXT:
        raise MessageRejected("msg_too_long", f"text has {len(text)} characters (at most {MAX_MESSAGE_TEXT})")
    if blocks is not None:
        _check_blocks(blocks, too_many="invalid_blocks", too_long="msg_too_long")


def check_stream_text(args: dict[str, Any], streamed: str, missing: str | None) -> str:
    """The markdown_text of a chat.*Stream call, checked against what the message already holds;
    `missing` is the error when the call must carry some (None: it may carry none)."""
    text = args.get("markdown_text") or ""
    if not isinstance(text, str):
        raise MessageRejected("invalid_arguments", "markdown_text must be a string")
    if not text and missing:
        raise MessageRejected(missing, "no markdown_text")
    if len(text) > MAX_MARKDOWN_TEXT:
        raise MessageRejected("msg_too_long", f"markdown_text has {len(text)} characters (at most {MAX_MARKDOWN_TEXT})")
    if len(streamed) + len(text) > MAX_MARKDOWN_TEXT:
        raise MessageRejected("msg_too_long", f"the stream would hold {len(streamed) + len(text)} characters "
                              f"(at most {MAX_MARKDOWN_TEXT})")
    return text


def check_stop_blocks(args: dict[str, Any]) -> list[Any]:
    """The blocks chat.stopStream adds under the streamed text (none is fine)."""
    blocks = _blocks(args)
    if blocks is None:
        return []
    _check_blocks(blocks, too_many="msg_blocks_too_many", too_long="msg_blocks_too_long")
    return blocks


def _check_blocks(blocks: Any, too_many: str, too_long: str) -> None:
    """Count and size limits of a message's blocks; chat.postMessage and chat.stopStream name the
    same refusals differently."""
    if not isinstance(blocks, list):
        raise MessageRejected("invalid_blocks_format", "blocks must be an array")
    if len(blocks) > MAX_BLOCKS:
        raise MessageRejected(too_many, f"{len(blocks)} blocks (at most {MAX_BLOCKS})")
    ids = [b.get("block_id") for b in blocks if isinstance(b, dict) and b.get("block_id")]
    if len(ids) != len(set(ids)):
        raise MessageRejected("invalid_blocks", "two blocks have the same block_id")
    total = sum(_block(b, f"blocks[{i}]") for i, b in enumerate(blocks))
    if total > MAX_MESSAGE_TEXT:
        raise MessageRejected(too_long, f"blocks hold {total} characters (at most {MAX_MESSAGE_TEXT})")
