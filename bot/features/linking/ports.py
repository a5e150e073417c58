"""Login and linking's ports: the use case it offers its Telegram part, with the values it answers in.

The kernels and the other features reach the chat's cars through the kernel's `LinkingPort`
(`bot/services/ports.py`), which this feature's use case implements; the login itself is only the
feature's. The template every feature package follows is in docs/architecture.md, "A feature's package".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.domain.vehicle import LinkedVehicle
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


LINKING: FeatureKey[LoginPort] = FeatureKey("linking")
"""The key under which the front-end finds the login's use case."""
