"""CREDENTIALS_KEY and the database: every encrypted column rotated (found from the schema), unreadable values
reported, and the start-up check that refuses a wrong key, on every engine."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa

from bot.persistence.accounts import SqlAccountRepository
from bot.persistence.crypto import CredentialCipher, KeyMismatch, generate_key
from bot.persistence.engine import Database
from bot.persistence.keys import CHECK_PLAINTEXT, encrypted_columns, rotate_keys, verify_key
from bot.persistence.tables import KeyCheckRow, is_encrypted, metadata
from tests.persistence import factories as f

pytestmark = pytest.mark.slow  # measured: most of its tests take over a second

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def _plain(table: sa.Table, column: sa.Column[Any]) -> str:
    return f"secret of {table.name}.{column.name}"


def _value(column: sa.Column[Any], parents: dict[str, dict[str, Any]], cipher: CredentialCipher) -> Any:
    """A value for any column: a parent's key, a ciphertext where encrypted, else None or a filler."""
    for foreign in column.foreign_keys:
        parent = parents.get(foreign.column.table.name)
        if parent is None or (column.nullable and not column.primary_key):
            return None
        return parent[foreign.column.name]
    if is_encrypted(column):
        assert isinstance(column.table, sa.Table)
        return cipher.encrypt(_plain(column.table, column))
    if column.nullable and not column.primary_key:
        return None
    kind = column.type
    if isinstance(kind, sa.types.TypeDecorator):
        kind = kind.impl_instance
    if isinstance(kind, sa.Boolean):
        return False
    if isinstance(kind, sa.Integer):
        return 1
    if isinstance(kind, sa.Float | sa.Numeric):
        return 1.0
    if isinstance(kind, sa.JSON):
        return {}
    if isinstance(kind, sa.String):
        return "x"
    if isinstance(kind, sa.DateTime):
        return NOW
    raise AssertionError(f"no filler for {column.table}.{column.name} of type {kind!r}: teach the test")


async def _one_row_in_every_table(db: Database, cipher: CredentialCipher) -> None:
    """One row in every table of the schema, parents first, every encrypted column holding a ciphertext."""
    parents: dict[str, dict[str, Any]] = {}
    async with db.write() as session:
        for table in metadata.sorted_tables:
            row = {column.name: _value(column, parents, cipher) for column in table.columns}
            await session.execute(sa.insert(table).values(row))
            parents[table.name] = row


def test_every_ciphertext_column_is_declared_encrypted() -> None:
    # The naming rule of the schema: a column ending in _enc holds a ciphertext, and nothing else does.
    columns = [column for table in metadata.sorted_tables for column in table.columns]
    named = {(column.table.name, column.name) for column in columns if column.name.endswith("_enc")}
    marked = {(column.table.name, column.name) for column in encrypted_columns()}
    assert named == marked
    tables = {table for table, _ in marked}
    assert {"login_conversations", "conversation_drafts", "accounts", "telegram_updates"} <= tables
    assert all(isinstance(column.type, sa.Text) for column in encrypted_columns())


async def test_rotation_reencrypts_every_encrypted_column_of_the_schema(db: Database) -> None:
    old, new = generate_key(), generate_key()
    await _one_row_in_every_table(db, CredentialCipher.from_setting(old))

    report = await rotate_keys(db, CredentialCipher.from_setting(f"{new},{old}"))

    assert report.complete
    assert report.rotated == len({column.table for column in encrypted_columns()})
    only_new = CredentialCipher.from_setting(new)
    async with db.read() as session:
        for column in encrypted_columns():
            assert isinstance(column.table, sa.Table)
            (stored,) = (await session.scalars(sa.select(column))).all()
            assert only_new.is_current(stored), f"{column.table.name}.{column.name} was not rotated"
            assert only_new.decrypt(stored) == _plain(column.table, column)
    assert (await rotate_keys(db, CredentialCipher.from_setting(f"{new},{old}"))).rotated == 0


async def test_rotation_reports_what_no_key_reads_and_leaves_it_as_it_is(db: Database) -> None:
    lost, old, new = generate_key(), generate_key(), generate_key()
    accounts = SqlAccountRepository(db, CredentialCipher.from_setting(lost))
    await accounts.create_linked(100, "fr_FR", f.EMAIL, f.secrets(), [f.zoe()])
    async with db.read() as session:
        before = (await session.execute(sa.text("SELECT email_enc, secrets_enc FROM accounts"))).one()
    await SqlAccountRepository(db, CredentialCipher.from_setting(old)).create_linked(
        200, "de_DE", "b@example.org", f.secrets("person-2"), [f.zoe("VIN2")]
    )

    report = await rotate_keys(db, CredentialCipher.from_setting(f"{new},{old}"))

    assert not report.complete
    assert report.unreadable == {
        "accounts.email_enc": 1,
        "accounts.secrets_enc": 1,
        "vehicles.kamereon_account_enc": 1,
    }
    assert report.rotated == 2  # the readable account and its vehicle
    async with db.read() as session:
        after = (
            await session.execute(sa.text("SELECT email_enc, secrets_enc FROM accounts ORDER BY id"))
        ).all()
    assert tuple(after[0]) == tuple(before)


async def test_first_start_stores_a_check_the_same_key_and_a_rotation_pass(db: Database) -> None:
    old, new = generate_key(), generate_key()
    await verify_key(db, CredentialCipher.from_setting(old))
    async with db.read() as session:
        check = await session.get(KeyCheckRow, 1)
    assert check is not None
    assert CredentialCipher.from_setting(old).decrypt(check.check_enc) == CHECK_PLAINTEXT

    await verify_key(db, CredentialCipher.from_setting(old))
    await verify_key(db, CredentialCipher.from_setting(f"{new},{old}"))  # a new key with the old one after it
    await rotate_keys(db, CredentialCipher.from_setting(f"{new},{old}"))
    await verify_key(db, CredentialCipher.from_setting(new))  # the check was rotated with everything else
    with pytest.raises(KeyMismatch, match="CREDENTIALS_KEY does not match"):
        await verify_key(db, CredentialCipher.from_setting(old))


async def test_a_wrong_key_is_refused_and_changes_nothing(db: Database) -> None:
    right, wrong = generate_key(), generate_key()
    await verify_key(db, CredentialCipher.from_setting(right))
    with pytest.raises(KeyMismatch) as caught:
        await verify_key(db, CredentialCipher.from_setting(wrong))
    assert wrong not in str(caught.value)
    assert right not in str(caught.value)
    await verify_key(db, CredentialCipher.from_setting(right))


async def test_a_database_from_before_the_check_is_probed_with_its_ciphertexts(db: Database) -> None:
    right, wrong = generate_key(), generate_key()
    account_id, _ = await f.linked_zoe(db, CredentialCipher.from_setting(right))

    with pytest.raises(KeyMismatch):
        await verify_key(db, CredentialCipher.from_setting(wrong))
    async with db.read() as session:
        assert await session.get(KeyCheckRow, 1) is None  # a wrong key writes no check either
    stored = await SqlAccountRepository(db, CredentialCipher.from_setting(right)).get(account_id)
    assert stored is not None
    assert not stored.needs_login

    await verify_key(db, CredentialCipher.from_setting(right))
    await verify_key(db, CredentialCipher.from_setting(right))
    with pytest.raises(KeyMismatch):
        await verify_key(db, CredentialCipher.from_setting(wrong))
