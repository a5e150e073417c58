"""Database URL parsing, the async engine with its SQLite pragmas, and serialised write transactions."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from bot.persistence.sqlite_driver import OneTripConnection, busy, connector
from bot.persistence.storage_faults import StorageBackoff, storage_fault
from bot.services.ports import StorageUnavailable

T = TypeVar("T")

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


def create_sqlite_reader(target: DatabaseTarget) -> Engine | None:
    """A synchronous engine on the same SQLite file for `Database.read_now` (None for an in-memory database,
    which another engine would not see). Its connections never wait for a lock (busy timeout 0) and open no
    transaction (each SELECT is its own, as in read sessions)."""
    if not target.is_sqlite or target.sqlite_path is None:
        return None
    # Used only from the event loop's thread, one connection at a time (a query runs without awaiting).
    engine = create_engine(
        target.url.set(drivername="sqlite+pysqlite"),
        connect_args={"check_same_thread": False, "timeout": 0},
        pool_size=1,
        max_overflow=4,
        pool_reset_on_return=None,
    )
    event.listen(engine, "connect", _set_sqlite_pragmas)
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
        self._reader = create_sqlite_reader(target)
        # `read_now` off the fast path: SQLite's wait for a lock, or PostgreSQL (no transaction either way).
        self._read_engine = self.engine.execution_options(
            **({_BEGIN_OPTION: _NO_BEGIN} if target.is_sqlite else {"isolation_level": "AUTOCOMMIT"})
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
    def engines(self) -> tuple[Engine, ...]:
        """Every engine that runs this database's statements (the async one's core, and `read_now`'s), for
        instrumentation."""
        return (self.engine.sync_engine,) if self._reader is None else (self.engine.sync_engine, self._reader)

    @property
    def is_sqlite(self) -> bool:
        """Whether the database is SQLite (single writer, no row locks)."""
        return self.target.is_sqlite

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """A session for queries; nothing is committed. Raises StorageUnavailable when storage fails."""
        with self._guarded(self.reads):
            async with self._sessions() as session:
                yield session

    async def read_now(self, query: Callable[[Connection], T]) -> T:
        """Run `query` (synchronous and read-only, on a plain connection) and return what it returns.

        The hot reads' way (a warm /status's card): on a SQLite file, at once on the event loop, on a
        sqlite3 connection of a pool of its own, without a session, a greenlet or a task, which cost a short
        read several times its statement; a query that meets another connection's lock (SQLITE_BUSY, rare
        for a reader in WAL mode) runs again on an async connection, which waits for it off the loop.
        PostgreSQL: on a pooled connection in autocommit. Raises StorageUnavailable when storage fails."""
        with self._guarded(self.reads):
            return await self._read_now(query)

    async def _read_now(self, query: Callable[[Connection], T]) -> T:
        if self._reader is not None:
            try:
                with self._reader.connect() as conn:
                    return query(conn)
            except OperationalError as exc:
                if not (isinstance(exc.orig, sqlite3.OperationalError) and busy(exc.orig)):
                    raise
        async with self._read_engine.connect() as conn:
            return await conn.run_sync(query)

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        """One transaction, committed on success and rolled back on error; serialised on SQLite. Raises
        StorageUnavailable when storage fails (at once while backing off after a failure)."""
        with self._guarded(self.writes):
            if self._write_lock is None:
                async with self._transactions() as session, session.begin():
                    yield session
            else:
                async with self._write_lock, self._write_sessions() as session, session.begin():
                    yield session

    @contextmanager
    def _guarded(self, backoff: StorageBackoff) -> Iterator[None]:
        """Fail at once while `backoff` waits after a failure; a storage failure inside becomes
        StorageUnavailable (and starts or extends the back-off), a success ends it."""
        backoff.check()
        try:
            yield
        except Exception as exc:
            fault = self._fault(exc, backoff)
            if fault is exc:
                raise
            raise fault from exc
        backoff.succeeded()

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
        if self._reader is not None:
            self._reader.dispose()
        await self.engine.dispose()
