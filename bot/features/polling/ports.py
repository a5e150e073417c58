"""What polling needs (the stores, the Renault gateway, the notifications' use case: adapters and other
features implement it, bot.app joins them), and what a poll tells the poller (`PollOutcome`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from bot.domain.events import Event
from bot.domain.preferences import ChatSettings
from bot.domain.snapshot import VehicleSnapshot
from bot.services.gateway import ResolvedAccounts
from bot.services.outbox_ports import NewPing, Outbox
from bot.services.ports import (
    OutboxEntry,
    StoredVehicle,
    StoredVehicleState,
    Subscriber,
    VehicleRepository,
    VehicleStateRepository,
)


@dataclass(frozen=True, slots=True)
class PollOutcome:
    """What one poll did: when to poll next, how many Renault requests it made and pings it queued."""

    next_poll_at: datetime
    requests: int = 0
    queued: int = 0
    sent: int = 0
    problem: str | None = None


class VehicleReader(Protocol):
    """Reads one endpoint of a vehicle and maps it to a (partial) domain snapshot; adapts the gateway.

    Raises service errors only (bot.services.errors): the gateway is where Renault's errors are translated.
    """

    async def read(
        self, vehicle: StoredVehicle, endpoint: str, resolved: ResolvedAccounts | None = None
    ) -> VehicleSnapshot:
        """One Renault request (through the batch's resolved account when given)."""
        ...

    async def stop_charge(self, vehicle: StoredVehicle, resolved: ResolvedAccounts | None = None) -> None:
        """Send a charge stop (one request, within the account's call budget)."""
        ...

    async def preload(self, account_ids: Iterable[int]) -> ResolvedAccounts:
        """Resolve several accounts for a batch in one read."""
        ...


class PollVehicles(VehicleRepository, Protocol):
    """The vehicle repository plus the bulk reads of a batch."""

    async def get_many(self, vehicle_ids: Sequence[int]) -> dict[int, StoredVehicle]:
        """Several vehicles in one read (unknown or unreadable ones left out)."""
        ...

    async def chats_for_vehicles(self, vehicle_ids: Sequence[int]) -> dict[int, list[Subscriber]]:
        """`chats_for_vehicle` for several vehicles in one read."""
        ...

    async def account_sizes(self, account_ids: Sequence[int]) -> dict[int, int]:
        """How many vehicles each account has, in one read (the database's count, so replicas agree)."""
        ...


class PollStates(VehicleStateRepository, Protocol):
    """The state repository plus the bulk read and write of a batch."""

    async def load_many(self, vehicle_ids: Sequence[int]) -> dict[int, StoredVehicleState]:
        """Several states in one read (an empty state for a vehicle without one)."""
        ...

    async def save_many(self, states: Sequence[StoredVehicleState]) -> None:
        """Store several states in one transaction."""
        ...

    async def commit_sweep(
        self, states: Sequence[StoredVehicleState], pings: Sequence[NewPing]
    ) -> list[OutboxEntry]:
        """Reserve the pings (keys not yet in the outbox) and store the states in ONE transaction.

        Returns the entries reserved now; a key already in the outbox (a replayed diff) is left out.
        """
        ...


class NextPoll(Protocol):
    """When to poll again (the poller's interval policy, injected because services cannot import it)."""

    def __call__(self, phase: str | None, vehicles_on_account: int, follow_up: bool) -> timedelta:
        """The delay before the next poll of a vehicle in `phase`."""
        ...


class PollNotifications(Outbox, Protocol):
    """The notifications' use case as a poll sees it: the poll's pings, reserved by its batch."""

    def pings_for_chats(
        self, vehicle_id: int | None, notices: Iterable[tuple[ChatSettings, Sequence[Event]]]
    ) -> list[NewPing]:
        """The outbox rows of events already filtered for each chat, not reserved yet."""
        ...

    async def enqueue_each(
        self,
        vehicle_id: int | None,
        notices: Iterable[tuple[Subscriber, Sequence[Event]]],
        *,
        account_id: int | None = None,
    ) -> list[OutboxEntry]:
        """Reserve each chat's events that its preferences want, in one go; returns the new entries."""
        ...


class LeaseStore(VehicleStateRepository, Protocol):
    """The state repository plus giving back a whole batch of leases in one transaction (the poller's)."""

    async def release_many(self, owner: str, next_poll_at: Mapping[int, datetime]) -> None:
        """`release` for several vehicles at once."""
        ...

    async def renew(self, owner: str, now: datetime, lease_seconds: float) -> int:
        """Extend every lease `owner` holds to `lease_seconds` from `now` (one statement); how many."""
        ...

    async def lease_owners(self, now: datetime) -> set[str]:
        """The owners of the leases still running at `now`."""
        ...

    async def park_unclaimable(self, now: datetime, until: datetime) -> int:
        """Move the next poll of due vehicles no claim may take to `until`; how many."""
        ...
