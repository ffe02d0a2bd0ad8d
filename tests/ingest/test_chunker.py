"""Chunking: follows headings, fits the token window, never splits a table row or a code block
that fits, never loses text."""

from __future__ import annotations

import pytest

from ingest.chunker import RESERVED_TOKENS, Chunker


def words(text: str) -> int:
    return len(text.split())


def test_chunks_follow_headings_and_carry_their_path():
    text = "# Guide\n\nIntro text.\n\n## Install\n\nRun it.\n\n### Windows\n\nUse WSL.\n\n## Use\n\nAsk it."
    chunks = Chunker(words, 100).chunk("Guide", text)
    assert [(c.headings, c.text) for c in chunks] == [
        ((), "Intro text."),
        (("Install",), "Run it."),
        (("Install", "Windows"), "Use WSL."),
        (("Use",), "Ask it."),
    ]
    assert chunks[2].embed_text.startswith("Guide > Install > Windows\n\n")


def test_every_chunk_fits_the_window_and_no_word_is_lost():
    para = " ".join(f"w{i}." for i in range(500))
    chunker = Chunker(words, 50)
    chunks = chunker.chunk("T", f"## H\n\n{para}")
    assert len(chunks) > 10
    for c in chunks:
        assert words(c.embed_text) + RESERVED_TOKENS <= 50
    assert " ".join(c.text for c in chunks).split() == para.split()


def test_table_rows_and_code_blocks_stay_whole():
    rows = "\n".join(f"Name: item{i}; Value: {i}" for i in range(40))
    code = "```\n" + "\n".join(f"line {i}" for i in range(5)) + "\n```"
    chunks = Chunker(words, 60).chunk("T", f"{rows}\n\n{code}")
    for c in chunks:
        for line in c.text.splitlines():
            if line.startswith("Name:"):
                assert line.endswith(line.split("Value: ")[1]) and "; Value: " in line
    assert any(c.text == code for c in chunks) or any(code in c.text for c in chunks)



def test_a_sentence_longer_than_the_window_is_split_by_words_and_cjk_by_characters():
    sentence = " ".join(f"word{i}" for i in range(300))  # one line, no sentence end
    chunks = Chunker(words, 40).chunk("T", f"Before.\n\n{sentence}\n\nAfter.")
    assert all(words(c.embed_text) + RESERVED_TOKENS <= 40 for c in chunks)
    assert " ".join(c.text for c in chunks).split() == ["Before.", *sentence.split(), "After."]
    cjk = "文" * 120
    pieces = Chunker(len, 50).chunk("", cjk)
    assert len(pieces) > 2 and all(len(c.text) + RESERVED_TOKENS <= 50 for c in pieces)
    assert "".join(c.text for c in pieces) == cjk

def test_oversized_code_block_is_split_into_fenced_pieces():
    code = "```\n" + "\n".join(f"statement number {i}" for i in range(200)) + "\n```"
    chunks = Chunker(words, 40).chunk("T", code)
    assert len(chunks) > 1
    assert all(c.text.startswith("```") and c.text.endswith("```") for c in chunks)


@pytest.mark.parametrize("text", ["", "\n\n", "# Only A Title"])
def test_nothing_to_chunk(text):
    assert Chunker(words, 50).chunk("Only A Title", text) == []


def test_real_tokenizer_window(local_embedder):
    text = "## Section\n\n" + "Lorebot answers questions from documents with citations. " * 300
    chunks = Chunker(local_embedder.count_tokens, local_embedder.max_tokens).chunk("Page", text)
    assert len(chunks) > 3
    assert all(local_embedder.count_tokens(c.embed_text) <= local_embedder.max_tokens for c in chunks)


def test_a_table_row_longer_than_the_window_splits_at_sentences_then_words():
    log = " ".join(f"Attempt {i} failed with status reset." for i in range(60))
    rows = f"Ticket: T-1; Log: {log}\nTicket: T-2; Resolution: E7 means the ribbon is empty."
    chunks = Chunker(words, 40).chunk("Tickets", rows)
    assert all(words(c.embed_text) + RESERVED_TOKENS <= 40 for c in chunks)
    assert " ".join(c.text for c in chunks).split() == rows.split()
    pieces = [line for c in chunks for line in c.text.split("\n")]
    assert all(p.endswith(".") for p in pieces)  # no sentence cut in two
    assert pieces[-1] == "Ticket: T-2; Resolution: E7 means the ribbon is empty."
