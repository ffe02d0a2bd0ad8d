"""Turning exports (folders and zips of Confluence, Google Drive, Markdown, HTML) into indexed chunks."""
