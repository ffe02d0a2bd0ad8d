"""Links to live Confluence pages: attachment links match, byte for byte, the download links a real
Confluence Cloud gave for its attachments (names in Korean, with spaces); no base, no link."""

import json

from ingest.readers.confluence_links import attachment_url, page_url


def test_attachment_links_match_the_real_servers_download_links(shared_data):
    checked = 0
    for listing in sorted((shared_data / "confluence-storage-xhtml").glob("*/attachments.v1.json")):
        page_id = listing.parent.name
        data = json.loads(listing.read_text())
        wiki = data["_links"]["base"]
        for attachment in data["results"]:
            expected = wiki + attachment["_links"]["download"].split("?", 1)[0]  # minus version and cache keys
            assert attachment_url(wiki, page_id, attachment["title"]) == expected
            checked += 1
    assert checked > 200  # every real attachment, not an empty loop


def test_page_links_by_id_and_none_without_what_they_need():
    assert page_url("https://wiki.example.com/", "65601") == "https://wiki.example.com/pages/viewpage.action?pageId=65601"
    assert attachment_url("https://wiki.example.com", "65601", "") == page_url("https://wiki.example.com", "65601")
    assert page_url("", "65601") == attachment_url("", "65601", "a.pdf") == ""
    assert page_url("https://wiki.example.com", "") == attachment_url("https://wiki.example.com", "", "a.pdf") == ""
