"""User-facing texts the adapters share, and the platform's words put into the core's answers.

The core names no platform, so its "no source linked" notice stops before saying how to link one;
each adapter finishes it with its own command (`with_link_hint`)."""

from __future__ import annotations

import dataclasses

from bot.answering.notices import add_link_hint
from bot.types import Answer, Reason

FAILED = "Sorry, something went wrong while answering. The details are in Lorebot's log."
# How long a claimed event id stays claimed: redeliveries within it are handled once.
CLAIM_SECONDS = 3600
# How long a claimed chat message stays claimed (keyed by the message, not the delivery): far past
# Slack's retries (3 within about 5 minutes) and a Discord resume, so a late redelivery, or the
# app_mention twin of a message, is never answered twice.
MESSAGE_CLAIM_SECONDS = 7 * 86400
FEEDBACK_FAILED = "I couldn't save your feedback right now (my document store is unreachable)."


def with_link_hint(answer: Answer, how: str) -> Answer:
    """`answer`, where it says no source is linked, ending with how an admin links one here (`how`:
    the platform's command, e.g. "`/lore link SOURCE`"), in the language the notice is in. Other
    answers are returned unchanged."""
    if answer.error != Reason.NO_SOURCES:
        return answer
    return dataclasses.replace(answer, text=add_link_hint(answer.text, how))
