"""Physical plausibility: real drives and charges of every model pass, impossible jumps are held back."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from bot.domain.charge_tracking import ChargeTracker, follow
from bot.domain.diff import TrackedState, diff
from bot.domain.events import LowBattery
from bot.domain.models import MODELS, ModelTraits, Powertrain, traits_for
from bot.domain.phases import ChargePhase, phase_of
from bot.domain.plausibility import (
    DEFAULT_CAPACITY_KWH,
    DEFAULT_DRIVE_KW,
    capacity_kwh,
    implausible,
    implied_power_kw,
    max_charge_kw,
    max_draw_kw,
)
from bot.domain.preferences import NotificationPreferences
from bot.domain.snapshot import PlugState, VehicleSnapshot

T0 = datetime(2026, 7, 14, 9, 0, tzinfo=UTC)
PREFS = NotificationPreferences()  # low battery at 20 %
ELECTRIC = sorted(code for code, traits in MODELS.items() if traits.powertrain is Powertrain.BEV)
UNKNOWN_CODE = "ZZZ9ZZ"  # a model the table does not know
UNKNOWN = traits_for(UNKNOWN_CODE)
MODEL_CODES = [*ELECTRIC, UNKNOWN_CODE]
# What the property tests draw: a model, a report interval, a share of its power and a starting level.
CODES = st.sampled_from(MODEL_CODES)
MINUTES = st.floats(0.5, 240)
SHARES = st.floats(0, 1)
LEVELS = st.integers(0, 100)

# Average battery draw at 130 km/h (or the car's top speed when lower), heating off: what a motorway run
# really costs. ZE50: 17 kWh in 30 min; Twingo E-Tech: 11 kWh in 30 min.
MOTORWAY_KW: dict[str, float] = {
    "X101VE": 30.0,
    "X102VE": 34.0,
    "X071VE": 22.0,
    "XBG1VE": 20.0,
    "XBG2VE": 22.0,
    "XCB1VE": 40.0,
    "XCB1SE": 45.0,
    "R5E1VE": 36.0,
    "A5E1AE": 40.0,
    "A4E1VE": 38.0,
    "XDD1VE": 60.0,
}


def snap(seconds: float, level: int, range_km: float | None = None) -> VehicleSnapshot:
    return VehicleSnapshot(
        vin="VF1PLAUS",
        reported_at=T0 + timedelta(seconds=seconds),
        battery_level=level,
        range_km=level * 3.5 if range_km is None else range_km,
        plug=PlugState.UNPLUGGED,
    )


def _implausible(
    before: VehicleSnapshot, after: VehicleSnapshot, before_phase: ChargePhase, traits: ModelTraits
) -> bool:
    return implausible(before, after, before_phase, phase_of(after, traits), traits)


def run(traits: ModelTraits, readings: list[VehicleSnapshot]) -> tuple[TrackedState, list[list[object]]]:
    state, batches = TrackedState(), list[list[object]]()
    tracker = ChargeTracker()  # the vehicle's charge tracker follows every reading, as a poll does
    for reading in readings:
        assert reading.reported_at is not None
        tracker, step = follow(tracker, reading, phase_of(reading, traits))
        result = diff(
            state, reading, PREFS, traits, reading.reported_at, charge=step, phase=phase_of(reading, traits)
        )
        state = result.state
        batches.append(list(result.events))
    return state, batches


def drop_points(kw: float, minutes: float, battery_kwh: float) -> int:
    return round(kw * minutes / 60 / battery_kwh * 100)


def test_every_electric_model_has_a_motorway_figure_below_its_limits() -> None:
    assert sorted(MOTORWAY_KW) == ELECTRIC
    for code in ELECTRIC:
        assert MOTORWAY_KW[code] < max_draw_kw(traits_for(code))


@pytest.mark.parametrize("code", ELECTRIC)
@pytest.mark.parametrize("battery", ["smallest", "usual"])
def test_a_motorway_drive_reaches_battery_low_on_the_first_report(code: str, battery: str) -> None:
    traits = traits_for(code)
    kwh = capacity_kwh(traits) if battery == "smallest" else traits.usable_capacity_kwh
    assert kwh is not None
    points = drop_points(MOTORWAY_KW[code], 30, kwh)
    start = min(100, 15 + points)
    state, batches = run(traits, [snap(0, start), snap(30 * 60, start - points)])
    assert start - points <= PREFS.low_battery_threshold
    assert [type(e) for e in batches[1]] == [LowBattery]
    assert state.pending is None


def test_the_issues_two_drives_are_plausible() -> None:
    zoe, twingo = traits_for("X102VE"), traits_for("X071VE")
    # Zoe ZE50 (52 kWh): 17 kWh in 30 minutes is 33 points; Twingo (21.4 kWh usable): 11 kWh is 51 points.
    assert not _implausible(snap(0, 55), snap(1800, 22), ChargePhase.UNPLUGGED, zoe)
    assert not _implausible(snap(0, 70), snap(1800, 19), ChargePhase.UNPLUGGED, twingo)


@pytest.mark.parametrize("code", MODEL_CODES)
def test_sixty_to_four_within_seconds_is_held_until_a_newer_report_agrees(code: str) -> None:
    traits = traits_for(code)
    state, batches = run(traits, [snap(0, 60), snap(20, 4)])
    assert batches[1] == []
    assert state.pending is not None
    state, batches = run(traits, [snap(0, 60), snap(20, 4), snap(600, 4)])
    assert [type(e) for e in batches[2]] == [LowBattery]


def test_the_spurious_full_reading_with_an_unchanged_range_is_still_held_after_hours() -> None:
    zoe = traits_for("X102VE")
    assert _implausible(snap(0, 40, 140.0), snap(6 * 3600, 100, 140.0), ChargePhase.UNPLUGGED, zoe)
    assert not _implausible(snap(0, 40, 140.0), snap(6 * 3600, 100, 350.0), ChargePhase.UNPLUGGED, zoe)


def test_a_rise_without_charging_is_plausible_up_to_the_fastest_charger_only() -> None:
    zoe, twingo = traits_for("X102VE"), traits_for("X071VE")
    # A 50 kW DC stop between two reports (neither saw the charge): 25 kWh in 30 min, 48 points.
    assert not _implausible(snap(0, 20), snap(1800, 68), ChargePhase.UNPLUGGED, zoe)
    # The same rise in 10 minutes would need 150 kW.
    assert _implausible(snap(0, 20), snap(600, 68), ChargePhase.UNPLUGGED, zoe)
    # The Twingo has no DC: 22 kW for 30 min is 51 points, 60 points in 20 min is not possible.
    assert not _implausible(snap(0, 20), snap(1800, 71), ChargePhase.UNPLUGGED, twingo)
    assert _implausible(snap(0, 20), snap(1200, 80), ChargePhase.UNPLUGGED, twingo)


def test_a_rise_while_charging_is_never_judged_by_power() -> None:
    zoe = traits_for("X102VE")
    charging = replace(snap(60, 80), plug=PlugState.PLUGGED)
    assert not _implausible(snap(0, 20), charging, ChargePhase.CHARGING, zoe)


def test_level_noise_is_never_a_power() -> None:
    zoe = traits_for("X102VE")
    assert implied_power_kw(zoe, 50, 47, timedelta(seconds=1)) == 0.0
    assert not _implausible(snap(0, 50), snap(1, 47), ChargePhase.UNPLUGGED, zoe)
    assert not _implausible(snap(0, 50), snap(1, 53), ChargePhase.UNPLUGGED, zoe)
    assert implied_power_kw(zoe, 50, 40, timedelta(0)) == float("inf")


def test_unknown_models_get_generous_limits() -> None:
    assert capacity_kwh(UNKNOWN) == DEFAULT_CAPACITY_KWH
    assert max_draw_kw(UNKNOWN) >= max(max_draw_kw(t) for t in MODELS.values() if t.peak_drive_kw)
    assert max_charge_kw(UNKNOWN) >= max(max_charge_kw(t) for t in MODELS.values() if t.fastest_charge_kw)
    assert min(capacity_kwh(traits_for(code)) for code in ELECTRIC) >= DEFAULT_CAPACITY_KWH


@given(code=CODES, smallest=st.booleans(), minutes=MINUTES, share=SHARES, start=LEVELS)
def test_any_drive_within_the_models_power_is_plausible(
    code: str, smallest: bool, minutes: float, share: float, start: int
) -> None:
    traits = traits_for(code)
    kwh = capacity_kwh(traits) if smallest else (traits.usable_capacity_kwh or DEFAULT_CAPACITY_KWH)
    after = max(0, start - drop_points(share * (traits.peak_drive_kw or DEFAULT_DRIVE_KW), minutes, kwh))
    assert not _implausible(snap(0, start), snap(minutes * 60, after), ChargePhase.UNPLUGGED, traits)


@given(code=CODES, seconds=st.floats(1, 20), start=st.integers(10, 100), points=st.integers(10, 100))
def test_a_drop_of_ten_points_or_more_within_seconds_is_implausible(
    code: str, seconds: float, start: int, points: int
) -> None:
    after = start - points
    assume(after >= 0)
    assert _implausible(snap(0, start), snap(seconds, after), ChargePhase.UNPLUGGED, traits_for(code))


@given(code=CODES, minutes=MINUTES, share=SHARES, start=LEVELS)
def test_any_charge_within_the_models_fastest_rate_is_plausible_unseen(
    code: str, minutes: float, share: float, start: int
) -> None:
    traits = traits_for(code)
    after = min(100, start + drop_points(share * max_charge_kw(traits), minutes, capacity_kwh(traits)))
    assert not _implausible(snap(0, start), snap(minutes * 60, after), ChargePhase.UNPLUGGED, traits)
