"""Every Redis key and index name Lorebot uses, built here and nowhere else.

All start with LOREBOT_KEY_PREFIX, so several Lorebots can share one Redis. A scope is `PLATFORM:ID`
(Question.scope); the core treats it as opaque text. Changing a format here orphans existing data:
these formats are part of what is on disk.
"""

from __future__ import annotations

from dataclasses import dataclass

LAYOUT = 2  # the index layout ingest writes (bot.store.index.chunk_schema says what each one holds)


@dataclass(frozen=True)
class IndexKeys:
    """The index names and key prefixes of one embedding model's chunk and document indexes, in one
    index layout (1: before per-language indexing; 2: chunk language and search terms). Each layout
    has its own keys (none a prefix of another's, so no index picks up another's keys), so an index
    of the previous layout keeps answering until every source is synced into the new one.
    A document's chunks and record share a hash tag (`{tag}`), so they swap in one MULTI/EXEC on a
    cluster too."""

    prefix: str
    model_id: str
    layout: int = LAYOUT

    @property
    def _v(self) -> str:
        return "" if self.layout == 1 else f"-v{self.layout}"

    @property
    def index_id(self) -> str:
        """The model and layout: what a source is recorded as synced with."""
        return self.model_id if self.layout == 1 else f"{self.model_id}.v{self.layout}"

    @property
    def chunk_index(self) -> str:
        return f"{self.prefix}-chunks{self._v}-{self.model_id}"

    @property
    def chunk_prefix(self) -> str:
        return f"{self.prefix}:chunk{self._v}:{self.model_id}"

    @property
    def doc_index(self) -> str:
        return f"{self.prefix}-docs{self._v}-{self.model_id}"

    @property
    def doc_prefix(self) -> str:
        return f"{self.prefix}:doc{self._v}:{self.model_id}"

    def chunk(self, tag: str, n: int) -> str:
        return f"{self.chunk_prefix}:{{{tag}}}:{n}"

    def doc(self, tag: str) -> str:
        return f"{self.doc_prefix}:{{{tag}}}"


def embeddings_cache(prefix: str) -> str:
    """The name of redisvl's EmbeddingsCache (its keys start with it)."""
    return f"{prefix}:embcache"


# Models
def active_model(prefix: str) -> str:
    """Hash: the model whose index answers questions (model_id, spec, layout; no layout: 1)."""
    return f"{prefix}:active-model"


def synced(prefix: str, model_id: str) -> str:
    """Set: the sources completely synced with `model_id` (an IndexKeys.index_id)."""
    return f"{prefix}:synced:{model_id}"


def synced_pattern(prefix: str) -> str:
    """SCAN pattern of every model's `synced` set."""
    return f"{prefix}:synced:*"


# Access
def sources(prefix: str) -> str:
    """Set: every known source name."""
    return f"{prefix}:sources"


def shared_sources(prefix: str) -> str:
    """Set: the source names cleared for channels shared with other organisations (`shared_ok`)."""
    return f"{prefix}:sources:shared-ok"


def links(prefix: str, scope: str) -> str:
    """Set: the source names linked to `scope`."""
    return f"{prefix}:links:{scope}"


# Conversations and answers
def memory(prefix: str, conversation: str) -> str:
    """List: a conversation's last turns (Question.conversation)."""
    return f"{prefix}:memory:{conversation}"


def answer(prefix: str, answer_id: str) -> str:
    """Hash: one logged answer, with its question, sources and votes."""
    return f"{prefix}:answer:{answer_id}"


def feedback(prefix: str) -> str:
    """Stream: every helpful / not helpful vote with what it judged."""
    return f"{prefix}:feedback"


def answers_by_time(prefix: str) -> str:
    """Sorted set: answer ids scored by when they were given (Unix seconds), for reports over a period."""
    return f"{prefix}:answers:by-time"


def event_claim(prefix: str, event_id: str) -> str:
    """String with an expiry: the first process to set it handles the event."""
    return f"{prefix}:event:{event_id}"


def answered_thread(prefix: str, platform: str, channel: str, thread: str) -> str:
    """String with an expiry: Lorebot answered in this thread (follow-ups need no mention)."""
    return f"{prefix}:{platform}:thread:{channel}:{thread}"


def source_changes(prefix: str) -> str:
    """Stream: "source S changed at T" after a sync added or changed documents (ingest/changes.py); the
    bot processes read it in consumer groups to re-ask the questions they abstained on."""
    return f"{prefix}:source-changes"


# Channels
def channel(prefix: str, scope: str) -> str:
    """Hash: one channel's settings (bot/channels.py)."""
    return f"{prefix}:channel:{scope}"


def channels(prefix: str) -> str:
    """Set: every scope with stored channel settings."""
    return f"{prefix}:channels"


def digest_posted(prefix: str, scope: str, week: str) -> str:
    """String with an expiry: the channel's digest of ISO week `week` (2026-W48) was posted, or had
    nothing to post; set only once that is so, so a failed post is tried again at the next check."""
    return f"{prefix}:digest:{scope}:{week}:posted"


def digest_claim(prefix: str, scope: str, week: str) -> str:
    """String with an expiry: a process is posting the channel's digest of `week` (two replicas must
    not both post it); released when the post fails, expiring if the process dies."""
    return f"{prefix}:digest:{scope}:{week}:posting"


def pending_questions(prefix: str, platform: str) -> str:
    """Sorted set: one adapter's questions waiting for people first (auto mode with a wait), scored by
    when they are due (Unix seconds); a process that takes one moves it a lease ahead until done."""
    return f"{prefix}:{platform}:pending:due"


def pending_question(prefix: str, platform: str) -> str:
    """Hash: a pending question's details (JSON) by its id (the message's dedupe key)."""
    return f"{prefix}:{platform}:pending:items"


def pending_replies(prefix: str, platform: str) -> str:
    """Hash: who replied to a pending question outside its thread (a Discord reply in the channel), by
    the question's id; forgotten with the question."""
    return f"{prefix}:{platform}:pending:replied"


def answer_gap(prefix: str, who: str) -> str:
    """String with an expiry: an unasked answer was given lately to `who` (a user or a channel)."""
    return f"{prefix}:gap:{who}"


def thread_question(prefix: str, platform: str, channel: str, thread: str) -> str:
    """String with an expiry: `ANSWER_ID ASKER` of the question a thread is about, so a person's
    reply there marks it resolved."""
    return f"{prefix}:{platform}:thread-question:{channel}:{thread}"


# Sources (ingest)
def source(prefix: str, name: str) -> str:
    """Hash: a source's definition."""
    return f"{prefix}:source:{name}"


def source_channels(prefix: str, name: str) -> str:
    """Set: the scopes a source is linked to."""
    return f"{prefix}:source:{name}:channels"


def source_file_channels(prefix: str, name: str) -> str:
    """Set: the channels the sources file linked this source to, the last time it was applied."""
    return f"{prefix}:source:{name}:file-channels"


def source_report(prefix: str, name: str) -> str:
    """String (JSON): the source's last sync report."""
    return f"{prefix}:source:{name}:report"


def source_state(prefix: str, name: str) -> str:
    """Hash: the export's last synced fingerprint (ETag, Last-Modified, size, mtime, sha256)."""
    return f"{prefix}:source:{name}:state"


def source_next_run(prefix: str, name: str) -> str:
    """String with an expiry, written by running schedulers: absent when no scheduler runs."""
    return f"{prefix}:source:{name}:next"


def sync_lock(prefix: str, name: str) -> str:
    """String with an expiry: held while the source syncs (ingest/locks.py)."""
    return f"{prefix}:lock:source:{name}"
