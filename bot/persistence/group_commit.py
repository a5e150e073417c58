"""Group commit: writes that arrive while a transaction runs are committed together in the next one.

A poller sweep makes hundreds of small writes at once (a call-budget spend per request, a reading per
poll). SQLite has one writer, so one transaction each would queue them all behind each other; grouping
them keeps the work per poll small on SQLite and the number of transactions low on PostgreSQL.

Every `GroupCommit` of a database writes through one `WriteLane`, its one committer: whatever any group has
queued when a transaction starts goes into that transaction, each group's `BatchWriter` on its own batch.
A transaction costs CPU of its own (session, pool, BEGIN and COMMIT), so an update that journals its
arrival, drops its chat's screen and is marked handled shares one transaction with the other updates of
its burst instead of paying one per group. One group's error must not fail another's items: when a
shared transaction fails, each group's batch is retried in a transaction of its own (only then: the usual
path stays one transaction), and each item gets its own group's result or error as if it had been alone.

A patient group (`patience` > 0: the journal's handled marks) does not start a transaction of its own at
once: its items wait up to `patience` seconds for another group's write to ride with. When replies are
spread by Telegram's send limit, the updates of a burst finish one by one, and each handled mark alone in
its transaction cost more CPU than the rest of its update's writes (bench.bot_updates); a mark's wait holds
only its own chat's next update back, never a reply.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

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


@dataclass(slots=True)
class _Batch(Generic[In, Out]):
    """One group's items in one transaction, and what its writer returned for them."""

    writer: BatchWriter[In, Out]
    queued: list[_Queued[In, Out]]
    results: list[Out | Exception] = field(default_factory=list)

    async def write(self, session: AsyncSession) -> None:
        """Run the group's writer on its items (results kept until the transaction commits)."""
        self.results = await self.writer(session, [queued.item for queued in self.queued])

    def settle(self) -> None:
        """The transaction committed: each submitter gets its item's result."""
        for queued, result in zip(self.queued, self.results, strict=True):
            if queued.done.done():
                continue  # its submitter was cancelled: nobody waits for it
            if isinstance(result, Exception):
                queued.done.set_exception(result)
            else:
                queued.done.set_result(result)

    def fail(self, failure: Exception) -> None:
        """Nothing of the batch was committed: each submitter gets the failure."""
        for queued in self.queued:
            if not queued.done.done():
                queued.done.set_exception(failure)


class WriteLane:
    """The one committer of a database's group commits: one transaction for whatever they all queued.

    One per `Database`, shared by every store that group-commits (`bot.app.graph.build_stores`); a store
    built without one gets a lane of its own (its transactions are then its own, as before lanes).
    """

    def __init__(self, db: Database) -> None:
        self.db = db
        # Groups with queued items, in the order they first queued one (a dict: an ordered set).
        self._waiting: dict[GroupCommit[Any, Any], None] = {}
        self._committer: asyncio.Task[None] | None = None
        self._patient: asyncio.TimerHandle | None = None  # a patient group's deadline, while it waits

    def wake(self, group: GroupCommit[Any, Any]) -> None:
        """The group queued an item: it joins the next transaction (started at once if none is running,
        or after the group's patience when it is patient and nothing else waits)."""
        self._waiting[group] = None
        if self._committer is not None and not self._committer.done():
            return  # the running committer takes it in its next transaction
        if all(waiting.patience > 0 for waiting in self._waiting):
            if self._patient is None:
                self._patient = asyncio.get_running_loop().call_later(group.patience, self._start)
            return
        self._start()

    def hurry(self) -> None:
        """Start the next transaction now if only patient groups wait (a running one takes them next)."""
        if self._patient is not None:
            self._start()

    def _start(self) -> None:
        if self._patient is not None:
            self._patient.cancel()
            self._patient = None
        if self._waiting and (self._committer is None or self._committer.done()):
            # Not fire-and-forget: every submitter awaits the future this task resolves, even on failure.
            self._committer = asyncio.create_task(self._commit_queued())

    def _take(self) -> list[_Batch[Any, Any]]:
        groups, self._waiting = list(self._waiting), {}
        return [group.take() for group in groups]

    async def _commit_queued(self) -> None:
        try:
            while self._waiting:
                await self._commit_once()
        except BaseException:
            # Cancelled (the loop is closing): whoever queued meanwhile must not wait for a committer.
            for batch in self._take():
                batch.fail(RuntimeError("write cancelled"))
            raise

    async def _commit_once(self) -> None:
        batches: list[_Batch[Any, Any]] = []
        try:
            async with self.db.write() as session:
                # Taken once the transaction holds the writer's turn: what queued while it waited joins.
                batches = self._take()
                for batch in batches:
                    await batch.write(session)
        except Exception as exc:
            if not batches:  # the transaction could not even start: nothing to retry apart
                for batch in self._take():
                    batch.fail(exc)
            elif len(batches) == 1:
                batches[0].fail(exc)
            else:
                await self._apart(batches)
            return
        except BaseException:
            for batch in batches:
                batch.fail(RuntimeError("write cancelled"))
            raise
        for batch in batches:
            batch.settle()

    async def _apart(self, batches: list[_Batch[Any, Any]]) -> None:
        # The shared transaction failed, for one group's error or the database's: each group again on its
        # own, so another group's items do not fail for it.
        for index, batch in enumerate(batches):
            try:
                async with self.db.write() as session:
                    await batch.write(session)
            except Exception as exc:
                batch.fail(exc)
                continue
            except BaseException:
                for left in batches[index:]:
                    left.fail(RuntimeError("write cancelled"))
                raise
            batch.settle()


class GroupCommit(Generic[In, Out]):
    """Queues items and commits them in batches through one `BatchWriter`, on the database's `WriteLane`."""

    def __init__(
        self, lane: WriteLane | Database, writer: BatchWriter[In, Out], *, patience: float = 0.0
    ) -> None:
        self._lane = lane if isinstance(lane, WriteLane) else WriteLane(lane)
        self._writer = writer
        self._queue: list[_Queued[In, Out]] = []
        # Seconds an item may wait for another group's write before it is committed alone (0: never).
        self.patience = patience

    async def submit(self, item: In) -> Out:
        """Queue one item and wait for the transaction that commits it."""
        return await self.queue(item)

    def queue(self, item: In) -> asyncio.Future[Out]:
        """Queue one item now; the future is resolved by the transaction that commits it."""
        queued: _Queued[In, Out] = _Queued(item, asyncio.get_running_loop().create_future())
        self._queue.append(queued)
        self._lane.wake(self)
        return queued.done

    def hurry(self) -> None:
        """Someone needs this group's queued items now: no more waiting for company."""
        self._lane.hurry()

    def take(self) -> _Batch[In, Out]:
        """Everything queued, as one batch for the lane's next transaction."""
        queued, self._queue = self._queue, []
        return _Batch(self._writer, queued)
