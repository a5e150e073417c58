"""Whether a new battery reading is physically possible after the previous one, for the car's model.

A change of battery level between two reports means energy left or entered the battery in the time between
them. A drop is implausible only when that average power is more than the model can draw while driving (its
strongest motor at full power, plus heating); a rise without charging only when it is more than the model's
fastest charging. The limits are the most permissive of the model's versions (`bot.domain.models`), so a
real drive, however fast, is never held back: a Zoe ZE50 at 130 km/h (about 34 kW) or a Twingo E-Tech
(about 22 kW) is far below. What remains implausible is a jump no car can make (60 % to 4 % within seconds)
and the known spurious "100 %" with an unchanged range, which says nothing about time at all.
"""

from __future__ import annotations

from datetime import timedelta

from bot.domain.models import ModelTraits
from bot.domain.phases import ChargePhase
from bot.domain.snapshot import VehicleSnapshot

# Levels are whole points and the car recalibrates them now and then (cold battery, wake-up): a change this
# small is noise whatever the time between the reports, never a measure of power.
LEVEL_NOISE_POINTS = 3
# Heating or air conditioning on top of the motor: what a car can draw beyond its traction power.
AUXILIARY_KW = 10.0
# An unknown model: a small battery and the strongest Renault motor and charger, so nothing real is held.
DEFAULT_CAPACITY_KWH = 20.0
DEFAULT_DRIVE_KW = 160.0
DEFAULT_CHARGE_KW = 150.0
# Unchanged means within this; the spurious full reading keeps the old range to the kilometre.
_SAME_RANGE_KM = 1.0
_SPURIOUS_FULL_RISE = 5


def capacity_kwh(traits: ModelTraits) -> float:
    """The battery size that judges plausibility: the model's smallest, else its usual, else a small one."""
    return traits.smallest_capacity_kwh or traits.usable_capacity_kwh or DEFAULT_CAPACITY_KWH


def max_draw_kw(traits: ModelTraits) -> float:
    """The most average power the model can take from its battery while driving."""
    return (traits.peak_drive_kw or DEFAULT_DRIVE_KW) + AUXILIARY_KW


def max_charge_kw(traits: ModelTraits) -> float:
    """The most average power the model can put into its battery."""
    return traits.fastest_charge_kw or DEFAULT_CHARGE_KW


def implied_power_kw(traits: ModelTraits, before_level: int, after_level: int, elapsed: timedelta) -> float:
    """The average power (kW, never negative) a level change implies, after discounting level noise."""
    points = abs(after_level - before_level) - LEVEL_NOISE_POINTS
    if points <= 0:
        return 0.0
    hours = elapsed.total_seconds() / 3600
    energy = capacity_kwh(traits) * points / 100
    return float("inf") if hours <= 0 else energy / hours


def spurious_full(before: VehicleSnapshot, after: VehicleSnapshot) -> bool:
    """The known bad report: 100 % with the range of the previous, lower reading."""
    if before.battery_level is None or after.battery_level is None:
        return False
    return (
        after.battery_level >= 100
        and after.battery_level - before.battery_level >= _SPURIOUS_FULL_RISE
        and before.range_km is not None
        and after.range_km is not None
        and abs(after.range_km - before.range_km) < _SAME_RANGE_KM
    )


def implausible(
    before: VehicleSnapshot,
    after: VehicleSnapshot,
    before_phase: ChargePhase,
    after_phase: ChargePhase,
    traits: ModelTraits,
) -> bool:
    """Whether `after` cannot follow `before` physically (or is the known spurious full reading); the phases
    are the readings' own (`phase_of`)."""
    if before.battery_level is None or after.battery_level is None:
        return False
    if before.reported_at is None or after.reported_at is None:
        return False
    if spurious_full(before, after):
        return True
    power = implied_power_kw(
        traits, before.battery_level, after.battery_level, after.reported_at - before.reported_at
    )
    if after.battery_level < before.battery_level:
        return power > max_draw_kw(traits)
    charging = ChargePhase.CHARGING in (before_phase, after_phase) or after_phase is ChargePhase.COMPLETE
    return not charging and power > max_charge_kw(traits)
