"""Confidence and abstention end to end: the sample export indexed with the real local model, questions
it covers answered with high confidence, questions it does not cover abstained on (one short notice and
the closest pages, no quotes), a channel's own threshold, and the generative model's "not covered"
verdict through the fake OpenAI server."""

from __future__ import annotations

import json

import pytest

from bot.answering.abstention import NOT_COVERED
from bot.answering.answer_log import Outcome
from bot.answering.verdict import MARKER
from bot.channels import ChannelStore
from bot.types import Question
from ingest.context import indexer_for
from testkit.fakes.openai_content import follow_not_covered
from tests.conftest import REPO, SAMPLES

DEMO = json.loads((REPO / "samples" / "demo-questions.json").read_text())
UNRELATED = ["How do I bake sourdough bread?", "Who won the 2018 football World Cup?",
             "What is our parental leave policy?"]


def ask(text: str, channel: str = "local") -> Question:
    return Question(platform="cli", channel=channel, text=text, user="u1")


@pytest.fixture
async def sample_bot(local_bot):
    report = await indexer_for(local_bot).sync("lorebot-docs", SAMPLES)
    assert report.ok
    return local_bot


async def test_covered_questions_are_answered_with_high_confidence(sample_bot):
    threshold = sample_bot.settings.abstain_threshold
    for item in DEMO:
        answer = await sample_bot.answer(ask(item["question"]))
        assert answer.answered and answer.error is None, (item, answer.confidence)
        assert answer.confidence >= max(0.5, threshold), (item, answer.confidence)
        assert answer.citations[0].title == item["page"]
        assert (await sample_bot.answers.get(answer.id)).outcomes == (Outcome.ANSWERED,)


async def test_unrelated_questions_abstain_with_the_closest_pages(sample_bot):
    for text in UNRELATED:
        answer = await sample_bot.answer(ask(text))
        assert (answer.answered, answer.error, answer.mode) == (False, "not_covered", "notice"), (text, answer)
        assert answer.confidence < sample_bot.settings.abstain_threshold
        assert answer.text.startswith(NOT_COVERED) and ">" not in answer.text  # nothing quoted
        assert 1 <= len(answer.citations) <= 3
        assert all(c.quote == "" and c.title for c in answer.citations)
        assert len({c.path for c in answer.citations}) == len(answer.citations)  # distinct pages
        assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))
        logged = await sample_bot.answers.get(answer.id)
        assert logged is not None and not logged.answered and logged.outcomes == (Outcome.ABSTAINED,)
        assert logged.confidence == pytest.approx(answer.confidence)
    # an abstention is a turn of the conversation: a follow-up saying what was meant reads it as context
    turns = await sample_bot.memory.recent(ask("").conversation)
    assert [t.content for t in turns if t.role == "user"] == UNRELATED


async def test_a_channels_threshold_overrides_the_default(sample_bot):
    channels = ChannelStore(sample_bot.redis, sample_bot.settings.key_prefix)
    covered, unrelated = DEMO[0]["question"], UNRELATED[0]
    await channels.update("cli:local", threshold=0.0)  # this channel wants every answer
    lenient = await sample_bot.answer(ask(unrelated))
    assert lenient.answered and lenient.mode == "extractive" and lenient.citations[0].quote
    await channels.update("cli:local", threshold=1.0)  # and this one none
    strict = await sample_bot.answer(ask(covered))
    assert (strict.answered, strict.error) == (False, "not_covered")
    await channels.reset("cli:local")  # back to LOREBOT_ABSTAIN_THRESHOLD
    assert (await sample_bot.answer(ask(covered))).answered
    assert not (await sample_bot.answer(ask(unrelated))).answered


@pytest.fixture
async def generative_bot(make_settings, fake_openai):
    from bot.core import Lorebot

    bot = await Lorebot.open(make_settings(OPENAI_BASE_URL=fake_openai.base_url, OPENAI_API_KEY="sk-test-123456"))
    await indexer_for(bot).sync("lorebot-docs", SAMPLES)
    yield bot
    await bot.close()


async def test_the_models_not_covered_verdict_abstains_and_is_never_streamed(generative_bot, fake_openai):
    fake_openai.reply = follow_not_covered  # the model finds nothing and says so as the prompt asks
    fake_openai.stream_pieces = 6
    seen: list[str] = []

    async def on_text(text: str) -> None:
        seen.append(text)

    answer = await generative_bot.answer(ask(DEMO[0]["question"]), on_text)
    [request] = fake_openai.requests_to("/chat/completions")
    assert MARKER in request.json["messages"][0]["content"]  # the prompt asks for the marker
    assert (answer.answered, answer.error, answer.mode) == (False, "not_covered", "notice")
    assert answer.text.startswith(NOT_COVERED) and MARKER not in answer.text
    assert answer.confidence == 0.0 and all(c.quote == "" for c in answer.citations)
    assert not any(MARKER[:3] in s for s in seen)


async def test_a_generated_answer_carries_its_confidence(generative_bot, fake_openai):
    answer = await generative_bot.answer(ask(DEMO[0]["question"]))
    assert answer.mode == "generative" and answer.answered and answer.confidence >= 0.5


