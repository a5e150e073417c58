"""CREDENTIALS_KEY and the database: the start-up check of the key, and rotation of every encrypted column.

Every column holding a ciphertext is declared with `bot.persistence.tables._encrypted`; the rotation and its
test find them from the schema (`encrypted_columns`), so a new encrypted column is rotated unchanged.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.persistence.crypto import KEY_SETTING, CredentialCipher, CredentialDecryptError, KeyMismatch
from bot.persistence.engine import Database
from bot.persistence.tables import KeyCheckRow, is_encrypted, metadata

log = logging.getLogger(__name__)

# What the check row holds once decrypted: a constant, so a readable check proves the key, nothing more.
CHECK_PLAINTEXT = "renault-telegram-bot key check v1"
CHECK_ROW_ID = 1
# With no check row yet (a database from before the check), this many ciphertexts per column are probed.
PROBE_PER_COLUMN = 20

MISMATCH = (
    f"{KEY_SETTING} does not match this database: none of its keys decrypts the key check stored at the "
    "first start, so every stored login would be unreadable. Nothing was changed and nobody was told. Set "
    f"{KEY_SETTING} to the key the database was written with (a new key goes first, the old one after it, "
    "then run `python -m bot rotate-key`)."
)


def encrypted_columns() -> list[sa.Column[Any]]:
    """Every column of the schema that holds a CREDENTIALS_KEY ciphertext, table by table."""
    return [column for table in metadata.sorted_tables for column in table.columns if is_encrypted(column)]


async def verify_key(db: Database, cipher: CredentialCipher) -> None:
    """Refuse a key that does not read this database (raises `KeyMismatch`); stores the check at first start.

    A database without a check (first start, or one from before the check existed) is probed: when it holds
    ciphertexts and none of them decrypts, the key is wrong; otherwise the check is written now.
    """
    async with db.read() as session:
        row = await session.get(KeyCheckRow, CHECK_ROW_ID)
        stored = None if row is None else row.check_enc
    if stored is not None:
        if not cipher.reads(stored) or cipher.decrypt(stored) != CHECK_PLAINTEXT:
            raise KeyMismatch(MISMATCH)
        return
    if not await _some_ciphertext_reads(db, cipher):
        raise KeyMismatch(MISMATCH)
    try:
        async with db.write() as session:
            session.add(KeyCheckRow(id=CHECK_ROW_ID, check_enc=cipher.encrypt(CHECK_PLAINTEXT)))
    except IntegrityError:
        # Another replica wrote it first: check against theirs.
        await verify_key(db, cipher)


async def _some_ciphertext_reads(db: Database, cipher: CredentialCipher) -> bool:
    """True when the database holds no ciphertext yet, or at least one sampled ciphertext decrypts."""
    seen = False
    async with db.read() as session:
        for column in encrypted_columns():
            values = await session.scalars(select(column).where(column.is_not(None)).limit(PROBE_PER_COLUMN))
            for value in values:
                seen = True
                if cipher.reads(value):
                    return True
    return not seen


@dataclass(slots=True)
class RotationReport:
    """What `rotate-key` did: rows re-encrypted, and values no configured key reads, by `table.column`."""

    rotated: int = 0
    unreadable: dict[str, int] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        """Whether every stored ciphertext is now under the first key."""
        return not self.unreadable


async def rotate_keys(db: Database, cipher: CredentialCipher) -> RotationReport:
    """Re-encrypt every encrypted column with the first key, in one transaction.

    Values no configured key reads stay as they are and are reported by table and column, never silently.
    """
    report = RotationReport()
    by_table: dict[sa.Table, list[sa.Column[Any]]] = {}
    for column in encrypted_columns():
        assert isinstance(column.table, sa.Table)
        by_table.setdefault(column.table, []).append(column)
    async with db.write() as session:
        for table, columns in by_table.items():
            keys = list(table.primary_key.columns)
            rows = await session.execute(select(*keys, *columns).with_for_update())
            for row in rows.all():
                changes: dict[str, str] = {}
                for column in columns:
                    token = row._mapping[column]
                    if token is None or cipher.is_current(token):
                        continue
                    try:
                        changes[column.name] = cipher.rotate(token)
                    except CredentialDecryptError:
                        name = f"{table.name}.{column.name}"
                        report.unreadable[name] = report.unreadable.get(name, 0) + 1
                if changes:
                    match = sa.and_(*(key == row._mapping[key] for key in keys))
                    await session.execute(sa.update(table).where(match).values(changes))
                    report.rotated += 1
    for name, count in report.unreadable.items():
        log.warning("%s value(s) in %s cannot be decrypted with any configured key", count, name)
    return report
