"""Confluence XML exports whose pages are built from include and excerpt-include macros: the other
page's text is read in place, across spaces, without looping, and a missing page leaves a marker."""

import json

from ingest.readers.confluence_storage import storage_to_markdown
from tests.ingest.export_builders import ConfluenceDump, read_all


def include(title, space="", macro="include", name=""):
    """The macro as Confluence stores it (excerpt-include also carries its panel setting, and on
    Cloud the name of the excerpt it shows)."""
    key = f' ri:space-key="{space}"' if space else ""
    params = '<ac:parameter ac:name="nopanel">true</ac:parameter>' if macro == "excerpt-include" else ""
    params += f'<ac:parameter ac:name="name">{name}</ac:parameter>' if name else ""
    return (f'<ac:structured-macro ac:name="{macro}" ac:schema-version="1" ac:macro-id="m-{title}">{params}'
            f'<ac:parameter ac:name=""><ac:link><ri:page ri:content-title="{title}"{key} /></ac:link>'
            "</ac:parameter></ac:structured-macro>")


def excerpt(body, name=""):
    called = f'<ac:parameter ac:name="name">{name}</ac:parameter>' if name else ""
    return (f'<ac:structured-macro ac:name="excerpt" ac:schema-version="1">{called}'
            '<ac:parameter ac:name="atlassian-macro-output-type">BLOCK</ac:parameter>'
            f"<ac:rich-text-body>{body}</ac:rich-text-body></ac:structured-macro>")


def space_dump(*spaces):
    dump = ConfluenceDump()
    for oid, key in enumerate(spaces, 1):
        dump.add("Space", str(oid), {"name": f"{key} space", "key": key})
    dump.add("ConfluenceUserImpl", "u1", {"name": "ada"})
    return dump


def test_include_reads_the_other_page_in_place(tmp_path):
    dump = space_dump("ENG")
    dump.page("10", "Onboarding", f"<h1>Onboarding</h1><p>Welcome.</p>{include('Laptop setup')}<p>Meet the team.</p>")
    dump.page("11", "Laptop setup", '<p>Install the VPN client.</p><ac:structured-macro ac:name="code">'
                                    "<ac:plain-text-body><![CDATA[brew install vpn]]></ac:plain-text-body>"
                                    "</ac:structured-macro>")
    dump.page("12", "Checklist", f"<ul><li>Laptop</li></ul>{include('LAPTOP  setup')}{include('Legacy')}")
    dump.page("13", "Legacy", "h1. Old notes\nKeep <this> & that.", body_type="0")  # pre-4.0 wiki markup
    kind, docs, failures = read_all(dump.zip(tmp_path / "eng.zip"))
    assert (kind, failures) == ("confluence-xml", [])
    setup = "Install the VPN client.\n\n```\nbrew install vpn\n```"
    assert docs["11"].text == setup
    assert docs["10"].text == f"# Onboarding\n\nWelcome.\n\n{setup}\n\nMeet the team."
    assert docs["12"].text == f"- Laptop\n\n{setup}\n\nh1. Old notes\nKeep <this> & that."  # titles match in any case
    assert (docs["10"].title, docs["10"].path) == ("Onboarding", "ENG space")


def test_excerpt_include_reads_only_the_excerpt(tmp_path):
    dump = space_dump("ENG")
    dump.page("20", "Summary", f"<p>Summaries:</p>{include('Release notes', macro='excerpt-include')}"
                               f"{include('Plain page', macro='excerpt-include')}<p>End.</p>")
    dump.page("21", "Release notes", f"<p>Lead.</p>{excerpt('<p>Version 2 ships search.</p>')}<p>Long details.</p>")
    dump.page("22", "Plain page", "<p>No excerpt on this page.</p>")
    dump.page("23", "Pricing", excerpt("<p>Free tier.</p>", "free") + excerpt("<p>Team tier: 5 EUR.</p>", "team"))
    dump.page("24", "Team offer", include("Pricing", macro="excerpt-include", name="team"))
    docs = read_all(dump.zip(tmp_path / "eng.zip"))[1]
    assert docs["20"].text == "Summaries:\n\nVersion 2 ships search.\n\nEnd."
    assert docs["24"].text == "Team tier: 5 EUR."  # Cloud pages may hold several excerpts, by name
    assert docs["21"].text == "Lead.\n\nVersion 2 ships search.\n\nLong details."


