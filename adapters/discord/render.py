"""Answers as Discord messages: text split into messages of at most 2,000 characters by the shared
splitter (adapters.chat.split: at paragraph, line or sentence boundaries, never inside a link or a
mention, code blocks closed and reopened across a split), and the citations as
an embed with links, kept within Discord's embed limits (25 fields, 6,000 characters in all)."""

from __future__ import annotations

import discord
from discord.utils import escape_markdown

from adapters.chat.split import split_text
from bot.answering.citations import quote_of
from bot.types import Answer, Citation

MESSAGE_CHARS = 2000
EMBED_CHARS = 6000
EMBED_FIELDS = 25
FIELD_NAME_CHARS = 256
FIELD_VALUE_CHARS = 1024
QUOTE_CHARS = LABEL_CHARS = 200
FOOTER_RESERVE = 40  # room for "and N more sources"


def split_message(text: str, limit: int = MESSAGE_CHARS) -> list[str]:
    """`text` as messages of at most `limit` characters (adapters.chat.split: links, mentions and
    code blocks survive the cut); never an empty list."""
    return split_text(text, limit) or [""]


def _link(c: Citation) -> str:
    label = escape_markdown(quote_of(c.heading or c.path or c.source, LABEL_CHARS).replace("[", "(").replace("]", ")"))
    if not c.url.startswith(("http://", "https://")):
        return label
    return f"[{label}]({c.url.replace(' ', '%20').replace(')', '%29')})"


def citations_embed(answer: Answer) -> discord.Embed | None:
    """The sources an answer cites, one field each ("[n] Title": link, and the quote when the answer
    text does not already quote it). None when it cites nothing."""
    if not answer.citations:
        return None
    embed = discord.Embed(title="Sources", colour=discord.Colour.blurple())
    for i, c in enumerate(answer.citations):
        name = quote_of(f"[{c.n}] {c.title or c.path or c.source}", FIELD_NAME_CHARS - 2)
        value = _link(c)
        if answer.mode == "generative" and c.quote:
            value += "\n> " + escape_markdown(quote_of(c.quote, QUOTE_CHARS))
        value = value[:FIELD_VALUE_CHARS]
        if len(embed.fields) == EMBED_FIELDS or len(embed) + len(name) + len(value) > EMBED_CHARS - FOOTER_RESERVE:
            embed.set_footer(text=f"and {len(answer.citations) - i} more sources")
            break
        embed.add_field(name=name, value=value, inline=False)
    return embed
