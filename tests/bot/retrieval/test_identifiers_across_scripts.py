"""Identifiers and Latin words written directly against Japanese, Korean or Chinese text (no space
between), full-width identifiers, dotted host names and versions with or without their leading v,
found on the real index (embeddings from the fake OpenAI server: BM25 decides here)."""

from __future__ import annotations

from bot.retrieval.query_text import keywords
from bot.retrieval.tokens import identifier_forms, index_terms
from ingest.context import indexer_for
from tests.bot.retrieval.test_multilingual_search import write_pages


async def titles(bot, question: str, source: str, k: int = 3) -> list[str]:
    return [p.title for p in await bot.retriever.search(question, [source], k, mode="bm25")]


# An English page about queue items: it holds "queue", "max" and "items" as words, so a question
# whose identifier is not found whole falls to it.
QUEUE_DISTRACTORS = {
    "Queue items": "Each queue holds items waiting for a worker. The max age of items in a queue is one hour; "
                   "queue items older than that are dropped. Items are retried three times.",
    "Worker pool": "The worker pool has a max size of 16 threads; items are taken from the queue in order.",
    "Release notes": "Release notes list every change; the queue dashboard was redesigned.",
}


def test_identifiers_are_cut_out_of_cjk_text_at_the_script_boundary():
    for glued in ("キューの上限はQUEUE_MAX_ITEMSで設定します", "QUEUE_MAX_ITEMS로 설정합니다",
                  "队列上限由QUEUE_MAX_ITEMS设置"):
        assert identifier_forms(glued) == (["queue_max_items"], ["queue", "max", "items"]), glued
    # Latin words glued to kana or hangul are terms of their own (RediSearch keeps the glued run
    # as one token), the CJK side still gives its bigrams.
    terms = index_terms("サーバー名にvpn.example.comを入力してください", "ja").split()
    assert {"vpn", "com", "vpn_example_com", "入力"} <= set(terms)
    assert "slack" in index_terms("Slack으로 알림을 보냅니다", "ko").split()
    assert {"slack", "alert"} <= set(index_terms("通知は「Slack」に送ります。件名はAlerts。", "ja").split())
    # friso cuts a Chinese chunk's every field at "_": its identifiers are indexed fused too, and
    # asked so when the index holds Chinese.
    assert "queuemaxitems" in index_terms("队列上限由QUEUE_MAX_ITEMS设置", "zh").split()
    assert "queuemaxitems" in keywords("What is QUEUE_MAX_ITEMS?", frozenset({"chinese", "english"})).exact
    assert "queuemaxitems" not in keywords("What is QUEUE_MAX_ITEMS?", frozenset({"english", "german"})).exact
    # The question side cuts the same way.
    words = keywords("QUEUE_MAX_ITEMSの既定値は？")
    assert "queue_max_items" in words.exact and "items" in words.terms
    assert all(t.isascii() or not any(c.isascii() for c in t) for t in words.terms)  # no mixed term


def test_versions_meet_with_or_without_their_leading_v():
    from bot.retrieval.tokens import version_forms  # new: imported here so the other tests run on the old code

    assert version_forms("v2.3.1") == version_forms("2.3.1") == ["2_3_1"]
    assert version_forms("release V10.0.2-rc1") == ["10_0_2"]
    assert version_forms("IL-6 and 0.5 mg") == []  # a decimal is no version
    assert "2_3_1" in index_terms("Release v2.3.1 made it case-insensitive.", "en").split()
    assert "2_3_1" in keywords("What changed in 2.3.1?").exact
    assert "2_3_1" in keywords("What changed in v2.3.1?").exact


async def test_identifier_glued_to_japanese(fake_bot, tmp_path):
    pages = {"キューの設定": "キューの上限はQUEUE_MAX_ITEMSで設定します。既定値は500です。", **QUEUE_DISTRACTORS}
    await indexer_for(fake_bot).sync("ja", write_pages(tmp_path / "ja", pages))
    assert (await titles(fake_bot, "What is QUEUE_MAX_ITEMS?", "ja"))[0] == "キューの設定"
    assert (await titles(fake_bot, "QUEUE_MAX_ITEMSの既定値は？", "ja"))[0] == "キューの設定"
    assert (await titles(fake_bot, "queue max items", "ja"))[0] == "キューの設定"  # typed in parts


async def test_identifier_and_words_glued_to_korean(fake_bot, tmp_path):
    pages = {
        "대기열 설정": "대기열의 최대 길이는QUEUE_MAX_ITEMS로 정합니다. 알림은Slack으로 보냅니다.",
        "Alerts": "Alerts are sent by email to the on-call engineer; pages go to the phone.",
        **QUEUE_DISTRACTORS,
    }
    await indexer_for(fake_bot).sync("ko", write_pages(tmp_path / "ko", pages))
    assert (await titles(fake_bot, "What is QUEUE_MAX_ITEMS?", "ko"))[0] == "대기열 설정"
    assert (await titles(fake_bot, "QUEUE_MAX_ITEMS는 무엇인가요?", "ko"))[0] == "대기열 설정"
    assert (await titles(fake_bot, "Slack?", "ko"))[:1] == ["대기열 설정"]


async def test_identifier_glued_to_chinese(fake_bot, tmp_path):
    pages = {"队列设置": "队列上限由QUEUE_MAX_ITEMS设置，默认值为500。", **QUEUE_DISTRACTORS}
    await indexer_for(fake_bot).sync("zh", write_pages(tmp_path / "zh", pages))
    assert (await titles(fake_bot, "What is QUEUE_MAX_ITEMS?", "zh"))[0] == "队列设置"
    assert (await titles(fake_bot, "QUEUE_MAX_ITEMS的默认值是多少？", "zh"))[0] == "队列设置"


async def test_full_width_host_name_in_japanese(fake_bot, tmp_path):
    pages = {
        "VPN接続": "サーバー名にｖｐｎ．ｅｘａｍｐｌｅ．ｃｏｍを入力してください。",
        "Example pages": "The example pages show how to connect a laptop; see the example for each step.",
        "Mail": "Connect your mail client to mail.example.org with your company password.",
        "Connections": "To connect, open the app and choose a server; the connection is saved.",
    }
    await indexer_for(fake_bot).sync("vpn", write_pages(tmp_path / "vpn", pages))
    assert (await titles(fake_bot, "How do I connect to vpn.example.com?", "vpn"))[0] == "VPN接続"
    assert (await titles(fake_bot, "vpn.example.comに接続するには？", "vpn"))[0] == "VPN接続"


async def test_version_with_or_without_v(fake_bot, tmp_path):
    pages = {
        "Dark mode": "Release v2.3.0 adds dark mode and changes the login page.",
        "Export fix": "Release v2.3.1 fixes the export of large files.",
        "Search ranking": "Version 2.4.0 changed the search ranking.",
        "Changes": "What changed in each release is listed on its own page.",
    }
    await indexer_for(fake_bot).sync("rel", write_pages(tmp_path / "rel", pages))
    assert (await titles(fake_bot, "What changed in 2.3.1?", "rel"))[0] == "Export fix"
    assert (await titles(fake_bot, "What changed in v2.3.1?", "rel"))[0] == "Export fix"
    assert (await titles(fake_bot, "What changed in v2.4.0?", "rel"))[0] == "Search ranking"
