"""HTML to the chunker's Markdown subset: merged table cells, nested lists, code languages."""

from ingest.readers.html_text import escape_markup, html_to_markdown, parse_html, rows_to_text


def md(html: str) -> str:
    return html_to_markdown(parse_html(html))


def test_merged_header_rows_and_rowspans_keep_every_value_under_its_header():
    text = md(
        "<table>"
        "<tr><th colspan='2'>Code</th><th rowspan='2'>Name</th></tr>"
        "<tr><th>Class</th><th>Sub</th></tr>"
        "<tr><td rowspan='2'><p>R</p><p>Residential</p></td><td>R1</td><td>Low-rise</td></tr>"
        "<tr><td>R2</td><td>High-rise</td></tr>"
        "</table>"
    )
    assert text.splitlines() == [
        "Code / Class: R Residential; Code / Sub: R1; Name: Low-rise",
        "Code / Class: R Residential; Code / Sub: R2; Name: High-rise",
    ]


def test_colspan_in_a_data_row_is_said_once():
    text = md("<table><tr><th>A</th><th>B</th></tr><tr><td colspan='2'>both</td></tr></table>")
    assert text == "A: both"


def test_hostile_spans_are_capped():
    text = md("<table><tr><th colspan='999999'>H</th></tr><tr><td rowspan='-3'>x</td></tr></table>")
    assert text.startswith("H: x")
    assert len(text) < 2000


def test_nested_lists_are_indented_and_code_in_an_item_stays_a_fence():
    text = md(
        "<ol start='3'><li>install<ul><li>on Linux</li><li>on Mac</li></ul></li>"
        "<li>run<pre data-language='bash'>make test\nmake lint</pre></li></ol>"
    )
    assert text.splitlines() == [
        "3. install", "  - on Linux", "  - on Mac", "4. run", "```bash", "make test", "make lint", "```",
    ]


def test_block_elements_separate_words_in_cells_and_items():
    assert md("<ul><li><p>one</p><p>two</p></li></ul>") == "- one two"


def test_rows_to_text_without_header_joins_cells():
    assert rows_to_text([["a", "", "b"], ["", ""]]) == "a | b"


def test_escape_markup_keeps_plain_lines_from_reading_as_headings_or_fences():
    assert escape_markup("# not a heading\n```\nplain") == "\\# not a heading\n\\```\nplain"


def test_text_that_looks_like_markup_stays_text():
    text = md("<p># of nodes must be odd</p><table><tr><th># of users</th></tr><tr><td>40</td></tr></table>"
              "<p>a # in the middle</p>")
    assert text.splitlines() == ["\\# of nodes must be odd", "", "\\# of users: 40", "", "a # in the middle"]
