"""Login and linking's ports: the use case it offers its Telegram part, with the values it answers in, and
the store of the pending two-factor challenges it needs.

The kernels and the other features reach the chat's cars through the kernel's `LinkingPort`
(`bot/services/ports.py`), which this feature's use case implements; the login itself is only the
feature's. The template every feature package follows is in docs/architecture.md, "A feature's package".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.domain.vehicle import LinkedVehicle
from bot.renault.gigya import ChallengeState
from bot.services.features import FeatureKey
from bot.services.ports import LinkingPort


@dataclass(frozen=True, slots=True)
class LinkResult:
    """A successful link: the vehicles found and the one selected as active (None when there are none)."""

    account_id: int
    vehicles: tuple[LinkedVehicle, ...]
    active_vehicle_id: int | None


@dataclass(frozen=True, slots=True)
class CodeNeeded:
    """Renault e-mailed a two-factor code; pass this back with the code. Holds no secret itself."""

    challenge_id: str
    masked_emails: tuple[str, ...]


class LoginPort(LinkingPort, Protocol):
    """Linking a MyRenault account to a chat, and choosing its car (use_cases/linking.py:LinkingService)."""

    async def begin(self, chat_id: int, locale: str, email: str, password: str) -> LinkResult | CodeNeeded:
        """Log in; either linked at once or a two-factor code is needed."""
        ...

    async def submit_code(self, chat_id: int, pending: CodeNeeded, code: str) -> LinkResult:
        """Finish a login with the e-mailed code."""
        ...

    async def cancel(self, chat_id: int, pending: CodeNeeded) -> None:
        """Forget a pending two-factor challenge."""
        ...

    async def select(self, chat_id: int, vehicle_id: int) -> LinkedVehicle:
        """Make a vehicle the chat's active one."""
        ...

    async def forget_pending(self, chat_id: int) -> None:
        """Drop the chat's login in progress and its challenge (at logout)."""
        ...


@dataclass(frozen=True, slots=True)
class PendingChallenge:
    """A pending two-factor challenge of one chat, with the id the conversation knows it by."""

    chat_id: int
    challenge_id: str
    state: ChallengeState
    expires_at: datetime


class ChallengeStore(Protocol):
    """The pending two-factor challenge of a chat's login (the linking service's side of the same row)."""

    async def put_challenge(self, pending: PendingChallenge) -> None:
        """Store (encrypted) the challenge of the chat's login."""
        ...

    async def challenge(self, chat_id: int) -> PendingChallenge | None:
        """The chat's pending challenge, if any (expired ones included; the caller checks)."""
        ...

    async def drop_challenge(self, chat_id: int, challenge_id: str) -> None:
        """Forget the chat's challenge (and the password it holds) if it is still the one with that id."""
        ...

    async def forget_chat(self, chat_id: int) -> None:
        """Delete every conversation row of the chat (logout): login, challenge, drafts, action rate."""
        ...


LINKING: FeatureKey[LoginPort] = FeatureKey("linking")
"""The key under which the front-end finds the login's use case."""
