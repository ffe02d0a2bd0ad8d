"""Knowledge gaps at scale and in quality. Writes bench/results/gaps.json.

    python -m bench.gaps [--sizes 10000 100000] [--skip-quality]

Quality: labelled sets of paraphrased questions (workplace topics, each asked in several ways, with
one-off questions among them) built from templates with three seeds, embedded with the real local
model, clustered as `lorebot gaps` clusters them; adjusted Rand index and purity against the labels,
at the default LOREBOT_THEME_DISTANCE and around it (so a default that only suits one set shows).

Scale: N questions recorded in the answer log over 60 days (a quarter of them abstained), across 20
channels and 2,000 people, with their embeddings already in the embeddings cache (as after the first
report; synthetic vectors around a topic centre, so the model's time is not what is measured), then
one whole `gap_report` over 30 days: wall time and the process's peak RSS.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import adjusted_rand_score

from adapters.settings import load_settings
from bench.common import report, scratch_redis
from bot import keys
from bot.core import Lorebot
from bot.insights.gaps import gap_report
from bot.insights.themes import cluster
from ingest.context import indexer_for
from ingest.sources import Registry

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "lorebot-docs"
TOPICS = {
    "vpn": (["the VPN", "the office VPN", "remote access", "the VPN client"],
            ["connect to", "set up", "fix", "install"]),
    "expenses": (["an expense report", "travel expenses", "a reimbursement claim", "my receipts"],
                 ["submit", "file", "get approval for", "track"]),
    "parking": (["a parking permit", "a parking space", "the garage", "visitor parking"],
                ["get", "apply for", "find", "use"]),
    "laptop": (["a new laptop", "a replacement laptop", "more RAM for my laptop", "a second monitor"],
               ["request", "order", "get", "ask for"]),
    "leave": (["parental leave", "maternity leave", "paternity leave", "family leave"],
              ["apply for", "take", "plan", "request"]),
    "holidays": (["vacation days", "paid time off", "holiday allowance", "my remaining PTO"],
                 ["check", "book", "see", "carry over"]),
    "payroll": (["my payslip", "my salary statement", "the payroll portal", "my tax forms"],
                ["download", "find", "read", "access"]),
    "badge": (["my access badge", "a building badge", "my door card", "a temporary badge"],
              ["replace", "get", "activate", "renew"]),
    "wifi": (["the guest wifi", "the office wireless", "the wifi password", "the conference wifi"],
             ["connect to", "get", "join", "use"]),
    "printer": (["the printer", "the office printer", "the colour printer", "the scanner"],
                ["set up", "print with", "fix", "connect to"]),
    "insurance": (["health insurance", "my dental plan", "medical coverage", "my insurance card"],
                  ["enrol in", "change", "claim from", "get"]),
    "onboarding": (["a new hire's accounts", "onboarding for my new colleague", "a new employee's laptop",
                    "first-day access"],
                   ["prepare", "set up", "request", "arrange"]),
    "password": (["my password", "my SSO password", "a locked account", "my login"],
                 ["reset", "change", "unlock", "recover"]),
    "meeting-rooms": (["a meeting room", "a conference room", "the boardroom", "a focus room"],
                      ["book", "reserve", "cancel", "find"]),
    "training": (["a training course", "the learning budget", "a conference ticket", "a certification"],
                 ["sign up for", "pay for", "request", "get approval for"]),
    "shipping": (["a parcel to a customer", "a courier pickup", "a return shipment", "an international package"],
                 ["send", "book", "track", "arrange"]),
}
FRAMES = ["How do I {a} {s}?", "How can I {a} {s}?", "Where do I {a} {s}?",
          "What is the process to {a} {s}?",
          "Who can help me {a} {s}?", "Is there a guide to {a} {s}?", "I need to {a} {s}, how?",
          "Can someone explain how to {a} {s}?"]
SUFFIXES = ["", "", " from home", " this week", " on my Mac", " in the Berlin office", " as a contractor",
            " before Friday", " on Windows", " for my team"]
ONE_OFFS = ["Who is on call this weekend?", "Can I bring my dog to the office?", "When is the summer party?",
            "What's the name of the new CFO?", "Is the canteen open on Saturdays?", "Where is the fire exit?",
            "Do we have a company choir?", "What time does the gym close?", "Who painted the lobby mural?",
            "Can I water the office plants?", "Is there a bike repair station?", "Where can I store my skis?"]


def question(rng: random.Random, topic: str) -> str:
    subjects, actions = TOPICS[topic]
    return rng.choice(FRAMES).format(a=rng.choice(actions), s=rng.choice(subjects)) + rng.choice(SUFFIXES)


def labelled_set(seed: int, per_topic: int = 12) -> tuple[list[str], list[str]]:
    """Questions and their topic labels: a random 12 of the topics, a random count each, one-offs."""
    rng = random.Random(seed)
    texts, labels = [], []
    for topic in rng.sample(sorted(TOPICS), 12):
        for _ in range(rng.randint(3, per_topic)):
            texts.append(question(rng, topic).replace("?, how?", ", how?"))
            labels.append(topic)
    for i, text in enumerate(rng.sample(ONE_OFFS, 8)):
        texts.append(text)
        labels.append(f"one-off-{i}")
    return texts, labels


def purity(labels: list[str], found: np.ndarray) -> float:
    total = 0
    for c in set(found.tolist()):
        members = [labels[i] for i in np.flatnonzero(found == c)]
        total += max(members.count(x) for x in set(members))
    return total / len(labels)


async def quality(bot: Lorebot) -> dict[str, object]:
    figures: dict[str, object] = {}
    default = bot.settings.theme_distance
    for distance in sorted({0.55, 0.6, default, 0.7, 0.75}):
        aris, purities = [], []
        for seed in (1, 2, 3):
            texts, labels = labelled_set(seed)
            vectors = await bot.embedder.embed_documents(texts)
            found = cluster(vectors, distance)
            aris.append(adjusted_rand_score(labels, found))
            purities.append(purity(labels, found))
        mark = " (default)" if distance == default else ""
        figures[f"quality ARI at distance {distance}{mark}"] = [round(a, 3) for a in aris]
        figures[f"quality purity at distance {distance}{mark}"] = [round(p, 3) for p in purities]
    return figures


async def fill(bot: Lorebot, n: int, seed: int = 7) -> None:
    """`n` questions in the log over 60 days and their (synthetic) embeddings in the cache."""
    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)
    centres = {t: nrng.normal(size=bot.embedder.dims) for t in TOPICS}
    now = time.time()
    prefix = bot.settings.key_prefix
    texts: dict[str, np.ndarray] = {}
    for start in range(0, n, 5000):
        pipe = bot.redis.pipeline(transaction=False)
        for i in range(start, min(n, start + 5000)):
            one_off = rng.random() < 0.1
            topic = rng.choice(sorted(TOPICS))
            text = f"{rng.choice(ONE_OFFS)} ({i})" if one_off else question(rng, topic)
            if text not in texts:
                centre = nrng.normal(size=bot.embedder.dims) if one_off else centres[topic]
                vec = centre + 0.6 * nrng.normal(size=bot.embedder.dims)
                texts[text] = (vec / np.linalg.norm(vec)).astype(np.float32)
            ts = now - rng.random() * 60 * 86400
            answered = rng.random() > 0.25
            answer_id = f"bench{i:07d}"
            pipe.hset(keys.answer(prefix, answer_id), mapping={
                "question": text, "answer": "", "citations": "[]", "scope": f"slack:C{rng.randrange(20):03d}",
                "conversation": "", "thread": "", "user": f"U{rng.randrange(2000):05d}", "mode": "extractive",
                "error": "", "ts": ts, "confidence": 0.9 if answered else 0.1, "answered": "1" if answered else "0",
                "outcomes": "answered" if answered else "abstained"})
            pipe.zadd(keys.answers_by_time(prefix), {answer_id: ts})
        await pipe.execute()
    items = list(texts.items())
    for start in range(0, len(items), 2000):
        await bot.embedder.cache.amset([{"content": t, "model_name": bot.embedder.model_id, "embedding": v.tolist()}
                                        for t, v in items[start:start + 2000]])


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def main(sizes: list[int], skip_quality: bool) -> None:
    figures: dict[str, object] = {}
    with scratch_redis() as (url, tmp):
        for n in sizes:
            settings = load_settings(_env_file=None, REDIS_URL=url, LOREBOT_KEY_PREFIX=f"gaps{n}",
                                     LOREBOT_DATA_DIR=str(tmp / "data"))
            bot = await Lorebot.open(settings)
            try:
                if not figures:
                    assert (await indexer_for(bot).sync("lorebot-docs", SAMPLES)).ok
                    if not skip_quality:
                        figures.update(await quality(bot))
                else:
                    assert (await indexer_for(bot).sync("lorebot-docs", SAMPLES)).ok
                for c in range(20):
                    await Registry(bot.redis, settings.key_prefix).link("lorebot-docs", f"slack:C{c:03d}")
                await fill(bot, n)
                before, encoded = rss_mb(), bot.embedder.encoded
                start = time.perf_counter()
                result = await gap_report(bot, 30 * 86400, top=50)
                seconds = time.perf_counter() - start
                assert bot.embedder.encoded == encoded, "embeddings were not all cached"
                figures[f"{n} questions: report seconds"] = round(seconds, 2)
                figures[f"{n} questions: unanswered in 30 days"] = result["unanswered"]
                figures[f"{n} questions: themes shown"] = len(result["themes"])
                figures[f"{n} questions: peak RSS MB (before the report)"] = [round(rss_mb(), 1), round(before, 1)]
            finally:
                await bot.close()
    report("gaps", figures)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--skip-quality", action="store_true")
    args = parser.parse_args()
    asyncio.run(main(args.sizes, args.skip_quality))
