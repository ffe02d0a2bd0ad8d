"""Keyword search in every language on the real index: Chinese segmented, Japanese and Korean by
n-grams (Korean particles aside), each language stemmed by its own rules, identifiers found whole
or in parts, NFKC on both sides (embeddings from the fake OpenAI server: BM25 decides here)."""

from __future__ import annotations

from pathlib import Path

from ingest.context import indexer_for


def write_pages(root: Path, pages: dict[str, str]) -> Path:
    root.mkdir(parents=True)
    for n, (title, body) in enumerate(pages.items()):
        (root / f"page{n}.md").write_text(f"# {title}\n\n{body}\n", encoding="utf-8")
    return root


async def first_title(bot, question: str, source: str) -> str:
    found = await bot.retriever.search(question, [source], 3, mode="bm25")
    return found[0].title if found else ""


CHINESE = {
    f"{name}报销规定": f"{name}的报销申请须在费用发生后{n}个工作日内提交。单次报销上限为{100 * n}元，审批人为{who}。"
    for n, (name, who) in enumerate([("通讯费", "Kofi"), ("快递费", "Dana"), ("停车费", "Ilse"), ("健身卡", "Omar"),
                                     ("餐费", "Lena"), ("差旅费", "Ravi")], 2)
}


async def test_chinese_question_finds_its_category_page(fake_bot, tmp_path):
    await indexer_for(fake_bot).sync("zh", write_pages(tmp_path / "zh", CHINESE))
    for name in ("通讯费", "快递费", "停车费"):
        assert await first_title(fake_bot, f"{name}最多能报销多少钱？", "zh") == f"{name}报销规定"
    assert await first_title(fake_bot, "健身卡的审批人是谁？", "zh") == "健身卡报销规定"


async def test_chunks_carry_their_language(fake_bot, tmp_path):
    await indexer_for(fake_bot).sync("mix", write_pages(tmp_path / "mix", {
        "Umzug": "Die Häuser der Stadt werden im Sommer gestrichen und die Wohnungen renoviert.",
        "通讯费报销规定": CHINESE["通讯费报销规定"],
    }))
    langs = set()
    async for key in fake_bot.redis.scan_iter(match=f"{fake_bot.indexes.keys.chunk_prefix}:*"):
        langs.add((await fake_bot.redis.hget(key, "lang")).decode())
    assert langs == {"german", "chinese"}


async def test_korean_particles_do_not_decide(fake_bot, tmp_path):
    pages = {
        "회의실 안내": "회의실은 하루 전까지 예약해야 합니다. 예약은 총무팀이 승인합니다.",
        "주차 안내": "주차장은 지하 2층에 있으며 방문객은 두 시간 무료입니다.",
        "휴가 규정": "연차 휴가는 팀장에게 미리 신청합니다.",
    }
    await indexer_for(fake_bot).sync("ko", write_pages(tmp_path / "ko", pages))
    for question in ("회의실을 어떻게 예약하나요?", "회의실에서 회의하려면?", "회의실이 필요해요"):
        assert await first_title(fake_bot, question, "ko") == "회의실 안내", question
    assert await first_title(fake_bot, "주차장이 어디에 있나요?", "ko") == "주차 안내"


async def test_japanese_is_found_by_its_bigrams(fake_bot, tmp_path):
    pages = {
        "会議室の予約": "会議室を予約するには、前日までに総務部に申請してください。",
        "駐車場": "駐車場は地下二階にあります。来客は二時間まで無料です。",
        "休暇": "年次休暇は上司に事前に申請してください。",
    }
    await indexer_for(fake_bot).sync("ja", write_pages(tmp_path / "ja", pages))
    assert await first_title(fake_bot, "会議室はどうやって予約しますか？", "ja") == "会議室の予約"
    assert await first_title(fake_bot, "駐車場はどこですか", "ja") == "駐車場"


async def test_each_language_is_stemmed_by_its_own_rules(fake_bot, tmp_path):
    pages = {
        "Wohnungen": "Die Häuser der Stadt werden im Sommer gestrichen.",
        "Büro": "Das Büro ist montags geschlossen.",
        "Logements": "Les maisons de la ville seront repeintes en été.",
    }
    await indexer_for(fake_bot).sync("eu", write_pages(tmp_path / "eu", pages))
    # German "Haus" matches "Häuser" only under the German stemmer (English leaves "häuser" alone).
    assert await first_title(fake_bot, "Wann wird das Haus gestrichen?", "eu") == "Wohnungen"
    assert await first_title(fake_bot, "Quand la maison sera-t-elle repeinte ?", "eu") == "Logements"


