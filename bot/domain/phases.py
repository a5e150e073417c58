"""The charge phase of a vehicle: one named state per reading, with the per-model meaning of the codes.

The plug state is trusted first (it is the more stable signal); the charging code refines a plugged car.
Codes that say nothing (unavailable, unknown) give UNKNOWN, which `diff` treats as "no news", so a
flaky reading never produces a plugged/unplugged ping pair.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from types import MappingProxyType

from bot.domain.models import ModelTraits
from bot.domain.snapshot import ChargeState, PlugState, VehicleSnapshot


class ChargePhase(Enum):
    """Where a car is in its plug/charge cycle."""

    UNPLUGGED = "unplugged"
    PLUGGED_IDLE = "plugged_idle"
    WAITING_FOR_SCHEDULE = "waiting_for_schedule"
    CHARGING = "charging"
    COMPLETE = "complete"
    ERROR = "error"
    UNKNOWN = "unknown"

    @property
    def is_plugged(self) -> bool:
        """Whether a cable is connected in this phase."""
        return self in _PLUGGED_PHASES


def phase_named(value: str | None) -> ChargePhase | None:
    """The phase a stored name says (`StoredVehicleState.phase`); None for none or a name no longer known."""
    try:
        return None if value is None else ChargePhase(value)
    except ValueError:
        return None


_PLUGGED_PHASES = frozenset(
    {
        ChargePhase.PLUGGED_IDLE,
        ChargePhase.WAITING_FOR_SCHEDULE,
        ChargePhase.CHARGING,
        ChargePhase.COMPLETE,
        ChargePhase.ERROR,
    }
)

# Meaning of the charging code once the car is known to be plugged in. CHARGE_ERROR is per model.
_PLUGGED_MEANING: Mapping[ChargeState, ChargePhase] = MappingProxyType(
    {
        ChargeState.NOT_IN_CHARGE: ChargePhase.PLUGGED_IDLE,
        ChargeState.WAITING_FOR_PLANNED_CHARGE: ChargePhase.WAITING_FOR_SCHEDULE,
        ChargeState.CHARGE_ENDED: ChargePhase.COMPLETE,
        ChargeState.WAITING_FOR_CURRENT_CHARGE: ChargePhase.PLUGGED_IDLE,
        ChargeState.ENERGY_FLAP_OPENED: ChargePhase.PLUGGED_IDLE,
        ChargeState.CHARGE_IN_PROGRESS: ChargePhase.CHARGING,
        ChargeState.V2G_CHARGING_NORMAL: ChargePhase.CHARGING,
        ChargeState.V2G_CHARGING_WAITING: ChargePhase.PLUGGED_IDLE,
        ChargeState.V2L_CONNECTED: ChargePhase.PLUGGED_IDLE,
        ChargeState.V2G_DISCHARGING: ChargePhase.PLUGGED_IDLE,
        ChargeState.UNAVAILABLE: ChargePhase.UNKNOWN,
        ChargeState.UNKNOWN: ChargePhase.UNKNOWN,
    }
)

# With the plug state unknown, only codes that imply a cable tell us anything.
_PLUG_UNKNOWN_MEANING: Mapping[ChargeState, ChargePhase] = MappingProxyType(
    {
        ChargeState.WAITING_FOR_PLANNED_CHARGE: ChargePhase.WAITING_FOR_SCHEDULE,
        ChargeState.CHARGE_ENDED: ChargePhase.COMPLETE,
        ChargeState.CHARGE_IN_PROGRESS: ChargePhase.CHARGING,
        ChargeState.V2G_CHARGING_NORMAL: ChargePhase.CHARGING,
    }
)


def phase_of(snapshot: VehicleSnapshot, traits: ModelTraits) -> ChargePhase:
    """The charge phase a reading shows, with the model's meaning of the charging code."""
    if not traits.is_electric:
        return ChargePhase.UNKNOWN
    plug, charge = snapshot.plug, snapshot.charge
    if plug is PlugState.UNPLUGGED:
        # A car cannot charge without a cable; a charging code here is a stale field, not a charge.
        return ChargePhase.UNPLUGGED
    if plug is PlugState.PLUG_ERROR:
        return ChargePhase.ERROR
    if plug is PlugState.UNKNOWN:
        return _PLUG_UNKNOWN_MEANING.get(charge, ChargePhase.UNKNOWN)
    if charge is ChargeState.CHARGE_ERROR:
        return ChargePhase.PLUGGED_IDLE if traits.charge_error_means_not_charging else ChargePhase.ERROR
    return _PLUGGED_MEANING.get(charge, ChargePhase.UNKNOWN)
