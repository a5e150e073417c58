"""Waits a test releases by hand: the bot's patience timers, without sleeping."""

from __future__ import annotations

import asyncio


class ManualWaits:
    """`wait(seconds)` blocks until the test calls `elapse(seconds)` for a wait of that length."""

    def __init__(self) -> None:
        self._pending: list[tuple[float, asyncio.Event]] = []
        self._changed = asyncio.Condition()

    async def wait(self, seconds: float) -> None:
        """What the bot awaits (Patience.wait)."""
        done = asyncio.Event()
        async with self._changed:
            self._pending.append((seconds, done))
            self._changed.notify_all()
        try:
            await done.wait()
        finally:
            self._pending = [(s, e) for s, e in self._pending if e is not done]

    def waiting(self, seconds: float) -> bool:
        """Whether a wait of `seconds` is pending and not let go yet."""
        return any(length == seconds and not event.is_set() for length, event in self._pending)

    async def elapse(self, seconds: float, timeout: float = 10.0) -> None:  # noqa: ASYNC109 - a safety net
        """Let the first pending wait of `seconds` end (waiting until the bot starts one)."""

        def pending() -> asyncio.Event | None:
            # A wait let go a moment ago may still be listed until its waiter runs again: never pick it twice.
            waiting = (event for length, event in self._pending if length == seconds and not event.is_set())
            return next(waiting, None)

        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: pending() is not None), timeout)
            event = pending()
            assert event is not None
            event.set()
