"""Alembic environment: runs on the connection `bot.persistence.migrations` hands over (async engines)."""

from __future__ import annotations

from alembic import context

from bot.persistence.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through bot.persistence.migrations (python -m bot migrate)")

context.configure(
    connection=connection,
    target_metadata=metadata,
    compare_type=True,
    # SQLite cannot ALTER most things; batch mode recreates the table instead.
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
