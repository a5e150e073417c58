"""A fake clock for tests: time only moves when a test says so."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest


class FakeClock:
    """Callable clock returning an aware UTC datetime; `advance` moves it forward."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 11, 2, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self._now

    def now(self) -> datetime:
        """The current fake time."""
        return self._now

    def timestamp(self) -> float:
        """The current fake time as POSIX seconds."""
        return self._now.timestamp()

    def advance(self, seconds: float = 0, **kwargs: float) -> datetime:
        """Move the clock forward and return the new time."""
        self._now += timedelta(seconds=seconds, **kwargs)
        return self._now

    def set(self, moment: datetime) -> None:
        """Jump to a given moment."""
        self._now = moment


@pytest.fixture
def clock() -> FakeClock:
    """Time that only moves when the test says so (every folder finds it through tests/conftest.py)."""
    return FakeClock()
