"""The sources file's `channels:` section sets the knowledge-gap features too: the weekly digest (how
often, where to, its day and hour) and re-answers; wrong values are reported per channel."""

from __future__ import annotations

from bot.channels import ChannelStore, Digest, Weekday
from ingest.sources import Registry
from ingest.sources_file import apply_sources_file


async def test_digest_and_reanswer_from_the_sources_file(fake_bot, tmp_path):
    registry = Registry(fake_bot.redis, fake_bot.settings.key_prefix)
    store = ChannelStore(fake_bot.redis, fake_bot.settings.key_prefix)
    path = tmp_path / "sources.yaml"
    path.write_text("""
channels:
  slack:C1: {digest: weekly, digest_to: "slack:C9", digest_day: thursday, digest_hour: 9, reanswer: true}
  discord:42: {digest: weekly, digest_to: "discord:43"}
  slack:C2: {digest: weekly}
  slack:C3: {digest_day: someday}
  slack:C4: {digest_hour: 24}
  slack:C5: {reanswer: "yes please"}
  slack:C6: {digest: weekly, digest_to: "the docs channel"}
""")
    applied, errors = await apply_sources_file(registry, path)
    assert applied == ["slack:C1", "discord:42"]
    assert errors == [
        f"{path}: channel 'slack:C2': a digest needs a target PLATFORM:ID, not ''",
        f"{path}: channel 'slack:C3': invalid digest day 'someday': one of mon, tue, wed, thu, fri, sat, sun",
        f"{path}: channel 'slack:C4': invalid digest hour 24: a whole hour from 0 to 23 (UTC)",
        f"{path}: channel 'slack:C5': `reanswer` must be true or false, not 'yes please'",
        f"{path}: channel 'slack:C6': channel must be PLATFORM:ID (slack:C123, discord:456), not 'the docs channel'",
    ]
    c1, d42 = await store.get("slack:C1"), await store.get("discord:42")
    assert (c1.digest, c1.digest_to, c1.digest_day, c1.digest_hour, c1.reanswer) == (
        Digest.WEEKLY, "slack:C9", Weekday.THU, 9, True)
    assert (d42.digest, d42.digest_to, d42.digest_day, d42.digest_hour, d42.reanswer) == (
        Digest.WEEKLY, "discord:43", Weekday.MON, 0, False)
    assert set(await store.configured()) == {"slack:C1", "discord:42"}  # the refused ones stored nothing

    path.write_text("channels:\n  slack:C1: {digest: off, reanswer: false}\n")  # YAML reads `off` as false
    assert await apply_sources_file(registry, path) == (["slack:C1"], [])
    c1 = await store.get("slack:C1")
    assert (c1.digest, c1.reanswer, c1.digest_to, c1.digest_day) == (Digest.OFF, False, "slack:C9", Weekday.THU)
