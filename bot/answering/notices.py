"""User-facing notices (no source linked, nothing found, not covered and the line before its closest
pages, failures) in the language of the question: English, German, French, Spanish, Portuguese,
Chinese, Japanese and Korean (told among these alone, short questions too:
bot.answering.reply_language); any other language, or a question with nothing to tell, gets English.

    notice(Notice.NOT_FOUND, notice_language(question))
    notice(Notice.TIMED_OUT, "de", seconds=60)

The English texts are the ones the core has always sent (bot.core imports them from here).
Placeholders ({scope}, {reason}, {seconds}, {how}) are filled by `notice`; a {reason} is passed
through as given (an error message, usually English), and so is {how}, a platform's command. The core
names no platform: its NO_SOURCES notice ends before saying how to link a source, and each adapter
adds LINK_HINT with its own command in the notice's language (`add_link_hint`).
"""

from __future__ import annotations

import re
from enum import StrEnum

from bot.answering.reply_language import reply_language


class Notice(StrEnum):
    EMPTY_QUESTION = "empty_question"
    NO_SOURCES = "no_sources"
    NOT_FOUND = "not_found"
    NOT_COVERED = "not_covered"
    CLOSEST = "closest"  # ends an abstention that lists the closest pages
    REDIS_UNAVAILABLE = "redis_unavailable"
    SEARCH_FAILED = "search_failed"
    TIMED_OUT = "timed_out"
    GENERATION_FAILED = "generation_failed"  # the intro of passages quoted instead of an answer
    LINK_HINT = "link_hint"  # an adapter's end of NO_SOURCES: how an admin links a source there


LANGUAGES = ("en", "de", "fr", "es", "pt", "zh", "ja", "ko")

