"""Fixtures every test folder may use, and which tests are slow.

The fixtures are defined in tests/support/ and imported here to be found. `make test-fast` runs the tests
not marked `slow`: every test under tests/e2e and every feature's tests/features/<name>/test_e2e*.py (new
ones included), every test that needs PostgreSQL (each
makes a fresh database; its SQLite twin stays quick), and the modules that mark themselves with
`pytestmark = pytest.mark.slow` because most of their tests took over a second (`pytest --durations=0`).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.clock import clock
from tests.support.databases import cipher, database_url, db, sqlite_db
from tests.support.logs import restored_logging

__all__ = ["cipher", "clock", "database_url", "db", "restored_logging", "sqlite_db"]

SLOW_FOLDERS = (Path(__file__).parent / "e2e",)
# A feature's end-to-end tests sit beside its other tests (tests/features/<name>/test_e2e*.py).
SLOW_NAMES = "test_e2e"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark as slow every test under a slow folder and every test that needs PostgreSQL."""
    for item in items:
        in_slow_folder = any(item.path.is_relative_to(folder) for folder in SLOW_FOLDERS)
        if (
            in_slow_folder
            or item.path.name.startswith(SLOW_NAMES)
            or item.get_closest_marker("postgres") is not None
        ):
            item.add_marker(pytest.mark.slow)