def test_include_across_spaces_follows_the_space_key(tmp_path):
    dump = space_dump("ENG", "OPS")
    dump.page("30", "Hub", include("Runbook", space="OPS") + include("Runbook"))
    dump.page("31", "Runbook", "<p>Engineering runbook.</p>")
    dump.page("32", "Runbook", f"<p>Operations runbook.</p>{include('Contacts')}", space="2")
    dump.page("33", "Contacts", "<p>Call the OPS desk.</p>", space="2")
    dump.page("34", "Contacts", "<p>Call ENG.</p>")
    dump.page("35", "On call", include("Contacts"), cls="BlogPost", space="2")
    docs = read_all(dump.zip(tmp_path / "two.zip"))[1]
    # An unqualified title is looked up in the space of the page holding the macro.
    assert docs["32"].text == "Operations runbook.\n\nCall the OPS desk."
    assert docs["30"].text == "Operations runbook.\n\nCall the OPS desk.\n\nEngineering runbook."
    assert docs["35"].text == "Call the OPS desk."


def test_cycles_add_each_page_once(tmp_path):
    dump = space_dump("ENG")
    dump.page("40", "Alpha", f"<p>Alpha text.</p>{include('Beta')}")
    dump.page("41", "Beta", f"<p>Beta text.</p>{include('Alpha')}")
    dump.page("42", "Gamma", f"<p>Gamma text.</p>{include('Gamma')}{include('Alpha')}")
    kind, docs, failures = read_all(dump.zip(tmp_path / "eng.zip"))
    assert failures == []
    assert docs["40"].text == "Alpha text.\n\nBeta text."
    assert docs["41"].text == "Beta text.\n\nAlpha text."
    assert docs["42"].text == "Gamma text.\n\nAlpha text.\n\nBeta text."


def test_includes_nest_at_most_three_levels(tmp_path):
    dump = space_dump("ENG")
    for level in range(1, 6):
        dump.page(str(50 + level), f"Level {level}", f"<p>Level {level}.</p>{include(f'Level {level + 1}')}")
    docs = read_all(dump.zip(tmp_path / "eng.zip"))[1]
    assert docs["51"].text == ("Level 1.\n\nLevel 2.\n\nLevel 3.\n\nLevel 4.\n\n"
                               "(included page “Level 5” is nested more than 3 levels deep)")
    assert docs["55"].text == "Level 5.\n\n(included page “Level 6” is not in this export)"


def test_missing_target_leaves_a_marker(tmp_path):
    dump = space_dump("ENG")
    dump.page("60", "Index", f"<p>See below.</p>{include('Retired page')}{include('Elsewhere', space='GONE')}"
                             f"{include('Draft plan')}")
    dump.page("61", "Draft plan", "<p>DRAFTTEXT</p>", status="draft")
    kind, docs, failures = read_all(dump.zip(tmp_path / "eng.zip"))
    assert failures == []
    assert docs["60"].text == ("See below.\n\n(included page “Retired page” is not in this export)\n\n"
                               "(included page “Elsewhere” from space GONE is not in this export)\n\n"
                               "(included page “Draft plan” is not in this export)")


def test_include_of_a_real_page(shared_data, tmp_path):
    """A real Cloud page (its table of contents has an ac:parameter named "include": not an include)."""
    base = shared_data / "confluence-storage-xhtml" / "544384417"
    title = json.loads((base / "page.v1.json").read_text())["title"]
    real = (base / "page.xhtml").read_text(encoding="utf-8")
    dump = space_dump("QM")
    dump.page("70", "Audit overview", f"<p>Everything about audit reports.</p>{include(title)}")
    dump.page("544384417", title, real)
    kind, docs, failures = read_all(dump.zip(tmp_path / "qm.zip"))
    assert failures == []
    assert docs["544384417"].text == storage_to_markdown(real)
    assert docs["70"].text == f"Everything about audit reports.\n\n{storage_to_markdown(real)}"


def test_a_body_the_parser_rejects_fails_that_page_alone(tmp_path):
    dump = space_dump("ENG")
    dump.page("80", "Broken", f"<p>Before</p>{include('Fine')}<![x[ unterminated")
    dump.page("81", "Fine", f"<p>Fine text.</p>{include('Broken')}")
    kind, docs, failures = read_all(dump.zip(tmp_path / "eng.zip"))
    assert [(f.file, f.reason) for f in failures] == [
        ("entities.xml#80", "cannot parse page 'Broken' (ParserRejectedMarkup)")]
    assert docs["81"].text == "Fine text.\n\n(included page “Broken” cannot be read)"
