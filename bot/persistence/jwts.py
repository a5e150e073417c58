"""The accounts' current JWTs, shared by every process: the Renault client's `TokenStore`, on the accounts.

A JWT is a credential for up to 15 minutes: it is stored encrypted with the credential cipher, next to its
expiry in clear (not secret, and read without decrypting). The saves of a sweep's mints are group-committed
on a lane of their own: sharing the budget spends' transaction would lock account rows in two orders.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.persistence.crypto import CredentialCipher, CredentialDecryptError
from bot.persistence.engine import Database
from bot.persistence.group_commit import GroupCommit, WriteLane
from bot.persistence.tables import AccountRow
from bot.renault.tokens import StoredJwt

_ACCOUNTS: sa.Table = AccountRow.__table__  # type: ignore[attr-defined]


def account_id_of(account_key: str) -> int | None:
    """The stored account a session's key names (a login in progress has a key of another form: None)."""
    return int(account_key) if account_key.isdigit() else None


def open_jwt(
    cipher: CredentialCipher, ciphertext: str | None, expires_at: datetime | None
) -> StoredJwt | None:
    """The stored JWT, or None when there is none or no configured key reads it (a new one is minted)."""
    if ciphertext is None or expires_at is None:
        return None
    try:
        return StoredJwt(cipher.decrypt(ciphertext), expires_at.timestamp())
    except CredentialDecryptError:
        return None


class SqlTokenStore:
    """TokenStore on `accounts.jwt_enc` / `accounts.jwt_expires_at`."""

    def __init__(self, db: Database, cipher: CredentialCipher, lane: WriteLane | None = None) -> None:
        self._db = db
        self._cipher = cipher
        self._saves: GroupCommit[tuple[int, str, datetime], None] = GroupCommit(
            lane or WriteLane(db), _save_batch
        )

    async def load(self, account_key: str) -> StoredJwt | None:
        """The JWT last saved for the account (maybe expired), or None."""
        account_id = account_id_of(account_key)
        if account_id is None:
            return None
        async with self._db.read() as session:
            row = (
                await session.execute(
                    select(col(AccountRow.jwt_enc), col(AccountRow.jwt_expires_at)).where(
                        col(AccountRow.id) == account_id
                    )
                )
            ).first()
        return None if row is None else open_jwt(self._cipher, row[0], row[1])

    async def save(self, account_key: str, jwt: StoredJwt) -> None:
        """Keep a freshly minted JWT on the account row (nothing when the account is gone)."""
        account_id = account_id_of(account_key)
        if account_id is None:
            return
        expires_at = datetime.fromtimestamp(jwt.expires_at, UTC)
        await self._saves.submit((account_id, self._cipher.encrypt(jwt.token), expires_at))


async def _save_batch(
    session: AsyncSession, batch: list[tuple[int, str, datetime]]
) -> list[Exception | None]:
    # One executemany in account order (two replicas' saves then never lock rows in opposite orders); the
    # latest of two saves for one account wins. A row deleted meanwhile (logout) is simply not updated.
    latest = {account_id: (ciphertext, expires_at) for account_id, ciphertext, expires_at in batch}
    statement = (
        sa.update(_ACCOUNTS)
        .where(_ACCOUNTS.c.id == sa.bindparam("account_id"))
        .values(jwt_enc=sa.bindparam("ciphertext"), jwt_expires_at=sa.bindparam("expires_at"))
    )
    # Core, not the ORM's bulk update by primary key, which would insist that every row still exists.
    await (await session.connection()).execute(
        statement,
        [
            {"account_id": account_id, "ciphertext": ciphertext, "expires_at": expires_at}
            for account_id, (ciphertext, expires_at) in sorted(latest.items())
        ],
    )
    return [None] * len(batch)
