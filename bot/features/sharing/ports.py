"""Family sharing's ports: the stores it needs, the use case it offers, and the errors they raise.

The template every feature package follows is in docs/architecture.md, "A feature's package".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from bot.domain.vehicle import LinkedVehicle, Role, VehicleInfo
from bot.features.sharing.logic import Invite, InviteProblem, Member
from bot.features.smart_charging.ports import SmartPlanWithdrawn
from bot.services.errors import ServiceError
from bot.services.features import FeatureKey
from bot.services.ports import AccountStoreError, LogoutPort

# What the stores need.


class InviteRepository(Protocol):
    """Invites to share an account's vehicles with other chats (only a hash of each token is kept)."""

    async def create(
        self, account_id: int, role: Role, token: str, expires_at: datetime, *, owner_name: str, now: datetime
    ) -> Invite:
        """Store an invite; raises `InviteInvalid(TOO_MANY_PENDING)` when too many wait already."""
        ...

    async def find(self, token: str) -> Invite | None:
        """The invite a token opens, in whatever state; None when unknown."""
        ...

    async def redeem(self, token: str, chat_id: int, member_name: str, now: datetime) -> RedeemedInvite:
        """Use the invite once and link the chat, atomically; raises `InviteInvalid` with the problem."""
        ...

    async def pending(self, account_id: int, now: datetime) -> list[Invite]:
        """The account's invites that can still be used."""
        ...

    async def revoke(self, account_id: int, ref: str, now: datetime) -> bool:
        """Revoke a pending invite by its reference; False when none matched."""
        ...


class MemberRepository(Protocol):
    """Who shares an account, with which role, and whether viewers see the location."""

    async def members(self, account_id: int) -> list[Member]:
        """Every chat linked to the account, owner first."""
        ...

    async def set_role(self, account_id: int, chat_id: int, role: Role) -> bool:
        """Change a member's role (never the owner's); False when not a member."""
        ...

    async def remove(self, account_id: int, chat_id: int) -> bool:
        """Unlink a member (never the owner); False when not a member."""
        ...

    async def set_location_shared(self, account_id: int, shared: bool) -> None:
        """Let viewers see the car's position, or stop."""
        ...

    async def location_shared(self, account_id: int) -> bool:
        """Whether viewers may see the car's position."""
        ...


class InviteInvalid(AccountStoreError):
    """The invite cannot be used (unknown, revoked, used, expired, or the account is full)."""

    def __init__(self, problem: InviteProblem) -> None:
        super().__init__(f"invite refused: {problem.value}")
        self.problem = problem


@dataclass(frozen=True, slots=True)
class RedeemedInvite:
    """The account and role a chat gained by redeeming an invite."""

    account_id: int
    role: Role


# What the use case offers its front-ends, and the errors it raises.


class MemberPlans(Protocol):
    """What acts on a car in a member's name (smart charging), withdrawn once they lose the command."""

    async def withdraw(
        self, chat_id: int, vehicle_ids: list[int]
    ) -> Sequence[tuple[int, SmartPlanWithdrawn]]:
        """Cancel the chat's plans on these cars; the pings owed to others (chat id, event)."""
        ...


@dataclass(frozen=True, slots=True)
class InviteLink:
    """A new invite: the token to put in the deep link, shown once and never stored (nor in the repr)."""

    token: str = field(repr=False)
    ref: str  # the invite's reference (a prefix of the token's hash), as `Invite.ref`
    role: Role
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class SharingView:
    """What the owner's /share shows for one account."""

    account_id: int
    vehicle_id: int  # the car /share was opened for: its buttons name it, so a later /vehicles switch is safe
    vehicles: tuple[VehicleInfo, ...]
    members: tuple[Member, ...]
    invites: tuple[Invite, ...]
    location_shared: bool


@dataclass(frozen=True, slots=True)
class JoinOffer:
    """What an invite would join, shown before the person confirms."""

    owner_name: str
    role: Role
    vehicles: tuple[VehicleInfo, ...]


class SharingPort(LogoutPort, Protocol):
    """Family sharing and /logout (bot.services.sharing.SharingService)."""

    async def overview(self, chat_id: int, vehicle_id: int | None = None) -> SharingView:
        """Members, pending invites and the location switch (owner only)."""
        ...

    async def invite(
        self, chat_id: int, role: Role, owner_name: str, vehicle_id: int | None = None
    ) -> InviteLink:
        """A new one-time invite with a role."""
        ...

    async def revoke(self, chat_id: int, ref: str, vehicle_id: int | None = None) -> SharingView:
        """Revoke a pending invite."""
        ...

    async def offer(self, chat_id: int, token: str, *, private: bool) -> JoinOffer:
        """What an invite would join (every check of a join, nothing changed)."""
        ...

    async def join(self, chat_id: int, token: str, member_name: str, *, private: bool) -> JoinOffer:
        """Use the invite and tell the owner."""
        ...

    async def set_role(
        self, chat_id: int, member_chat_id: int, role: Role, vehicle_id: int | None = None
    ) -> SharingView:
        """Give a member another role."""
        ...

    async def remove(self, chat_id: int, member_chat_id: int, vehicle_id: int | None = None) -> SharingView:
        """Remove a member."""
        ...

    async def set_location_shared(
        self, chat_id: int, shared: bool, vehicle_id: int | None = None
    ) -> SharingView:
        """Let viewers see the location, or stop."""
        ...

    async def leave(self, chat_id: int) -> LinkedVehicle:
        """A member stops sharing the active car."""
        ...


class InviteRefused(ServiceError):
    """An invite cannot be created or used; `problem` says why (each has its own message)."""

    def __init__(self, problem: InviteProblem) -> None:
        super().__init__(f"invite refused: {problem.value}")
        self.problem = problem


class NotAMember(ServiceError):
    """The member named by a /share button is no longer linked to the account."""


SHARING: FeatureKey[SharingPort] = FeatureKey("sharing")
"""Where the front-ends find the sharing use case (absent when it was not built)."""
