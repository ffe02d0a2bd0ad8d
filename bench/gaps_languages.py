"""Do themes cross languages? Writes bench/results/gaps_languages.json.

    python -m bench.gaps_languages

Five topics, each asked three ways in English and the same three ways in German (three the sample
export does not cover, two it does), embedded with the serving model and clustered as `lorebot gaps`
clusters them. Prints the adjusted Rand index against the topics (1.0: one theme per topic, both
languages together), the themes each topic's English and German questions fell into, the cosine of
each topic's English and German centroids, and the nearest indexed page of each side with its
similarity: whether "merge the themes whose questions retrieve the same nearest page" could join the
two languages without joining different topics.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from sklearn.metrics import adjusted_rand_score

from adapters.settings import load_settings
from bench.common import report, scratch_redis
from bot.core import Lorebot
from bot.insights.gaps import embed_questions
from bot.insights.nearest import nearest_page
from bot.insights.themes import cluster, normalised
from ingest.context import indexer_for

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "lorebot-docs"
PAIRS = {  # topic: (English, German), the same questions
    "vpn": (["How do I connect to the office VPN from home?", "The VPN keeps disconnecting, how do I fix it?",
             "Which VPN client should I install on my laptop?"],
            ["Wie verbinde ich mich von zu Hause mit dem Firmen-VPN?",
             "Das VPN trennt ständig die Verbindung, was tun?",
             "Welchen VPN-Client soll ich auf meinem Laptop installieren?"]),
    "parental leave": (["How do I apply for parental leave?", "How long can I take parental leave?",
                        "Where do I submit the parental leave request?"],
                       ["Wie beantrage ich Elternzeit?", "Wie lange kann ich Elternzeit nehmen?",
                        "Wo stelle ich den Antrag auf Elternzeit?"]),
    "travel expenses": (["How do I submit an expense report for travel?", "Where do I file my travel expenses?",
                         "How long does expense reimbursement take?"],
                        ["Wie reiche ich meine Reisekostenabrechnung ein?", "Wo gebe ich meine Reisekosten ab?",
                         "Wie lange dauert die Erstattung der Reisekosten?"]),
    "slack (covered)": (["How do I connect Lorebot to Slack?", "Which Slack scopes does the app need?",
                         "How do I install the Slack app?"],
                        ["Wie verbinde ich Lorebot mit Slack?", "Welche Slack-Berechtigungen braucht die App?",
                         "Wie installiere ich die Slack-App?"]),
    "redis (covered)": (["How do I back up the Redis data?", "Can Lorebot use an external Redis server?",
                         "How much memory does Redis need?"],
                        ["Wie sichere ich die Redis-Daten?", "Kann Lorebot einen externen Redis-Server nutzen?",
                         "Wie viel Speicher braucht Redis?"]),
}


async def main() -> None:
    figures: dict[str, object] = {}
    with scratch_redis() as (url, tmp):
        bot = await Lorebot.open(load_settings(_env_file=None, REDIS_URL=url, LOREBOT_KEY_PREFIX="langs",
                                               LOREBOT_DATA_DIR=str(tmp / "data")))
        try:
            assert (await indexer_for(bot).sync("lorebot-docs", SAMPLES)).ok
            rows = [(topic, lang, text) for topic, sides in PAIRS.items()
                    for lang, texts in zip(("en", "de"), sides) for text in texts]
            vectors = await embed_questions(bot, [text for _, _, text in rows])
            found = cluster(vectors, bot.settings.theme_distance)
            figures["model"] = bot.embedder.model_id
            figures["ARI against the topics (1.0: one theme per topic)"] = round(
                adjusted_rand_score([t for t, _, _ in rows], found), 3)
            figures["themes found (5 topics)"] = int(found.max()) + 1
            centroids = {}
            for topic in PAIRS:
                for lang in ("en", "de"):
                    idx = [i for i, (t, g, _) in enumerate(rows) if (t, g) == (topic, lang)]
                    centroids[topic, lang] = normalised(vectors[idx].mean(axis=0, keepdims=True))[0]
                    figures[f"{topic} {lang}: themes"] = sorted({int(found[i]) for i in idx})
            for topic in PAIRS:
                en, de = centroids[topic, "en"], centroids[topic, "de"]
                figures[f"{topic}: cosine of the en and de centroids"] = round(float(en @ de), 3)
                pages = [await nearest_page(bot, centroids[topic, lang], None) for lang in ("en", "de")]
                figures[f"{topic}: nearest page en / de"] = [f"{p['title']} ({p['score']:.2f})" for p in pages if p]
            others = [float(centroids[a, "de"] @ centroids[b, "de"]) for a in PAIRS for b in PAIRS if a < b]
            figures["highest cosine of two different topics' de centroids"] = round(max(others), 3)
        finally:
            await bot.close()
    report("gaps_languages", figures)


if __name__ == "__main__":
    asyncio.run(main())