async def test_below_the_threshold_the_model_is_not_asked(generative_bot, fake_openai):
    answer = await generative_bot.answer(ask(UNRELATED[0]))
    assert (answer.answered, answer.error) == (False, "not_covered")
    assert fake_openai.requests_to("/chat/completions") == []


async def test_chinese_questions_are_covered_by_the_words_their_page_holds(fake_bot, tmp_path):
    """A Chinese question is one clause without spaces: coverage weighs the words the index's segmenter
    cuts it into, so the page holding them covers it and a page on another category covers it less."""
    from bot.answering.confidence import coverage, question_terms
    from bot.retrieval.term_stats import term_stats
    from ingest.context import indexer_for
    from tests.bot.retrieval.test_multilingual_search import CHINESE, write_pages

    await indexer_for(fake_bot).sync("zh", write_pages(tmp_path / "zh", CHINESE))
    question = "通讯费最多能报销多少钱？"
    terms = await question_terms(fake_bot.retriever, question)
    assert "通讯" in terms and "报销" in terms and question.rstrip("？") not in terms
    stats = await term_stats(fake_bot.retriever.indexes, terms, ["zh"])
    [own] = await fake_bot.retriever.search(question, ["zh"], 1, mode="bm25")
    [other] = await fake_bot.retriever.search("差旅费最多能报销多少钱？", ["zh"], 1, mode="bm25")
    assert own.title == "通讯费报销规定" and other.title == "差旅费报销规定"
    assert coverage(terms, [own], stats) > coverage(terms, [other], stats) > 0


KOREAN = {
    "회의실 예약": "회의실을 예약하려면 사내 캘린더에서 회의실을 선택하세요. 예약은 2주 전부터 할 수 있으며, 쓰지 않을 "
                   "예약은 하루 전까지 취소해 주세요.",
    "주차 안내": "주차장은 지하 2층에 있습니다. 방문객은 안내 데스크에서 주차권을 받으면 두 시간 동안 무료입니다.",
    "휴가 규정": "연차 휴가는 인사 시스템에서 신청하고 팀장의 승인을 받아야 합니다.",
}
# The verb written the usual way (예약하나요, 예약해요, ...): the page says 예약하려면.
KOREAN_QUESTIONS = ["회의실을 어떻게 예약하나요?", "회의실은 어떻게 예약해요?", "회의실을 예약하고 싶어요",
                    "회의실을 예약하는 방법", "회의실 예약은 어떻게 하나요?"]


async def test_korean_questions_are_covered_by_the_page_holding_their_stems(fake_bot, tmp_path):
    """Coverage judges a Korean word by its particle-stripped stem's bigrams, as search matches it: the
    page answering a question covers all its content words however the verb is conjugated, and a page
    on another topic covers none of them."""
    from bot.answering.confidence import assess
    from tests.bot.retrieval.test_multilingual_search import write_pages

    await indexer_for(fake_bot).sync("ko", write_pages(tmp_path / "ko", KOREAN))
    for question in KOREAN_QUESTIONS:
        judged = await assess(fake_bot.retriever, question, ["ko"], 3)
        assert judged.passages[0].title == "회의실 예약", question
        assert judged.features.coverage >= (0.6 if "방법" in question else 0.99), (question, judged.features)
    parking = await assess(fake_bot.retriever, "주차장은 어디에 있나요?", ["ko"], 3)
    assert parking.passages[0].title == "주차 안내" and parking.features.coverage > 0.99
    other = await assess(fake_bot.retriever, "법인카드는 어떻게 발급받나요?", ["ko"], 3)
    assert other.features.coverage == 0.0  # corporate cards: no page holds either word


async def test_japanese_questions_are_covered_by_their_kanji_and_katakana(fake_bot, tmp_path):
    from bot.answering.confidence import assess
    from tests.bot.retrieval.test_multilingual_search import write_pages

    await indexer_for(fake_bot).sync("ja", write_pages(tmp_path / "ja", {
        "会議室の予約": "会議室を予約するには、社内カレンダーで会議室を選択してください。",
        "パスワード": "パスワードを忘れた場合は、ヘルプデスクに連絡してリセットしてください。",
    }))
    for question, title in [("会議室はどうやって予約しますか？", "会議室の予約"), ("会議室を予約したいです", "会議室の予約"),
                            ("パスワードを忘れたらどうすればいいですか", "パスワード")]:
        judged = await assess(fake_bot.retriever, question, ["ja"], 3)
        assert judged.passages[0].title == title, question
        assert judged.features.coverage > 0.99, (question, judged.features)


async def test_korean_questions_their_page_answers_are_answered(local_bot, tmp_path):
    """The new-user trial: with the default local model, each way of asking how to book a meeting room
    is answered from the page on it (they were declined at confidence 0.03)."""
    from tests.bot.retrieval.test_multilingual_search import write_pages

    await indexer_for(local_bot).sync("ko", write_pages(tmp_path / "ko", KOREAN))
    for question in KOREAN_QUESTIONS:
        answer = await local_bot.answer(ask(question))
        assert answer.answered and answer.citations[0].title == "회의실 예약", (question, answer.confidence)
