"""One sweep's unit of work: its bulk reads, and the writes its polls leave for one commit at its end."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.domain.charge_tracking import ChargeStep
from bot.domain.models import ModelTraits
from bot.domain.snapshot import VehicleSnapshot
from bot.services.gateway import ResolvedAccounts
from bot.services.outbox_ports import NewPing
from bot.services.ports import StoredVehicle, StoredVehicleState, Subscriber


@dataclass(slots=True)
class PollBatch:
    """The vehicles a poller claimed together: read in bulk at the start, committed once at the end.

    Created per claimed batch by `PollingService.open_batch` and passed to each `poll` as a parameter, so two
    batches in flight at once (or a user's action meanwhile) never see each other's reads or writes. The
    polls append their state saves and outbox rows here; `PollingService.close_batch` stores them in one
    transaction and then delivers the pings once.
    """

    ids: frozenset[int]
    vehicles: dict[int, StoredVehicle]
    resolved: ResolvedAccounts
    states: dict[int, StoredVehicleState]
    subscribers: dict[int, list[Subscriber]]
    # Vehicles per account, read from the database for this batch: replicas agree, and nothing outlives it.
    account_sizes: dict[int, int]
    saves: list[StoredVehicleState] = field(default_factory=list)
    pings: list[NewPing] = field(default_factory=list)
    # Readings for /history (vehicle, the reading, its charge tracker's step, its traits), stored at the end.
    readings: list[tuple[int, VehicleSnapshot, ChargeStep, ModelTraits]] = field(default_factory=list)

    def holds(self, vehicle_id: int) -> bool:
        """Whether the vehicle was claimed in this batch (its reads are here, its writes wait for the end)."""
        return vehicle_id in self.ids

    def keep(
        self,
        state: StoredVehicleState,
        pings: list[NewPing],
        reading: tuple[VehicleSnapshot, ChargeStep] | None,
        traits: ModelTraits,
    ) -> None:
        """A poll's writes, left for the batch's commit, and its reading for /history (stored before it)."""
        self.saves.append(state)
        self.pings += pings
        if reading is not None:
            self.readings.append((state.vehicle_id, *reading, traits))
