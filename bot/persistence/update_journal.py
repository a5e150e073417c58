"""The journal of Telegram updates: each update_id recorded once (a redelivery is not handled twice), and a
chat's turn, so one chat's updates are handled one at a time, in update_id order, on every replica.

PostgreSQL: the turn is a transaction-scoped advisory lock on the chat id (`pg_advisory_xact_lock`), taken
on a connection of its own and held while the update is handled; SQLite (one process): an asyncio lock
per chat. Under the turn, an earlier update of the same chat that arrived (on any replica) but is not
handled yet goes first: the turn is given back and taken again a moment later, for at most twice the
take-over time (a replica that died holding an update must not block the chat for good).

Nothing is left behind: an update is journaled with its content (encrypted, cleared once handled) and its
holder, the process that queued it. The holder's take-over job renews, in one statement, the lease
(`received_at`) of every update it holds and has not handled, however long they wait in its queue; an update
is taken over by whichever replica looks first (`take_over`) only when its holder died: its lease was not
renewed for `takeover_after`, or its holder is known gone (`owner_gone`: a process of this host whose PID
no longer runs, so a restarted process takes its predecessor's updates at once). Whoever gets the chat's
turn first handles it; the other finds it handled and lets it go (`turn` yields False), so it is handled
once, and the chat's later updates wait for it, so their order is kept. No write is added per update for
this: the content and holder ride on the arrival's insert and the content is cleared by the handled mark.

On SQLite the front-end is one process, so most turns need not look at all: an update this process
journaled as fresh in this run, when no earlier update of its chat was unhandled at its arrival (asked in
the arrival's own transaction, one statement for the batch) and no earlier update of the chat that this
process journaled is unhandled still (its own queue, in memory), has nothing to wait for; and while its
lease has not run out, no replica can have taken it over. Updates taken over, redelivered, or left by a
previous process keep the look.

The arrivals, and on SQLite the handled marks, go through group commit: the updates of a burst arriving
(on a webhook, concurrently) or finishing together share one statement and one transaction, each caller
still waiting for the commit that holds its row. On SQLite a mark waits for company in the background,
holding only its chat's turn (`_settle`): when replies are spread by Telegram's send limit, the updates of
a burst finish one by one, and a transaction per mark cost more than the rest of the update's writes. On
the database's write lane (`WriteLane`), that transaction is also the one of its other group commits (the
screens the updates' commands drop).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy import Table, Update, bindparam, exists, func, or_, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, create_async_engine
from sqlmodel import col

from bot.persistence.crypto import CredentialCipher, CredentialDecryptError
from bot.persistence.engine import Database
from bot.persistence.group_commit import GroupCommit, WriteLane
from bot.persistence.storage_faults import describe, storage_fault
from bot.persistence.tables import TelegramUpdateRow
from bot.services.ports import StorageUnavailable

T = TypeVar("T")

log = logging.getLogger(__name__)

# An update whose holder did not renew it for this long is taken over (its replica died mid-way).
TAKEOVER_AFTER = timedelta(seconds=15)
# An update whose handling killed its process this many times is given up (logged), not retried forever.
MAX_TAKEOVERS = 3
RETRY_SECONDS = 0.02
# How long a handled mark waits for another write to share its transaction (group_commit.py, "patient"); it
# waits in the background, holding only its chat's turn, and not at all when the chat's next update waits.
MARK_PATIENCE = 0.2
RETRY_SECONDS_MAX = 0.5


class _Pause:
    """The waits between looks at an earlier update: short at first, longer while it is being taken over."""

    def __init__(self) -> None:
        self._seconds = RETRY_SECONDS

    async def __call__(self) -> None:
        await asyncio.sleep(self._seconds)
        self._seconds = min(self._seconds * 2, RETRY_SECONDS_MAX)


class SqlUpdateJournal:
    """UpdateJournal on `telegram_updates` (and advisory locks on PostgreSQL)."""

    def __init__(
        self,
        db: Database,
        clock: Callable[[], datetime],
        cipher: CredentialCipher,
        *,
        lock_pool_size: int = 16,
        takeover_after: timedelta = TAKEOVER_AFTER,
        owner: str | None = None,
        owner_gone: Callable[[str], bool] | None = None,
        lane: WriteLane | None = None,
        mark_patience: float = MARK_PATIENCE,
    ) -> None:
        self._db = db
        # The holder name of the updates this process queues (a lease owner name; by default one of its
        # own that is never known gone), and who tells whether another holder's process is gone.
        self.owner = owner or f"journal:{uuid.uuid4().hex}"
        self._owner_gone = owner_gone
        self._clock = clock
        self._cipher = cipher
        # A chat's lock lives while a turn holds or waits for it (a weak map: memory does not grow per chat).
        self._locks: weakref.WeakValueDictionary[int, asyncio.Lock] = weakref.WeakValueDictionary()
        self._lock_engine: AsyncEngine | None = None
        self._lock_pool_size = lock_pool_size
        self.takeover_after = takeover_after
        # Updates this process handled while storage was down, so their handled mark could not be written:
        # written before the next take-over, so they are not handled again. If the process dies first,
        # they are taken over (at-least-once), as after any crash.
        self._owed: set[int] = set()
        # How often replicas look for updates to take over: a few times per take-over period.
        self.takeover_every = min(max(takeover_after / 3, timedelta(seconds=1)), timedelta(seconds=5))
        # A later update waits for an earlier one until it is taken over and handled; one older than
        # `_stale` without being handled could not be taken over (no content kept) and is not waited for.
        self._predecessor_wait = takeover_after + 3 * self.takeover_every
        self._stale = 2 * self._predecessor_wait
        # Arrivals and handled marks share the database's write lane (or one of the journal's own).
        lane = lane or WriteLane(db)
        self._arrivals: GroupCommit[_Arrival, _Arrived] = GroupCommit(lane, self._insert_arrivals)
        # A handled mark waits a moment for company (the next update's arrival or dropped screen): at 30
        # replies a second, alone in its transaction it cost more than the rest of its update's writes.
        self._marks: GroupCommit[_Mark, None] = GroupCommit(lane, _mark_batch, patience=mark_patience)
        # SQLite: per chat, the updates this process journaled as fresh and has not handled yet, each with
        # its arrival time when nothing of its chat was waiting then (its turn needs no look), else None.
        # This process's own queue, which no other process needs to know.
        self._own: dict[int, dict[int, datetime | None]] = {}
        # SQLite: how many turns wait for each chat's lock, the chats whose last update's mark is being
        # committed (its turn held meanwhile), and the tasks committing them (awaited by `settle`).
        self._queued_turns: dict[int, int] = {}
        self._settling: set[int] = set()
        self._settlers: set[asyncio.Future[None]] = set()
        # When this process last renewed the lease of every update it holds (`take_over`).
        self._renewed: datetime | None = None

    async def arrived(
        self, update_id: int, chat_id: int | None, now: datetime, content: str | None = None
    ) -> bool:
        """Record the arrival (with the update's `content`, encrypted, so another replica can take it over);
        False when this update_id was recorded before."""
        sealed = self._cipher.encrypt(content) if content is not None and chat_id is not None else None
        if not self._db.is_sqlite or chat_id is None:
            return (await self._arrivals.submit(_Arrival(update_id, chat_id, now, sealed))).fresh
        # Queued as this process's own before it is journaled: a later update of the chat, journaled in
        # another transaction, finds it here whichever commits first.
        own = self._own.setdefault(chat_id, {})
        first_copy = update_id not in own
        own.setdefault(update_id, None)
        try:
            arrival = await self._arrivals.submit(_Arrival(update_id, chat_id, now, sealed))
        except BaseException:
            if first_copy:
                self._forget(chat_id, update_id)
            raise
        if arrival.fresh:
            self._own.setdefault(chat_id, {})[update_id] = now if arrival.alone else None
        elif first_copy:
            self._forget(chat_id, update_id)
        return arrival.fresh

    def _forget(self, chat_id: int, update_id: int) -> None:
        own = self._own.get(chat_id)
        if own is not None:
            own.pop(update_id, None)
            if not own:
                del self._own[chat_id]

    def _needs_no_look(self, chat_id: int, update_id: int) -> bool:
        """Whether nothing can wait before this update and nobody can have handled it (SQLite): it arrived
        here fresh with nothing of its chat waiting, none of this process's earlier ones waits still, and
        its lease has not run out (only then may another replica take it over)."""
        own = self._own.get(chat_id, {})
        arrived = own.get(update_id)
        if arrived is None or min(own) != update_id:
            return False
        lease = max(arrived, self._renewed) if self._renewed is not None else arrived
        return self._clock() - lease < self.takeover_after

    async def _insert_arrivals(
        self, session: AsyncSession, batch: list[_Arrival]
    ) -> list[_Arrived | Exception]:
        # One insert for the batch (insertmanyvalues: one multi-row statement, prebuilt and compiled once);
        # an update_id already stored (or twice in the batch) is not fresh.
        unique = list({arrival.update_id: arrival for arrival in reversed(batch)}.values())
        rows = [
            {
                "update_id": a.update_id,
                "chat_id": a.chat_id,
                "received_at": a.received_at,
                "content_enc": a.content_enc,
                "holder": self.owner,
            }
            for a in unique
        ]
        statement = _ARRIVALS_SQLITE if self._db.is_sqlite else _ARRIVALS_POSTGRES
        inserted = set((await session.execute(statement, rows)).scalars())
        waiting = await self._waiting_before(session, batch, inserted) if self._db.is_sqlite else {}
        results: list[_Arrived | Exception] = []
        for arrival in batch:
            fresh = arrival.update_id in inserted
            first = waiting.get(arrival.chat_id) if arrival.chat_id is not None else None
            results.append(_Arrived(fresh, fresh and (first is None or first > arrival.update_id)))
            inserted.discard(arrival.update_id)  # a second copy in the same batch is a redelivery
        return results

    async def _waiting_before(
        self, session: AsyncSession, batch: list[_Arrival], inserted: set[int]
    ) -> dict[int, int]:
        """Per chat of the batch's new updates, the first of its updates that were unhandled before the batch,
        in one statement (stale ones too: a look would not wait for them, but take-over may renew them)."""
        chats = {a.chat_id for a in batch if a.update_id in inserted and a.chat_id is not None}
        if not chats:
            return {}
        found = await session.execute(
            _FIRST_UNHANDLED, {"chats": sorted(chats), "inserted": sorted(inserted)}
        )
        return {chat_id: update_id for chat_id, update_id in found if chat_id is not None}

    @asynccontextmanager
    async def turn(self, chat_id: int, update_id: int) -> AsyncIterator[bool]:
        """Hold the chat's turn while the update is handled; marks it handled before letting go. Yields
        False when the update was handled meanwhile (by a replica that took it over): skip it."""
        loop = asyncio.get_running_loop()
        # A wait on the wall of this process, not the injected clock: it bounds a lock wait, it is no date.
        deadline = loop.time() + self._predecessor_wait.total_seconds()
        pause = _Pause()
        if self._db.is_sqlite:
            lock = self._locks.get(chat_id)
            if lock is None:
                lock = self._locks[chat_id] = asyncio.Lock()
            while True:
                self._queued_turns[chat_id] = self._queued_turns.get(chat_id, 0) + 1
                if chat_id in self._settling:
                    self._marks.hurry()  # the chat's previous update waits for its mark's company: now
                try:
                    await lock.acquire()
                finally:
                    self._unqueue(chat_id)
                held = True
                try:
                    if self._needs_no_look(chat_id, update_id):
                        waiting, done = False, False
                    else:
                        async with self._db.read() as session:
                            conn = await session.connection()
                            waiting, done = await self._look(conn, chat_id, update_id)
                    if done:
                        self._forget(chat_id, update_id)
                        yield False
                        return
                    if loop.time() >= deadline or not waiting:
                        try:
                            yield True
                        finally:
                            held = False
                            self._settle(chat_id, update_id, lock)
                        return
                finally:
                    if held:
                        lock.release()
                await pause()
        engine = self._engine()
        while True:
            conn = engine.connect()
            await _stored(conn.start())
            try:
                await _stored(conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": chat_id}))
                waiting, done = await _stored(self._look(conn, chat_id, update_id))
                if done:
                    await _stored(conn.rollback())
                    yield False
                    return
                if loop.time() >= deadline or not waiting:
                    try:
                        yield True
                    finally:
                        try:
                            await _stored(conn.execute(_handled(update_id, self._clock())))
                            await _stored(conn.commit())  # also ends the transaction: releases the lock
                        except StorageUnavailable:
                            self._owed.add(update_id)
                    return
                await _stored(conn.rollback())
            finally:
                with contextlib.suppress(StorageUnavailable):
                    await _stored(conn.close())
            await pause()  # the earlier update's replica (or its taker) takes the turn meanwhile

    async def _look(self, conn: AsyncConnection, chat_id: int, update_id: int) -> tuple[bool, bool]:
        """In one round trip: is an earlier update of the chat still waiting, and is this one handled?"""
        since = self._clock() - self._stale
        row = TelegramUpdateRow
        earlier = exists().where(
            col(row.chat_id) == chat_id,
            col(row.update_id) < update_id,
            col(row.handled_at).is_(None),
            col(row.received_at) > since,
        )
        handled = select(col(row.handled_at)).where(col(row.update_id) == update_id).scalar_subquery()
        found = (await conn.execute(select(earlier, handled))).one()
        return bool(found[0]), found[1] is not None

    async def take_over(self, now: datetime, limit: int = 20) -> list[str]:
        """Renew this process's unhandled updates, then claim those of a holder that died (not renewed for
        `takeover_after`, or known gone); returns their content (JSON).

        The claim makes this process their holder and moves their lease to now, so one replica takes each
        at a time; an update given up after `MAX_TAKEOVERS` (its handling kills the process) or whose
        content cannot be read is marked handled with a log line.
        """
        row = TelegramUpdateRow
        # One statement for all of them, however many wait in this process's queue: they are not lost.
        renew = (
            update(row)
            .where(
                col(row.holder) == self.owner,
                col(row.handled_at).is_(None),
                col(row.content_enc).is_not(None),
            )
            .values(received_at=now)
        )
        expired = now - self.takeover_after
        taken: list[str] = []
        async with self._db.write() as session:
            await session.execute(renew)
            gone = await self._gone_holders(session, expired)
            due = (
                select(col(row.update_id), col(row.content_enc), col(row.takeovers))
                .where(
                    col(row.handled_at).is_(None),
                    col(row.content_enc).is_not(None),
                    or_(col(row.received_at) <= expired, col(row.holder).in_(gone)),
                )
                .order_by(col(row.update_id))
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
            owed = sorted(self._owed)
            if owed:  # handled here while storage was down: marked now, never taken over
                await session.execute(
                    update(row).where(col(row.update_id).in_(owed)).values(handled_at=now, content_enc=None)
                )
            rows = (await session.execute(due)).all()
            for update_id, sealed, takeovers in rows:
                content = self._open(update_id, sealed, takeovers)
                if content is None:
                    await session.execute(_handled(update_id, now))
                    continue
                await session.execute(
                    update(row)
                    .where(col(row.update_id) == update_id)
                    .values(received_at=now, takeovers=takeovers + 1, holder=self.owner)
                )
                taken.append(content)
        self._owed.difference_update(owed)
        self._renewed = now
        if taken:
            log.warning("took over %s update(s) left unhandled by a replica that stopped", len(taken))
        return taken

    async def _gone_holders(self, session: AsyncSession, expired: datetime) -> list[str]:
        """The other holders of live leases whose process is known gone (their updates need not wait)."""
        if self._owner_gone is None:
            return []
        row = TelegramUpdateRow
        holders = (
            select(col(row.holder))
            .where(
                col(row.handled_at).is_(None),
                col(row.content_enc).is_not(None),
                col(row.received_at) > expired,
                col(row.holder).is_not(None),
                col(row.holder) != self.owner,
            )
            .distinct()
        )
        return [
            h for h in (await session.execute(holders)).scalars() if h is not None and self._owner_gone(h)
        ]

    def _open(self, update_id: int, sealed: str | None, takeovers: int) -> str | None:
        if sealed is None:
            return None  # the query asks for content; kept for the type checker
        if takeovers >= MAX_TAKEOVERS:
            log.error("update %s given up: its handling stopped its process %s times", update_id, takeovers)
            return None
        try:
            return self._cipher.decrypt(sealed)
        except CredentialDecryptError:
            log.warning("update %s cannot be taken over: its content cannot be decrypted", update_id)
            return None

    def _unqueue(self, chat_id: int) -> None:
        left = self._queued_turns[chat_id] - 1
        if left:
            self._queued_turns[chat_id] = left
        else:
            del self._queued_turns[chat_id]

    def _settle(self, chat_id: int, update_id: int, lock: asyncio.Lock) -> None:
        """SQLite: the update is handled; its mark is committed in the background (the handler's slot is
        free at once), the chat's turn held until then. A chat whose next update waits gets it at once."""
        marked = self._marks.queue(_Mark(update_id, self._clock()))
        if self._queued_turns.get(chat_id):
            self._marks.hurry()
        self._settling.add(chat_id)
        self._settlers.add(marked)

        def committed(done: asyncio.Future[None]) -> None:
            # A callback, not a task: the mark's transaction resolves it, nothing else runs for it.
            self._settlers.discard(done)
            self._settling.discard(chat_id)
            self._forget(chat_id, update_id)
            lock.release()
            failure = None if done.cancelled() else done.exception()
            if isinstance(failure, StorageUnavailable):
                self._owed.add(update_id)
            elif failure is not None:
                log.error(
                    "the handled mark of update %s failed (%s); it may be handled again",
                    update_id,
                    type(failure).__name__,
                )
                self._owed.add(update_id)

        marked.add_done_callback(committed)

    async def settle(self) -> None:
        """Commit the handled marks still waiting for company (SQLite; at shutdown)."""
        while self._settlers:
            self._marks.hurry()
            await asyncio.wait(list(self._settlers))

    def _engine(self) -> AsyncEngine:
        # Turns hold a connection while their update is handled: a pool of their own keeps them from
        # starving the handlers' own queries.
        if self._lock_engine is None:
            self._lock_engine = create_async_engine(
                self._db.target.url, pool_size=self._lock_pool_size, max_overflow=0, pool_pre_ping=True
            )
        return self._lock_engine

    async def dispose(self) -> None:
        """Close the turns' connections."""
        if self._lock_engine is not None:
            await self._lock_engine.dispose()
            self._lock_engine = None


