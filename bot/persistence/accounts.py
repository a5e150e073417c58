"""Linked Renault accounts: encrypted credentials, chat links with roles, deletion of everything on logout."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.domain.redaction import mask_email
from bot.domain.vehicle import Role
from bot.persistence.crypto import CredentialCipher, CredentialDecryptError
from bot.persistence.engine import Database
from bot.persistence.jwts import open_jwt
from bot.persistence.tables import (
    AccountRow,
    ChatLinkRow,
    ChatRow,
    CostSettingsRow,
    PreferencesRow,
    SessionCostRow,
    VehicleRow,
    VehicleStateRow,
)
from bot.services.ports import (
    AccountNotFound,
    AccountSecrets,
    AlreadyLinked,
    ChatLink,
    CredentialsUnreadable,
    NewVehicle,
    StoredAccount,
)

log = logging.getLogger(__name__)


def person_key(person_id: str) -> str:
    """A stable, non-reversible key for the Renault person id (uniqueness without storing it in clear)."""
    return hashlib.sha256(b"renault-person:" + person_id.encode("utf-8")).hexdigest()


def encode_secrets(cipher: CredentialCipher, secrets: AccountSecrets) -> str:
    """Encrypt the secrets as one JSON document."""
    document = {
        "login_token": secrets.login_token,
        "person_id": secrets.person_id,
        "kamereon_account_ids": list(secrets.kamereon_account_ids),
        "gmid": secrets.gmid,
        "ucid": secrets.ucid,
    }
    return cipher.encrypt(json.dumps(document))


def decode_secrets(cipher: CredentialCipher, token: str) -> AccountSecrets:
    """Decrypt secrets stored by `encode_secrets`; raises `CredentialDecryptError`."""
    document = json.loads(cipher.decrypt(token))
    return AccountSecrets(
        login_token=document["login_token"],
        person_id=document["person_id"],
        kamereon_account_ids=tuple(document.get("kamereon_account_ids", ())),
        gmid=document.get("gmid"),
        ucid=document.get("ucid"),
    )


def account_from_row(row: AccountRow) -> StoredAccount:
    """The domain view of an account row (no secrets)."""
    assert row.id is not None
    return StoredAccount(
        account_id=row.id,
        locale=row.locale,
        masked_email=row.email_masked,
        needs_login=row.needs_login,
        needs_login_told=row.needs_login_told,
    )


class SqlAccountRepository:
    """AccountRepository on SQLAlchemy; secrets are encrypted with the cipher before they reach a row."""

    def __init__(self, db: Database, cipher: CredentialCipher) -> None:
        self._db = db
        self._cipher = cipher
        # Decrypted secrets keyed by the ciphertext they came from: a poll reads the ciphertext anyway, and
        # new secrets (re-link, other process) are a new ciphertext, so a stale entry can never be served.
        self._decrypted: dict[int, tuple[str, AccountSecrets]] = {}

    async def create_linked(
        self,
        chat_id: int,
        locale: str,
        email: str,
        secrets: AccountSecrets,
        vehicles: Sequence[NewVehicle],
    ) -> tuple[int, list[int]]:
        """Store a new account owned by `chat_id`; raises AlreadyLinked for an account already stored."""
        key = person_key(secrets.person_id)
        try:
            async with self._db.write() as session:
                if await session.scalar(select(col(AccountRow.id)).where(col(AccountRow.person_key) == key)):
                    raise AlreadyLinked("this Renault account is already linked")
                if await session.get(ChatRow, chat_id) is None:
                    session.add(ChatRow(chat_id=chat_id, language="en"))
                # Only the columns a login fills are named, so a later column (with its NULL default) is
                # never part of this statement (a database migrated only so far can still be written).
                account_id = await session.scalar(
                    insert(AccountRow)
                    .values(
                        person_key=key,
                        locale=locale,
                        email_masked=mask_email(email),
                        email_enc=self._cipher.encrypt(email),
                        secrets_enc=encode_secrets(self._cipher, secrets),
                    )
                    .returning(col(AccountRow.id))
                )
                assert account_id is not None
                session.add(ChatLinkRow(chat_id=chat_id, account_id=account_id, role=Role.OWNER.value))
                vehicle_ids = [await self._add_vehicle(session, account_id, vehicle) for vehicle in vehicles]
                return account_id, vehicle_ids
        except IntegrityError:
            # Another replica linked the same account between our check and our insert.
            raise AlreadyLinked("this Renault account is already linked") from None

    async def _add_vehicle(self, session: AsyncSession, account_id: int, vehicle: NewVehicle) -> int:
        info = vehicle.info
        row = VehicleRow(
            account_id=account_id,
            vin=info.vin,
            model_code=info.model_code,
            model_name=info.model_name,
            brand=info.brand,
            plate=info.plate,
            kamereon_account_enc=self._cipher.encrypt(vehicle.kamereon_account_id),
            capabilities=[],
            unsupported=[],
        )
        session.add(row)
        await session.flush()
        assert row.id is not None
        # No next poll time yet: the poller treats the new vehicle as due at once. Only these two columns
        # are named, so a later column (with its NULL default) is never part of this statement.
        await session.execute(insert(VehicleStateRow).values(vehicle_id=row.id, memory={}))
        return row.id

    async def get(self, account_id: int) -> StoredAccount | None:
        """The account without secrets."""
        async with self._db.read() as session:
            row = await session.get(AccountRow, account_id)
            return account_from_row(row) if row else None

    async def credentials(self, account_id: int) -> AccountSecrets:
        """Decrypt the secrets; an unreadable row raises `CredentialsUnreadable` and is left as it is.

        Unreadable means a key problem on the operator's side (a key removed too early), not a login Renault
        refused: nothing is flagged and nobody is told, so putting the right key back recovers every account.
        """
        async with self._db.read() as session:
            token = await session.scalar(
                select(col(AccountRow.secrets_enc)).where(col(AccountRow.id) == account_id)
            )
        if token is None:
            self._decrypted.pop(account_id, None)
            raise AccountNotFound(account_id)
        try:
            return self._decrypt(account_id, token)
        except CredentialDecryptError:
            log.warning(
                "the credentials of account %s cannot be decrypted with the configured keys", account_id
            )
            raise CredentialsUnreadable(account_id) from None

    async def with_credentials(
        self, account_ids: Sequence[int]
    ) -> dict[int, tuple[StoredAccount, AccountSecrets]]:
        """Accounts and secrets (the stored JWT too) in one query; unknown or unreadable ones are left out."""
        if not account_ids:
            return {}
        async with self._db.read() as session:
            rows = (
                await session.scalars(select(AccountRow).where(col(AccountRow.id).in_(set(account_ids))))
            ).all()
        found: dict[int, tuple[StoredAccount, AccountSecrets]] = {}
        for row in rows:
            account = account_from_row(row)
            try:
                secrets = self._decrypt(account.account_id, row.secrets_enc)
            except CredentialDecryptError:
                continue  # the per-account path (credentials) reports it
            jwt = None if account.needs_login else open_jwt(self._cipher, row.jwt_enc, row.jwt_expires_at)
            if jwt is not None:
                secrets = replace(secrets, jwt=jwt.token, jwt_expires_at=jwt.expires_at)
            found[account.account_id] = (account, secrets)
        return found

    def _decrypt(self, account_id: int, token: str) -> AccountSecrets:
        cached = self._decrypted.get(account_id)
        if cached is not None and cached[0] == token:
            return cached[1]
        secrets = decode_secrets(self._cipher, token)
        self._decrypted[account_id] = (token, secrets)
        return secrets

    async def update_credentials(self, account_id: int, secrets: AccountSecrets) -> None:
        """Replace the secrets and clear the needs-login flags."""
        async with self._db.write() as session:
            result = await session.execute(
                update(AccountRow)
                .where(col(AccountRow.id) == account_id)
                .values(
                    secrets_enc=encode_secrets(self._cipher, secrets),
                    person_key=person_key(secrets.person_id),
                    needs_login=False,
                    needs_login_told=False,
                    jwt_enc=None,  # minted from the old login token: the new one mints its own
                    jwt_expires_at=None,
                )
            )
            if getattr(result, "rowcount", 0) == 0:
                raise AccountNotFound(account_id)

    async def mark_needs_login(self, account_id: int) -> None:
        """Flag the account (the told flag is kept when it was already flagged)."""
        async with self._db.write() as session:
            await session.execute(
                update(AccountRow)
                .where(col(AccountRow.id) == account_id, col(AccountRow.needs_login).is_(False))
                .values(needs_login=True, needs_login_told=False, jwt_enc=None, jwt_expires_at=None)
            )

    async def mark_needs_login_told(self, account_id: int) -> None:
        """Remember that the chats were told."""
        async with self._db.write() as session:
            await session.execute(
                update(AccountRow).where(col(AccountRow.id) == account_id).values(needs_login_told=True)
            )

    async def accounts_for_chat(self, chat_id: int) -> list[StoredAccount]:
        """Accounts linked to the chat."""
        async with self._db.read() as session:
            rows = await session.scalars(
                select(AccountRow)
                .join(ChatLinkRow, col(ChatLinkRow.account_id) == col(AccountRow.id))
                .where(col(ChatLinkRow.chat_id) == chat_id)
                .order_by(col(AccountRow.id))
            )
            return [account_from_row(row) for row in rows]

    async def chats_for_account(self, account_id: int) -> list[ChatLink]:
        """Chats linked to the account."""
        async with self._db.read() as session:
            rows = await session.scalars(
                select(ChatLinkRow)
                .where(col(ChatLinkRow.account_id) == account_id)
                .order_by(col(ChatLinkRow.chat_id))
            )
            return [ChatLink(row.chat_id, Role(row.role)) for row in rows]

    async def link_chat(self, chat_id: int, account_id: int, role: Role) -> None:
        """Link a chat with a role (updates the role when already linked)."""
        async with self._db.write() as session:
            await link_chat_in(session, chat_id, account_id, role)

    async def delete_account(self, account_id: int) -> list[int]:
        """Delete the account and all its data in one transaction; returns its driver and viewer chats."""
        self._decrypted.pop(account_id, None)
        async with self._db.write() as session:
            others = await _delete_account_in(session, account_id)
        await self._db.checkpoint()
        return [link.chat_id for link in others if link.role is not Role.OWNER]

    async def unlink_chat(self, chat_id: int, account_id: int) -> list[int]:
        """Unlink a chat; the last owner or last chat leaving deletes the account (returns the others)."""
        async with self._db.write() as session:
            links = (
                await session.scalars(select(ChatLinkRow).where(col(ChatLinkRow.account_id) == account_id))
            ).all()
            mine = [link for link in links if link.chat_id == chat_id]
            rest = [link for link in links if link.chat_id != chat_id]
            if not mine:
                return []
            last_owner = Role(mine[0].role) is Role.OWNER and not any(
                link.role == Role.OWNER.value for link in rest
            )
            if not (last_owner or not rest):
                await unlink_in(session, chat_id, account_id)
                return []
            await _delete_account_in(session, account_id)
        await self._db.checkpoint()
        return [link.chat_id for link in rest]


async def link_chat_in(
    session: AsyncSession,
    chat_id: int,
    account_id: int,
    role: Role,
    *,
    member_name: str | None = None,
    now: datetime | None = None,
) -> None:
    """Link (or re-role) a chat inside an open transaction; creates the chat row when needed."""
    if await session.get(ChatRow, chat_id) is None:
        session.add(ChatRow(chat_id=chat_id, language="en"))
        await session.flush()
    link = await session.get(ChatLinkRow, (chat_id, account_id), with_for_update=True)
    if link is None:
        name = None if member_name is None else member_name[:64]
        session.add(
            ChatLinkRow(
                chat_id=chat_id, account_id=account_id, role=role.value, member_name=name, linked_at=now
            )
        )
    else:
        link.role = role.value


async def unlink_in(session: AsyncSession, chat_id: int, account_id: int) -> None:
    """Remove one chat's link and its preferences for the account's cars (inside a transaction)."""
    vehicle_ids = select(col(VehicleRow.id)).where(col(VehicleRow.account_id) == account_id)
    await session.execute(
        delete(PreferencesRow).where(
            col(PreferencesRow.chat_id) == chat_id, col(PreferencesRow.vehicle_id).in_(vehicle_ids)
        )
    )
    await session.execute(
        delete(SessionCostRow).where(
            col(SessionCostRow.chat_id) == chat_id, col(SessionCostRow.vehicle_id).in_(vehicle_ids)
        )
    )
    await session.execute(
        update(ChatRow)
        .where(col(ChatRow.chat_id) == chat_id, col(ChatRow.active_vehicle_id).in_(vehicle_ids))
        .values(active_vehicle_id=None)
    )
    await session.execute(
        delete(ChatLinkRow).where(
            col(ChatLinkRow.chat_id) == chat_id, col(ChatLinkRow.account_id) == account_id
        )
    )
    await _forget_homes_of_unlinked(session, [chat_id])


async def _delete_account_in(session: AsyncSession, account_id: int) -> list[ChatLink]:
    links = (
        await session.scalars(select(ChatLinkRow).where(col(ChatLinkRow.account_id) == account_id))
    ).all()
    found = await session.scalar(select(func.count()).where(col(AccountRow.id) == account_id))
    if not found:
        raise AccountNotFound(account_id)
    # Foreign keys cascade from the account to vehicles, state, preferences, history (priced sessions
    # too), outbox and invites.
    await session.execute(delete(AccountRow).where(col(AccountRow.id) == account_id))
    await _forget_homes_of_unlinked(session, [link.chat_id for link in links])
    return [ChatLink(link.chat_id, Role(link.role)) for link in links]


async def _forget_homes_of_unlinked(session: AsyncSession, chat_ids: list[int]) -> None:
    # A chat left without any account keeps no home position (where its owner lives).
    still_linked = select(col(ChatLinkRow.chat_id)).where(col(ChatLinkRow.chat_id).in_(chat_ids))
    await session.execute(
        delete(CostSettingsRow).where(
            col(CostSettingsRow.chat_id).in_(chat_ids), col(CostSettingsRow.chat_id).not_in(still_linked)
        )
    )
