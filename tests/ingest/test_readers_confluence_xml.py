"""Confluence XML space exports built from real storage-format pages: only current pages are read,
with their space and parent chain; hostile XML is refused."""

import json
import zipfile

import pytest

from ingest.export import MAX_FILE_BYTES
from ingest.readers.confluence_storage import storage_to_markdown
from tests.ingest.export_builders import ConfluenceDump, make_docx, read_all, write_zip

REAL = ["544381877", "544375741", "panels"]
HIDDEN = ["OLDVERSIONTEXT", "DRAFTTEXT", "TRASHEDTEXT", "OLDIDTEXT", "OLDATTACHMENT", "COMMENTTEXT"]


@pytest.fixture
def space_zip(shared_data, tmp_path):
    base = shared_data / "confluence-storage-xhtml"
    dump = ConfluenceDump()
    dump.add("Space", "1", {"name": "QueryPie Manual", "key": "QM"})
    dump.add("ConfluenceUserImpl", "u1", {"name": "ada"})
    meta = json.loads((base / "544381877" / "page.v1.json").read_text())
    parent = ""
    for ancestor in meta["ancestors"]:
        dump.page(ancestor["id"], ancestor["title"], f"<p>Section {ancestor['title']}</p>", parent)
        parent = ancestor["id"]
    for page_id in REAL:
        title = json.loads((base / page_id / "page.v1.json").read_text())["title"] if page_id.isdigit() else "Panels"
        dump.page(page_id, title, (base / page_id / "page.xhtml").read_text(encoding="utf-8"), parent)
    home = meta["ancestors"][0]["id"]
    dump.page("9001", "old", "<p>OLDVERSIONTEXT</p>", home, originalVersion=("Page", "544381877"))
    dump.page("9002", "draft", "<p>DRAFTTEXT</p>", home, status="draft")
    dump.page("9003", "trashed", "<p>TRASHEDTEXT</p>", home, status="deleted")
    dump.add("Page", "9004", {"title": "old too", "contentStatus": "current", "originalVersionId": "544375741"})
    dump.add("BodyContent", "59004", {"body": "<p>OLDIDTEXT</p>"}, {"content": ("Page", "9004")})
    dump.page("9005", "Empty parent", "", home)
    dump.page("9100", "Release party", "<p>Cake at <strong>noon</strong>.</p>", cls="BlogPost")
    dump.add("Comment", "9200", {"contentStatus": "current"}, {"containerContent": ("Page", home)})
    dump.add("BodyContent", "59200", {"body": "<p>COMMENTTEXT</p>"}, {"content": ("Comment", "9200")})
    dump.add("Attachment", "7001", {"title": "Runbook.docx", "version": "2", "contentStatus": "current"},
             {"containerContent": ("Page", "544381877")})
    dump.add("Attachment", "7002", {"title": "notes.txt", "version": "1", "contentStatus": "current"},
             {"containerContent": ("Page", "544381877"), "originalVersion": ("Attachment", "7003")})
    return write_zip(tmp_path / "QM.zip", [
        ("entities.xml", dump.xml()),
        ("exportDescriptor.properties", "exportType=space\nspaceKey=QM\n"),
        ("attachments/544381877/7001/2", make_docx()),
        ("attachments/544381877/7002/1", "OLDATTACHMENT"),
    ])


def test_only_current_pages_are_read(space_zip, shared_data):
    kind, docs, failures = read_all(space_zip)
    assert kind == "confluence-xml"
    assert {"544381877", "544375741", "panels", "9100", "att7001"} <= set(docs)
    assert not {"9001", "9002", "9003", "9004", "9200", "att7002"} & set(docs)
    everything = " ".join(d.text for d in docs.values())
    assert not [word for word in HIDDEN if word in everything]
    assert [(f.file, f.reason) for f in failures] == [("entities.xml#9005", "empty page 'Empty parent'")]


