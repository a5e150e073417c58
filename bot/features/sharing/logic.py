"""Family sharing as data: invites, members, and every reason an invite cannot be used.

An invite is a random token handed out as a Telegram deep link (`/start <token>`); only its SHA-256 is
stored. It is single-use, expires after `INVITE_TTL`, can be revoked, and joins the account with one role.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from bot.domain.vehicle import Role

INVITE_TTL = timedelta(hours=24)
MAX_MEMBERS = 10  # drivers and viewers of one account, the owner not counted
# Invites of one account waiting to be used at once: enough to invite a family, never a pile of live links.
MAX_PENDING_INVITES = 10
# How long an invite's row outlives its expiry (so its link still gets "expired", "used" or "revoked"),
# then it is purged.
INVITE_KEPT_AFTER_EXPIRY = timedelta(days=7)
TOKEN_BYTES = 24  # 192 random bits; urlsafe base64 gives 32 characters, inside Telegram's 64 for /start
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")
MEMBER_ROLES = (Role.DRIVER, Role.VIEWER)


def is_token(text: str) -> bool:
    """Whether a /start argument has the shape of one of our invite tokens."""
    return _TOKEN.fullmatch(text) is not None


class InviteProblem(Enum):
    """Why an invite cannot be used; each has its own message."""

    MALFORMED = "malformed"
    UNKNOWN = "unknown"
    REVOKED = "revoked"
    USED = "used"
    EXPIRED = "expired"
    NOT_PRIVATE = "not_private"
    OWN_INVITE = "own_invite"
    ALREADY_MEMBER = "already_member"
    FULL = "full"
    TOO_MANY_PENDING = "too_many_pending"


@dataclass(frozen=True, slots=True)
class Invite:
    """A stored invite as the services see it (no token: only its reference, a prefix of the hash)."""

    ref: str
    account_id: int
    role: Role
    expires_at: datetime
    owner_name: str
    used_at: datetime | None = None
    revoked_at: datetime | None = None

    def problem(self, now: datetime) -> InviteProblem | None:
        """What makes the invite itself unusable now, if anything."""
        if self.revoked_at is not None:
            return InviteProblem.REVOKED
        if self.used_at is not None:
            return InviteProblem.USED
        if self.expires_at <= now:
            return InviteProblem.EXPIRED
        return None


@dataclass(frozen=True, slots=True)
class Member:
    """A chat linked to an account, as the owner's /share lists it."""

    chat_id: int
    name: str
    role: Role
    since: datetime | None


def is_full(members: list[Member]) -> bool:
    """Whether the account already has `MAX_MEMBERS` members besides its owner."""
    return sum(1 for m in members if m.role is not Role.OWNER) >= MAX_MEMBERS


def owners(members: list[Member]) -> list[int]:
    """The chats that own the account (hold its MyRenault login)."""
    return [m.chat_id for m in members if m.role is Role.OWNER]


def join_problem(invite: Invite, members: list[Member], chat_id: int, now: datetime) -> InviteProblem | None:
    """Whether `chat_id` may join with this invite now: the invite is live, not theirs, not full."""
    problem = invite.problem(now)
    if problem is not None:
        return problem
    mine = next((m for m in members if m.chat_id == chat_id), None)
    if mine is not None:
        return InviteProblem.OWN_INVITE if mine.role is Role.OWNER else InviteProblem.ALREADY_MEMBER
    if is_full(members):
        return InviteProblem.FULL
    return None
