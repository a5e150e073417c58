"""Alembic migrations: find the scripts (installed wheel or checkout) and upgrade/downgrade a database."""

from __future__ import annotations

import asyncio
import importlib.resources
import sqlite3
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection

from bot.persistence.engine import Database, parse_database_url
from bot.persistence.storage_faults import describe, storage_fault
from bot.services.ports import StorageUnavailable

# In a wheel the top-level `alembic/` folder is shipped as the `bot._alembic` package (see pyproject).
_PACKAGED = "_alembic"


def script_location() -> Path:
    """The folder holding env.py and versions/: packaged in the wheel, or top-level in a checkout."""
    packaged = importlib.resources.files("bot") / _PACKAGED
    if packaged.is_dir() and (packaged / "env.py").is_file():
        return Path(str(packaged))
    checkout = Path(str(importlib.resources.files("bot"))).parent / "alembic"
    if (checkout / "env.py").is_file():
        return checkout
    raise FileNotFoundError("the Alembic migration scripts are missing from this installation")


def alembic_config() -> Config:
    """An Alembic config pointing at our scripts (no alembic.ini needed)."""
    config = Config()
    config.set_main_option("script_location", str(script_location()))
    return config


async def _run(database: Database, revision: str, upgrade: bool) -> None:
    config = alembic_config()

    def migrate(connection: Connection) -> None:
        config.attributes["connection"] = connection
        if upgrade:
            command.upgrade(config, revision)
        else:
            command.downgrade(config, revision)

    try:
        path = database.target.sqlite_path
        if path is not None:
            await asyncio.to_thread(_open_sqlite, path)
        async with database.engine.begin() as connection:
            await connection.run_sync(migrate)
    except Exception as exc:
        if isinstance(exc, StorageUnavailable) or not (storage_fault(exc) or isinstance(exc, sqlite3.Error)):
            raise
        # At start-up this is the first touch of the database: say what is wrong in one line.
        where = database.target.sqlite_path or database.target.url.render_as_string(hide_password=True)
        raise StorageUnavailable(
            f"the database at {where} cannot be opened or written ({describe(exc)})"
        ) from exc


def _open_sqlite(path: Path) -> None:
    # aiosqlite (0.22) answers a file it cannot open by queueing its worker thread's stop with a result
    # nobody awaits: when the start-up then fails and closes the event loop first, the thread dies with a
    # traceback on stderr (and at interpreter exit sometimes aborts the process). Opening the file here
    # first turns that case into a plain error before aiosqlite is involved.
    sqlite3.connect(path).close()


async def upgrade_database(database: Database, revision: str = "head") -> None:
    """Upgrade an open database to `revision`."""
    await _run(database, revision, upgrade=True)


async def downgrade_database(database: Database, revision: str = "base") -> None:
    """Downgrade an open database to `revision` (drops every table at base)."""
    await _run(database, revision, upgrade=False)


async def upgrade_to_head(database_url: str | None) -> None:
    """Upgrade the database named by DATABASE_URL to the newest schema (start-up, `python -m bot migrate`)."""
    database = Database(parse_database_url(database_url))
    try:
        await upgrade_database(database)
    finally:
        await database.dispose()
