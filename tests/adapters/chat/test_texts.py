"""The adapters' end of the core's "no source linked" notice: how an admin links a source on the
platform, in the language the notice is in (the command itself as written)."""

from __future__ import annotations

import pytest

from adapters.chat.texts import with_link_hint
from adapters.cli.chat import cli_answer
from bot.answering.notices import LANGUAGES, Notice, notice
from bot.types import Question, Reason

QUESTIONS = {
    "en": "How do deploys work?", "de": "Wie funktionieren Deployments bei uns?",
    "fr": "Comment fonctionnent les déploiements ?", "es": "¿Cómo funcionan los despliegues?",
    "pt": "Como funcionam as implantações?", "zh": "部署是怎么进行的？", "ja": "デプロイはどう行いますか？",
    "ko": "배포는 어떻게 하나요?",
}
ENGLISH = {"an", "admin", "can", "link", "one", "with"}


@pytest.mark.parametrize("language", LANGUAGES)
async def test_the_link_hint_is_in_the_notices_language(fake_bot, language):
    q = Question("slack", "CNOSRC", QUESTIONS[language])
    core = await fake_bot.answer(q)
    assert core.error == Reason.NO_SOURCES and core.text == notice(Notice.NO_SOURCES, language, scope=q.scope)
    how = "`/lore link SOURCE`"
    answer = with_link_hint(core, how)
    assert answer.text.startswith(core.text) and how in answer.text
    assert answer.text.endswith(notice(Notice.LINK_HINT, language, how=how))
    tail = answer.text[len(core.text):].replace(how, " ").lower().split()
    assert (len(ENGLISH.intersection(tail)) >= 2) == (language == "en"), answer.text  # no English tail


async def test_the_cli_hint_follows_a_german_question(fake_bot):
    q = Question("cli", "CNOSRC", QUESTIONS["de"])
    answer = cli_answer(await fake_bot.answer(q), q)
    assert answer.text.endswith("Ein Admin kann mit `lorebot sources link SOURCE cli:CNOSRC` eine verknüpfen.")
    assert "An admin" not in answer.text


async def test_other_answers_are_left_as_they_are(fake_bot):
    answer = await fake_bot.answer(Question("slack", "CNOSRC", ""))  # an empty question: no hint
    assert with_link_hint(answer, "`/lore link SOURCE`") == answer
