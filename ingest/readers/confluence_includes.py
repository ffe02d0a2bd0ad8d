"""The include and excerpt-include macros of a Confluence XML space export, resolved against the
export's own pages so that a page built from includes is read with the text its readers see.

An include names another page by title, with a space key or else in the space of the page that
holds the macro; its place takes that page's body (excerpt-include: only the body of that page's
excerpt macro, nothing when it has none). Includes nest at most MAX_DEPTH levels deep. A page
that would include itself again (A -> B -> A) adds nothing there: its text is already on the
page. A page the export does not hold leaves a short marker instead of silently vanishing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from bs4 import BeautifulSoup, Tag
from bs4.exceptions import ParserRejectedMarkup

from ingest.readers.confluence_storage import paragraph, parse_storage, render_storage

MAX_DEPTH = 3
_MACROS = {"ac:structured-macro", "ac:macro"}
# A cheap first look, so that the many bodies without includes are never parsed for them.
_MAYBE_INCLUDE = re.compile(r'ac:name\s*=\s*["\'](?:excerpt-)?include["\']', re.IGNORECASE)


@dataclass(frozen=True)
class Include:
    """One include macro: the page it names ("" space: that of the page holding the macro)."""

    title: str
    space: str = ""
    excerpt_only: bool = False
    excerpt_name: str = ""  # Cloud pages may hold several named excerpts

    def label(self) -> str:
        return f"“{self.title}” from space {self.space}" if self.space else f"“{self.title}”"


def includes_in(xhtml: str) -> list[Include]:
    """The include macros of a storage-format body, in order."""
    if not _MAYBE_INCLUDE.search(xhtml):
        return []
    try:
        soup = parse_storage(xhtml)
    except ParserRejectedMarkup:
        return []  # reading the page itself reports it
    return [include for macro in _macros(soup, "include", "excerpt-include") if (include := _include(macro))]


class IncludedPages:
    """The pages includes can reach in one export, and the rendering of the pages holding includes.

    `spaces` gives the space key of every current page and blog post, `titles` the title of every
    current page (includes name pages), `includes` the include macros found in each body. Only
    the bodies in `wanted` (the pages holding includes and the pages they name) need to be kept.
    """

    def __init__(self, spaces: Mapping[str, str], titles: Mapping[str, str], includes: Mapping[str, list[Include]]):
        self._spaces = spaces
        self._ids = {_key(spaces.get(page_id, ""), title): page_id for page_id, title in titles.items()}
        self.wanted = set(includes) | {
            target for page_id, found in includes.items() for include in found
            if (target := self._target(include, page_id)) is not None
        }
        self._bodies: dict[str, str] = {}

    def keep(self, page_id: str, xhtml: str) -> None:
        """Keep a wanted page's storage-format body (its first one: the one that is read)."""
        self._bodies.setdefault(page_id, xhtml)

    def render(self, page_id: str) -> str:
        """Markdown of a kept page with its includes in place."""
        soup = parse_storage(self._bodies.get(page_id, ""))
        self._expand(soup, soup, (page_id,))
        return render_storage(soup)

    def _expand(self, soup: BeautifulSoup, node: Tag, trail: tuple[str, ...]) -> None:
        """Replace the include macros under `node`, which lies in the body of trail[-1]."""
        for macro in _macros(node, "include", "excerpt-include"):
            include = _include(macro)
            if include is None:
                continue  # names no page (a blog post, a broken link): dropped as before
            target = self._target(include, trail[-1])
            if target is None:
                macro.replace_with(paragraph(soup, f"(included page {include.label()} is not in this export)"))
            elif target in trail:
                macro.decompose()
            elif len(trail) > MAX_DEPTH:
                macro.replace_with(paragraph(
                    soup, f"(included page {include.label()} is nested more than {MAX_DEPTH} levels deep)"))
            else:
                macro.replace_with(self._content(soup, include, target, trail))

    def _content(self, soup: BeautifulSoup, include: Include, target: str, trail: tuple[str, ...]) -> Tag:
        try:
            content: Tag | None = parse_storage(self._bodies.get(target, ""))
        except ParserRejectedMarkup:  # that page's own reading reports it
            return paragraph(soup, f"(included page {include.label()} cannot be read)")
        if include.excerpt_only:
            content = _excerpt(content, include.excerpt_name)
        box = soup.new_tag("div")
        if content is not None:
            self._expand(soup, content, (*trail, target))
            box.extend(list(content.contents))
        return box

    def _target(self, include: Include, page_id: str) -> str | None:
        return self._ids.get(_key(include.space or self._spaces.get(page_id, ""), include.title))


def _key(space: str, title: str) -> tuple[str, str]:
    # Confluence keeps titles unique within a space whatever their case.
    return space.strip().casefold(), " ".join(title.split()).casefold()


def _macros(node: Tag, *names: str) -> list[Tag]:
    return node.find_all(lambda t: t.name in _MACROS and str(t.get("ac:name") or "").lower() in names)


def _include(macro: Tag) -> Include | None:
    page = macro.find("ri:page")
    title = str(page.get("ri:content-title") or "").strip() if page is not None else ""
    if page is None or not title:
        return None
    excerpt_only = str(macro.get("ac:name") or "").lower() == "excerpt-include"
    name = macro.find("ac:parameter", attrs={"ac:name": "name"}, recursive=False)
    return Include(title, str(page.get("ri:space-key") or "").strip(), excerpt_only,
                   name.get_text(strip=True) if excerpt_only and name is not None else "")


def _excerpt(soup: Tag, name: str) -> Tag | None:
    """The body of the page's excerpt macro (the one called `name` when given)."""
    for macro in _macros(soup, "excerpt"):
        called = macro.find("ac:parameter", attrs={"ac:name": "name"}, recursive=False)
        if not name or (called is not None and called.get_text(strip=True) == name):
            return macro.find("ac:rich-text-body", recursive=False)
    return None