TEXTS: dict[Notice, dict[str, str]] = {
    Notice.EMPTY_QUESTION: {
        "en": "Ask me a question about your documents, for example: “How do I connect my first source?”",
        "de": "Stellen Sie mir eine Frage zu Ihren Dokumenten, zum Beispiel: „Wie verbinde ich meine erste Quelle?“",
        "fr": "Posez-moi une question sur vos documents, par exemple : « Comment connecter ma première source ? »",
        "es": "Hazme una pregunta sobre tus documentos, por ejemplo: «¿Cómo conecto mi primera fuente?»",
        "pt": "Faça-me uma pergunta sobre os seus documentos, por exemplo: “Como ligo a minha primeira fonte?”",
        "zh": "请就您的文档向我提问，例如：“如何连接我的第一个来源？”",
        "ja": "ドキュメントについて質問してください。例：「最初のソースはどう接続しますか？」",
        "ko": "문서에 대해 질문해 주세요. 예: “첫 번째 소스는 어떻게 연결하나요?”",
    },
    Notice.NO_SOURCES: {
        "en": "No document source is linked to this channel (`{scope}`) yet, so I have nothing to answer from.",
        "de": "Mit diesem Kanal (`{scope}`) ist noch keine Dokumentquelle verknüpft, daher habe ich nichts, "
              "woraus ich antworten kann.",
        "fr": "Aucune source de documents n’est encore liée à ce canal (`{scope}`) : je n’ai donc rien pour répondre.",
        "es": "Todavía no hay ninguna fuente de documentos vinculada a este canal (`{scope}`), así que no tengo "
              "de dónde responder.",
        "pt": "Ainda não há nenhuma fonte de documentos ligada a este canal (`{scope}`), por isso não tenho de "
              "onde responder.",
        "zh": "此频道（`{scope}`）尚未关联任何文档来源，因此我没有可以据以回答的内容。",
        "ja": "このチャンネル（`{scope}`）にはまだドキュメントのソースが紐付けられていないため、"
              "回答に使える情報がありません。",
        "ko": "이 채널(`{scope}`)에는 아직 연결된 문서 소스가 없어서 답변할 자료가 없습니다.",
    },
    Notice.NOT_FOUND: {
        "en": "I could not find anything about that in the documents this channel can see.",
        "de": "In den Dokumenten, die dieser Kanal sehen kann, habe ich dazu nichts gefunden.",
        "fr": "Je n’ai rien trouvé à ce sujet dans les documents accessibles à ce canal.",
        "es": "No encontré nada sobre eso en los documentos que este canal puede ver.",
        "pt": "Não encontrei nada sobre isso nos documentos que este canal pode ver.",
        "zh": "在此频道可见的文档中，我没有找到与此相关的内容。",
        "ja": "このチャンネルが参照できるドキュメントには、それに関する情報が見つかりませんでした。",
        "ko": "이 채널에서 볼 수 있는 문서에서 그에 관한 내용을 찾지 못했습니다.",
    },
    Notice.NOT_COVERED: {
        "en": "The documents this channel can see don't cover this.",  # = abstention.NOT_COVERED
        "de": "Die Dokumente, die dieser Kanal sehen kann, scheinen das nicht abzudecken.",
        "fr": "Les documents accessibles à ce canal ne semblent pas traiter de ce sujet.",
        "es": "Los documentos que este canal puede ver no parecen tratar ese tema.",
        "pt": "Os documentos que este canal pode ver não parecem tratar desse assunto.",
        "zh": "此频道可见的文档似乎没有涉及这个问题。",
        "ja": "このチャンネルが参照できるドキュメントには、その内容は含まれていないようです。",
        "ko": "이 채널에서 볼 수 있는 문서에는 그 내용이 다뤄지지 않은 것 같습니다.",
    },
    Notice.CLOSEST: {
        "en": "These pages come closest:",  # = abstention.CLOSEST
        "de": "Am nächsten kommen diese Seiten:",
        "fr": "Voici les pages qui s’en approchent le plus :",
        "es": "Estas son las páginas que más se acercan:",
        "pt": "Estas são as páginas que mais se aproximam:",
        "zh": "以下页面最为接近：",
        "ja": "最も近いのは次のページです：",
        "ko": "가장 가까운 페이지는 다음과 같습니다:",
    },
    Notice.REDIS_UNAVAILABLE: {
        "en": "I can't reach my document store (Redis) right now. Please try again in a minute.",
        "de": "Ich erreiche meinen Dokumentenspeicher (Redis) gerade nicht. Bitte versuchen Sie es in einer "
              "Minute noch einmal.",
        "fr": "Je ne parviens pas à joindre ma base de documents (Redis) pour le moment. Réessayez dans une minute.",
        "es": "Ahora mismo no puedo acceder a mi almacén de documentos (Redis). Inténtalo de nuevo en un minuto.",
        "pt": "Não consigo aceder ao meu repositório de documentos (Redis) neste momento. Tente novamente "
              "dentro de um minuto.",
        "zh": "我现在无法连接到文档存储（Redis）。请一分钟后再试。",
        "ja": "現在ドキュメントストア（Redis）に接続できません。1分後にもう一度お試しください。",
        "ko": "지금 문서 저장소(Redis)에 연결할 수 없습니다. 1분 후에 다시 시도해 주세요.",
    },
    Notice.SEARCH_FAILED: {
        "en": "I couldn't search the documents: {reason}. Please try again in a minute.",
        "de": "Ich konnte die Dokumente nicht durchsuchen: {reason}. Bitte versuchen Sie es in einer Minute "
              "noch einmal.",
        "fr": "Je n’ai pas pu chercher dans les documents : {reason}. Réessayez dans une minute.",
        "es": "No pude buscar en los documentos: {reason}. Inténtalo de nuevo en un minuto.",
        "pt": "Não consegui pesquisar os documentos: {reason}. Tente novamente dentro de um minuto.",
        "zh": "我无法搜索文档：{reason}。请一分钟后再试。",
        "ja": "ドキュメントを検索できませんでした：{reason}。1分後にもう一度お試しください。",
        "ko": "문서를 검색할 수 없습니다: {reason}. 1분 후에 다시 시도해 주세요.",
    },
    Notice.TIMED_OUT: {
        "en": "I couldn't answer within {seconds:.0f} s: my document store or the model did not respond in "
              "time. Please try again in a minute.",
        "de": "Ich konnte nicht innerhalb von {seconds:.0f} s antworten: Der Dokumentenspeicher oder das Modell "
              "hat nicht rechtzeitig reagiert. Bitte versuchen Sie es in einer Minute noch einmal.",
        "fr": "Je n’ai pas pu répondre en {seconds:.0f} s : ma base de documents ou le modèle n’a pas répondu "
              "à temps. Réessayez dans une minute.",
        "es": "No pude responder en {seconds:.0f} s: mi almacén de documentos o el modelo no respondió a "
              "tiempo. Inténtalo de nuevo en un minuto.",
        "pt": "Não consegui responder em {seconds:.0f} s: o repositório de documentos ou o modelo não "
              "respondeu a tempo. Tente novamente dentro de um minuto.",
        "zh": "我未能在 {seconds:.0f} 秒内回答：文档存储或模型没有及时响应。请一分钟后再试。",
        "ja": "{seconds:.0f} 秒以内に回答できませんでした。ドキュメントストアまたはモデルが時間内に応答しませんでした。"
              "1分後にもう一度お試しください。",
        "ko": "{seconds:.0f}초 안에 답변하지 못했습니다. 문서 저장소나 모델이 제때 응답하지 않았습니다. "
              "1분 후에 다시 시도해 주세요.",
    },
    Notice.GENERATION_FAILED: {
        "en": "I couldn't generate an answer: {reason}. Here are the most relevant passages instead:",
        "de": "Ich konnte keine Antwort erzeugen: {reason}. Hier sind stattdessen die relevantesten Abschnitte:",
        "fr": "Je n’ai pas pu rédiger de réponse : {reason}. Voici plutôt les passages les plus pertinents :",
        "es": "No pude generar una respuesta: {reason}. Estos son los fragmentos más relevantes:",
        "pt": "Não consegui gerar uma resposta: {reason}. Seguem os trechos mais relevantes:",
        "zh": "我无法生成回答：{reason}。以下是最相关的段落：",
        "ja": "回答を生成できませんでした：{reason}。代わりに最も関連する箇所を示します：",
        "ko": "답변을 생성할 수 없습니다: {reason}. 대신 가장 관련 있는 부분입니다:",
    },
    Notice.LINK_HINT: {  # {how}: the platform's command, as written ("`/lore link SOURCE`")
        "en": "An admin can link one with {how}.",
        "de": "Ein Admin kann mit {how} eine verknüpfen.",
        "fr": "Un administrateur peut en lier une avec {how}.",
        "es": "Un administrador puede vincular una con {how}.",
        "pt": "Um administrador pode ligar uma com {how}.",
        "zh": "管理员可以用 {how} 关联一个来源。",
        "ja": "管理者は {how} でソースを紐付けできます。",
        "ko": "관리자가 {how} 명령으로 소스를 연결할 수 있습니다.",
    },
}
_SPACELESS = ("zh", "ja")  # sentences follow one another without a space
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def notice_language(question: str) -> str:
    """The language notices for `question` are written in: one of LANGUAGES, English when the
    question is in another language or nothing tells (bot.answering.reply_language)."""
    code = reply_language(question) if question.strip() else "en"
    return code if code in LANGUAGES else "en"


def written_in(key: Notice, text: str) -> str:
    """The language in which `text` is notice `key` (as `notice` wrote it, placeholders filled); "en"
    when it is none of them. An adapter finishing the core's notice writes on in its language."""
    for language, template in TEXTS[key].items():
        pattern = "(?s:.*?)".join(re.escape(part) for part in _PLACEHOLDER.split(template))
        if re.fullmatch(pattern, text):
            return language
    return "en"


def add_link_hint(text: str, how: str) -> str:
    """`text`, the NO_SOURCES notice in some language, followed by LINK_HINT in the same language
    (`how`: the platform's command, kept as written)."""
    language = written_in(Notice.NO_SOURCES, text)
    joiner = "" if language in _SPACELESS else " "
    return f"{text}{joiner}{notice(Notice.LINK_HINT, language, how=how)}"


def notice(key: Notice, language: str = "en", **values: object) -> str:
    """The text of notice `key` in `language` (an ISO 639-1 code; English when not one of
    LANGUAGES), its placeholders filled from `values`."""
    texts = TEXTS[key]
    text = texts.get(language, texts["en"])
    return text.format(**values) if values else text
