"""Where the repository and its sample export are."""

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "samples" / "lorebot-docs"
