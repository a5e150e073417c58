"""Database URL parsing, the async engine with its SQLite pragmas, and serialised write transactions."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from bot.persistence.sqlite_driver import OneTripConnection, connector
from bot.persistence.storage_faults import StorageBackoff, storage_fault
from bot.services.errors import StorageUnavailable

DEFAULT_DATABASE_URL = "sqlite:///data/bot.db"

# SQLite connections kept open: one per update handled at once (GraphOptions.concurrent_updates, 16) plus
# the poller and the group commits. A burst needing more opened and closed connections (and their aiosqlite
# threads) per update: a tenth of a warm /status's CPU went to it.
SQLITE_POOL_SIZE = 24

# Long enough for a checkpoint or another process (the migrate CLI) to finish, short enough to surface a hang.
SQLITE_BUSY_TIMEOUT_MS = 15_000


class DatabaseUrlError(ValueError):
    """DATABASE_URL is malformed or names an unsupported database; the message never repeats a password."""


@dataclass(frozen=True, slots=True)
class DatabaseTarget:
    """A parsed DATABASE_URL: the async SQLAlchemy URL and which dialect family it is."""

    url: URL
    is_sqlite: bool

    @property
    def sqlite_path(self) -> Path | None:
        """The database file for SQLite (None for in-memory or PostgreSQL)."""
        if not self.is_sqlite or not self.url.database or self.url.database == ":memory:":
            return None
        return Path(self.url.database)


_SQLITE_SCHEMES = {"sqlite", "sqlite+aiosqlite"}
_POSTGRES_SCHEMES = {"postgresql", "postgres", "postgresql+asyncpg"}


def parse_database_url(raw: str | None) -> DatabaseTarget:
    """Map a DATABASE_URL as users write it to the async driver; raise `DatabaseUrlError` when unusable."""
    text = (raw or "").strip() or DEFAULT_DATABASE_URL
    try:
        url = make_url(text)
    except ArgumentError:
        raise DatabaseUrlError(
            "DATABASE_URL is malformed: expected sqlite:///relative/path, sqlite:////absolute/path "
            "or postgresql://user@host:port/db"
        ) from None
    scheme = url.drivername.lower()
    if scheme in _SQLITE_SCHEMES:
        if not url.database:
            raise DatabaseUrlError("DATABASE_URL for SQLite needs a file path: sqlite:///data/bot.db")
        return DatabaseTarget(url.set(drivername="sqlite+aiosqlite"), is_sqlite=True)
    if scheme in _POSTGRES_SCHEMES:
        if not url.database or not url.host:
            raise DatabaseUrlError("DATABASE_URL for PostgreSQL needs a host and a database name")
        return DatabaseTarget(url.set(drivername="postgresql+asyncpg"), is_sqlite=False)
    raise DatabaseUrlError(
        f"DATABASE_URL uses an unsupported database {url.get_backend_name()!r}: use sqlite or postgresql"
    )


def _set_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    # No waiting on the event loop: a statement that meets another connection's lock fails at once and the
    # driver waits for it on aiosqlite's thread, SQLITE_BUSY_TIMEOUT_MS at most (sqlite_driver.py).
    cursor.execute("PRAGMA busy_timeout=0")
    # Deleted rows are overwritten, so a logged-out account's VIN or ciphertext does not linger in free pages.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
    # Let SQLAlchemy's "begin" hook open transactions itself, so a write can say BEGIN IMMEDIATE (below).
    dbapi_connection.isolation_level = None


_BEGIN_OPTION = "sqlite_begin"


# A read session's option: no BEGIN at all (see _begin_sqlite).
_NO_BEGIN = "none"


def _begin_sqlite(conn: Any) -> None:
    # A write transaction takes SQLite's write lock up front (BEGIN IMMEDIATE): a read-then-write transaction
    # of another process can then never interleave with ours (two pollers claiming the same vehicles), and a
    # busy database is waited for (busy_timeout) instead of failing on a stale snapshot.
    mode = conn.get_execution_options().get(_BEGIN_OPTION, "")
    if mode == _NO_BEGIN:
        # A read session: each SELECT is its own transaction, as under PostgreSQL's READ COMMITTED, and the
        # BEGIN's round trips to aiosqlite's thread (a third of a short read's cost) are spared.
        return
    conn.exec_driver_sql(f"BEGIN {mode}".strip())


def create_engine_for(target: DatabaseTarget) -> AsyncEngine:
    """Build the async engine; for SQLite create the folder and set WAL, foreign keys and a busy timeout.

    Raises StorageUnavailable when the SQLite folder cannot be created (read-only parent, a file in the way).
    """
    if not target.is_sqlite:
        return create_async_engine(target.url, pool_pre_ping=True)
    path = target.sqlite_path
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageUnavailable(
                f"the database folder {path.parent} cannot be created ({exc.strerror or type(exc).__name__})"
            ) from None
    # Every session ends its transaction itself (commit, or rollback on close): the pool's own rollback on
    # check-in would be one more round trip to aiosqlite's thread per session, for nothing.
    # A file database gets a queue pool sized for the bot's concurrency; in memory, SQLAlchemy's single
    # shared connection stays.
    sizes: dict[str, int] = {"pool_size": SQLITE_POOL_SIZE} if path is not None else {}
    engine = create_async_engine(
        target.url, pool_reset_on_return=None, async_creator=lambda: connect(), **sizes
    )

    def connect() -> Awaitable[OneTripConnection]:
        # The arguments the dialect would have given aiosqlite.connect (the file, check_same_thread...).
        args, kwargs = engine.sync_engine.dialect.create_connect_args(engine.url)
        return connector(args, kwargs, SQLITE_BUSY_TIMEOUT_MS)()

    event.listen(engine.sync_engine, "connect", _set_sqlite_pragmas)
    event.listen(engine.sync_engine, "begin", _begin_sqlite)
    return engine


class Database:
    """The engine plus session factories: `read()` for queries, `write()` for one serialised transaction."""

    def __init__(
        self,
        target: DatabaseTarget,
        engine: AsyncEngine | None = None,
        *,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.target = target
        self.engine = engine or create_engine_for(target)
        # Reads open no transaction: on SQLite no BEGIN (_begin_sqlite); on PostgreSQL autocommit, sparing a
        # BEGIN and a ROLLBACK round trip per read session. Under READ COMMITTED each statement had its own
        # snapshot anyway, so a read sees the same data.
        self._sessions = async_sessionmaker(
            self.engine if target.is_sqlite else self.engine.execution_options(isolation_level="AUTOCOMMIT"),
            expire_on_commit=False,
            execution_options={_BEGIN_OPTION: _NO_BEGIN} if target.is_sqlite else {},
        )
        self._transactions = async_sessionmaker(self.engine, expire_on_commit=False)
        self._write_sessions = async_sessionmaker(
            self.engine,
            expire_on_commit=False,
            execution_options={_BEGIN_OPTION: "IMMEDIATE"} if target.is_sqlite else {},
        )
        # SQLite allows one writer: queueing writers here (instead of in SQLite's busy loop) means the poller
        # and the handlers never see 'database is locked'.
        self._write_lock = asyncio.Lock() if target.is_sqlite else None
        # A full disk stops writes only; a server that is down stops both: each kind backs off on its own.
        self.reads = StorageBackoff("reads", monotonic)
        self.writes = StorageBackoff("writes", monotonic)

    @classmethod
    def from_url(cls, raw: str | None) -> Database:
        """Parse DATABASE_URL and build the engine."""
        return cls(parse_database_url(raw))

    @property
    def is_sqlite(self) -> bool:
        """Whether the database is SQLite (single writer, no row locks)."""
        return self.target.is_sqlite

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """A session for queries; nothing is committed. Raises StorageUnavailable when storage fails."""
        self.reads.check()
        try:
            async with self._sessions() as session:
                yield session
        except Exception as exc:
            fault = self._fault(exc, self.reads)
            if fault is exc:
                raise
            raise fault from exc
        self.reads.succeeded()

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        """One transaction, committed on success and rolled back on error; serialised on SQLite. Raises
        StorageUnavailable when storage fails (at once while backing off after a failure)."""
        self.writes.check()
        try:
            if self._write_lock is None:
                async with self._transactions() as session, session.begin():
                    yield session
            else:
                async with self._write_lock, self._write_sessions() as session, session.begin():
                    yield session
        except Exception as exc:
            fault = self._fault(exc, self.writes)
            if fault is exc:
                raise
            raise fault from exc
        self.writes.succeeded()

    @staticmethod
    def _fault(exc: Exception, backoff: StorageBackoff) -> Exception:
        # Errors of the caller's own code and refused constraints go through as they are.
        if isinstance(exc, StorageUnavailable) or not storage_fault(exc):
            return exc
        return backoff.failed(exc)

    async def checkpoint(self) -> None:
        """On SQLite, move the WAL into the main file and truncate it (deleted data leaves the -wal too)."""
        if self._write_lock is None:
            return
        try:
            async with self._write_lock, self.engine.connect() as conn:
                await conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        except Exception as exc:
            fault = self._fault(exc, self.writes)
            if fault is exc:
                raise
            raise fault from exc

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()
