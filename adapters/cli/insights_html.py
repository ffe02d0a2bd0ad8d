"""The gap and topic reports as self-contained HTML pages (no script, no CDN: open them anywhere, mail
them): tables, and for topics an inline SVG chart of the weekly counts of the largest themes."""

from __future__ import annotations

from html import escape
from typing import Any

CHART_THEMES = 8
COLOURS = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7"]
STYLE = ("body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse}"
         "td,th{border:1px solid #ccc;padding:4px 8px;vertical-align:top;text-align:left}"
         "th{background:#f4f4f4}.up{color:#c00}.down{color:#080}")


def _page(title: str, body: str) -> str:
    return (f"<!doctype html><html><head><meta charset=\"utf-8\"><title>{escape(title)}</title>"
            f"<style>{STYLE}</style></head><body><h1>{escape(title)}</h1>{body}</body></html>\n")


def _link(near: dict[str, Any] | None) -> str:
    if not near:
        return "-"
    title = escape(str(near["title"]))
    url = str(near.get("url") or "")  # only an address is a link: a page without one has "" (its path is text)
    shown = f"<a href=\"{escape(url)}\">{title}</a>" if url.startswith(("http://", "https://")) else title
    path = str(near.get("path") or "")
    where = f"{escape(path)}, " if path and path != near["title"] else ""
    return f"{shown} <small>({where}{escape(str(near['source']))}, {float(near['score']):.2f})</small>"


def gaps_html(report: dict[str, Any]) -> str:
    rows = []
    for t in report["themes"]:
        trend = int(t["trend"])
        cls = "up" if trend > 0 else "down" if trend < 0 else ""
        rows.append(
            f"<tr><td>{escape(t['label'])}</td><td>{t['count']}</td><td>{t['people']}</td>"
            f"<td class=\"{cls}\">{trend:+d}</td><td>{'<br>'.join(escape(q) for q in t['questions'])}</td>"
            f"<td>{_link(t['nearest'])}</td><td>{'<br>'.join(escape(c) for c in t['channels'])}</td></tr>")
    body = (f"<p>Since {escape(report['since'])}: {report['unanswered']} of {report['questions']} questions not "
            "answered well.</p><table><tr><th>theme</th><th>questions</th><th>people</th><th>trend</th>"
            f"<th>asked, for example</th><th>nearest page</th><th>channels</th></tr>{''.join(rows)}</table>")
    return _page("Knowledge gaps", body)


def weekly_svg(weeks: list[str], themes: list[dict[str, Any]], width: int = 720, height: int = 320) -> str:
    """A line chart (inline SVG) of each theme's weekly counts, with a legend."""
    pad, legend = 40, 22 * len(themes)
    top = max([1] + [c for t in themes for c in t["weekly"]])
    step = (width - 2 * pad) / max(1, len(weeks) - 1)

    def x(i: int) -> float:
        return pad + i * step

    def y(v: int) -> float:
        return height - pad - (height - 2 * pad) * v / top

    parts = [(f"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height + legend}\" "
             f"role=\"img\" aria-label=\"questions per week\">"),
             f"<line x1=\"{pad}\" y1=\"{height - pad}\" x2=\"{width - pad}\" y2=\"{height - pad}\" stroke=\"#999\"/>",
             f"<line x1=\"{pad}\" y1=\"{pad}\" x2=\"{pad}\" y2=\"{height - pad}\" stroke=\"#999\"/>",
             f"<text x=\"4\" y=\"{pad}\" font-size=\"11\">{top}</text>"]
    for i, week in enumerate(weeks):
        parts.append(f"<text x=\"{x(i) - 28:.1f}\" y=\"{height - pad + 16}\" font-size=\"11\">{escape(week)}</text>")
    for n, theme in enumerate(themes):
        colour = COLOURS[n % len(COLOURS)]
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(theme["weekly"]))
        parts.append(f"<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" points=\"{points}\"/>")
        ly = height + 16 + 22 * n
        mark = " ▲ growing" if theme["growing"] else ""
        parts.append(f"<rect x=\"{pad}\" y=\"{ly - 10}\" width=\"12\" height=\"12\" fill=\"{colour}\"/>"
                     f"<text x=\"{pad + 18}\" y=\"{ly}\" font-size=\"12\">{escape(theme['label'])}{mark}</text>")
    parts.append("</svg>")
    return "".join(parts)


def topics_html(report: dict[str, Any]) -> str:
    themes = report["themes"]
    rows = "".join(
        f"<tr><td>{escape(t['label'])}</td><td>{t['count']}</td><td>{t['people']}</td>"
        f"<td>{' '.join(map(str, t['weekly']))}</td><td class=\"up\">{'×' + str(t['growth']) if t['growing'] else ''}"
        f"</td><td>{'<br>'.join(escape(q) for q in t['questions'])}</td></tr>" for t in themes)
    body = (f"<p>{report['questions']} questions from {escape(report['since'])} to {escape(report['until'])} "
            f"({report['one_off']} one-off). Growing: a one-sided binomial test of the theme's share of the last "
            "week against the whole traffic's (p &lt; 0.05).</p>"
            f"{weekly_svg(report['weeks'], themes[:CHART_THEMES])}"
            "<table><tr><th>theme</th><th>questions</th><th>people</th><th>per week</th><th>growing</th>"
            f"<th>asked, for example</th></tr>{rows}</table>")
    return _page("Topics", body)
