"""Each port method is declared once: no Protocol under bot/ copies another's method.

When two ports need the same method, one derives from the other or both from a narrower port that declares
it (`AccountRepository(AccountFlags)`, `CardStates(VehicleStateReader)`), so a change to the method is made
in one place and an adapter implementing both cannot drift. The check reads the syntax trees: a method is
the same when its name, parameters (names, annotations, defaults) and return annotation are written alike.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

BOT = Path(__file__).resolve().parent.parent / "bot"

# Pairs of Protocols that may declare the same method, each with why two bounded contexts need their own
# port. Keep it short: deriving from a shared narrower port is the usual answer.
ALLOWED: dict[frozenset[str], str] = {}


@dataclass(frozen=True, slots=True)
class Copy:
    """One method signature declared by two Protocols that are not in an inheritance relation."""

    signature: str
    first: str
    second: str


@dataclass(frozen=True, slots=True)
class _Protocol:
    name: str  # module.Class
    bases: tuple[str, ...]  # the bases' class names as written, last dotted part only
    methods: frozenset[str]  # the signatures declared in the class body itself


def _is_protocol_base(base: ast.expr) -> bool:
    target = base.value if isinstance(base, ast.Subscript) else base  # Protocol[T]
    return ast.unparse(target) in {"Protocol", "typing.Protocol"}


def _signature(function: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    prefix = "async def " if isinstance(function, ast.AsyncFunctionDef) else "def "
    returns = "" if function.returns is None else f" -> {ast.unparse(function.returns)}"
    return f"{prefix}{function.name}({ast.unparse(function.args)}){returns}"


def _classes(module: str, source: str) -> Iterator[tuple[ast.ClassDef, str]]:
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ClassDef):
            yield node, f"{module}.{node.name}"


def _protocols(sources: Mapping[str, str]) -> list[_Protocol]:
    """Every Protocol class of the sources (a class with `Protocol` among its bases)."""
    found: list[_Protocol] = []
    for module, source in sources.items():
        for node, name in _classes(module, source):
            if not any(_is_protocol_base(base) for base in node.bases):
                continue
            bases = tuple(
                ast.unparse(base).rsplit(".", 1)[-1] for base in node.bases if not _is_protocol_base(base)
            )
            methods = frozenset(
                _signature(item)
                for item in node.body
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
            )
            found.append(_Protocol(name, bases, methods))
    return found


def _ancestors(protocol: _Protocol, by_class: Mapping[str, list[_Protocol]]) -> set[str]:
    """The full names of every Protocol `protocol` derives from, directly or not."""
    seen: set[str] = set()
    todo = list(protocol.bases)
    while todo:
        for base in by_class.get(todo.pop(), []):
            if base.name not in seen:
                seen.add(base.name)
                todo.extend(base.bases)
    return seen


def protocol_copies(sources: Mapping[str, str]) -> list[Copy]:
    """Each method signature two unrelated Protocols of `sources` (module name -> source) both declare."""
    protocols = _protocols(sources)
    by_class: dict[str, list[_Protocol]] = {}
    for protocol in protocols:
        by_class.setdefault(protocol.name.rsplit(".", 1)[-1], []).append(protocol)
    ancestors = {protocol.name: _ancestors(protocol, by_class) for protocol in protocols}
    copies: list[Copy] = []
    for first, second in combinations(sorted(protocols, key=lambda p: p.name), 2):
        if first.name in ancestors[second.name] or second.name in ancestors[first.name]:
            continue
        copies.extend(Copy(sig, first.name, second.name) for sig in sorted(first.methods & second.methods))
    return copies


def _bot_sources() -> dict[str, str]:
    root = BOT.parent
    return {
        ".".join(path.relative_to(root).with_suffix("").parts): path.read_text(encoding="utf-8")
        for path in sorted(BOT.rglob("*.py"))
    }


def test_no_protocol_copies_another_ones_method() -> None:
    """Under bot/, a method signature is declared by one Protocol, or by Protocols related by inheritance."""
    copies = protocol_copies(_bot_sources())
    unexplained = [c for c in copies if frozenset({c.first, c.second}) not in ALLOWED]
    assert unexplained == [], "derive one port from the other, or from a narrower port declaring the method"
    stale = set(ALLOWED) - {frozenset({c.first, c.second}) for c in copies}
    assert stale == set(), "these allowed pairs no longer copy a method: remove them from ALLOWED"


def test_the_walk_sees_the_ports() -> None:
    """The walk finds the ports it guards and their own methods (one that reads nothing would pass)."""
    protocols = {p.name: p for p in _protocols(_bot_sources())}
    assert len(protocols) >= 40, sorted(protocols)
    flags = protocols["bot.services.ports.AccountFlags"]
    assert "async def mark_needs_login(self, account_id: int) -> None" in flags.methods
    assert protocols["bot.services.ports.AccountRepository"].bases == ("AccountFlags",)


_COPIED = """
from typing import Protocol

class Accounts(Protocol):
    async def get(self, account_id: int) -> str | None: ...
    async def delete(self, account_id: int) -> None: ...

class Flags(Protocol):
    async def get(self, account_id: int) -> str | None: ...
    async def get_many(self, ids: list[int]) -> list[str]: ...
"""


def test_a_copied_method_is_found() -> None:
    """Two unrelated Protocols declaring the same method are reported, with the signature and both names."""
    assert protocol_copies({"m": _COPIED}) == [
        Copy("async def get(self, account_id: int) -> str | None", "m.Accounts", "m.Flags")
    ]


def test_a_method_differing_in_its_signature_is_no_copy() -> None:
    """The same name with another parameter, annotation or return type is another method."""
    source = _COPIED.replace(
        "def get(self, account_id: int) -> str | None: ...\n    async def get_many",
        ("def get(self, account_id: int, fresh: bool) -> str | None: ...\n    async def get_many"),
    )
    assert source != _COPIED
    assert protocol_copies({"m": source}) == []


def test_inheritance_is_no_copy_but_siblings_redeclaring_are() -> None:
    """A port redeclaring its base's method is related to it; two siblings that both redeclare it are not."""
    source = """
import typing
from typing import Protocol

class Base(typing.Protocol):
    def now(self) -> int: ...

class Left(Base, Protocol):
    def now(self) -> int: ...

class Right(Base, Protocol):
    def now(self) -> int: ...

class NotAPort:
    def now(self) -> int: ...
"""
    assert protocol_copies({"pkg.mod": source}) == [
        Copy("def now(self) -> int", "pkg.mod.Left", "pkg.mod.Right")
    ]
    assert (
        protocol_copies(
            {"pkg.mod": source.replace("class Right(Base, Protocol)", "class Right(Left, Protocol)")}
        )
        == []
    )
