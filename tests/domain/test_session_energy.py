"""A session's kWh: the car's own counter when reported at both ends and plausible, else levels × capacity."""

from __future__ import annotations

import pytest

from bot.domain.models import traits_for
from bot.domain.pricing import EnergyMethod
from bot.domain.session_energy import SessionEnergy, session_energy

ZOE = traits_for("X102VE")  # 52 kWh usable
UNKNOWN = traits_for("NOPE00")  # no capacity known


def test_the_cars_counter_is_used_when_reported_at_both_ends() -> None:
    assert session_energy(ZOE, 40, 80, 20.5, 41.3) == SessionEnergy(20.8, EnergyMethod.REPORTED)


def test_a_full_battery_from_empty_is_still_plausible() -> None:
    assert session_energy(ZOE, 0, 100, 0.1, 52.1) == SessionEnergy(52.0, EnergyMethod.REPORTED)


@pytest.mark.parametrize(
    ("start_kwh", "end_kwh"),
    [
        (None, 41.0),  # not reported at the start
        (20.0, None),  # not reported at the end
        (0.0, 41.0),  # 0 means "not reported" (protocol §8 item 4)
        (20.0, 0.0),
        (30.0, 20.0),  # the counter went down during a charge
        (1.0, 60.0),  # more than the whole usable battery
        (-5.0, 20.0),
    ],
)
def test_a_missing_or_implausible_counter_falls_back_to_levels(
    start_kwh: float | None, end_kwh: float | None
) -> None:
    # 52 kWh × 40 points = 20.8 kWh
    assert session_energy(ZOE, 40, 80, start_kwh, end_kwh) == SessionEnergy(20.8, EnergyMethod.LEVELS)


def test_no_counter_and_no_levels_gives_nothing() -> None:
    assert session_energy(ZOE, None, 80, None, None) is None
    assert session_energy(UNKNOWN, 40, 80, None, None) is None


def test_with_no_known_capacity_a_non_negative_counter_change_is_taken() -> None:
    assert session_energy(UNKNOWN, 40, 80, 10.0, 30.0) == SessionEnergy(20.0, EnergyMethod.REPORTED)
    assert session_energy(UNKNOWN, 40, 80, 30.0, 10.0) is None
