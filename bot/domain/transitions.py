"""The events of one phase change (plugged, charge started, complete, interrupted, error, unplugged)."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.charge_tracking import ChargeInProgress
from bot.domain.events import (
    ChargeComplete,
    ChargeError,
    ChargeInterrupted,
    ChargeStarted,
    Event,
    InterruptReason,
    Plugged,
    Unplugged,
)
from bot.domain.models import ModelTraits
from bot.domain.phases import ChargePhase
from bot.domain.session_energy import session_energy
from bot.domain.snapshot import VehicleSnapshot

FULL_LEVEL = 99
"""A charge that stops at or above this level is complete, whatever code the car sends (Zoe 40 sends none)."""

_INTERRUPT_REASONS = {
    ChargePhase.UNPLUGGED: InterruptReason.UNPLUGGED,
    ChargePhase.WAITING_FOR_SCHEDULE: InterruptReason.SCHEDULE_ENDED,
}


def phase_events(
    before: VehicleSnapshot,
    after: VehicleSnapshot,
    old: ChargePhase,
    new: ChargePhase,
    session: ChargeInProgress | None,
    traits: ModelTraits,
) -> tuple[Event, ...]:
    """Events of a change from phase `old` (reading `before`) to `new` (reading `after`), in message order;
    `session` is the charge a change out of charging ends (the vehicle's tracker's)."""
    assert after.reported_at is not None
    at, level, vin = after.reported_at, after.battery_level, after.vin
    events: list[Event] = []
    if new.is_plugged and old is ChargePhase.UNPLUGGED:
        events.append(Plugged(vin, at, level))
    if old is ChargePhase.CHARGING and new is not ChargePhase.CHARGING:
        events.append(_end_of_charge(before, after, new, session, traits))
    elif new is ChargePhase.CHARGING:
        events.append(ChargeStarted(vin, at, level, after.charging_power_kw, after.remaining_minutes))
    elif new is ChargePhase.COMPLETE and _rose(before, after):
        # The whole charge happened between two readings: report it without a duration.
        events.append(_complete(before, after, None, traits))
    elif new is ChargePhase.ERROR:
        events.append(ChargeError(vin, at, level, was_charging=False))
    if new is ChargePhase.UNPLUGGED and old.is_plugged:
        events.append(Unplugged(vin, at, level, after.range_km))
    return tuple(events)


def _rose(before: VehicleSnapshot, after: VehicleSnapshot) -> bool:
    return (
        before.battery_level is not None
        and after.battery_level is not None
        and after.battery_level > before.battery_level
    )


def _end_of_charge(
    before: VehicleSnapshot,
    after: VehicleSnapshot,
    new: ChargePhase,
    session: ChargeInProgress | None,
    traits: ModelTraits,
) -> Event:
    assert after.reported_at is not None
    if new is ChargePhase.ERROR:
        return ChargeError(after.vin, after.reported_at, after.battery_level, was_charging=True)
    level = after.battery_level
    if new is ChargePhase.COMPLETE or (level is not None and level >= FULL_LEVEL):
        return _complete(before, after, session, traits)
    start_level, energy, duration = _summary(before, after, session, traits)
    reason = _INTERRUPT_REASONS.get(new, InterruptReason.STOPPED)
    return ChargeInterrupted(after.vin, after.reported_at, level, reason, start_level, energy, duration)


def _complete(
    before: VehicleSnapshot, after: VehicleSnapshot, session: ChargeInProgress | None, traits: ModelTraits
) -> ChargeComplete:
    assert after.reported_at is not None
    start_level, energy, duration = _summary(before, after, session, traits)
    return ChargeComplete(after.vin, after.reported_at, after.battery_level, start_level, energy, duration)


def _summary(
    before: VehicleSnapshot, after: VehicleSnapshot, session: ChargeInProgress | None, traits: ModelTraits
) -> tuple[int | None, float | None, timedelta | None]:
    start_level = session.start_level if session is not None else before.battery_level
    duration: timedelta | None = None
    if session is not None and after.reported_at is not None:
        duration = after.reported_at - session.started_at
    start_energy = session.start_energy_kwh if session is not None else before.available_energy_kwh
    # The car's own energy figure beats our estimate when plausible (the same rule as the stored sessions).
    energy = session_energy(
        traits, start_level, after.battery_level, start_energy, after.available_energy_kwh
    )
    return start_level, None if energy is None else energy.kwh, duration
