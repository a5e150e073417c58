"""aiosqlite, its statements run on the event loop, for SQLAlchemy's aiosqlite dialect.

aiosqlite runs every sqlite3 call on a thread of its own and hands the result back to the event loop; the
dialect makes four such trips per statement (open a cursor, execute, fetch, close). Each trip wakes a thread,
passes the GIL back and forth and wakes the loop again: for the bot's statements (indexed lookups, a few rows;
microseconds in SQLite) that cost far more CPU than the statement, and it taxed everything else the process
did (bench.bot_updates: 1.5 ms of a warm /status's CPU). Here a statement runs, is fetched and closed in one
call, on the loop's own thread; what the dialect reads afterwards (description, rows, rowcount, lastrowid) is
in hand.

Only a wait goes to aiosqlite's thread. The connection's busy timeout is 0, so a statement that would wait
for a lock another connection holds (another process on the file, a second engine in tests) fails at once
with SQLITE_BUSY instead of blocking the loop; it is then run again on the thread, with `busy_timeout_ms` of
patience, while the loop goes on (a lock held by this very process is released meanwhile). A statement that
got SQLITE_BUSY did nothing, so running it again is safe. The price: a long statement holds the loop for its
duration; the bot's are short (docs/scaling.md has the sweep's at 10,000 cars).

Plugged in through SQLAlchemy's own `async_creator` hook (`bot/persistence/engine.py`): the dialect, its
pool and its error handling stay SQLAlchemy's and aiosqlite's.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

import aiosqlite

T = TypeVar("T")

_Outcome = tuple[Any, int, int | None, list[Any]]


def _run(conn: sqlite3.Connection, sql: str, parameters: Any) -> _Outcome:
    """On the connection's thread: execute, fetch every row, close; what the dialect will read."""
    cursor = conn.cursor()
    try:
        cursor.execute(sql, parameters)
        description = cursor.description
        rows = cursor.fetchall() if description else []
        return description, cursor.rowcount, cursor.lastrowid, rows
    finally:
        cursor.close()


def _run_many(conn: sqlite3.Connection, sql: str, seq_of_parameters: Iterable[Any]) -> _Outcome:
    cursor = conn.cursor()
    try:
        cursor.executemany(sql, seq_of_parameters)
        return cursor.description, cursor.rowcount, cursor.lastrowid, []
    finally:
        cursor.close()


class StatementCursor:
    """The cursor the dialect gets: each execute is one trip; fetching and closing are local."""

    def __init__(self, connection: OneTripConnection) -> None:
        self._connection = connection
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self.arraysize = 1
        self._rows: list[Any] = []

    async def __aenter__(self) -> StatementCursor:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        self._rows = []

    async def execute(self, sql: str, parameters: Any = ()) -> StatementCursor:
        """Run the statement and keep its rows."""
        self._took(await self._connection.run(_run, sql, parameters))
        return self

    async def executemany(self, sql: str, seq_of_parameters: Iterable[Any]) -> StatementCursor:
        """Run the statement once per parameter set, in one trip."""
        self._took(await self._connection.run(_run_many, sql, list(seq_of_parameters)))
        return self

    def _took(self, outcome: _Outcome) -> None:
        self.description, self.rowcount, self.lastrowid, self._rows = outcome

    async def fetchall(self) -> list[Any]:
        """Every row not fetched yet."""
        rows, self._rows = self._rows, []
        return rows

    async def fetchone(self) -> Any:
        """The next row, or None."""
        return self._rows.pop(0) if self._rows else None

    async def fetchmany(self, size: int | None = None) -> Sequence[Any]:
        """Up to `size` rows (`arraysize` by default)."""
        count = self.arraysize if size is None else size
        rows, self._rows = self._rows[:count], self._rows[count:]
        return rows

    async def close(self) -> None:
        """Drop the rows left (the sqlite3 cursor is closed already)."""
        self._rows = []


class OneTripConnection(aiosqlite.Connection):
    """aiosqlite's connection whose statements run on the loop in one call each, waits on its thread."""

    busy_timeout_ms = 15_000  # how long a statement waits for another connection's lock (on the thread)

    def cursor(self) -> StatementCursor:  # type: ignore[override]
        """A statement cursor (aiosqlite's own opens a sqlite3 cursor in a trip of its own)."""
        return StatementCursor(self)

    async def rollback(self) -> None:
        """Roll back; nothing to do when no transaction is open (a read session's end)."""
        if self._conn.in_transaction:
            await self.run(_rollback)

    async def commit(self) -> None:
        """Commit; nothing to do when no transaction is open."""
        if self._conn.in_transaction:
            await self.run(_commit)

    async def run(self, function: Callable[..., T], *args: Any) -> T:
        """`function(sqlite3_connection, *args)` on the loop; on SQLITE_BUSY, again on the thread, waiting."""
        try:
            return function(self._conn, *args)
        except sqlite3.OperationalError as exc:
            if not busy(exc):
                raise
        connection, patience = self._conn, self.busy_timeout_ms
        outcome: T = await self._execute(lambda: _patiently(connection, patience, function, args))  # type: ignore[no-untyped-call]
        return outcome


def _rollback(conn: sqlite3.Connection) -> None:
    conn.rollback()


def _commit(conn: sqlite3.Connection) -> None:
    conn.commit()


def busy(exc: sqlite3.OperationalError) -> bool:
    """Whether SQLite refused for a lock another connection holds (extended codes included)."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is None:  # not set by every sqlite3 error path
        return "locked" in str(exc)
    return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def _patiently(
    conn: sqlite3.Connection, timeout_ms: int, function: Callable[..., T], args: tuple[Any, ...]
) -> T:
    """On aiosqlite's thread: run `function` with a busy timeout, then back to none for the loop."""
    conn.execute(f"PRAGMA busy_timeout={int(timeout_ms)}")
    try:
        return function(conn, *args)
    finally:
        conn.execute("PRAGMA busy_timeout=0")


def connector(
    args: Sequence[Any], kwargs: Mapping[str, Any], busy_timeout_ms: int
) -> Callable[[], Awaitable[OneTripConnection]]:
    """SQLAlchemy's `async_creator`: a new connection with the arguments the dialect would have used."""

    # No busy handler from the start (sqlite3's default waits 5 s): the connection's first statements (the
    # pragmas) run on the loop too, and a lock met there must go to the thread like any other.
    immediate = {**kwargs, "timeout": 0}

    async def connect() -> OneTripConnection:
        connection = OneTripConnection(lambda: sqlite3.connect(*args, **immediate), iter_chunk_size=64)
        connection.busy_timeout_ms = busy_timeout_ms
        # As SQLAlchemy's dialect does: the worker thread must not keep the process alive at exit.
        connection._thread.daemon = True
        await connection
        return connection

    return connect
