"""Small exports built on disk for tests and benchmarks: Markdown pages in a folder."""

from __future__ import annotations

from pathlib import Path


def write_pages(root: Path, pages: dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, body in pages.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body)
    return root


def page(title: str, *paras: str) -> str:
    return f"# {title}\n\n" + "\n\n".join(paras) + "\n"
