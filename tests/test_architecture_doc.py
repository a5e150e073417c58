"""docs/architecture.md stays true: the README links both docs, and every file it names exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "architecture.md"


def test_the_readme_links_both_docs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "(docs/architecture.md)" in readme
    assert "(docs/renault-protocol.md)" in readme


def test_every_path_the_architecture_names_exists() -> None:
    named = set(re.findall(r"`((?:bot|bench|tests)/[\w/.]+?)(?::\w+)?`", DOC.read_text(encoding="utf-8")))
    assert named, "the walks name the files they pass through"
    missing = sorted(path for path in named if not (ROOT / path.rstrip("/")).exists())
    assert missing == []
