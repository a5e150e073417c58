"""The energy a charge session put in the battery: the car's own counter when plausible, else levels. Pure.

The car reports the energy in its battery (`batteryAvailableEnergy`, protocol §8 item 4: 0 or missing means
"not reported"). When it reported it at both ends of the session, the energy added is end − start, trusted
only if it is plausible: not negative, and no more than the model's usable capacity (a full charge from
empty). Otherwise the estimate is the battery level change × usable capacity.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.models import ModelTraits, energy_added_kwh
from bot.domain.pricing import EnergyMethod


@dataclass(frozen=True, slots=True)
class SessionEnergy:
    """kWh added to the battery over a session, and how they were found."""

    kwh: float
    method: EnergyMethod


def session_energy(
    traits: ModelTraits,
    start_level: int | None,
    end_level: int | None,
    start_kwh: float | None,
    end_kwh: float | None,
) -> SessionEnergy | None:
    """End − start of the car's counter when both are reported and plausible, else levels × capacity."""
    reported = reported_energy(traits, start_kwh, end_kwh)
    if reported is not None:
        return SessionEnergy(reported, EnergyMethod.REPORTED)
    if start_level is None or end_level is None:
        return None
    estimate = energy_added_kwh(traits, start_level, end_level)
    return None if estimate is None else SessionEnergy(estimate, EnergyMethod.LEVELS)


def reported_energy(traits: ModelTraits, start_kwh: float | None, end_kwh: float | None) -> float | None:
    """end − start of the car's counter (kWh, 0.1 precision), None when missing or implausible."""
    if not start_kwh or not end_kwh or start_kwh < 0 or end_kwh < 0:
        return None  # 0 means "not reported"
    added = end_kwh - start_kwh
    capacity = traits.usable_capacity_kwh
    if added < 0 or (capacity is not None and added > capacity):
        return None
    return round(added, 1)