async def _stored(step: Awaitable[T]) -> T:
    """One step on the turns' own connection, its storage failures told as StorageUnavailable."""
    try:
        return await step
    except Exception as exc:
        if isinstance(exc, StorageUnavailable) or not storage_fault(exc):
            raise
        raise StorageUnavailable(f"chat turn: {describe(exc)}") from exc


@dataclass(frozen=True, slots=True)
class _Arrival:
    update_id: int
    chat_id: int | None
    received_at: datetime
    content_enc: str | None


@dataclass(frozen=True, slots=True)
class _Arrived:
    fresh: bool
    # No earlier update of its chat was unhandled when it arrived (SQLite; always False when not fresh).
    alone: bool


@dataclass(frozen=True, slots=True)
class _Mark:
    update_id: int
    handled_at: datetime


async def _mark_batch(session: AsyncSession, batch: list[_Mark]) -> list[Exception | None]:
    # One statement for the batch: handled at the latest of their times (each was handled by then).
    latest = max(mark.handled_at for mark in batch)
    await session.execute(_MARK, {"ids": [mark.update_id for mark in batch], "at": latest})
    return [None] * len(batch)


# The journal's statements of every update, built once: building them cost more CPU than running them.
_TABLE: Table = TelegramUpdateRow.__table__  # type: ignore[attr-defined]
_ARRIVALS_SQLITE = (
    sqlite.insert(_TABLE).on_conflict_do_nothing(index_elements=["update_id"]).returning(_TABLE.c.update_id)
)
_ARRIVALS_POSTGRES = (
    postgresql.insert(_TABLE)
    .on_conflict_do_nothing(index_elements=["update_id"])
    .returning(_TABLE.c.update_id)
)
# Per chat, the first of its updates unhandled before a batch (its own new rows left out).
_FIRST_UNHANDLED = (
    select(_TABLE.c.chat_id, func.min(_TABLE.c.update_id))
    .where(
        _TABLE.c.chat_id.in_(bindparam("chats", expanding=True)),
        _TABLE.c.handled_at.is_(None),
        _TABLE.c.update_id.not_in(bindparam("inserted", expanding=True)),
    )
    .group_by(_TABLE.c.chat_id)
)
# The content leaves with the same write that marks the updates handled (the Core table: no ORM bulk path).
_MARK = (
    update(_TABLE)
    .where(_TABLE.c.update_id.in_(bindparam("ids", expanding=True)))
    .values(handled_at=bindparam("at"), content_enc=None)
)


def _handled(update_id: int, now: datetime) -> Update:
    # The content leaves with the same write that marks the update handled.
    return (
        update(TelegramUpdateRow)
        .where(col(TelegramUpdateRow.update_id) == update_id)
        .values(handled_at=now, content_enc=None)
    )
