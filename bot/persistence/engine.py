"""Database URL parsing, the async engine with its SQLite pragmas, and serialised write transactions."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

DEFAULT_DATABASE_URL = "sqlite:///data/bot.db"

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
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    # Deleted rows are overwritten, so a logged-out account's VIN or ciphertext does not linger in free pages.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
    # Let SQLAlchemy's "begin" hook open transactions itself, so a write can say BEGIN IMMEDIATE (below).
    dbapi_connection.isolation_level = None


_BEGIN_OPTION = "sqlite_begin"


def _begin_sqlite(conn: Any) -> None:
    # A write transaction takes SQLite's write lock up front (BEGIN IMMEDIATE): a read-then-write transaction
    # of another process can then never interleave with ours (two pollers claiming the same vehicles), and a
    # busy database is waited for (busy_timeout) instead of failing on a stale snapshot.
    mode = conn.get_execution_options().get(_BEGIN_OPTION, "")
    conn.exec_driver_sql(f"BEGIN {mode}".strip())


def create_engine_for(target: DatabaseTarget) -> AsyncEngine:
    """Build the async engine; for SQLite create the folder and set WAL, foreign keys and a busy timeout."""
    if not target.is_sqlite:
        return create_async_engine(target.url, pool_pre_ping=True)
    path = target.sqlite_path
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(target.url)
    event.listen(engine.sync_engine, "connect", _set_sqlite_pragmas)
    event.listen(engine.sync_engine, "begin", _begin_sqlite)
    return engine


class Database:
    """The engine plus session factories: `read()` for queries, `write()` for one serialised transaction."""

    def __init__(self, target: DatabaseTarget, engine: AsyncEngine | None = None) -> None:
        self.target = target
        self.engine = engine or create_engine_for(target)
        self._sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self._write_sessions = async_sessionmaker(
            self.engine,
            expire_on_commit=False,
            execution_options={_BEGIN_OPTION: "IMMEDIATE"} if target.is_sqlite else {},
        )
        # SQLite allows one writer: queueing writers here (instead of in SQLite's busy loop) means the poller
        # and the handlers never see 'database is locked'.
        self._write_lock = asyncio.Lock() if target.is_sqlite else None

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
        """A session for queries; nothing is committed."""
        async with self._sessions() as session:
            yield session

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        """One transaction, committed on success and rolled back on error; serialised on SQLite."""
        if self._write_lock is None:
            async with self._sessions() as session, session.begin():
                yield session
            return
        async with self._write_lock, self._write_sessions() as session, session.begin():
            yield session

    async def checkpoint(self) -> None:
        """On SQLite, move the WAL into the main file and truncate it (deleted data leaves the -wal too)."""
        if self._write_lock is None:
            return
        async with self._write_lock, self.engine.connect() as conn:
            await conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()
