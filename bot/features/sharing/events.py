"""The pings of family sharing: who joined or left, a changed role, access that ended.

They name people by their Telegram first name, never the Renault account, and are sent through the outbox
like every other ping (quiet hours, language, blocked chats, exactly once).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import ClassVar

from bot.domain.preferences import NotificationKind
from bot.domain.vehicle import Role


def _key(account_id: int, what: str, chat_id: int, at: datetime) -> str:
    return f"account{account_id}:{NotificationKind.SHARING.value}:{what}:{chat_id}:{at.isoformat()}"


class AccessEndReason(Enum):
    """Why a member lost access to a shared car."""

    REMOVED = "removed"  # the owner removed them in /share
    OWNER_LOGOUT = "owner_logout"  # the owner unlinked the account: nothing is left to share


@dataclass(frozen=True, slots=True)
class MemberJoined:
    """Told to the owner: someone joined with an invite."""

    kind: ClassVar[NotificationKind] = NotificationKind.SHARING
    answers_user: ClassVar[bool] = True  # sharing pings are never optional
    account_id: int
    member_chat_id: int
    member_name: str
    role: Role
    at: datetime

    @property
    def dedup_key(self) -> str:
        """One per join."""
        return _key(self.account_id, "joined", self.member_chat_id, self.at)


@dataclass(frozen=True, slots=True)
class MemberLeft:
    """Told to the owner: a member used /leave."""

    kind: ClassVar[NotificationKind] = NotificationKind.SHARING
    answers_user: ClassVar[bool] = True  # sharing pings are never optional
    account_id: int
    member_chat_id: int
    member_name: str
    at: datetime

    @property
    def dedup_key(self) -> str:
        """One per departure."""
        return _key(self.account_id, "left", self.member_chat_id, self.at)


@dataclass(frozen=True, slots=True)
class RoleChanged:
    """Told to the member: the owner gave them another role."""

    kind: ClassVar[NotificationKind] = NotificationKind.SHARING
    answers_user: ClassVar[bool] = True  # sharing pings are never optional
    account_id: int
    member_chat_id: int
    role: Role
    at: datetime

    @property
    def dedup_key(self) -> str:
        """One per change."""
        return _key(self.account_id, f"role-{self.role.value}", self.member_chat_id, self.at)


@dataclass(frozen=True, slots=True)
class AccessEnded:
    """Told to the member: they no longer see the shared car."""

    kind: ClassVar[NotificationKind] = NotificationKind.SHARING
    answers_user: ClassVar[bool] = True  # sharing pings are never optional
    account_id: int
    member_chat_id: int
    reason: AccessEndReason
    at: datetime

    @property
    def dedup_key(self) -> str:
        """One per loss of access."""
        return _key(self.account_id, f"ended-{self.reason.value}", self.member_chat_id, self.at)


SharingEvent = MemberJoined | MemberLeft | RoleChanged | AccessEnded
