"""chat.startStream, chat.appendStream and chat.stopStream for the fake Slack Web API
(testkit.fakes.slack_api.FakeSlack, which holds the messages, the lock and the controls used here).

A streamed message is kept with the others: a `markdown` block holding the text streamed so far,
then the blocks chat.stopStream added; `"streaming": True` until stopped (or expired). Streams need a
thread, and outside DMs the recipient's team and user; `stream_refusal`, when set, is the error
every chat.startStream answers. `chunks` are not modelled: the adapter streams markdown_text.
"""

from __future__ import annotations

import threading
from typing import Any

from testkit.fakes.slack_limits import MessageRejected, check_stop_blocks, check_stream_text

STREAM_METHODS = ("chat.startStream", "chat.appendStream", "chat.stopStream")


class SlackStreams:
    """The stream methods, mixed into FakeSlack."""

    stream_refusal: str | None
    not_in_channel: set[str]
    _lock: threading.Lock
    _messages: dict[str, list[dict[str, Any]]]

    def _add_message(self, channel: str, thread_ts: str | None, **fields: Any) -> dict[str, Any]:
        raise NotImplementedError

    def expire_streams(self) -> None:
        """End every stream in progress, as Slack does with one left open too long."""
        with self._lock:
            for message in (m for found in self._messages.values() for m in found):
                message["streaming"] = False

    def _writable_channel(self, args: dict[str, Any]) -> str:
        """The channel a chat.* call writes to, refused as Slack refuses it (FakeSlack's too)."""
        channel = str(args.get("channel", ""))
        if not channel:
            raise MessageRejected("channel_not_found", "no channel")
        if channel in self.not_in_channel:
            raise MessageRejected("not_in_channel", channel)
        return channel

    def _stream(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._writable_channel(args)
        if method == "chat.startStream":
            return self._start_stream(channel, args)
        with self._lock:
            found = [m for m in self._messages.get(channel, []) if "markdown" in m and m["ts"] == args.get("ts")]
            if not found:
                raise MessageRejected("message_not_found", str(args.get("ts")))
            message = found[0]
            if not message["streaming"]:
                raise MessageRejected("message_not_in_streaming_state", message["ts"])
            stopping = method == "chat.stopStream"
            missing = None if stopping else "markdown_text_or_chunks_required"
            text = check_stream_text(args, message["markdown"], missing)
            added = check_stop_blocks(args) if stopping else []
            markdown = message["markdown"] + text
            message.update(markdown=markdown, text=markdown, blocks=[{"type": "markdown", "text": markdown}, *added],
                           streaming=not stopping)
            return {"channel": channel, "ts": message["ts"]}

    def _start_stream(self, channel: str, args: dict[str, Any]) -> dict[str, Any]:
        if self.stream_refusal:
            raise MessageRejected(self.stream_refusal, "this workspace cannot stream")
        if not args.get("thread_ts"):
            raise MessageRejected("invalid_arguments", "thread_ts is required")
        if not channel.startswith("D"):
            for field in ("recipient_team_id", "recipient_user_id"):
                if not args.get(field):
                    raise MessageRejected(f"missing_{field}", "required when streaming to channels")
        markdown = check_stream_text(args, "", "no_text")
        recipient = (args.get("recipient_team_id"), args.get("recipient_user_id"))
        with self._lock:
            message = self._add_message(channel, args["thread_ts"], text=markdown, markdown=markdown,
                                        blocks=[{"type": "markdown", "text": markdown}], streaming=True,
                                        recipient=recipient)
            return {"channel": channel, "ts": message["ts"]}

