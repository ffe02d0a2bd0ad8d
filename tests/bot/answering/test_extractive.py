"""The extractive answer: whole sentences that match the question, with their sources."""

from __future__ import annotations

from bot.answering.extractive import best_sentences, extractive_answer, sentences
from bot.types import Passage


def passage(text: str, title: str = "Page") -> Passage:
    return Passage(chunk_id="k", doc_id="d", source="s", title=title, heading="", path="", url="", text=text)


def test_wrapped_lines_are_joined_and_list_items_kept_apart():
    text = "An embedding model turns every chunk of your documents, and every\nquestion, into a vector.\n\n- first item\n- second item\n\n```\ncode line.\n```"
    assert sentences(text) == [
        "An embedding model turns every chunk of your documents, and every question, into a vector.",
        "first item",
        "second item",
    ]


def test_best_sentences_prefer_question_terms_and_keep_document_order():
    text = "Intro sentence. Redis keeps the index. Nothing here. Slack tokens live in the environment."
    assert best_sentences(text, {"redis", "slack"}) == "Redis keeps the index. Slack tokens live in the environment."


def test_answer_cites_each_passage_and_neutralises_foreign_marks():
    answer = extractive_answer("where is the index?", [passage("The index [3] is in Redis.", "A"),
                                                         passage("Other index.", "B")])
    assert answer.mode == "extractive"
    assert [c.n for c in answer.citations] == [1, 2]
    assert "(3)" in answer.text and "[3]" not in answer.text
    assert answer.citations[0].quote == "The index (3) is in Redis."


def test_a_quote_is_shown_once_and_a_passage_without_the_question_words_is_left_out():
    # The same page indexed in two sources, and a stray fragment only the vector side found.
    parking = "Staff park in level -2 of the garage; visitors use the street."
    answer = extractive_answer("Where can I park my car?", [
        passage(parking, "Parking"), passage(parking, "Parking (copy)"), passage("unclosed", "half"),
        passage("Bicycles park in the courtyard racks.", "Bikes")])
    assert [c.title for c in answer.citations] == ["Parking", "Bikes"]
    assert "unclosed" not in answer.text and "[3]" not in answer.text


def test_passages_are_kept_when_the_best_holds_no_question_word():
    # A question in other words than the pages' (found by meaning alone): nothing to judge them by.
    answer = extractive_answer("How do I get reimbursed?", [passage("Expenses are repaid monthly.", "A"),
                                                             passage("Receipts go to finance.", "B")])
    assert [c.title for c in answer.citations] == ["A", "B"]
