"""A corpus and question generator for the channel isolation checks (the tests and bench/robustness.py).

Sources with distinct vocabularies are linked to different channels; questions asked in one channel
are made from the other channels' sentences (verbatim, quoted, mixed with the channel's own words,
as search syntax), so a leak across the source filter would be retrieved first if it could be.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path

from bot.types import Answer, Question
from ingest.context import indexer_for
from ingest.sources import Registry
from testkit.exports import page, write_pages

VOCABULARY = {
    "alpha": "glacier harbour lantern mosaic orchard quarry saffron tundra velvet walnut".split(),
    "beta": "bastion cobalt dynamo ember falcon gazette hydrant ingot jasper kiln".split(),
    "gamma": "lagoon meteor nebula oasis pylon quasar reef sierra tempest umbra".split(),
    "hidden": "payroll salary bonus severance appraisal dismissal audit lawsuit merger layoff".split(),
}
SHARED = "the team uses this runbook for deploys backups access and incident reviews".split()
# Which sources each asker may see (links made below; "hidden" is linked nowhere).
LINKS = {"slack:CA": ["alpha", "gamma"], "slack:CB": ["beta"], "discord:G1": ["gamma"]}
DM_SOURCES = "gamma"  # LOREBOT_DM_SOURCES for the bots of these checks
ASKERS = {
    "slack:CA": {"alpha", "gamma"},
    "slack:CB": {"beta"},
    "discord:G1": {"gamma"},
    "slack:D1 (DM)": {"gamma"},
}
TITLE = re.compile(r"^\[\d+\] (\w+) handbook \d+", re.MULTILINE)
REF = re.compile(r"ref\d{4,}")


@dataclass(frozen=True)
class Corpus:
    root: Path
    sentences: dict[str, list[str]]  # source -> every sentence of its documents
    titles: dict[str, list[str]]


def build_corpus(root: Path, docs_per_source: int = 12, seed: int = 8) -> Corpus:
    rnd = random.Random(seed)
    sentences: dict[str, list[str]] = {}
    titles: dict[str, list[str]] = {}
    for source, words in VOCABULARY.items():
        files = {}
        sentences[source], titles[source] = [], []
        for d in range(docs_per_source):
            said = []
            for _ in range(4):
                chosen = rnd.sample(words, 4) + rnd.sample(SHARED, 3)
                rnd.shuffle(chosen)
                said.append(" ".join(chosen).capitalize() + ".")
            title = f"{source.capitalize()} handbook {d}"
            files[f"{d:02d}.md"] = page(title, *said)
            sentences[source] += said
            titles[source].append(title)
        write_pages(root / source, files)
    return Corpus(root, sentences, titles)


async def index_and_link(bot, corpus: Corpus) -> None:
    for source in VOCABULARY:
        report = await indexer_for(bot).sync(source, corpus.root / source)
        assert report.ok and report.added
    for scope, sources in LINKS.items():
        [await Registry(bot.redis, bot.settings.key_prefix).link(n, scope) for n in sources]


def asker(name: str, text: str, thread: str | None) -> Question:
    platform, channel = name.split(" ")[0].split(":")
    return Question(platform, channel, text, user="u-" + channel, thread=thread, is_dm=name.endswith("(DM)"))


def hostile_questions(corpus: Corpus, n: int, seed: int = 1) -> list[tuple[str, Question]]:
    """n questions, each tagged `refNNNNN`, asked by askers that may NOT see the source they copy."""
    rnd = random.Random(seed)
    names = list(ASKERS)
    out = []
    for i in range(n):
        name = names[i % len(names)]
        foreign = [s for s in VOCABULARY if s not in ASKERS[name]]
        src = rnd.choice(foreign)
        sentence = rnd.choice(corpus.sentences[src])
        own = rnd.choice(sorted(ASKERS[name]))
        text = rnd.choice([
            sentence,
            f'"{sentence}"',
            f"What does {rnd.choice(corpus.titles[src])} say? {sentence}",
            f"{rnd.choice(corpus.sentences[own])} {sentence}",
            f"@source:{{{src}}} {sentence}",
            f"{sentence} {rnd.choice(corpus.sentences[rnd.choice(foreign)])}",
        ])
        # One in five in a thread whose id every channel uses (its memory is the context of the next
        # question there); the others alone in their thread, as most questions are.
        thread = "1700000000.000100" if i % 5 == 0 else f"1700000001.{i:06d}"
        out.append((name, asker(name, f"{text} ref{i:05d}", thread)))
    return out


def titles_in_prompt(prompt: str) -> list[str]:
    """The source of every passage header in a prompt (from its title, "Alpha handbook 3")."""
    return [m.lower() for m in TITLE.findall(prompt)]


def answer_leaks(questions: list[tuple[str, Question]], answers: list[Answer]) -> list[str]:
    """Every answer that is not a cited answer from the asker's own sources."""
    problems = []
    for (name, q), answer in zip(questions, answers):
        cited = {c.source for c in answer.citations}
        if answer.error or not cited or not cited <= ASKERS[name]:
            problems.append(f"{name} asked {q.text[:60]!r}: {answer.error or sorted(cited)}")
    return problems


def prompt_leaks(questions: list[tuple[str, Question]], prompts: list[list[dict]]) -> list[str]:
    """Everything a model was shown that the asker may not see: a passage of another source, or a
    question of another channel's conversation (each question carries its `refNNNN` tag)."""
    owner = {REF.search(q.text).group(): name for name, q in questions}
    problems = []
    for messages in prompts:
        name = owner[REF.findall(messages[-1]["content"])[-1]]
        shown = titles_in_prompt(messages[-1]["content"])
        if not shown or not set(shown) <= ASKERS[name]:
            problems.append(f"{name} was shown passages of {sorted(set(shown))}")
        others = {owner[ref] for ref in REF.findall("\n".join(m["content"] for m in messages))} - {name}
        if others:
            problems.append(f"{name}'s prompt holds questions asked by {sorted(others)}")
    return problems
