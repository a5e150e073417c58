"""aiosqlite with one trip to its thread per statement, for SQLAlchemy's aiosqlite dialect.

aiosqlite runs every sqlite3 call on a thread of its own and hands the result back to the event loop; the
dialect makes four such trips per statement (open a cursor, execute, fetch, close). Each trip wakes a thread
and passes the GIL back and forth, which cost more CPU than the statement itself: a warm /status made some
fifty of them. Here `cursor()` returns a cursor whose `execute` runs, fetches and closes in a single trip;
what the dialect reads afterwards (description, rows, rowcount, lastrowid) is already in hand.

Plugged in through SQLAlchemy's own `async_creator` hook (`bot/persistence/engine.py`): the dialect, its
pool and its error handling stay SQLAlchemy's and aiosqlite's.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from typing import Any

import aiosqlite

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
        self._took(await self._connection.on_thread(_run, sql, parameters))
        return self

    async def executemany(self, sql: str, seq_of_parameters: Iterable[Any]) -> StatementCursor:
        """Run the statement once per parameter set, in one trip."""
        self._took(await self._connection.on_thread(_run_many, sql, list(seq_of_parameters)))
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
    """aiosqlite's connection whose cursors make one trip per statement."""

    def cursor(self) -> StatementCursor:  # type: ignore[override]
        """A statement cursor (aiosqlite's own opens a sqlite3 cursor in a trip of its own)."""
        return StatementCursor(self)

    async def rollback(self) -> None:
        """Roll back; no trip when no transaction is open (a read session's end: sqlite3 would do nothing)."""
        if self._conn.in_transaction:
            await super().rollback()

    async def commit(self) -> None:
        """Commit; no trip when no transaction is open (sqlite3 would do nothing)."""
        if self._conn.in_transaction:
            await super().commit()

    async def on_thread(self, function: Callable[..., _Outcome], *args: Any) -> _Outcome:
        """Run `function(sqlite3_connection, *args)` on the connection's thread."""
        outcome: _Outcome = await self._execute(lambda: function(self._conn, *args))  # type: ignore[no-untyped-call]
        return outcome


def connector(args: Sequence[Any], kwargs: Mapping[str, Any]) -> Callable[[], Awaitable[OneTripConnection]]:
    """SQLAlchemy's `async_creator`: a new connection with the arguments the dialect would have used."""

    async def connect() -> OneTripConnection:
        connection = OneTripConnection(lambda: sqlite3.connect(*args, **kwargs), iter_chunk_size=64)
        # As SQLAlchemy's dialect does: the worker thread must not keep the process alive at exit.
        connection._thread.daemon = True
        await connection
        return connection

    return connect
