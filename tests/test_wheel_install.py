"""The built wheel works on its own: it ships the migrations, runs `python -m bot` and migrates a database.

Everything happens offline: the wheel is built without build isolation (from a copy of the sources, so the
checkout gets no build/ folder), installed without dependencies into a fresh venv, and that venv borrows the
dependencies of the running environment through a .pth file.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import shutil
import site
import sqlite3
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from bot.persistence.migrations import alembic_config

pytestmark = pytest.mark.slow  # measured: most of its tests take over a second

ROOT = Path(__file__).resolve().parent.parent
_TIMEOUT = 120


@dataclass(frozen=True)
class Installed:
    """A wheel and the venv it was installed into."""

    wheel: Path
    python: Path
    venv: Path
    workdir: Path


def _run(args: list[str | Path], cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [str(arg) for arg in args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=_TIMEOUT,
        check=False,
    )
    assert result.returncode == 0, f"{args[1:4]} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def _clean_env(**extra: str) -> dict[str, str]:
    drop = ("PYTHONPATH", "DATABASE_URL", "TELEGRAM_BOT_TOKEN", "CREDENTIALS_KEY", "VIRTUAL_ENV")
    env = {key: value for key, value in os.environ.items() if key not in drop}
    env.update(extra)
    return env


def _require_offline_wheel_builder() -> None:
    # Without build isolation, setuptools older than 70.1 needs the `wheel` package to build wheels.
    setuptools = importlib.metadata.version("setuptools")
    major, minor = (int(part) for part in setuptools.split(".")[:2])
    if (major, minor) < (70, 1) and importlib.util.find_spec("wheel") is None:
        pytest.fail(f"setuptools {setuptools} cannot build a wheel offline: add `wheel` to the dev extras")


def _build_wheel(base: Path) -> Path:
    _require_offline_wheel_builder()
    source = base / "src"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for folder in ("bot", "alembic"):
        shutil.copytree(ROOT / folder, source / folder, ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    dist = base / "dist"
    pip_wheel: list[str | Path] = [
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "--no-build-isolation",
        "--no-index",
    ]
    _run([*pip_wheel, "--quiet", "-w", dist, source], cwd=base)
    (wheel,) = dist.glob("*.whl")
    return wheel


def _install(base: Path, wheel: Path) -> Path:
    venv = base / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv], cwd=base)
    python = venv / "bin" / "python"
    purelib = _run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=base
    ).strip()
    # Plain path lines: the running env's site-packages come AFTER the venv's own, and the editable-install
    # hook living there is not executed (only .pth files directly in a site dir are), so `bot` resolves
    # to the installed wheel.
    Path(purelib, "_borrowed_dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    pip_install: list[str | Path] = [
        sys.executable,
        "-m",
        "pip",
        "--python",
        python,
        "install",
        "--no-deps",
        "--no-index",
    ]
    _run([*pip_install, "--quiet", wheel], cwd=base)
    return python


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """Build the wheel once and install it into a fresh venv."""
    base = tmp_path_factory.mktemp("wheel")
    wheel = _build_wheel(base)
    python = _install(base, wheel)
    workdir = base / "run"  # an empty cwd: `python -m` puts the cwd first on sys.path
    workdir.mkdir()
    return Installed(wheel=wheel, python=python, venv=python.parent.parent, workdir=workdir)


def test_wheel_ships_the_migrations_as_bot_alembic(installed: Installed) -> None:
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    versions = {path.name for path in (ROOT / "alembic" / "versions").glob("*.py")}

    assert {"bot/_alembic/env.py", "bot/_alembic/script.py.mako", "bot/py.typed"} <= names
    assert versions
    assert {f"bot/_alembic/versions/{name}" for name in versions} <= names


def test_wheel_holds_every_package_of_the_checkout_and_no_tests(installed: Installed) -> None:
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    packages = {str(init.relative_to(ROOT)) for init in (ROOT / "bot").rglob("__init__.py")}

    missing = packages - names
    assert not missing, f"add these to [tool.setuptools] packages in pyproject.toml: {sorted(missing)}"
    assert not any(name.startswith("tests/") for name in names)


def test_python_m_bot_help_runs_from_the_installed_copy(installed: Installed) -> None:
    help_text = _run([installed.python, "-m", "bot", "--help"], cwd=installed.workdir, env=_clean_env())
    where = _run(
        [
            installed.python,
            "-c",
            "import bot, bot.persistence.migrations as m; print(bot.__file__); print(m.script_location())",
        ],
        cwd=installed.workdir,
        env=_clean_env(),
    ).splitlines()

    assert "migrate" in help_text
    assert Path(where[0]).is_relative_to(installed.venv)
    assert Path(where[1]).is_relative_to(installed.venv)
    assert Path(where[1]).name == "_alembic"


def test_python_m_bot_migrate_creates_the_schema_from_the_wheel(installed: Installed) -> None:
    database = installed.workdir / "x.db"
    env = _clean_env(DATABASE_URL=f"sqlite:///{database}")

    _run([installed.python, "-m", "bot", "migrate"], cwd=installed.workdir, env=env)

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    with sqlite3.connect(database) as connection:
        version = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    connection.close()
    assert version == (head,)
    assert len(tables - {"alembic_version"}) >= 3
