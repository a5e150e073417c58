"""What crosses a seam is typed: no untyped JSON (`dict[str, Any]`, a bare `dict`) in the ports modules.

A port's Protocol methods and the dataclasses the ports speak in (records, payloads) name their values'
types; a stored JSON shape is decoded into a typed value at the store boundary (with the codec,
`bot/domain/codec.py`), never handed on as a dict whose keys every reader must know. The check reads the
syntax trees of the ports modules: a mapping whose values are `Any`, or `dict`/`Mapping` without arguments,
anywhere in a Protocol method's parameter or return annotation or in a dataclass field, is reported.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT_GLOBS = (
    "bot/services/ports.py",
    "bot/services/*_ports.py",
    "bot/services/*/ports.py",
    "bot/features/*/ports.py",
)

# Genuine JSON that may cross a port, by module.Class.member, each with why it cannot be typed. Keep it
# short: raw JSON from outside (a Telegram update as received, say) is the only good reason.
ALLOWED: dict[str, str] = {}

_MAPPINGS = {"dict", "Dict", "Mapping", "MutableMapping", "typing.Dict", "typing.Mapping"}


def _untyped(annotation: ast.expr) -> bool:
    """Whether the annotation holds a bare mapping or a mapping to `Any`, at any depth."""
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        annotation = ast.parse(annotation.value, mode="eval").body  # a quoted annotation
    for node in ast.walk(annotation):
        if isinstance(node, ast.Subscript) and ast.unparse(node.value) in _MAPPINGS:
            arguments = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
            if ast.unparse(arguments[-1]) in {"Any", "typing.Any"}:
                return True
        elif (
            isinstance(node, ast.Name | ast.Attribute)
            and ast.unparse(node) in _MAPPINGS
            and not _subscripted(annotation, node)
        ):
            return True
    return False


def _subscripted(tree: ast.expr, name: ast.expr) -> bool:
    return any(isinstance(node, ast.Subscript) and node.value is name for node in ast.walk(tree))


def _is_protocol(node: ast.ClassDef) -> bool:
    bases = (base.value if isinstance(base, ast.Subscript) else base for base in node.bases)  # Protocol[T]
    return any(ast.unparse(base) in {"Protocol", "typing.Protocol"} for base in bases)


def _is_dataclass(node: ast.ClassDef) -> bool:
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if ast.unparse(target) in {"dataclass", "dataclasses.dataclass"}:
            return True
    return False


def _annotations(node: ast.ClassDef) -> Iterator[tuple[str, ast.expr]]:
    """(member, annotation) of a Protocol's methods (parameters and return) or a dataclass's fields."""
    protocol, record = _is_protocol(node), _is_dataclass(node)
    for item in node.body:
        if protocol and isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
            arguments = item.args
            every = (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)
            for argument in (*every, arguments.vararg, arguments.kwarg):
                if argument is not None and argument.annotation is not None:
                    yield item.name, argument.annotation
            if item.returns is not None:
                yield item.name, item.returns
        elif record and isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
            yield item.target.id, item.annotation


def untyped_members(sources: Mapping[str, str]) -> list[str]:
    """module.Class.member of each Protocol method or dataclass field of `sources` (module -> source) that
    takes or gives untyped JSON; each once, sorted."""
    found: set[str] = set()
    for module, source in sources.items():
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.ClassDef):
                found.update(
                    f"{module}.{node.name}.{member}"
                    for member, annotation in _annotations(node)
                    if _untyped(annotation)
                )
    return sorted(found)


def _port_sources() -> dict[str, str]:
    paths = sorted({path for pattern in PORT_GLOBS for path in ROOT.glob(pattern)})
    return {
        ".".join(path.relative_to(ROOT).with_suffix("").parts): path.read_text(encoding="utf-8")
        for path in paths
    }


def test_no_untyped_json_crosses_a_port() -> None:
    """The ports modules' Protocols and records name their types: no `dict[str, Any]`, no bare `dict`."""
    found = untyped_members(_port_sources())
    unexplained = [member for member in found if member not in ALLOWED]
    assert unexplained == [], "give the value a type (a frozen dataclass, decoded with the codec)"
    stale = sorted(set(ALLOWED) - set(found))
    assert stale == [], "these allowed members are typed now: remove them from ALLOWED"


def test_the_walk_reads_every_ports_module() -> None:
    """The globs find the ports modules (a walk that reads none would pass)."""
    modules = set(_port_sources())
    assert {
        "bot.services.ports",
        "bot.services.conversation_ports",
        "bot.features.polling.ports",
        "bot.services.outbox_ports",
        "bot.features.costs.ports",
        "bot.features.sharing.ports",
    } <= modules


_SAMPLE = """
from dataclasses import dataclass
from typing import Any, Protocol

class Store(Protocol):
    async def save(self, key: str, value: dict[str, Any]) -> None: ...
    async def load(self, key: str) -> "Mapping[str, Any] | None": ...
    async def rows(self) -> list[dict]: ...
    async def counts(self) -> dict[str, int]: ...
    async def pauses(self, *, until: dict[int, list[str]]) -> None: ...

@dataclass(frozen=True, slots=True)
class Entry:
    key: str
    payload: dict[str, Any] | None
    extra: dict
    sizes: Mapping[int, int]

class NotAPort:
    def raw(self) -> dict[str, Any]: ...
    payload: dict[str, Any]
"""


def test_untyped_json_is_found_in_signatures_and_fields() -> None:
    """Mappings to Any and bare mappings are reported, quoted or nested; typed mappings and other classes
    are not."""
    assert untyped_members({"m": _SAMPLE}) == [
        "m.Entry.extra",
        "m.Entry.payload",
        "m.Store.load",
        "m.Store.rows",
        "m.Store.save",
    ]
