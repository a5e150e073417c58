"""What polling needs from the stores and the Renault gateway (adapters implement it, bot.app joins them), and
what a poll tells the poller (`PollOutcome`)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from bot.domain.snapshot import VehicleSnapshot
from bot.renault.account import RenaultAccount
from bot.services.ports import (
    OutboxEntry,
    OutboxPayload,
    StoredAccount,
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


@dataclass(slots=True)
class ResolvedAccounts:
    """Accounts read in bulk for one batch, and the Renault proxies of those that can be called.

    Owned by one batch and dropped with it: two batches in flight never share (or clear) each other's.
    """

    accounts: dict[int, StoredAccount]
    proxies: dict[int, RenaultAccount]

    def needs_login(self, account_id: int) -> None:
        """Renault refused the account's login mid-batch: its other vehicles take the needs-login path."""
        self.proxies.pop(account_id, None)
        stored = self.accounts.get(account_id)
        if stored is not None:
            self.accounts[account_id] = dataclasses.replace(stored, needs_login=True)


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


@dataclass(frozen=True, slots=True)
class NewPing:
    """An outbox row to reserve (a batch reserves its pings when it commits), owned by its vehicle (deleted
    with it)."""

    dedup_key: str
    chat_id: int
    payload: OutboxPayload
    deliver_at: datetime
    vehicle_id: int | None

    @property
    def entry(self) -> OutboxEntry:
        """The outbox entry this ping is once reserved (no claim yet)."""
        return OutboxEntry(self.dedup_key, self.chat_id, self.payload, self.deliver_at)


class NextPoll(Protocol):
    """When to poll again (the poller's interval policy, injected because services cannot import it)."""

    def __call__(self, phase: str | None, vehicles_on_account: int, follow_up: bool) -> timedelta:
        """The delay before the next poll of a vehicle in `phase`."""
        ...
