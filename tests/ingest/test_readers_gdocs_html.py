"""Google Docs "Web page (.html)" exports, compared loosely with reference Markdown renderings."""

import re

import pytest

from ingest.readers.gdocs_html import read_html

FIXTURES = ["code-blocks", "headings-and-paragraphs", "inline-formatting", "internal-links", "lists",
            "suggestions", "titles-and-empty-headings"]


def words(text):
    """Words of a Markdown text, without its markup: inline tags, heading ids, link targets, a
    fence's language (Docs' HTML does not carry it), task boxes."""
    text = re.sub(r"<[^>]+>", "", text)
    text = re.sub(r"\{#[^}]*\}|\]\([^)]*\)|```\w+|\[[x ]\]", " ", text)
    return re.findall(r"[^\W_]+", text.lower())


def headings(text):
    return [(len(m[1]), re.sub(r"<[^>]+>|\{#[^}]*\}", "", m[2]).strip())
            for m in re.finditer(r"^(#{1,6})\s+(.+)$", text, re.MULTILINE)]


def read(shared_data, name):
    path = shared_data / "gdocs-html" / f"{name}.export.html"
    return read_html(f"Drive/Docs/{name}.html", path.read_bytes())[0]


@pytest.mark.parametrize("name", FIXTURES)
def test_headings_and_words_match_the_reference(shared_data, name):
    doc = read(shared_data, name)
    expected = (shared_data / "gdocs-html" / f"{name}.expected.md").read_text(encoding="utf-8")
    assert doc.kind == "gdoc-html" and doc.path == f"Drive / Docs / {name}.html"
    assert headings(doc.text) == headings(expected)
    missing = [w for w in words(expected) if w not in set(words(doc.text))]
    assert missing == []


def test_code_blocks_become_fences(shared_data):
    text = read(shared_data, "code-blocks").text
    assert "```\nConsecutive lines\nThat are monospaced,\nWhether multi-paragraph or not," in text
    assert "```\nfor (const i = 0; i < someList.length; i++) {\n  doSomething(someList[i]);\n}\n\n" \
           "// ^^ Blank lines in the block should be ok ^^\n```" in text
    assert "\uec03" not in text and "\uec02" not in text


def test_list_levels_nest(shared_data):
    text = read(shared_data, "lists").text
    assert "- List of stuff.\n  - With\n  - Subitems\n    - And" in text
    assert "4. This item has line breaks. Here is a second line." in text


def test_title_paragraph_names_the_document(shared_data):
    assert read(shared_data, "titles-and-empty-headings").title == "Document title!"


def test_style_noise_and_comments_are_dropped():
    html = b"""<html><head><style>.c1{font-family:"Arial"} .lst-kix_a-0>li:before{content:"x"}</style>
    <title>Plan</title></head><body class="c1 doc-content"><p class="c1"><span>Ship it</span><sup>
    <a href="#cmnt1" id="cmnt_ref1">[a]</a></sup></p><div><p><a href="#cmnt_ref1" id="cmnt1">[a]</a>
    <span>Reviewer: really?</span></p></div></body></html>"""
    [doc] = read_html("plan.html", html)
    assert (doc.title, doc.text) == ("Plan", "Ship it")


def test_other_html_goes_to_the_plain_reader():
    [doc] = read_html("page.html", b"<html><head><title>Wiki</title></head><body><nav>menu</nav><p>Body</p></body></html>")
    assert (doc.title, doc.text, doc.kind) == ("Wiki", "Body", "html")
