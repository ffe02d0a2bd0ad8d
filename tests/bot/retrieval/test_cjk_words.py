"""Korean and Japanese question words as the index matches them (for confidence's coverage): Korean
stems without particle and verb ending, question words dropped; Japanese kanji and katakana runs;
each with its bigrams. Without Redis."""

from __future__ import annotations

from bot.retrieval.cjk_words import bigrams, gram_words, korean_stem


def test_korean_verbs_written_the_usual_way_share_their_stem():
    for typed in ("예약하나요", "예약해요", "예약하고", "예약하는", "예약하려면", "예약합니다", "예약할까요"):
        assert korean_stem(typed) == "예약", typed
    assert korean_stem("승인되나요") == "승인"
    assert korean_stem("신청하세요") == "신청"


def test_korean_nouns_keep_their_syllables():
    assert korean_stem("회의실을") == "회의실"  # the particle only
    assert korean_stem("회의실에서") == "회의실"
    assert korean_stem("사고") == "사고" and korean_stem("재고는") == "재고"  # two syllables are never cut
    assert korean_stem("노트북") == "노트북"


def test_korean_questions_give_their_content_words_with_bigrams():
    covered = {"회의실": ("회의", "의실"), "예약": ("예약",)}
    for question in ("회의실을 어떻게 예약하나요?", "회의실은 어떻게 예약해요?", "회의실을 예약하고 싶어요",
                     "회의실 예약은 어떻게 하나요?"):
        assert gram_words(question) == covered, question
    assert list(gram_words("비밀번호를 재설정하려면 어떻게 해야 하나요?")) == ["비밀번호", "재설정"]
    assert list(gram_words("VPN 접속이 안 돼요")) == ["접속"]  # the Latin word is weighed as a word


def test_japanese_questions_give_their_kanji_and_katakana_runs():
    assert gram_words("会議室はどうやって予約しますか？") == {"会議室": ("会議", "議室"), "予約": ("予約",)}
    assert list(gram_words("パスワードを忘れました")) == ["パスワード", "忘"]
    assert list(gram_words("何を申請すればいいですか")) == ["申請"]  # 何 (what) is a question word
    assert list(gram_words("どうすればいいですか")) == ["どうすればいいですか"]  # nothing else: the kana


def test_chinese_and_latin_questions_have_no_gram_words():
    assert gram_words("通讯费最多能报销多少钱？") == {}  # the index's segmenter cuts Chinese
    assert gram_words("How do I book a meeting room?") == {}
    assert bigrams("회") == ("회",) and bigrams("회의실") == ("회의", "의실")
