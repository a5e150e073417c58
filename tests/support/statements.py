"""Recording the SQL an engine runs: what a code path costs the database, asserted in tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from bot.persistence.engine import Database


@contextmanager
def recorded(db: Database) -> Iterator[list[str]]:
    """Every SQL statement and every commit (as 'COMMIT') the engine runs inside the block."""
    seen: list[str] = []

    def statement(_conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        seen.append(" ".join(sql.split()))

    def commit(_conn: Any) -> None:
        seen.append("COMMIT")

    for engine in db.engines:
        event.listen(engine, "before_cursor_execute", statement)
        event.listen(engine, "commit", commit)
    try:
        yield seen
    finally:
        for engine in db.engines:
            event.remove(engine, "before_cursor_execute", statement)
            event.remove(engine, "commit", commit)
