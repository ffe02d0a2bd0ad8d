"""Notices in the language of the question (en, de, fr, es, pt, zh, ja, ko; English otherwise)."""

from __future__ import annotations

import pytest

from bot.answering.notices import LANGUAGES, TEXTS, Notice, notice, notice_language
from bot.core import NO_SOURCES, NOT_FOUND
from bot.types import Question

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


def test_every_notice_has_every_language_with_the_same_placeholders():
    for key, texts in TEXTS.items():
        assert set(texts) == set(LANGUAGES), key
        for text in texts.values():
            assert sorted(p for p in ("{scope}", "{reason}", "{seconds") if p in text) == sorted(
                p for p in ("{scope}", "{reason}", "{seconds") if p in texts["en"]), (key, text)


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
