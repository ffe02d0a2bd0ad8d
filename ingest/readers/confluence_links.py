"""Links from Confluence export documents to the live pages they were exported from.

Exports do not carry the server's address, so a source names it (`page_url_base`: the address
pages are under, e.g. https://wiki.example.com, or https://example.atlassian.net/wiki on Cloud).
Pages are linked by id, the form Server, Data Center and Cloud all answer (titles and space keys
change, ids do not); attachments by their page's id and file name, as Confluence serves them.
Without a base every link is "" (nothing to link to).
"""

from __future__ import annotations

from urllib.parse import quote


def page_url(base: str, page_id: str) -> str:
    """The page's address; "" without a base or a page id."""
    if not (base and page_id):
        return ""
    return f"{base.rstrip('/')}/pages/viewpage.action?pageId={quote(page_id, safe='')}"


def attachment_url(base: str, page_id: str, file_name: str) -> str:
    """The attachment's download address; its page's when the file name is not known (an HTML
    export stores attachments under their ids, and only a page's links give their names)."""
    if not (base and page_id and file_name):
        return page_url(base, page_id)
    return f"{base.rstrip('/')}/download/attachments/{quote(page_id, safe='')}/{quote(file_name, safe='')}"