def test_page_space_parent_chain_and_body(space_zip, shared_data):
    base = shared_data / "confluence-storage-xhtml" / "544381877"
    meta = json.loads((base / "page.v1.json").read_text())
    page = read_all(space_zip)[1]["544381877"]
    assert page.title == meta["title"]
    assert page.path == " / ".join(["QueryPie Manual", *(a["title"] for a in meta["ancestors"])])
    assert (page.author, page.modified, page.kind, page.file) == (
        "ada", "2024-04-30T09:15:00", "confluence-page", "entities.xml")
    assert page.text == storage_to_markdown((base / "page.xhtml").read_text(encoding="utf-8"))
    assert "```\n#!/bin/bash" in page.text


def test_blog_post_and_attachment(space_zip):
    docs = read_all(space_zip)[1]
    blog = docs["9100"]
    assert (blog.title, blog.path, blog.kind, blog.text) == (
        "Release party", "QueryPie Manual / Blog", "confluence-blogpost", "Cake at noon.")
    runbook = docs["att7001"]
    page = docs["544381877"]
    assert (runbook.title, runbook.parent_id, runbook.kind) == ("Runbook.docx", "544381877", "docx")
    assert runbook.path == f"{page.path} / {page.title}"
    assert runbook.file == "attachments/544381877/7001/2"
    assert "Request VPN access" in runbook.text


def test_pages_and_attachments_link_to_the_live_ones_given_a_base(space_zip, shared_data):
    base = json.loads((shared_data / "confluence-storage-xhtml" / "544381877" / "page.v1.json").read_text())
    wiki = base["_links"]["base"]  # the real pages' Confluence Cloud address: https://querypie.atlassian.net/wiki
    docs = read_all(space_zip, page_url_base=wiki + "/")[1]
    assert docs["544381877"].url == f"{wiki}/pages/viewpage.action?pageId=544381877"
    assert docs["9100"].url == f"{wiki}/pages/viewpage.action?pageId=9100"  # a blog post too
    assert docs["att7001"].url == f"{wiki}/download/attachments/544381877/Runbook.docx"
    assert {d.url for d in read_all(space_zip)[1].values()} == {""}  # no base: nothing to link to


HOSTILE = {
    "entity expansion": (b'<?xml version="1.0"?><!DOCTYPE h [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
                         b'<hibernate-generic>&b;</hibernate-generic>', "declares an entity ('a')"),
    "external entity": (b'<?xml version="1.0"?><!DOCTYPE h [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                        b'<hibernate-generic>&x;</hibernate-generic>', "refers to an external entity ('x')"),
    "malformed": (b'<?xml version="1.0"?><hibernate-generic><object class="Page">', "malformed XML"),
}


@pytest.mark.parametrize("case", HOSTILE)
def test_hostile_or_broken_xml_is_refused_not_expanded(case, tmp_path):
    xml, reason = HOSTILE[case]
    export = write_zip(tmp_path / "bad.zip", [("entities.xml", xml), ("exportDescriptor.properties", "a=b\n")])
    kind, docs, failures = read_all(export)
    assert kind == "confluence-xml"
    assert docs == {}
    assert len(failures) == 1 and failures[0].file == "entities.xml"
    assert reason in failures[0].reason
    assert "root:" not in failures[0].reason


def test_entities_xml_over_the_per_file_limit_is_streamed(tmp_path):
    """Large spaces carry an entities.xml far over the 50 MiB per-file limit: it is streamed."""
    dump = ConfluenceDump()
    dump.add("Space", "1", {"name": "Big", "key": "BIG"})
    dump.page("10", "Home", "<p>Still found after 50 MiB of history.</p>")
    filler = b"".join(b'<object class="OutgoingLink" package="x"><id name="id">%d</id><property name="p">%s'
                      b"</property></object>" % (n, b"x" * (1 << 20)) for n in range(51))
    xml = dump.xml().replace(b"</hibernate-generic>", filler + b"</hibernate-generic>")
    assert len(xml) > MAX_FILE_BYTES
    export = write_zip(tmp_path / "big.zip", [("entities.xml", xml), ("exportDescriptor.properties", "a=b\n")],
                       compression=zipfile.ZIP_STORED)
    kind, docs, failures = read_all(export)
    assert failures == []
    assert docs["10"].text == "Still found after 50 MiB of history."
