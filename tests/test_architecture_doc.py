"""docs/architecture.md and docs/scaling.md stay true: the README links them; every file they name exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "architecture.md"
SCALING = ROOT / "docs" / "scaling.md"


def test_the_readme_links_the_docs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "(docs/architecture.md)" in readme
    assert "(docs/renault-protocol.md)" in readme
    assert "(docs/scaling.md)" in readme
    assert "(scaling.md)" in DOC.read_text(encoding="utf-8")


@pytest.mark.parametrize("doc", [DOC, SCALING], ids=lambda path: path.name)
def test_every_path_the_docs_name_exists(doc: Path) -> None:
    named = set(re.findall(r"`((?:bot|bench|tests)/[\w/.]+?)(?::\w+)?`", doc.read_text(encoding="utf-8")))
    assert named, "the docs name the files they describe"
    missing = sorted(path for path in named if not (ROOT / path.rstrip("/")).exists())
    assert missing == []
