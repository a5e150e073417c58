"""The bot's import graph: no cycles between modules, and features meet only through their public ports.

Read from the code with `ast` (imports under `if TYPE_CHECKING:` do not run, so they are left out), so a
module or a feature added later is covered. import-linter's contracts in pyproject.toml say the rest.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# What one feature may import of another: the port it offers (its use case's interface and key).
PUBLIC = {"ports", "use_cases"}


def _modules(root: Path) -> dict[str, Path]:
    found = {}
    for path in root.rglob("*.py"):
        parts = path.relative_to(root.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _imported(tree: ast.AST, known: Mapping[str, Path]) -> Iterator[str]:
    for node in _run_time_nodes(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names if alias.name in known)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                child = f"{node.module}.{alias.name}"
                # `from package import module` names the module; `from module import name`, the module.
                yield child if child in known else node.module


def _run_time_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for other in node.orelse:
                yield from _walk(other)
            continue
        yield from _walk(node)


def _walk(node: ast.AST) -> Iterator[ast.AST]:
    yield node
    yield from _run_time_nodes(node)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def graph(root: Path) -> dict[str, set[str]]:
    """Module -> the modules it imports when it runs, within `root`'s package."""
    known = _modules(root)
    return {
        name: {m for m in _imported(ast.parse(path.read_text(encoding="utf-8")), known) if m in known}
        - {name}
        for name, path in known.items()
    }


def cycles(edges: Mapping[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(edges.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def cross_feature(edges: Mapping[str, set[str]]) -> list[str]:
    """Imports of another feature's module that is not its public port or use case."""
    wrong = []
    for source, targets in sorted(edges.items()):
        for target in sorted(targets):
            s, t = source.split("."), target.split(".")
            between = s[:2] == t[:2] == ["bot", "features"] and len(s) > 2 and len(t) > 2 and s[2] != t[2]
            if between and (len(t) < 4 or t[3] not in PUBLIC):
                wrong.append(f"{source} -> {target}")
    return wrong


def test_no_module_of_the_bot_imports_itself_back() -> None:
    assert cycles(graph(ROOT / "bot")) == []


def test_features_meet_only_through_their_ports_and_use_cases() -> None:
    assert cross_feature(graph(ROOT / "bot")) == []


def test_the_checks_see_a_cycle_and_a_feature_reaching_into_another(tmp_path: Path) -> None:
    package = tmp_path / "bot"
    for folder in ("", "features", "features/a", "features/b"):
        (package / folder).mkdir(parents=True, exist_ok=True)
        (package / folder / "__init__.py").write_text("")
    (package / "x.py").write_text("from bot import y\n")
    (package / "y.py").write_text(
        "import bot.x\nfrom typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import bot.z\n"
    )
    (package / "z.py").write_text("import bot.y\n")
    (package / "features/a/telegram.py").write_text("from bot.features.b.store import Store\n")
    (package / "features/a/use_cases.py").write_text("from bot.features.b.ports import Port\n")
    (package / "features/b/store.py").write_text("Store = 1\n")
    (package / "features/b/ports.py").write_text("Port = 1\n")
    edges = graph(package)
    assert cycles(edges) == [["bot.x", "bot.y"]]  # the TYPE_CHECKING import of bot.z closes no cycle
    assert cross_feature(edges) == ["bot.features.a.telegram -> bot.features.b.store"]