IDENTIFIERS = {
    "Database settings": "The service reads its connection limits from environment variables. DB_POOL_MAX_SIZE caps "
                         "the number of open connections: it is 64 in production and 8 on developer laptops.",
    "DB backups": "The production DB is backed up every night at 02:00 UTC. Backups are kept for 30 days.",
    "Upload limits": "The max size of a single uploaded file is 25 MB. In production, larger files are rejected.",
    "Worker pool": "The background worker pool has a max size of 16 threads in production.",
    "Accounts": "The user.email column is unique. Release v2.3.1 made it case-insensitive.",
    "Deploys": "Run shipit-rollback to undo a deploy; the config lives in deploy/shipit/rollback.yaml.",
    "Release notes": "Release v2.4.0 adds dark mode. Every user has an email address.",
}


async def test_identifiers_are_found_however_they_are_typed(fake_bot, tmp_path):
    await indexer_for(fake_bot).sync("ids", write_pages(tmp_path / "ids", IDENTIFIERS))
    for question in ("What is DB_POOL_MAX_SIZE in production?", "what is db pool max size", "DbPoolMaxSize?"):
        assert await first_title(fake_bot, question, "ids") == "Database settings", question
    assert await first_title(fake_bot, "Which release is v2.3.1?", "ids") == "Accounts"
    assert await first_title(fake_bot, "is user.email unique", "ids") == "Accounts"
    assert await first_title(fake_bot, "how does shipit-rollback work", "ids") == "Deploys"
    assert await first_title(fake_bot, "where is deploy/shipit/rollback.yaml", "ids") == "Deploys"


async def test_full_width_and_ligatures_match_their_plain_forms(fake_bot, tmp_path):
    pages = {
        "Budget": "The ﬁnancial report for ＦＹ２０２４ is due in March.",
        "Travel": "Book trains two weeks ahead.",
    }
    await indexer_for(fake_bot).sync("nfkc", write_pages(tmp_path / "nfkc", pages))
    assert await first_title(fake_bot, "financial report FY2024", "nfkc") == "Budget"
    assert await first_title(fake_bot, "ｆｉｎａｎｃｉａｌ", "nfkc") == "Budget"


async def test_arabic_word_as_asked_outranks_a_word_of_its_root(fake_bot, tmp_path):
    pages = {
        # الكتابة ("writing") and الكتاب ("the book") share Snowball's stem كتاب; only one page
        # holds the word asked for, with the conjunction written onto it.
        "Page A": "الكتابة مهارة والكتابة تحتاج إلى تدريب كل يوم في المدرسة.",
        "Page B": "والكتاب موجود في المدرسة منذ سنوات طويلة.",
        "Page C": "الحديقة كبيرة وفيها أشجار كثيرة.",
    }
    await indexer_for(fake_bot).sync("ar", write_pages(tmp_path / "ar", pages))
    assert await first_title(fake_bot, "أين الكتاب؟", "ar") == "Page B"


async def test_curly_apostrophes_and_mojibake_match_plain_words(fake_bot, tmp_path):
    # Google Docs and Word type "sheriff’s" (RediSearch splits at ' but not at ’); a CSV or web page
    # decoded as cp1252 once too often holds "sheriffâ€™s" and "cafÃ©".
    pages = {
        "Permits": "The county sheriff’s office issues parking permits.",
        "Canteen": "The teamâ€™s cafÃ© serves crÃ¨me brÃ»lÃ©e on Fridays.",
        "Travel": "Book trains two weeks ahead; the office pays.",
    }
    await indexer_for(fake_bot).sync("quotes", write_pages(tmp_path / "quotes", pages))
    assert await first_title(fake_bot, "sheriff", "quotes") == "Permits"
    assert await first_title(fake_bot, "Who’s the sheriff?", "quotes") == "Permits"
    assert await first_title(fake_bot, "which team has a café", "quotes") == "Canteen"
    found = await fake_bot.retriever.search("crème brûlée", ["quotes"], 1, mode="bm25")
    assert found and "The team's café serves crème brûlée" in found[0].text  # repaired as shown
