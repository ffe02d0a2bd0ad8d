"""Ranking source names for what a user typed so far: prefix matches first, then substrings,
ignoring case and surrounding spaces, in a stable alphabetical order, within the limit."""

from __future__ import annotations

from adapters.chat.suggestions import rank_names

NAMES = ["wiki", "Eng-Wiki", "handbook", "WIKI-archive", "runbooks", "wiki"[::-1]]


def test_prefix_matches_come_before_substring_matches_ignoring_case():
    assert rank_names(NAMES, "Wiki", 25) == ["wiki", "WIKI-archive", "Eng-Wiki"]
    assert rank_names(NAMES, "  BOOK ", 25) == ["handbook", "runbooks"]


def test_nothing_typed_lists_every_name_alphabetically_within_the_limit():
    assert rank_names(NAMES, "", 25) == ["Eng-Wiki", "handbook", "ikiw", "runbooks", "wiki", "WIKI-archive"]
    assert rank_names(NAMES, "", 2) == ["Eng-Wiki", "handbook"]
    assert rank_names(NAMES, "i", 3) == ["ikiw", "Eng-Wiki", "wiki"]  # the prefix match first, even past the limit


def test_no_match_and_no_names_give_nothing():
    assert rank_names(NAMES, "zzz", 25) == []
    assert rank_names([], "", 25) == []
