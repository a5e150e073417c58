"""Recording the SQL an engine runs: what a code path costs the database, asserted in tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event

from bot.persistence.engine import Database


@contextmanager
def recorded(db: Database) -> Iterator[list[str]]:
    """Every SQL statement and every commit (as 'COMMIT') the database runs inside the block."""
    seen: list[str] = []

    def statement(_conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        seen.append(" ".join(sql.split()))

    def commit(_conn: Any) -> None:
        seen.append("COMMIT")

    def traced(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.set_trace_callback(lambda sql: seen.append(" ".join(sql.split())))

    # `read_now`'s SQLite engine also runs prepared statements on the sqlite3 cursor itself, which no
    # SQLAlchemy event sees: its connections are traced by sqlite3 (opened anew for the block).
    readers = [engine for engine in db.engines if _is_sqlite_reader(engine)]
    engines = [engine for engine in db.engines if engine not in readers]
    for engine in readers:
        engine.dispose()
        event.listen(engine, "connect", traced)
    for engine in engines:
        event.listen(engine, "before_cursor_execute", statement)
        event.listen(engine, "commit", commit)
    try:
        yield seen
    finally:
        for engine in readers:
            event.remove(engine, "connect", traced)
            engine.dispose()
        for engine in engines:
            event.remove(engine, "before_cursor_execute", statement)
            event.remove(engine, "commit", commit)


def _is_sqlite_reader(engine: Engine) -> bool:
    return engine.dialect.driver == "pysqlite"
