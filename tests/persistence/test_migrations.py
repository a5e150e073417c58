"""Migrations: the migrated schema equals the models, and downgrade/upgrade round-trips, on every engine."""

from __future__ import annotations

from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, inspect

from bot.persistence.engine import Database, parse_database_url
from bot.persistence.migrations import downgrade_database, script_location, upgrade_database, upgrade_to_head
from bot.persistence.tables import metadata

pytestmark = pytest.mark.slow  # measured: most of its tests take over a second


def _drift(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, metadata))


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names()) - {"alembic_version"}


async def test_migrated_schema_has_no_drift_from_the_models(database_url: str) -> None:
    await upgrade_to_head(database_url)
    database = Database(parse_database_url(database_url))
    try:
        async with database.engine.connect() as connection:
            assert await connection.run_sync(_drift) == []
    finally:
        await database.dispose()


async def test_downgrade_to_base_and_upgrade_again(database_url: str) -> None:
    database = Database(parse_database_url(database_url))
    try:
        await upgrade_database(database)
        await downgrade_database(database)
        async with database.engine.connect() as connection:
            assert await connection.run_sync(_tables) == set()
        await upgrade_database(database)
        async with database.engine.connect() as connection:
            assert await connection.run_sync(_tables) == set(metadata.tables)
    finally:
        await database.dispose()


async def _revision_and_tables(database_url: str) -> tuple[str | None, set[str]]:
    database = Database(parse_database_url(database_url))
    try:
        async with database.engine.connect() as connection:
            revision = await connection.run_sync(
                lambda c: MigrationContext.configure(c).get_current_revision()
            )
            return revision, await connection.run_sync(_tables)
    finally:
        await database.dispose()


async def test_upgrade_twice_is_a_no_op(database_url: str) -> None:
    await upgrade_to_head(database_url)
    once = await _revision_and_tables(database_url)
    await upgrade_to_head(database_url)
    assert await _revision_and_tables(database_url) == once
    revision, tables = once
    assert revision is not None
    assert tables == set(metadata.tables)


def test_migration_scripts_are_found_from_the_package() -> None:
    assert (script_location() / "versions" / "0001_initial.py").is_file()
