"""Waits a test releases by hand: the bot's patience timers, without sleeping."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class ManualTimer:
    """A timer `ManualWaits.schedule` made: fired by `elapse`, called off by the bot."""

    waits: ManualWaits
    event: asyncio.Event

    def cancel(self) -> None:
        """Call it off (Patience's Timer)."""
        self.event.set()
        self.waits.drop(self.event)


class ManualWaits:
    """`wait(seconds)` blocks, and a timer of `schedule(seconds, callback)` waits, until the test calls
    `elapse(seconds)` for a wait of that length."""

    def __init__(self) -> None:
        self._pending: list[tuple[float, asyncio.Event]] = []
        self._callbacks: dict[asyncio.Event, Callable[[], None]] = {}
        self._changed = asyncio.Condition()

    def schedule(self, seconds: float, callback: Callable[[], None]) -> ManualTimer:
        """What the bot's timers call (Patience.schedule): `callback` runs when the test lets it elapse."""
        done = asyncio.Event()
        self._pending.append((seconds, done))
        self._callbacks[done] = callback
        asyncio.get_running_loop().create_task(self._notify())
        return ManualTimer(self, done)

    def drop(self, event: asyncio.Event) -> None:
        """Forget a timer that was called off."""
        self._callbacks.pop(event, None)
        self._pending = [(s, e) for s, e in self._pending if e is not event]

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

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
            callback = self._callbacks.pop(event, None)
        if callback is not None:
            self.drop(event)
            callback()
