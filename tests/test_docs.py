"""Every `§` reference in the code resolves to a numbered heading (or §8 item) of docs/renault-protocol.md."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROTOCOL = ROOT / "docs" / "renault-protocol.md"

_HEADING = re.compile(r"^#{1,6}\s+(\d+(?:\.\d+)*)\.?\s", re.MULTILINE)
_SECTION = r"\d+(?:\.\d+)*"
# "§4.2", "§2-§8", "§5.2-§5.5", "§8 item 20"; anything else after a `§` is unparsable.
_REFERENCE = re.compile(rf"§(?P<first>{_SECTION})(?:-§(?P<last>{_SECTION})|\s+item\s+(?P<item>\d+))?")
_ITEM = re.compile(r"^(\d+)\.\s", re.MULTILINE)


@dataclass(frozen=True)
class Anchors:
    """What a reference can point at: heading numbers, and the numbered items of each top-level section."""

    sections: frozenset[str]
    items: dict[str, frozenset[int]]


def anchors(markdown: str) -> Anchors:
    """Heading numbers of the document, and numbered list items per top-level section ("8" -> {1..35})."""
    sections = frozenset(_HEADING.findall(markdown))
    items: dict[str, frozenset[int]] = {}
    chapters = re.split(r"^(?=## )", markdown, flags=re.MULTILINE)
    for chapter in chapters:
        number = _HEADING.match(chapter)
        if number is not None:
            items[number.group(1)] = frozenset(int(n) for n in _ITEM.findall(chapter))
    return Anchors(sections, items)


def unresolved(text: str, known: Anchors) -> list[str]:
    """Every `§` reference in `text` that is unparsable or points nowhere, as a readable message."""
    problems: list[str] = []
    consumed = 0  # the second `§` of a range belongs to the match before it
    for position in (m.start() for m in re.finditer("§", text)):
        if position < consumed:
            continue
        match = _REFERENCE.match(text, position)
        if match is None:
            problems.append(f"unparsable reference {text[position : position + 20]!r}")
            continue
        consumed = match.end()
        for number in (match["first"], match["last"]):
            if number is not None and number not in known.sections:
                problems.append(f"{match.group(0)!r}: no heading {number}")
        item = match["item"]
        if item is not None and int(item) not in known.items.get(match["first"], frozenset()):
            problems.append(f"{match.group(0)!r}: §{match['first']} has no item {item}")
    return problems


_SAMPLE = """# Title
## 4. Reads
### 4.2 cockpit
#### 4.2.1 detail
## 8. Quirks
1. first
2. second
## 9. After
3. not in section 8
"""


@pytest.mark.parametrize(
    "reference", ["§4", "§4.2", "§4.2.1", "§4-§8", "§4.2-§4.2.1", "§8 item 2", "§4.2 (b)"]
)
def test_the_parser_accepts_references_that_resolve(reference: str) -> None:
    assert unresolved(f"see {reference} here", anchors(_SAMPLE)) == []


@pytest.mark.parametrize(
    ("reference", "problem"),
    [
        ("§4.99", "no heading 4.99"),
        ("§5", "no heading 5"),
        ("§4.2-§4.7", "no heading 4.7"),
        ("§8 item 3", "has no item 3"),
        ("§9 item 1", "has no item 1"),
        ("§ Kamereon actions", "unparsable"),
        ("§x", "unparsable"),
    ],
)
def test_the_parser_rejects_made_up_references(reference: str, problem: str) -> None:
    (message,) = unresolved(f"see {reference} here", anchors(_SAMPLE))
    assert problem in message


def test_the_protocol_reference_has_its_numbered_sections() -> None:
    known = anchors(PROTOCOL.read_text(encoding="utf-8"))
    assert {"1", "2.8.5", "4.12", "6.4", "7.2"} <= known.sections
    assert set(range(1, 36)) <= known.items["8"]


def test_every_section_reference_in_the_code_resolves() -> None:
    known = anchors(PROTOCOL.read_text(encoding="utf-8"))
    problems: list[str] = []
    count = 0
    for path in sorted((ROOT / "bot").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        count += text.count("§")
        problems += [f"{path.relative_to(ROOT)}: {p}" for p in unresolved(text, known)]
    assert count > 0  # the scan did look at the code
    assert problems == []
