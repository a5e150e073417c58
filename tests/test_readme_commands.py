"""The README's commands work as written after `make run`: the project's Python is `.venv/bin/python`."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent


def test_the_readme_names_keygen_and_rotate_key_with_the_venvs_python() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^VENV := \.venv$", makefile, re.MULTILINE)
    assert re.search(r"^BIN := \$\(VENV\)/bin$", makefile, re.MULTILINE)
    assert "`.venv/bin/python -m bot keygen`" in readme
    assert "`.venv/bin/python -m bot rotate-key`" in readme
    # No bare `python -m bot keygen`: the system Python has none of the project's packages.
    assert re.findall(r"(?<![/\w])python -m bot (?:keygen|rotate-key)", readme) == []


def test_keygen_runs_with_the_projects_python() -> None:
    # The interpreter running the tests is the venv's (make test): the README's command as typed.
    command = [sys.executable, "-m", "bot", "keygen"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, cwd=ROOT, check=False)  # noqa: S603
    assert done.returncode == 0
    Fernet(done.stdout.strip().encode())  # a usable key
