"""The vehicle's one charge tracker: where a charge starts and ends, reading by reading."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain.charge_tracking import ChargeInProgress, ChargeStep, ChargeTracker, follow
from bot.domain.models import traits_for
from bot.domain.phases import ChargePhase, phase_of
from bot.domain.snapshot import ChargeState, PlugState, VehicleSnapshot

T0 = datetime(2026, 11, 2, 18, 0, tzinfo=UTC)
ZOE = traits_for("X102VE")


def _at(minutes: int, level: int, charge: ChargeState, kwh: float | None = None) -> VehicleSnapshot:
    return VehicleSnapshot(
        "VIN",
        T0 + timedelta(minutes=minutes),
        level,
        plug=PlugState.PLUGGED,
        charge=charge,
        available_energy_kwh=kwh,
    )


def _steps(*readings: VehicleSnapshot) -> tuple[ChargeTracker, list[ChargeStep]]:
    tracker, steps = ChargeTracker(), []
    for reading in readings:
        tracker, step = follow(tracker, reading, phase_of(reading, ZOE))
        steps.append(step)
    return tracker, steps


IN, IDLE = ChargeState.CHARGE_IN_PROGRESS, ChargeState.NOT_IN_CHARGE


def test_a_charge_starts_from_the_reading_before_it_and_ends_at_the_first_idle_one() -> None:
    tracker, steps = _steps(_at(0, 40, IDLE, 20.0), _at(10, 41, IN, 20.6), _at(20, 45, IN), _at(30, 50, IDLE))
    charge = ChargeInProgress(T0 + timedelta(minutes=10), 40, 20.0)
    assert steps == [
        ChargeStep(),
        ChargeStep(None, charge, charge),
        ChargeStep(charge, charge, charge),
        ChargeStep(charge, None, charge),
    ]
    assert [s.started for s in steps] == [False, True, False, False]
    assert [s.ended for s in steps] == [None, None, None, charge]
    assert tracker.in_progress is None
    assert tracker.ended_at == T0 + timedelta(minutes=30)


def test_a_report_already_followed_changes_nothing() -> None:
    tracker, _ = _steps(_at(0, 40, IDLE), _at(10, 41, IN))
    again, step = follow(tracker, _at(10, 41, IN), ChargePhase.CHARGING)
    assert again == tracker
    assert not step.started
    assert step.ended is None
    assert step.after == tracker.charge
    assert not step.followed


def test_a_reading_that_says_nothing_keeps_the_charge_going() -> None:
    tracker, steps = _steps(_at(0, 40, IDLE), _at(10, 41, IN), _at(20, 45, ChargeState.UNAVAILABLE))
    assert steps[2].after == steps[1].after is not None
    assert tracker.was_charging is True


def test_the_first_reading_ever_already_charging_starts_from_itself() -> None:
    _, (step,) = _steps(_at(0, 55, IN, 30.0))
    assert step.after == ChargeInProgress(T0, 55, 30.0)


def test_a_charge_whose_start_was_not_seen_starts_at_the_first_reading_followed() -> None:
    # A tracker that saw the car charging with no charge (a damaged memory): the start was missed.
    tracker = ChargeTracker(seen_at=T0, level=50, was_charging=True)
    _, step = follow(tracker, _at(10, 52, IN), ChargePhase.CHARGING)
    assert step.after == ChargeInProgress(T0 + timedelta(minutes=10), 52, None)
