"""The one charge tracker: what counts as charging, and where a charge starts.

The pings (`bot.domain.diff`, per chat) and the stored sessions (the history feature, per vehicle) both
follow a charge with these two functions, so "charged from 50 %" in a ping and in /history are one figure
(docs/architecture.md, "One charge, one tracker").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.models import ModelTraits
from bot.domain.phases import ChargePhase, phase_of
from bot.domain.snapshot import VehicleSnapshot


@dataclass(frozen=True, slots=True)
class ChargeInProgress:
    """The charge in progress: when the car first reported it and from which level/energy."""

    started_at: datetime
    start_level: int | None
    start_energy_kwh: float | None = None


def charging(snapshot: VehicleSnapshot, traits: ModelTraits) -> bool | None:
    """Whether a reading shows a charge in progress, with the model's meaning of the codes; None when the
    reading says nothing (an unknown phase is no news: a charge in progress stays in progress)."""
    phase = phase_of(snapshot, traits)
    if phase is ChargePhase.UNKNOWN:
        return None
    return phase is ChargePhase.CHARGING


def charge_started(before: VehicleSnapshot | None, first: VehicleSnapshot) -> ChargeInProgress:
    """A charge first seen in reading `first`; `before` is the last reading before the charge, when known.

    The charge began after `before`, so it started from that reading's level and energy counter; without
    one (the car's first reading ever already charging), from `first`'s own.
    """
    assert first.reported_at is not None
    if before is None:
        return ChargeInProgress(first.reported_at, first.battery_level, first.available_energy_kwh)
    level = before.battery_level if before.battery_level is not None else first.battery_level
    return ChargeInProgress(first.reported_at, level, before.available_energy_kwh)
