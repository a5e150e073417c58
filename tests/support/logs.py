"""Logging state for tests that call configure_logging, which changes process-wide loggers."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from bot.logging_config import LIBRARY_FLOORS


@pytest.fixture
def restored_logging() -> Iterator[None]:
    """configure_logging changes the root logger and the library loggers: put them back afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    levels = {name: logging.getLogger(name).level for name in LIBRARY_FLOORS}
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
        for name, saved in levels.items():
            logging.getLogger(name).setLevel(saved)
