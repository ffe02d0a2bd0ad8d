"""Notices in the language of the question (en, de, fr, es, pt, zh, ja, ko; English otherwise), the
line before an abstention's closest pages included."""

from __future__ import annotations

import re

import pytest

from bot.answering.abstention import CLOSEST, MAX_CLOSEST
from bot.answering.notices import LANGUAGES, TEXTS, Notice, add_link_hint, notice, notice_language, written_in
from bot.channels import ChannelStore
from bot.core import NO_SOURCES, NOT_FOUND
from bot.types import Question, Reason
from ingest.context import indexer_for
from ingest.sources import Registry
from tests.conftest import SAMPLES

QUESTIONS = {
    "en": "How do I reset my password on the company laptop?",
    "de": "Wie setze ich mein Passwort auf dem Firmenlaptop zurück?",
    "fr": "Comment réinitialiser mon mot de passe sur l'ordinateur portable de l'entreprise ?",
    "es": "¿Cómo restablezco mi contraseña en el portátil de la empresa?",
    "pt": "Como faço para redefinir a minha senha no portátil da empresa?",
    "zh": "如何在公司笔记本电脑上重置密码？",
    "ja": "会社のノートパソコンでパスワードをリセットするにはどうすればいいですか？",
    "ko": "회사 노트북에서 비밀번호를 어떻게 재설정하나요?",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_questions_get_notices_in_their_language(language):
    assert notice_language(QUESTIONS[language]) == language


PLACEHOLDERS = ("{scope}", "{reason}", "{seconds", "{how}")
VALUES = {"scope": "slack:CNOSRC", "reason": "timeout", "seconds": 60, "how": "`lorebot sources link SOURCE slack:CNOSRC`"}


def test_every_notice_has_every_language_with_the_same_placeholders():
    for key, texts in TEXTS.items():
        assert set(texts) == set(LANGUAGES), key
        for text in texts.values():
            assert sorted(p for p in PLACEHOLDERS if p in text) == sorted(
                p for p in PLACEHOLDERS if p in texts["en"]), (key, text)


def english_runs(text: str, english: str) -> list[str]:
    """Runs of two or more consecutive words of `text` that are all words of `english` (what the
    filled placeholders and product names such as Redis leave aside): an English sentence tail."""
    words = set(re.findall(r"[a-z']+", english.lower())) - {"redis", "s"}
    runs, run = [], []
    for word in re.findall(r"[^\W\d_]+(?:'[^\W\d_]+)?|\S", text.lower()):
        if word in words:
            run.append(word)
            continue
        if len(run) >= 2:
            runs.append(" ".join(run))
        run = []
    return runs + ([" ".join(run)] if len(run) >= 2 else [])


def strip_values(text: str) -> str:
    for value in sorted(map(str, VALUES.values()), key=len, reverse=True):  # the command holds the scope
        text = text.replace(value, " ")
    return text


@pytest.mark.parametrize("language", [code for code in LANGUAGES if code != "en"])
def test_no_notice_has_an_english_tail(language):
    for key in TEXTS:
        english = notice(key, "en", **VALUES)
        text = strip_values(notice(key, language, **VALUES))
        assert english_runs(text, strip_values(english)) == [], (key, text)
    hint = notice(Notice.LINK_HINT, "en", how="")
    assert english_runs("Mit diesem Kanal ist keine Quelle verknüpft. An admin can link one with", hint) == [
        "an admin can link one with"]  # what the check catches


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_link_hint_follows_the_no_sources_notice_in_its_language(language):
    core = notice(Notice.NO_SOURCES, language, scope="slack:CNOSRC")
    assert written_in(Notice.NO_SOURCES, core) == language
    text = add_link_hint(core, VALUES["how"])
    assert text.startswith(core) and text.endswith(notice(Notice.LINK_HINT, language, how=VALUES["how"]))
    assert VALUES["how"] in text  # the command stays as written
    if language != "en":
        english = strip_values(notice(Notice.NO_SOURCES, "en", **VALUES) + " " + notice(Notice.LINK_HINT, "en", **VALUES))
        assert english_runs(strip_values(text), english) == [], text
    assert written_in(Notice.NO_SOURCES, "No document source is linked to this channel yet.") == "en"  # a command's


def test_other_languages_and_short_questions_get_english():
    assert notice_language("ok?") == "en"
    assert notice_language("Hoe reset ik mijn wachtwoord op de laptop van het bedrijf?") == "en"  # Dutch
    assert notice(Notice.NOT_FOUND, "nl") == NOT_FOUND
    assert notice(Notice.TIMED_OUT, "de", seconds=60).startswith("Ich konnte nicht innerhalb von 60 s antworten")


async def test_the_core_answers_notices_in_the_question_language(fake_bot):
    german = await fake_bot.answer(Question("slack", "C-none", QUESTIONS["de"]))
    assert german.text == notice(Notice.NO_SOURCES, "de", scope="slack:C-none")
    english = await fake_bot.answer(Question("slack", "C-none", QUESTIONS["en"]))
    assert english.text == NO_SOURCES.format(scope="slack:C-none")  # the English text as before
    korean = await fake_bot.answer(Question("slack", "C-none", QUESTIONS["ko"]))
    assert korean.text.startswith("이 채널(`slack:C-none`)")


@pytest.fixture
async def strict_bot(fake_bot):
    """The sample docs linked to a channel whose threshold makes Lorebot abstain on every question."""
    await indexer_for(fake_bot).sync("lorebot-docs", SAMPLES)
    await Registry(fake_bot.redis, fake_bot.settings.key_prefix).link("lorebot-docs", "slack:C-strict")
    await ChannelStore(fake_bot.redis, fake_bot.settings.key_prefix).update("slack:C-strict", threshold=1.0)
    return fake_bot


@pytest.mark.parametrize("language", LANGUAGES)
async def test_an_abstention_lists_the_closest_pages_in_the_question_language(strict_bot, language):
    answer = await strict_bot.answer(Question("slack", "C-strict", QUESTIONS[language]))
    assert (answer.answered, answer.error) == (False, Reason.NOT_COVERED)
    closest = notice(Notice.CLOSEST, language)
    assert answer.text == f"{notice(Notice.NOT_COVERED, language)} {closest}"
    assert (closest == CLOSEST) == (language == "en")  # English only where the question is
    assert 1 <= len(answer.citations) <= MAX_CLOSEST  # the pages, as links (titles, no quotes)
    assert all(c.title and c.path and not c.quote for c in answer.citations)


@pytest.mark.parametrize(("question", "language"), [("Où est la cantine ?", "fr"), ("Où se garer au bureau ?", "fr"),
                                                    ("¿Dónde aparco?", "es"), ("Where is the canteen?", "en")])
async def test_short_questions_get_the_abstention_in_their_language(strict_bot, question, language):
    answer = await strict_bot.answer(Question("slack", "C-strict", question))
    assert (answer.answered, answer.error) == (False, Reason.NOT_COVERED)
    assert answer.text == f"{notice(Notice.NOT_COVERED, language)} {notice(Notice.CLOSEST, language)}"
