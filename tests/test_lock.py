"""The lock files: every package pinned with its hashes, in step with pyproject.toml's requirements."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(
    r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s;]+)(?: ; (?P<marker>[^\\]+?))?\s*\\?$"
)
HASH = re.compile(r"^\s+--hash=sha256:[0-9a-f]{64}\s*\\?$")


def _pins(name: str) -> dict[str, list[tuple[Version, str, int]]]:
    """Every pinned package of a lock file: its versions, their markers and how many hashes each has."""
    pins: dict[str, list[tuple[Version, str, int]]] = {}
    current: list[tuple[Version, str, int]] | None = None
    for line in (ROOT / name).read_text().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if pin := PIN.match(line):
            current = pins.setdefault(canonicalize_name(pin["name"]), [])
            current.append((Version(pin["version"]), (pin["marker"] or "").strip(), 0))
        elif HASH.match(line):
            assert current is not None
            version, marker, hashes = current[-1]
            current[-1] = (version, marker, hashes + 1)
        else:
            raise AssertionError(f"{name}: unexpected line {line!r}")
    return pins


def _pyproject() -> dict[str, object]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def _requirements(group: str) -> list[Requirement]:
    project = _pyproject()["project"]
    assert isinstance(project, dict)
    listed = project["dependencies"] if group == "runtime" else project["optional-dependencies"][group]
    return [Requirement(text) for text in listed]


def _build_requirements() -> list[Requirement]:
    build = _pyproject()["build-system"]
    assert isinstance(build, dict)
    return [Requirement(text) for text in build["requires"]]


def _satisfied(requirement: Requirement, pins: dict[str, list[tuple[Version, str, int]]]) -> None:
    name = canonicalize_name(requirement.name)
    assert name in pins, f"{requirement} is not in the lock (make lock)"
    for python in ("3.11", "3.12", "3.13"):
        environment = {"python_version": python, "python_full_version": f"{python}.0"}
        chosen = [v for v, marker, _ in pins[name] if not marker or Marker(marker).evaluate(environment)]
        assert len(chosen) == 1, (requirement, python, chosen)
        assert requirement.specifier.contains(chosen[0], prereleases=True), (requirement, chosen)


def test_every_pin_of_both_locks_carries_hashes() -> None:
    for name in ("requirements.lock", "requirements-dev.lock"):
        pins = _pins(name)
        assert len(pins) > 40
        for package, versions in pins.items():
            for version, _, hashes in versions:
                assert hashes >= 1, f"{name}: {package}=={version} has no hash"


def test_the_runtime_lock_holds_every_runtime_and_build_dependency_at_an_allowed_version() -> None:
    pins = _pins("requirements.lock")
    for requirement in [*_requirements("runtime"), *_build_requirements()]:
        _satisfied(requirement, pins)
    # The test and lint tools do not ship in the image.
    assert not {"pytest", "ruff", "mypy", "hypothesis", "uv", "import-linter"} & set(pins)


def test_the_dev_lock_adds_the_dev_tools_and_keeps_every_runtime_pin() -> None:
    runtime, dev = _pins("requirements.lock"), _pins("requirements-dev.lock")
    for requirement in [*_requirements("runtime"), *_requirements("dev"), *_build_requirements()]:
        _satisfied(requirement, dev)
    for package, versions in runtime.items():
        assert [v for v, _, _ in dev[package]] == [v for v, _, _ in versions], package


def test_make_installs_from_the_lock_with_hashes_and_the_project_without_resolving() -> None:
    makefile = (ROOT / "Makefile").read_text()
    stamp = makefile[makefile.index("$(STAMP): ") : makefile.index("touch $(STAMP)")]

    assert stamp.splitlines()[0].split()[1:] == ["pyproject.toml", "requirements-dev.lock"]
    assert "$(BIN)/pip install --quiet --require-hashes -r requirements-dev.lock" in stamp
    assert "$(BIN)/pip install --quiet --no-deps --no-build-isolation -e ." in stamp
    assert stamp.count("pip install") == 2
    assert re.search(r"^lock: ", makefile, re.MULTILINE)
    assert "--generate-hashes" in makefile
