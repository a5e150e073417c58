"""Group commit: writes that arrive while a transaction runs are committed together in the next one.

A poller sweep makes hundreds of small writes at once (a call-budget spend per request, a reading per
poll). SQLite has one writer, so one transaction each would queue them all behind each other; grouping
them keeps the work per poll small on SQLite and the number of transactions low on PostgreSQL.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.persistence.engine import Database

In = TypeVar("In")
Out = TypeVar("Out")

BatchWriter = Callable[[AsyncSession, list[In]], Awaitable[list[Out | Exception]]]
"""Writes a batch in one session; returns one result (or the exception for that item) per item, in order."""


@dataclass(slots=True)
class _Queued(Generic[In, Out]):
    item: In
    done: asyncio.Future[Out]


class GroupCommit(Generic[In, Out]):
    """Queues items and commits them in batches through one `BatchWriter`."""

    def __init__(self, db: Database, writer: BatchWriter[In, Out]) -> None:
        self._db = db
        self._writer = writer
        self._queue: list[_Queued[In, Out]] = []
        self._committer: asyncio.Task[None] | None = None

    async def submit(self, item: In) -> Out:
        """Queue one item and wait for the transaction that commits it."""
        queued: _Queued[In, Out] = _Queued(item, asyncio.get_running_loop().create_future())
        self._queue.append(queued)
        if self._committer is None or self._committer.done():
            # Not fire-and-forget: every submitter awaits the future this task resolves, even on failure.
            self._committer = asyncio.create_task(self._commit_queued())
        return await queued.done

    async def _commit_queued(self) -> None:
        while self._queue:
            batch, self._queue = self._queue, []
            try:
                async with self._db.write() as session:
                    results = await self._writer(session, [queued.item for queued in batch])
            except BaseException as exc:
                failure = exc if isinstance(exc, Exception) else RuntimeError("write cancelled")
                for queued in batch:
                    if not queued.done.done():
                        queued.done.set_exception(failure)
                if not isinstance(exc, Exception):
                    raise
                continue
            for queued, result in zip(batch, results, strict=True):
                if isinstance(result, Exception):
                    queued.done.set_exception(result)
                else:
                    queued.done.set_result(result)
