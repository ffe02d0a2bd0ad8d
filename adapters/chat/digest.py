"""The weekly knowledge-gap digest as Markdown, the same for every platform (each adapter splits it
within its own limits): the week's top themes of one channel, each with its label, counts, trend,
representative questions and nearest page. Only that channel's questions are in it."""

from __future__ import annotations

DIGEST_THEMES = 5
QUESTION_CHARS = 200
WEEK_SECONDS = 7 * 86400


def _trend(trend: int) -> str:
    if trend > 0:
        return f"▲{trend} on the week before"
    if trend < 0:
        return f"▼{-trend} on the week before"
    return "as many as the week before"


def _short(text: str, limit: int = QUESTION_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def digest_markdown(scope: str, report: dict[str, object]) -> str:
    """The digest of `scope` from its gap report (bot.insights.gaps.gap_report)."""
    themes = list(report["themes"])  # type: ignore[call-overload]
    lines = [f"**Knowledge gaps this week in {scope}**",
             (f"{report['unanswered']} of {report['questions']} questions were not answered well "
             "(abstained, not helpful, handed to a person, answered only by a person or with low confidence). "
             "Top themes:")]
    for n, theme in enumerate(themes[:DIGEST_THEMES], 1):
        people = f"{theme['people']} {'person' if theme['people'] == 1 else 'people'}"
        lines += ["", (f"**{n}. {_short(theme['label'], 100)}**: {theme['count']} questions from {people} "
                      f"({_trend(theme['trend'])})")]
        lines += [f"> {_short(q)}" for q in theme["questions"]]
        near = theme.get("nearest")
        if near:
            # Only an address is linked ("url" is "" for a page without one): a path is not a link.
            url = str(near.get("url") or "")
            title = _short(str(near["title"]), 100)
            where = f"[{title}]({url})" if url.startswith(("http://", "https://")) else title
            lines.append(f"Nearest page: {where} ({near['source']}, similarity {float(near['score']):.2f})")
    lines += ["", "Run `lorebot gaps --channel " + scope + "` for the whole list."]
    return "\n".join(lines)
