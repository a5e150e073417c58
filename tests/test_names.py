"""One name per concept: no two classes under bot/ share a name unless the allow-list says why (#26)."""

from __future__ import annotations

import ast
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BOT = ROOT / "bot"

# Names that mean the same thing in two bounded contexts, with why. Keep it short: two concepts get two names.
ALLOWED: dict[str, str] = {
    # The simulator's Telegram model mirrors the Bot API's own type names so the fake reads like its docs.
    "Location": "a point on the map: Renault's `location` reading, and Telegram's Location in the simulator",
}


def class_names(source: str) -> list[tuple[str, int]]:
    """Every class the source defines, nested ones included, with its line."""
    return [
        (node.name, node.lineno) for node in ast.walk(ast.parse(source)) if isinstance(node, ast.ClassDef)
    ]


def duplicates(sources: Mapping[str, str]) -> dict[str, list[str]]:
    """Class names defined more than once across `sources` (path -> text), each with its `path:line`s."""
    where: dict[str, list[str]] = {}
    for path, source in sources.items():
        for name, line in class_names(source):
            where.setdefault(name, []).append(f"{path}:{line}")
    return {name: sorted(places) for name, places in where.items() if len(places) > 1}


def _bot_sources() -> dict[str, str]:
    return {
        str(path.relative_to(ROOT)): path.read_text(encoding="utf-8") for path in sorted(BOT.rglob("*.py"))
    }


def test_every_class_name_in_bot_names_one_concept() -> None:
    found = duplicates(_bot_sources())
    unexplained = {name: places for name, places in found.items() if name not in ALLOWED}
    assert unexplained == {}, "one name for two classes:\n" + "\n".join(
        f"  {name}: {', '.join(places)}" for name, places in sorted(unexplained.items())
    )


def test_every_allowed_name_is_still_a_duplicate() -> None:
    # A stale entry would let a later duplicate of that name in unexplained.
    assert sorted(set(ALLOWED) - set(duplicates(_bot_sources()))) == []


def test_the_collector_finds_a_name_defined_twice_even_nested() -> None:
    sources = {
        "a.py": "class Outer:\n    class Inner:\n        pass\n",
        "b.py": "def f():\n    class Inner: ...\n",
    }
    assert duplicates(sources) == {"Inner": ["a.py:2", "b.py:2"]}


def test_the_collector_finds_a_name_defined_twice_in_one_file() -> None:
    assert duplicates({"a.py": "class A: ...\nif True:\n    class A: ...\n"}) == {"A": ["a.py:1", "a.py:3"]}


def test_distinct_names_are_no_duplicates() -> None:
    assert duplicates({"a.py": "class A: ...\n", "b.py": "class B:\n    class C: ...\n"}) == {}
