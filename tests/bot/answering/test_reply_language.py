"""The notice language of short questions: told among the eight notice languages alone (script first,
then lingua among English, German, French, Spanish and Portuguese with the words and letters only
some of them write), and English kept English. Without Redis."""

from __future__ import annotations

import pytest

from bot.answering.notices import notice_language
from bot.answering.reply_language import reply_language

SHORT = {
    "fr": ["Où se garer au bureau ?", "Où est la cantine ?", "Combien coûte le parking ?", "Mot de passe oublié ?",
           "Où est l'imprimante ?", "Quand est la paie ?", "Comment réserver une salle ?", "Le wifi ne marche pas",
           "Qui valide les notes de frais ?", "Je peux télétravailler ?"],
    "de": ["Wo ist die Kantine?", "Wo kann ich parken?", "Wie buche ich einen Raum?", "Wer genehmigt Spesen?",
           "WLAN geht nicht", "Was kostet das Parken?", "Wann ist Zahltag?", "Büroschlüssel verloren"],
    "es": ["¿Dónde está la cantina?", "¿Dónde aparco?", "¿Cuánto cuesta el parking?", "¿Cómo reservo una sala?",
           "Olvidé mi contraseña", "No funciona el wifi", "La impresora no funciona", "Mi portátil va lento"],
    "pt": ["Onde fica a cantina?", "Onde posso estacionar?", "Quanto custa o estacionamento?", "Como reservo uma sala?",
           "Esqueci a minha senha", "O wifi não funciona", "Quem aprova as despesas?", "Código da porta?"],
    "zh": ["食堂在哪里？", "停车多少钱？", "怎么预订会议室？", "忘记密码了", "WiFi密码？", "VPN连不上"],
    "ja": ["食堂はどこ？", "駐車場は？", "パスワードを忘れた", "WiFiのパスワードは？", "VPNにつながらない"],
    "ko": ["식당 어디예요?", "주차는?", "회의실 예약", "비밀번호 분실", "와이파이 비번?", "VPN 접속이 안 돼요"],
}
# Short English questions, many of them two nouns that lingua's low-accuracy model alone calls
# German, French or Portuguese ("door code?": German 0.93, "bonus payment": French 0.98).
ENGLISH = [
    "Where is the canteen?", "parking?", "VPN down?", "How do I reset my password?", "Where do I park?",
    "wifi password?", "Who approves expenses?", "Is the office open on Sunday?", "printer broken", "help", "hi",
    "How much does parking cost?", "Can I work from home?", "lunch menu?", "expense limit?", "badge lost",
    "coffee machine broken", "guest wifi", "fire alarm test", "door code?", "dress code", "phone reimbursement",
    "printer toner", "retro template", "visa letter", "cafe open?", "standup time?", "github org invite",
    "bonus payment", "travel insurance", "password manager", "screen flicker", "login loop", "incident report",
    "office plants", "payroll calendar", "elevator stuck", "tax form", "Where's the kitchen?", "sick leave?",
    "What does 报销 mean?", "Slack down?", "deploy failed", "ok?", "thanks!", "canteen hours",
]


@pytest.mark.parametrize("language", list(SHORT))
def test_short_questions_get_notices_in_their_language(language):
    wrong = [(q, notice_language(q)) for q in SHORT[language] if notice_language(q) != language]
    assert wrong == []


def test_short_english_questions_stay_english():
    wrong = [(q, notice_language(q)) for q in ENGLISH if notice_language(q) != "en"]
    assert wrong == []


def test_other_languages_and_scripts_get_english():
    assert reply_language("Hoe reset ik mijn wachtwoord op de laptop van het bedrijf?") == "en"  # Dutch, told apart
    assert reply_language("Где столовая?") == "en" and reply_language("أين المقصف؟") == "en"
    assert reply_language("12345 ?!") == "en" and reply_language("") == "en"


def test_german_nouns_alone_stay_english():
    """Without a word or letter only German writes, lingua's low-accuracy model is as sure of "door
    code?" as of "Drucker kaputt": English is kept (the choice the module docstring explains)."""
    assert reply_language("Drucker kaputt") == "en"
    assert reply_language("Drucker ist kaputt") == "de"  # one word of its own is enough
