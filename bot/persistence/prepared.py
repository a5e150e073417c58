"""A hot SELECT run on SQLite's own cursor, its rows decoded by SQLAlchemy's own result processors.

Why: a warm /status reads its card in one SELECT (`SqlVehicleStateRepository.card_of`). Run through
SQLAlchemy's Core execution (cache key, compiled cache, execution context, result metadata), that read
took about 200 µs of CPU in a tight loop, the statement itself about 30 µs; inside the bot, after the
event loop's idle waits between replies, its large code path cost about a fifth of the update's CPU
(py-spy, bench.bot_updates). Here the SQL text is compiled once per dialect, run on the DBAPI cursor, and
each value goes through the processor SQLAlchemy itself would apply (`TypeEngine.result_processor`: JSON
decoding, booleans, the UTC datetimes of `tables.py`), so a row reads as SQLAlchemy's would.

Only SQLite takes this way (its reads run at once on the event loop, `Database.read_now`); PostgreSQL runs
the statement through SQLAlchemy. Only statements whose parameters need no conversion (plain integers and
strings) may be prepared: anything else is refused when the statement is built, not at run time.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Select
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.compiler import SQLCompiler

Processor = Callable[[Any], Any] | None


@dataclass(frozen=True, slots=True)
class _Compiled:
    sql: str
    order: tuple[str, ...]  # the parameters' names in the order of the SQL's placeholders
    processors: tuple[Processor, ...]  # one per selected column, None when the value is used as it comes


class PreparedSelect:
    """A SELECT compiled once per dialect; on SQLite run on the sqlite3 cursor, elsewhere by SQLAlchemy."""

    def __init__(self, statement: Select[Any]) -> None:
        self._statement = statement
        # The names SQLAlchemy's Row would give the columns (duplicates already told apart by it).
        row = namedtuple("PreparedRow", statement.selected_columns.keys())  # type: ignore[misc]
        self._make: Callable[[Iterable[Any]], tuple[Any, ...]] = row._make
        self._compiled: dict[str, _Compiled] = {}
        _check_parameters(statement, sqlite.dialect())  # refused here, when built, not at run time

    def all(self, conn: Connection, parameters: Mapping[str, Any]) -> Sequence[Any]:
        """Every row, its columns by name (as on SQLAlchemy's Row)."""
        if conn.dialect.name != "sqlite":
            return conn.execute(self._statement, dict(parameters)).all()
        # Compiled again for the engine's own dialect: its result processors are the ones to apply.
        compiled = self._compiled.get(conn.dialect.driver) or self._compile(conn.dialect)
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(compiled.sql, [parameters[name] for name in compiled.order])
            found = cursor.fetchall()
        finally:
            cursor.close()
        make, processors = self._make, compiled.processors
        return [
            make([value if p is None else p(value) for p, value in zip(processors, row, strict=True)])
            for row in found
        ]

    def _compile(self, dialect: Dialect) -> _Compiled:
        compiled = _check_parameters(self._statement, dialect)
        processors = tuple(
            column.type.dialect_impl(dialect).result_processor(dialect, None)
            for column in self._statement.selected_columns
        )
        prepared = _Compiled(str(compiled), tuple(compiled.positiontup or ()), processors)
        self._compiled[dialect.driver] = prepared
        return prepared


def _check_parameters(statement: Select[Any], dialect: Dialect) -> SQLCompiler:
    """The statement compiled for `dialect`; ValueError when a parameter would need converting."""
    compiled = statement.compile(dialect=dialect)
    assert isinstance(compiled, SQLCompiler)
    for bind in compiled.binds.values():
        if bind.type.dialect_impl(dialect).bind_processor(dialect) is not None:
            raise ValueError(f"parameter {bind.key!r} needs conversion: not a statement to prepare")
    return compiled
