"""The linking's store: the /login conversation and its pending two-factor challenge, on one row per chat
(`login_conversations`, a table of the database kernel, which also purges what expired).

The e-mail and the challenge (password, Gigya's regToken and assertions, the device cookies) are encrypted
with CREDENTIALS_KEY; another replica reads the row back, so the code may reach any of them.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from sqlalchemy import delete, update
from sqlmodel import col

from bot.features.linking.ports import PendingChallenge
from bot.persistence.conversations import forget_chat_conversations
from bot.persistence.crypto import CredentialCipher, CredentialDecryptError
from bot.persistence.engine import Database
from bot.persistence.tables import LoginConversationRow
from bot.renault.gigya import ChallengeState
from bot.services.conversation_ports import LoginDraft, LoginStep

log = logging.getLogger(__name__)


def encode_challenge(cipher: CredentialCipher, state: ChallengeState) -> str:
    """The challenge as one encrypted JSON document."""
    document = {
        "locale": state.locale,
        "email": state.email,
        "password": state.password,
        "reg_token": state.reg_token,
        "assertion": state.assertion,
        "phv_token": state.phv_token,
        "gmid": state.gmid,
        "ucid": state.ucid,
        "created_at": state.created_at,
        "masked_emails": list(state.masked_emails),
        "used": state.used,
    }
    return cipher.encrypt(json.dumps(document, separators=(",", ":")))


def decode_challenge(cipher: CredentialCipher, token: str) -> ChallengeState:
    """The challenge back from its encrypted document."""
    data: dict[str, Any] = json.loads(cipher.decrypt(token))
    return ChallengeState(
        locale=str(data["locale"]),
        email=str(data["email"]),
        password=str(data["password"]),
        reg_token=str(data["reg_token"]),
        assertion=str(data["assertion"]),
        phv_token=str(data["phv_token"]),
        gmid=data.get("gmid"),
        ucid=data.get("ucid"),
        created_at=float(data["created_at"]),
        masked_emails=tuple(str(e) for e in data.get("masked_emails") or ()),
        used=bool(data.get("used")),
    )


class SqlLoginStore:
    """LoginConversationStore and ChallengeStore on one row per chat (`login_conversations`)."""

    def __init__(self, db: Database, cipher: CredentialCipher) -> None:
        self._db = db
        self._cipher = cipher

    def __repr__(self) -> str:
        return "SqlLoginStore()"

    async def load(self, chat_id: int) -> LoginDraft | None:
        """The chat's conversation, expired or not."""
        async with self._db.read() as session:
            row = await session.get(LoginConversationRow, chat_id)
        if row is None:
            return None
        try:
            email = self._cipher.decrypt(row.email_enc) if row.email_enc else ""
        except CredentialDecryptError:
            # A key problem: the row is left as it is (a new /login replaces it, the purge ends it).
            log.warning("a login conversation cannot be decrypted with the configured keys; it reads as none")
            return None
        try:
            step = LoginStep(row.step)
        except ValueError:
            log.warning("a login conversation could not be read; it is dropped")
            await self.drop(chat_id)
            return None
        return LoginDraft(
            chat_id=row.chat_id,
            step=step,
            locale=row.locale,
            expires_at=row.expires_at,
            email=email,
            challenge_id=row.challenge_id,
            masked_emails=tuple(row.masked_emails or ()),
        )

    async def save(self, draft: LoginDraft) -> None:
        """Store step, country, e-mail (encrypted) and expiry; the challenge columns stay as they are."""
        async with self._db.write() as session:
            row = await session.get(LoginConversationRow, draft.chat_id, with_for_update=True)
            if row is None:
                row = LoginConversationRow(chat_id=draft.chat_id, step=draft.step.value, locale=draft.locale)
                session.add(row)
            row.step = draft.step.value
            row.locale = draft.locale
            row.email_enc = self._cipher.encrypt(draft.email) if draft.email else None
            row.challenge_id = draft.challenge_id
            row.masked_emails = list(draft.masked_emails)
            row.expires_at = draft.expires_at

    async def drop(self, chat_id: int) -> None:
        """Delete the conversation and its challenge."""
        async with self._db.write() as session:
            await session.execute(
                delete(LoginConversationRow).where(col(LoginConversationRow.chat_id) == chat_id)
            )

    async def put_challenge(self, pending: PendingChallenge) -> None:
        """Store the chat's challenge, encrypted, on its conversation row (created when missing)."""
        async with self._db.write() as session:
            row = await session.get(LoginConversationRow, pending.chat_id, with_for_update=True)
            if row is None:
                row = LoginConversationRow(
                    chat_id=pending.chat_id,
                    step=LoginStep.CODE.value,
                    locale=pending.state.locale,
                    expires_at=pending.expires_at,
                )
                session.add(row)
            row.challenge_id = pending.challenge_id
            row.masked_emails = list(pending.state.masked_emails)
            row.challenge_enc = encode_challenge(self._cipher, pending.state)
            row.challenge_expires_at = pending.expires_at

    async def challenge(self, chat_id: int) -> PendingChallenge | None:
        """The chat's challenge, if one is stored and readable."""
        async with self._db.read() as session:
            row = await session.get(LoginConversationRow, chat_id)
        if row is None or not row.challenge_enc or not row.challenge_id or row.challenge_expires_at is None:
            return None
        try:
            state = decode_challenge(self._cipher, row.challenge_enc)
        except CredentialDecryptError:
            # A key problem: the challenge is left as it is (it expires on its own).
            log.warning("a pending two-factor challenge cannot be decrypted with the configured keys")
            return None
        except (ValueError, KeyError, TypeError):
            log.warning("a pending two-factor challenge could not be read; it is dropped")
            await self.drop_challenge(chat_id, row.challenge_id)
            return None
        return PendingChallenge(row.chat_id, row.challenge_id, state, row.challenge_expires_at)

    async def drop_challenge(self, chat_id: int, challenge_id: str) -> None:
        """Forget the chat's challenge and the password it holds, if it still has that id (one UPDATE)."""
        async with self._db.write() as session:
            await session.execute(
                update(LoginConversationRow)
                .where(
                    col(LoginConversationRow.chat_id) == chat_id,
                    col(LoginConversationRow.challenge_id) == challenge_id,
                )
                .values(challenge_enc=None, challenge_id=None, challenge_expires_at=None)
            )

    async def forget_chat(self, chat_id: int) -> None:
        """Delete every conversation row of the chat (logout)."""
        await forget_chat_conversations(self._db, chat_id)
