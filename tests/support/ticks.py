"""A ticker that proves the event loop kept running while something waited (a lock held elsewhere)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class Ticks:
    """How many times a background task got the loop since the ticker started."""

    count = 0


@asynccontextmanager
async def ticking() -> AsyncIterator[Ticks]:
    """A task that counts a tick every 10 ms of loop time, stopped on exit."""
    ticks = Ticks()

    async def tick() -> None:
        while True:
            ticks.count += 1
            await asyncio.sleep(0.01)

    ticker = asyncio.create_task(tick())
    try:
        yield ticks
    finally:
        ticker.cancel()
