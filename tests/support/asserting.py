"""Finds the tests that assert nothing, by reading the test files' syntax trees (nothing is run).

A test is a function whose name starts with `test` in a file named `test_*.py` (at module level or in a
`Test*` class). It asserts when anywhere in its body (nested functions and lambdas included) there is:

- an `assert` statement;
- a call to `pytest.raises`, `pytest.warns` or `pytest.fail`;
- a call to anything whose name starts with `assert` or `expect` (`assert_called_once`, `expect_card`, ...);
- a statement that only calls (or awaits) a helper asserting by these same rules, its value unused: a
  function defined in the same file, or one imported by name (`from tests.x import helper`) from a file
  under the tests folder. `_check(answers)` counts; `ann = await _linked(s)` and `with running_bot() as s`
  do not, as a helper whose value the test goes on with is set-up, whatever it checks on the way.

Helpers are matched by the name they are called with; a wrong match can only let a test through, never fail
one.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

PYTEST_CHECKS = frozenset({"raises", "warns", "fail"})
ASSERTING_PREFIXES = ("assert", "expect")

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


@dataclass
class _Module:
    """One parsed file: its top-level functions, what it imports by name, and its tests."""

    name: str
    is_test_file: bool
    functions: dict[str, FunctionNode] = field(default_factory=dict)
    imported: dict[str, tuple[str, str]] = field(default_factory=dict)  # local name -> (module, name)
    tests: list[FunctionNode] = field(default_factory=list)


def _called_name(call: ast.Call) -> str | None:
    """The last name of what is called: `f` in `f()`, `m.f()` and `a.b.f()`."""
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _calls(node: ast.AST) -> Iterator[ast.Call]:
    """Every call anywhere under the node."""
    return (child for child in ast.walk(node) if isinstance(child, ast.Call))


def _asserts_directly(node: ast.AST) -> bool:
    """An assert statement, a pytest check or an assert*/expect* call anywhere under the node."""
    if any(isinstance(child, ast.Assert) for child in ast.walk(node)):
        return True
    for call in _calls(node):
        name = _called_name(call)
        if name is None:
            continue
        if name.startswith(ASSERTING_PREFIXES):
            return True
        func = call.func
        on_pytest = (
            isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "pytest"
        )
        if on_pytest and name in PYTEST_CHECKS:
            return True
    return False


def _parse(name: str, source: str, is_test_file: bool) -> _Module:
    """Read one file's top-level functions, test functions and `from ... import` names."""
    module = _Module(name, is_test_file)
    tree = ast.parse(source)
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            module.functions[node.name] = node
            if node.name.startswith("test"):
                module.tests.append(node)
        elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name.startswith("test"):
                    module.tests.append(item)
        elif isinstance(node, ast.ImportFrom) and node.module is not None and node.level == 0:
            for alias in node.names:
                module.imported[alias.asname or alias.name] = (node.module, alias.name)
    return module


def _asserting_helpers(modules: dict[str, _Module]) -> set[tuple[str, str]]:
    """(module, function) of every helper that asserts, directly or through helpers, to a fixed point."""
    asserting = {
        (module.name, name)
        for module in modules.values()
        for name, function in module.functions.items()
        if _asserts_directly(function)
    }
    changed = True
    while changed:
        changed = False
        for module in modules.values():
            for name, function in module.functions.items():
                if (module.name, name) not in asserting and _leans_on(module, function, asserting):
                    asserting.add((module.name, name))
                    changed = True
    return asserting


def _bare_calls(node: ast.AST) -> Iterator[ast.Call]:
    """Every call under the node that is a statement of its own (`f()`, `await f()`): its value unused."""
    for child in ast.walk(node):
        if isinstance(child, ast.Expr):
            value = child.value.value if isinstance(child.value, ast.Await) else child.value
            if isinstance(value, ast.Call):
                yield value


def _leans_on(module: _Module, function: FunctionNode, asserting: set[tuple[str, str]]) -> bool:
    """Whether a statement of the function calls a helper known to assert (same file, or imported by name)."""
    for call in _bare_calls(function):
        name = _called_name(call)
        if name is None:
            continue
        if (module.name, name) in asserting or module.imported.get(name) in asserting:
            return True
    return False


def _module_name(path: Path, root: Path) -> str:
    """`tests.e2e.harness` for tests/e2e/harness.py, when `root` is the folder holding `tests`."""
    return ".".join(path.relative_to(root).with_suffix("").parts)


def without_assertions(sources: dict[str, str]) -> list[str]:
    """`name::test` of each test asserting nothing, given each file's dotted module name and source.

    A module counts as a test file when its last part starts with `test_`.
    """
    modules = {
        name: _parse(name, source, name.rsplit(".", 1)[-1].startswith("test_"))
        for name, source in sources.items()
    }
    asserting = _asserting_helpers(modules)
    return [
        f"{module.name}::{test.name}"
        for module in modules.values()
        if module.is_test_file
        for test in module.tests
        if not _asserts_directly(test) and not _leans_on(module, test, asserting)
    ]


def offenders_under(folder: Path) -> list[str]:
    """`path::test` of each test under `folder` (a `tests` folder) that asserts nothing."""
    root = folder.parent
    paths: Iterable[Path] = sorted(folder.rglob("*.py"))
    by_module = {_module_name(path, root): path for path in paths}
    found = without_assertions({name: path.read_text(encoding="utf-8") for name, path in by_module.items()})
    offenders = []
    for entry in found:
        module, test = entry.split("::")
        offenders.append(f"{by_module[module].relative_to(root).as_posix()}::{test}")
    return offenders
