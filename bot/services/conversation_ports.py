"""Ports for conversation state shared by every replica: the /login conversation (where the router finds a
chat first; its pending 2FA challenge is the linking feature's own port), editor drafts, the per-chat
action rate, the journal of Telegram updates, and the secret messages whose deletion is retried.

Everything here lives in the database (docs/architecture.md, "Where state lives"): a restart or another
replica sees it; secrets are encrypted by the adapter; every row has an expiry and a periodic purge.
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum
from typing import Protocol

# A login conversation (and the password its pending challenge holds) is kept at most this long.
LOGIN_TTL = timedelta(minutes=10)
# A login that waited for a password or a code is remembered this long after it expired (its challenge and
# e-mail wiped at once): the next text in the chat, likely the late secret, is deleted and told the timeout.
LATE_SECRET_WINDOW = timedelta(minutes=10)
# An editor draft (schedule, smart charging, settings) is kept this long after its last change.
DRAFT_TTL = timedelta(minutes=30)


class LoginStep(Enum):
    """Which answer the /login conversation waits for."""

    LOCALE = "locale"
    EMAIL = "email"
    PASSWORD = "password"  # noqa: S105 - the name of a step, not a secret
    CODE = "code"


@dataclass(frozen=True, slots=True)
class LoginDraft:
    """One chat's /login conversation so far (never the password or the code themselves)."""

    chat_id: int
    step: LoginStep
    locale: str
    expires_at: datetime
    email: str = field(default="", repr=False)
    challenge_id: str | None = None
    masked_emails: tuple[str, ...] = ()

    def expired(self, now: datetime) -> bool:
        """Whether the conversation ran out of time."""
        return self.expires_at <= now


class LoginConversationStore(Protocol):
    """The /login conversation, one row per chat (the UI's side: step, country, e-mail)."""

    async def load(self, chat_id: int) -> LoginDraft | None:
        """The chat's conversation, expired or not (None when there is none)."""
        ...

    async def save(self, draft: LoginDraft) -> None:
        """Store the conversation's step, country and e-mail (the challenge columns are kept)."""
        ...

    async def drop(self, chat_id: int) -> None:
        """Delete the conversation and any pending challenge."""
        ...


class DraftStore(Protocol):
    """Editor drafts, one per chat and kind ('schedule', ...), as opaque text the front-end encodes."""

    async def load_draft(self, chat_id: int, kind: str, now: datetime) -> str | None:
        """The chat's live draft of that kind (None when absent or expired)."""
        ...

    async def save_draft(self, chat_id: int, kind: str, data: str, expires_at: datetime) -> None:
        """Store the chat's draft of that kind (replacing any other)."""
        ...

    async def drop_draft(self, chat_id: int, kind: str) -> None:
        """Forget the chat's draft of that kind."""
        ...


class ActionRateStore(Protocol):
    """The per-chat action rate: one action per interval, whichever replica handles the tap."""

    async def try_acquire(self, chat_id: int, now: datetime, interval: timedelta) -> timedelta | None:
        """Take the chat's slot (None), or say how long until the next one is free."""
        ...


class UpdateJournal(Protocol):
    """Telegram updates as they arrive and are handled: dedupe and per-chat ordering across replicas."""

    async def arrived(
        self, update_id: int, chat_id: int | None, now: datetime, content: str | None = None
    ) -> bool:
        """Record an update's arrival with its content (JSON, kept until handled so another replica can
        take it over); False when it was seen before (a redelivery)."""
        ...

    def turn(self, chat_id: int, update_id: int) -> AbstractAsyncContextManager[bool]:
        """Hold the chat's turn: earlier updates of the chat first, one at a time on every replica; yields
        False when the update was already handled (taken over by another replica)."""
        ...

    async def settle(self) -> None:
        """Commit what the turns that ended still write in the background (at shutdown)."""
        ...

    async def take_over(self, now: datetime, limit: int = 20) -> list[str]:
        """Renew the updates this process holds, then claim those left unhandled by a replica that stopped;
        returns their content (JSON)."""
        ...

    @property
    def takeover_every(self) -> timedelta:
        """How often to look for updates to take over."""
        ...


class ConversationPurge(Protocol):
    """Removes expired conversation rows (logins, challenges, drafts, rates, old journal entries)."""

    async def purge(self, now: datetime) -> int:
        """Delete what expired before `now`; returns the rows removed."""
        ...


@dataclass(frozen=True, slots=True)
class PendingErasure:
    """A secret message still in its chat: when it was sent and how many deletes failed."""

    chat_id: int
    message_id: int
    sent_at: datetime
    attempts: int
    next_at: datetime


class SecretDeletionStore(Protocol):
    """Secret messages whose deletion failed and is to be retried (no text, only ids)."""

    async def add(self, pending: PendingErasure) -> None:
        """Keep the message for a retry (insert or replace)."""
        ...

    async def claim_due(self, now: datetime, lease: timedelta, limit: int) -> list[PendingErasure]:
        """Messages whose retry is due, each claimed for `lease` (atomic across replicas)."""
        ...

    async def remove(self, chat_id: int, message_id: int) -> None:
        """Forget the message (deleted, or its sender asked)."""
        ...
