"""Google Drive exports: Takeout and "Download" zips, duplicate names, folder paths; and the same
file formats through the plain "files" kind."""

from ingest.documents import Document, Failure
from ingest.export import Export
from ingest.readers import detect_kind, read_export
from tests.ingest.export_builders import make_docx, make_pdf, make_pptx, make_xlsx, write_zip

GDOC_HTML = (b'<html><head><style>.c3{font-weight:400}</style></head><body class="c1 doc-content">'
             b'<h1 class="c2"><span class="c3">Roadmap</span></h1><p class="c4"><span class="c3">Launch in May.</span>'
             b'</p></body></html>')


def read_all(location, kind=None):
    with Export(location) as export:
        detected = detect_kind(export)
        items = list(read_export(export, kind))
    return detected, [i for i in items if isinstance(i, Document)], [i for i in items if isinstance(i, Failure)]


def test_takeout_paths_titles_and_duplicates(tmp_path):
    export = write_zip(tmp_path / "takeout-20240501T101010Z-001.zip", [
        ("Takeout/archive_browser.html", "<html><body><p>Your Google data archive</p></body></html>"),
        ("Takeout/Drive/Team/Meeting notes.txt", "Agreed to move the launch."),
        ("Takeout/Drive/Team/Meeting notes(1).txt", "Budget review postponed."),
        ("Takeout/Drive/Team/Plan.docx", make_docx(title="Plan")),
        ("Takeout/Drive/Team/Sub/Budget.xlsx", make_xlsx()),
        ("Takeout/Drive/Review.pptx", make_pptx()),
        ("Takeout/Drive/Manual.pdf", make_pdf(["Reset the router first."])),
        ("Takeout/Drive/Roadmap.html", GDOC_HTML),
        ("Takeout/Drive/photo.jpg", b"\xff\xd8\xff\xe0"),
        ("Takeout/Keep/note.txt", "not Drive content"),
    ])
    kind, docs, failures = read_all(export)
    assert kind == "gdrive" and failures == []
    by_id = {d.doc_id: d for d in docs}
    assert set(by_id) == {
        "Takeout/Drive/Team/Meeting notes.txt", "Takeout/Drive/Team/Meeting notes(1).txt",
        "Takeout/Drive/Team/Plan.docx", "Takeout/Drive/Team/Sub/Budget.xlsx", "Takeout/Drive/Review.pptx",
        "Takeout/Drive/Manual.pdf", "Takeout/Drive/Roadmap.html",
    }
    first, second = by_id["Takeout/Drive/Team/Meeting notes.txt"], by_id["Takeout/Drive/Team/Meeting notes(1).txt"]
    assert (first.title, second.title) == ("Meeting notes", "Meeting notes")
    assert (first.text, second.text) == ("Agreed to move the launch.", "Budget review postponed.")
    assert {d.path for d in docs} == {
        "Drive / Team / Meeting notes.txt",  # both: Takeout's "(1)" is not in the name Drive shows
        "Drive / Team / Plan.docx", "Drive / Team / Sub / Budget.xlsx", "Drive / Review.pptx",
        "Drive / Manual.pdf", "Drive / Roadmap.html",
    }
    assert by_id["Takeout/Drive/Team/Sub/Budget.xlsx"].path == "Drive / Team / Sub / Budget.xlsx"
    assert by_id["Takeout/Drive/Roadmap.html"].text == "# Roadmap\n\nLaunch in May."
    assert by_id["Takeout/Drive/Team/Plan.docx"].title == "Plan"


def test_download_zip_with_the_same_path_twice_keeps_both(tmp_path):
    export = write_zip(tmp_path / "Team-20240501T101010Z-001.zip", [
        ("Team/Plan.docx", make_docx(title="Plan A")),
        ("Team/Plan.docx", make_docx(title="Plan B")),
        ("Team/Budget.xlsx", make_xlsx()),
    ])
    kind, docs, failures = read_all(export)
    assert kind == "gdrive" and failures == []
    assert [(d.doc_id, d.title, d.path, d.file) for d in docs] == [
        ("Team/Plan.docx", "Plan A", "Team / Plan.docx", "Team/Plan.docx"),
        ("Team/Plan.docx#2", "Plan B", "Team / Plan.docx", "Team/Plan.docx#2"),
        ("Team/Budget.xlsx", "Budget", "Team / Budget.xlsx", "Team/Budget.xlsx"),
    ]


def test_files_kind_reads_the_new_formats(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "guide.pdf").write_bytes(make_pdf(["Hold the power button."]))
    (tmp_path / "people.csv").write_text("name,team\nAda,platform\n")
    (tmp_path / "deck.pptx").write_bytes(make_pptx())
    kind, docs, failures = read_all(tmp_path, "files")
    assert failures == []
    assert {(d.doc_id, d.kind, d.path) for d in docs} == {
        ("docs/guide.pdf", "pdf", "docs / guide.pdf"), ("people.csv", "csv", "people.csv"),
        ("deck.pptx", "pptx", "deck.pptx")}
    assert kind == "gdrive"  # office files make a folder look like a Drive download: same readers either way


def test_a_file_titled_by_its_heading_is_cited_by_its_own_path(tmp_path):
    export = write_zip(tmp_path / "Shared-20240501T101010Z-001.zip", [
        ("Shared/Notes/meeting.md", "# Weekly sync, 3 May\n\nShip the importer on Friday."),
        ("Shared/Plan.docx", make_docx(title="")),  # titled by its first heading, "Onboarding guide"
    ])
    _, docs, _ = read_all(export)
    by_id = {d.doc_id: d for d in docs}
    assert (by_id["Shared/Notes/meeting.md"].title, by_id["Shared/Notes/meeting.md"].path) == (
        "Weekly sync, 3 May", "Shared / Notes / meeting.md")
    assert (by_id["Shared/Plan.docx"].title, by_id["Shared/Plan.docx"].path) == (
        "Onboarding guide", "Shared / Plan.docx")
