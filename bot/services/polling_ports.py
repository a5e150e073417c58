"""What polling needs from the stores and the Renault gateway; adapters implement it, bot.app joins them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import Protocol

from bot.domain.account import ChatLink, StoredAccount, StoredVehicle, StoredVehicleState, Subscriber
from bot.domain.snapshot import VehicleSnapshot
from bot.services.ports import VehicleRepository, VehicleStateRepository


class VehicleReader(Protocol):
    """Reads one endpoint of a vehicle and maps it to a (partial) domain snapshot; adapts the gateway."""

    async def read(self, vehicle: StoredVehicle, endpoint: str) -> VehicleSnapshot:
        """One Renault request; raises bot.renault or bot.services errors."""
        ...

    async def stop_charge(self, vehicle: StoredVehicle) -> None:
        """Send a charge stop (one request, within the account's call budget); raises service errors."""
        ...

    async def preload(self, account_ids: Iterable[int]) -> dict[int, StoredAccount]:
        """Resolve several accounts for a batch in one read; returns the accounts read."""
        ...

    def forget_preloaded(self, account_ids: Iterable[int]) -> None:
        """Drop what `preload` resolved (the batch is over)."""
        ...


class PollVehicles(VehicleRepository, Protocol):
    """The vehicle repository plus the bulk reads of a batch."""

    async def get_many(self, vehicle_ids: Sequence[int]) -> dict[int, StoredVehicle]:
        """Several vehicles in one read (unknown or unreadable ones left out)."""
        ...

    async def chats_for_vehicles(self, vehicle_ids: Sequence[int]) -> dict[int, list[Subscriber]]:
        """`chats_for_vehicle` for several vehicles in one read."""
        ...


class PollStates(VehicleStateRepository, Protocol):
    """The state repository plus the bulk read and write of a batch."""

    async def load_many(self, vehicle_ids: Sequence[int]) -> dict[int, StoredVehicleState]:
        """Several states in one read (an empty state for a vehicle without one)."""
        ...

    async def save_many(self, states: Sequence[StoredVehicleState]) -> None:
        """Store several states in one transaction."""
        ...


class AccountFlags(Protocol):
    """The part of the AccountRepository polling needs (needs-login flags and linked chats)."""

    async def get(self, account_id: int) -> StoredAccount | None:
        """The account without its secrets, or None."""
        ...

    async def mark_needs_login(self, account_id: int) -> None:
        """Flag the account as needing a new login."""
        ...

    async def mark_needs_login_told(self, account_id: int) -> None:
        """Remember that the users were told."""
        ...

    async def chats_for_account(self, account_id: int) -> list[ChatLink]:
        """Chats linked to the account."""
        ...


class NextPoll(Protocol):
    """When to poll again (the poller's interval policy, injected because services cannot import it)."""

    def __call__(self, phase: str | None, vehicles_on_account: int, follow_up: bool) -> timedelta:
        """The delay before the next poll of a vehicle in `phase`."""
        ...
