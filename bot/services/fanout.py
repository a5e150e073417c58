"""A job's per-chat work, run side by side: no chat (a slow tariff feed, a slow car) holds up the others.

`FanOut.each` runs the work of every item concurrently, at most `concurrency` at once, each within
`deadline_s`; an item that runs out of time is logged and skipped (its job tries again on its next run).
Used by the daily smart-charging plans and the monthly cost summaries (docs/architecture.md).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from bot.services.outbox_ports import DeliveryReport

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class FanOut:
    """How many items run at once and how long one may take (SECURITY.md, "Limits")."""

    concurrency: int = 8
    # Longer than one feed fetch's own deadline (bot.tariffs.fetch), so a slow feed fails as itself first.
    deadline_s: float = 60.0

    async def each(self, items: Sequence[T], work: Callable[[T], Awaitable[R]], what: str) -> list[R | None]:
        """`work` of every item, in the items' order; None where an item ran out of time."""
        slots = asyncio.Semaphore(self.concurrency)

        async def one(item: T) -> R | None:
            async with slots:
                try:
                    async with asyncio.timeout(self.deadline_s):
                        return await work(item)
                except TimeoutError:
                    log.warning(
                        "%s: one item took over %.0f s and was skipped until the next run",
                        what,
                        self.deadline_s,
                    )
                    return None

        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(one(item)) for item in items]
        return [task.result() for task in tasks]


def merged(reports: Sequence[DeliveryReport | None]) -> DeliveryReport:
    """Several delivery rounds' counts added up."""
    total = DeliveryReport()
    for report in reports:
        if report is None:
            continue
        total.sent += report.sent
        total.dropped += report.dropped
        total.deferred += report.deferred
        total.skipped += report.skipped
        total.blocked_chats.extend(report.blocked_chats)
    return total
