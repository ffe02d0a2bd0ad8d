"""Confluence storage format -> Markdown, on real Confluence Cloud pages and on each macro."""

import re

import pytest

from ingest.readers.confluence_storage import storage_to_markdown


def pages(shared_data):
    return sorted(p for p in (shared_data / "confluence-storage-xhtml").iterdir() if p.is_dir())


def test_every_real_page_converts_without_markup_left(shared_data):
    for page in pages(shared_data):
        text = storage_to_markdown((page / "page.xhtml").read_text(encoding="utf-8"))
        assert text.strip(), page.name
        assert not re.search(r"</?(ac|ri):|CDATA|&nbsp;|&lt;", text), page.name
        assert text.count("```") % 2 == 0, page.name


def test_headings_of_a_real_page_become_markdown_headings(shared_data):
    page = shared_data / "confluence-storage-xhtml" / "544381877"
    text = storage_to_markdown((page / "page.xhtml").read_text(encoding="utf-8"))
    source = (page / "page.xhtml").read_text(encoding="utf-8")
    headings = re.findall(r"<h2[^>]*>([^<]+)</h2>", source)
    assert len(headings) >= 2
    for h2 in headings:
        assert f"## {h2.strip()}" in text.splitlines()


def test_code_macro_inside_expand_keeps_lines_and_title(shared_data):
    text = storage_to_markdown((shared_data / "confluence-storage-xhtml/544381877/page.xhtml").read_text())
    assert "generate_kubepie_sa.sh" in text
    fence = text[text.index("```"):]
    assert fence.startswith("```\n#!/bin/bash\n\nset -o nounset -o errexit -o pipefail\n")


def test_panels_keep_their_content_led_by_their_kind(shared_data):
    text = storage_to_markdown((shared_data / "confluence-storage-xhtml/panels/page.xhtml").read_text())
    assert text.splitlines()[0] == "Info: This is an info panel."
    for line in ("Note: This is a note panel.", "Warning: This is an error panel.", "Tip: This is a success panel.",
                 "Note: This is a custom panel.", "Done."):
        assert line in text.splitlines()
    assert text.count("This is a note panel.") == 1  # the ADF fallback copy is not read twice


def test_nested_lists_from_a_real_page(shared_data):
    text = storage_to_markdown((shared_data / "confluence-storage-xhtml/lists/page.xhtml").read_text())
    assert "- one\n  - eleven\n  - twelve\n    - one twenty one" in text
    assert "1. hello 1\n  1. world 1" in text


def test_status_macro_shows_its_label_not_its_parameters(shared_data):
    text = storage_to_markdown((shared_data / "confluence-storage-xhtml/544382364/page.xhtml").read_text())
    assert "[와일드카드 허용]" in text
    assert "Blue" not in text and "Green" not in text  # the lozenge colours are parameters, not content


@pytest.mark.parametrize("xhtml, expected", [
    ('<ac:structured-macro ac:name="code"><ac:parameter ac:name="language">python</ac:parameter>'
     '<ac:plain-text-body><![CDATA[if a < b and c > d:\n    print("]]]]><![CDATA[>")]]></ac:plain-text-body>'
     '</ac:structured-macro>', '```python\nif a < b and c > d:\n    print("]]>")\n```'),
    ('<p>See <ac:link><ri:page ri:content-title="Deploy guide"/></ac:link> and '
     '<ac:link><ri:attachment ri:filename="spec.pdf"/><ac:plain-text-link-body><![CDATA[the spec]]>'
     '</ac:plain-text-link-body></ac:link>.</p>', "See Deploy guide and the spec."),
    ('<ac:structured-macro ac:name="toc"><ac:parameter ac:name="maxLevel">2</ac:parameter></ac:structured-macro>'
     '<p>Body</p>', "Body"),
    ('<ac:structured-macro ac:name="expand"><ac:parameter ac:name="title">Details</ac:parameter>'
     '<ac:rich-text-body><p>Hidden text</p></ac:rich-text-body></ac:structured-macro>', "Details\n\nHidden text"),
    ('<ac:structured-macro ac:name="warning"><ac:parameter ac:name="title">Careful</ac:parameter>'
     '<ac:rich-text-body><p>Backups first.</p></ac:rich-text-body></ac:structured-macro>',
     "Warning: Careful\n\nBackups first."),
    ('<ac:task-list><ac:task><ac:task-id>1</ac:task-id><ac:task-status>complete</ac:task-status>'
     '<ac:task-body>Ship it</ac:task-body></ac:task><ac:task><ac:task-id>2</ac:task-id>'
     '<ac:task-status>incomplete</ac:task-status><ac:task-body>Write notes</ac:task-body></ac:task></ac:task-list>',
     "- [x] Ship it\n- [ ] Write notes"),
    ('<p><ac:image ac:alt="Architecture overview"><ri:attachment ri:filename="arch.png"/></ac:image></p>',
     "[image: Architecture overview]"),
    ('<ac:image><ri:attachment ri:filename="shot.png"/><ac:caption><p>Login screen</p></ac:caption></ac:image>',
     "Login screen"),
    ('<p>Day <time datetime="2024-05-01"/> <ac:emoticon ac:name="tick"/> done</p>', "Day 2024-05-01 ✓ done"),
])
def test_macros(xhtml, expected):
    assert storage_to_markdown(xhtml) == expected
