"""Language detection, NFKC, CJK n-grams, Korean particles, identifier forms and the keyword side
of a question, without Redis."""

from __future__ import annotations

from bot.retrieval.languages import (
    detect_language,
    normalise,
    question_language,
    redisearch_language,
)
from bot.retrieval.query_text import full_text_query, keywords
from bot.retrieval.tokens import cjk_grams, identifier_forms, index_terms, strip_josa


def test_languages_are_told_apart():
    assert detect_language("The service reads its connection limits from environment variables.") == "en"
    assert detect_language("Die Häuser der Stadt wurden im letzten Jahrhundert gebaut.") == "de"
    assert detect_language("通讯费的报销申请须在费用发生后7个工作日内提交。") == "zh"
    assert detect_language("会議室を予約するには、前日までに申請してください。") == "ja"
    assert detect_language("회의실을 예약하려면 하루 전에 신청하세요.") == "ko"
    assert detect_language("من هو عبد المطلب بن هاشم؟ كان سيد قريش") == "ar"
    assert detect_language("12345 ... ---") == ""
    assert question_language("ok") == ""  # too short to tell


def test_redisearch_language_names_and_fallback():
    assert redisearch_language("de") == "german"
    assert redisearch_language("zh") == "chinese"
    assert redisearch_language("ko") == "english"  # no stemmer: the default tokenizer, plus n-grams


def test_nfkc_folds_ligatures_and_full_width_forms():
    assert normalise("ﬁnance ＤＢ＿ＰＯＯＬ１２") == "finance DB_POOL12"
    assert keywords("ﬁnancial ＲＥＰＯＲＴ").terms == keywords("financial REPORT").terms


def test_cjk_bigrams_per_script_run():
    assert cjk_grams("通讯费") == ["通讯", "讯费"]
    assert cjk_grams("会議室を予約") == ["会議", "議室", "を", "予約"]  # kanji and kana runs apart
    assert cjk_grams("English only") == []


def test_korean_particles_do_not_change_the_grams():
    assert strip_josa("회의실을") == strip_josa("회의실은") == strip_josa("회의실에서") == "회의실"
    assert strip_josa("돈") == "돈"  # one syllable: kept
    assert cjk_grams("회의실을 예약") == cjk_grams("회의실에서 예약") == ["회의", "의실", "예약"]


def test_identifiers_give_their_parts_and_one_joined_form():
    assert identifier_forms("What is DB_POOL_MAX_SIZE?") == (["db_pool_max_size"], ["db", "pool", "max", "size"])
    assert identifier_forms("getUserEmail") == (["get_user_email"], ["get", "user", "email"])
    assert identifier_forms("release v2.3.1")[0] == ["v2_3_1"]
    assert identifier_forms("src/__tests__/checkout.py")[0] == ["src_tests_checkout_py"]
    # A pair joined by - or . alone: RediSearch already indexes both parts; no joined form to
    # count the pair twice (IL-6, well-known).
    assert identifier_forms("user.email and shipit-rollback") == ([], [])
    assert identifier_forms("plain words only") == ([], [])
    # written whole or in another case style, the same joined form
    assert identifier_forms("DbPoolMaxSize")[0] == identifier_forms("db_pool_max_size")[0]


def test_index_terms_leave_chinese_to_friso():
    assert "通讯" not in index_terms("通讯费 DB_POOL", "zh").split()
    assert "db_pool" in index_terms("通讯费 DB_POOL", "zh").split()
    assert "通讯" in index_terms("通讯费", "ja").split()


def test_questions_are_stemmed_in_their_own_language():
    german = keywords("Wie viele Häuser hat die Stadt?")
    assert german.language == "german"
    assert full_text_query(german.terms, None, german.language, german.exact) == r"haus | \+haus | stadt | \+stadt"
    english = keywords("Treatments of the disease")
    assert full_text_query(english.terms, None, english.language) == r"treatment | \+treatment | diseas | \+diseas"


def test_chinese_question_is_segmented_by_the_index_not_stemmed():
    words = keywords("通讯费最多能报销多少钱？")
    assert words.language == ""
    assert words.han == ["通讯费最多能报销多少钱"]
    assert "通讯" in words.exact and "讯费" in words.exact


def test_identifier_question_asks_for_the_joined_form_as_written():
    words = keywords("What is DB_POOL_MAX_SIZE in production?")
    assert words.exact == ["db_pool_max_size"]
    query = full_text_query(words.terms, None, words.language, words.exact)
    assert query.endswith("| db_pool_max_size") and r"\+pool" in query


def test_arabic_light_stems_and_their_written_forms():
    from bot.retrieval.arabic import fold, light_stem, written_forms

    assert light_stem("والكتاب") == light_stem("بالكتاب") == light_stem("للكتاب") == light_stem("كتاب") == "كتاب"
    assert light_stem("الكتابة") == "كتابة"  # the word's own ending stays: another word than كتاب
    assert light_stem("ولد") == "ولد"  # و is kept on a 3-letter word
    assert written_forms("الكتاب")[:3] == ("كتاب", "والكتاب", "بالكتاب")
    assert "الكتاب" in written_forms("كتاب") and "وكتاب" in written_forms("كتاب")
    assert written_forms("book") == ()
    assert fold("هى") == "هي" and fold("أين") == fold("اين") and fold("خَيْرُ") == "خير"


def test_arabic_questions_ask_light_forms_and_drop_folded_stopwords():
    arabic = frozenset({"arabic", "english"})
    words = keywords("ما هى الابراج الفلكية؟", arabic)
    assert words.language == "arabic"
    assert words.terms == ["الابراج", "الفلكية"]  # هى is the stopword هي typed without its dots
    assert "الفلكية" in words.forms and "فلكية" in words.forms
    query = full_text_query(words.terms, None, words.language, words.exact, words.forms)
    assert "\\+فلك" in query.split(" | ") and query.split(" | ").count("الفلكية") == 1
    # English questions get no written forms: their stems alone, as before.
    assert keywords("What are the zodiac signs?", arabic).forms == []
