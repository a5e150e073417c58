"""Database fixtures for every test folder: a fresh database per test on SQLite, and on PostgreSQL when
TEST_DATABASE_URL is set (tests/conftest.py makes them found everywhere)."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bot.persistence.crypto import CredentialCipher, generate_key
from bot.persistence.engine import Database, parse_database_url
from bot.persistence.migrations import upgrade_database

PG_URL = os.environ.get("TEST_DATABASE_URL", "")


async def create_pg_database() -> str:
    """A uniquely named database on the test server, so parallel workers never collide."""
    base = make_url(PG_URL).set(drivername="postgresql+asyncpg")
    name = f"bot_test_{uuid.uuid4().hex[:12]}"
    admin = create_async_engine(base, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    await admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


async def drop_pg_database(url: str) -> None:
    target = make_url(url)
    admin = create_async_engine(
        make_url(PG_URL).set(drivername="postgresql+asyncpg"), isolation_level="AUTOCOMMIT"
    )
    async with admin.connect() as conn:
        await conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)')
    await admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A DATABASE_URL for an empty database on each engine."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'data' / 'bot.db'}"
        return
    if not PG_URL:
        if os.environ.get("CI"):
            pytest.fail("TEST_DATABASE_URL must be set in CI")
        pytest.skip("TEST_DATABASE_URL not set")
    url = await create_pg_database()
    yield url
    await drop_pg_database(url)


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    """A Database migrated to head (so every repository test also exercises the migrations)."""
    database = Database(parse_database_url(database_url))
    await upgrade_database(database)
    yield database
    await database.dispose()


@pytest.fixture
async def sqlite_db(tmp_path: Path) -> AsyncIterator[Database]:
    """A migrated SQLite database, for what only SQLite does (one front-end process, one file)."""
    database = Database.from_url(f"sqlite:///{tmp_path / 'sqlite' / 'bot.db'}")
    await upgrade_database(database)
    yield database
    await database.dispose()


@pytest.fixture
def cipher() -> CredentialCipher:
    """A cipher with one fresh key."""
    return CredentialCipher.from_setting(generate_key())
