"""diff(): which readings notify, once, per chat."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from bot.domain.actions import ActionKind
from bot.domain.charge_tracking import ChargeStep, ChargeTracker, follow
from bot.domain.diff import DiffResult, TrackedState, diff
from bot.domain.events import (
    ActionConfirmed,
    ActionNotConfirmed,
    ChargeComplete,
    ChargeError,
    ChargeInterrupted,
    ChargeStarted,
    InterruptReason,
    LowBattery,
    Plugged,
    PluggedNotCharging,
    PlugReminder,
    PreconditioningConfirmed,
    TargetReached,
    Unplugged,
)
from bot.domain.models import ModelTraits, traits_for
from bot.domain.phases import ChargePhase, phase_of
from bot.domain.preferences import NotificationKind, NotificationPreferences
from bot.domain.snapshot import ChargeMode, ChargeState, GeoPoint, PlugState, VehicleSnapshot

T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
ZOE_50 = traits_for("X102VE")
PREFS = NotificationPreferences()
NO_CHARGE = ChargeStep()  # the vehicle charges neither before nor after the reading


def reading(
    minutes: float,
    level: int = 50,
    plug: PlugState = PlugState.UNPLUGGED,
    charge: ChargeState = ChargeState.NOT_IN_CHARGE,
    **fields: object,
) -> VehicleSnapshot:
    base = VehicleSnapshot(
        vin="VF1TEST",
        reported_at=T0 + timedelta(minutes=minutes),
        battery_level=level,
        range_km=level * 3.0,
        plug=plug,
        charge=charge,
    )
    return replace(base, **fields)  # type: ignore[arg-type]


def plugged(
    minutes: float, level: int = 50, charge: ChargeState = ChargeState.NOT_IN_CHARGE
) -> VehicleSnapshot:
    return reading(minutes, level, PlugState.PLUGGED, charge)


def charging(minutes: float, level: int) -> VehicleSnapshot:
    return reading(minutes, level, PlugState.PLUGGED, ChargeState.CHARGE_IN_PROGRESS)


def _diff(
    state: TrackedState,
    snap: VehicleSnapshot,
    prefs: NotificationPreferences,
    traits: ModelTraits,
    now: datetime,
    *,
    charge: ChargeStep,
    zone: tzinfo = UTC,
) -> DiffResult:
    """One diff of a reading the vehicle's charge tracker did not see charging, with its phase read once."""
    return diff(state, snap, prefs, traits, now, charge=charge, phase=phase_of(snap, traits), zone=zone)


def run(
    readings: list[VehicleSnapshot],
    prefs: NotificationPreferences = PREFS,
    state: TrackedState | None = None,
    traits: object = ZOE_50,
) -> tuple[TrackedState, list[list[object]]]:
    state = state or TrackedState()
    tracker = ChargeTracker()  # the vehicle's charge tracker, following the same readings (as a poll does)
    batches: list[list[object]] = []
    for snap in readings:
        assert snap.reported_at is not None
        tracker, step = follow(tracker, snap, phase_of(snap, traits))  # type: ignore[arg-type]
        result: DiffResult = diff(
            state,
            snap,
            prefs,
            traits,  # type: ignore[arg-type]
            snap.reported_at + timedelta(minutes=1),
            charge=step,
            phase=phase_of(snap, traits),  # type: ignore[arg-type]
        )
        state = result.state
        batches.append(list(result.events))
    return state, batches


def kinds(events: list[object]) -> list[type]:
    return [type(e) for e in events]


def test_first_reading_only_initialises() -> None:
    state, batches = run([charging(0, 10)])
    assert batches == [[]]
    assert state.phase is ChargePhase.CHARGING


def test_a_full_charge_cycle_notifies_each_step_once() -> None:
    _, batches = run(
        [
            reading(0, 40),
            plugged(10, 40),
            charging(20, 41),
            charging(80, 70),
            plugged(140, 100, ChargeState.CHARGE_ENDED),
            reading(200, 100),
        ]
    )
    assert [kinds(b) for b in batches] == [
        [],
        [Plugged],
        [ChargeStarted],
        [],
        [ChargeComplete],
        [Unplugged],
    ]
    complete = batches[4][0]
    assert isinstance(complete, ChargeComplete)
    assert complete.start_level == 40
    assert complete.battery_level == 100
    assert complete.duration == timedelta(minutes=120)
    assert complete.energy_added_kwh == 31.2


def _charge_with_counter(start_kwh: float, end_kwh: float) -> ChargeComplete:
    _, batches = run(
        [
            reading(0, 40, PlugState.PLUGGED, available_energy_kwh=start_kwh),
            charging(10, 41),
            reading(130, 100, PlugState.PLUGGED, ChargeState.CHARGE_ENDED, available_energy_kwh=end_kwh),
        ]
    )
    (complete,) = batches[2]
    assert isinstance(complete, ChargeComplete)
    return complete


def test_charge_complete_takes_the_cars_counter_when_plausible_else_the_levels() -> None:
    assert _charge_with_counter(20.9, 52.0).energy_added_kwh == 31.1
    assert _charge_with_counter(52.0, 20.9).energy_added_kwh == 31.2  # went down: 52 kWh × 60 points
    assert _charge_with_counter(1.0, 60.0).energy_added_kwh == 31.2  # more than the battery holds


def test_stale_or_equal_report_times_never_notify() -> None:
    state, _ = run([reading(0, 40)])
    for stale in (reading(0, 40, PlugState.PLUGGED), reading(-5, 40, PlugState.PLUGGED)):
        result = _diff(state, stale, PREFS, ZOE_50, T0 + timedelta(hours=1), charge=NO_CHARGE)
        assert result.events == []
        assert result.state.phase is ChargePhase.UNPLUGGED


def test_missing_report_time_never_notifies() -> None:
    state, _ = run([reading(0, 40)])
    result = _diff(
        state,
        replace(reading(5, 40, PlugState.PLUGGED), reported_at=None),
        PREFS,
        ZOE_50,
        T0,
        charge=NO_CHARGE,
    )
    assert result.events == []


def test_same_event_is_not_produced_twice_after_a_restart() -> None:
    state, _ = run([reading(0, 40)])
    stored = TrackedState.from_json(state.to_json())
    first = _diff(stored, plugged(10), PREFS, ZOE_50, T0 + timedelta(minutes=11), charge=NO_CHARGE)
    again = _diff(
        TrackedState.from_json(first.state.to_json()), plugged(10), PREFS, ZOE_50, T0, charge=NO_CHARGE
    )
    assert kinds(list(first.events)) == [Plugged]
    assert again.events == []


def test_charge_stopped_before_full_is_interrupted() -> None:
    _, batches = run([plugged(0, 40), charging(10, 41), plugged(60, 60)])
    event = batches[2][0]
    assert isinstance(event, ChargeInterrupted)
    assert event.reason is InterruptReason.STOPPED
    assert event.start_level == 40


def test_unplugging_during_a_charge_reports_interruption_then_unplugged() -> None:
    _, batches = run([plugged(0, 40), charging(10, 41), reading(60, 60)])
    assert kinds(batches[2]) == [ChargeInterrupted, Unplugged]
    assert batches[2][0].reason is InterruptReason.UNPLUGGED  # type: ignore[attr-defined]


def test_charge_ending_at_full_without_ended_code_is_complete_on_zoe_40() -> None:
    zoe_40 = traits_for("X101VE")
    readings = [
        plugged(0, 80, ChargeState.CHARGE_ERROR),
        charging(10, 81),
        plugged(60, 100, ChargeState.CHARGE_ERROR),
    ]
    _, batches = run(readings, traits=zoe_40)
    assert kinds(batches[2]) == [ChargeComplete]


def test_charge_error_is_reported_on_zoe_50() -> None:
    _, batches = run([plugged(0, 40), charging(10, 41), plugged(20, 42, ChargeState.CHARGE_ERROR)])
    assert kinds(batches[2]) == [ChargeError]
    assert batches[2][0].was_charging  # type: ignore[attr-defined]


def test_waiting_for_schedule_is_not_plugged_not_charging() -> None:
    state, _ = run([reading(0, 40), plugged(10, 40, ChargeState.WAITING_FOR_PLANNED_CHARGE)])
    later = _diff(state, plugged(10, 40), PREFS, ZOE_50, T0 + timedelta(hours=2), charge=NO_CHARGE)
    assert later.events == []


def test_plugged_not_charging_after_grace_once() -> None:
    state, _ = run([reading(0, 40), plugged(10, 40)])
    too_early = _diff(state, plugged(10), PREFS, ZOE_50, T0 + timedelta(minutes=20), charge=NO_CHARGE)
    assert too_early.events == []
    due = _diff(too_early.state, plugged(10), PREFS, ZOE_50, T0 + timedelta(minutes=26), charge=NO_CHARGE)
    assert kinds(list(due.events)) == [PluggedNotCharging]
    again = _diff(due.state, plugged(10), PREFS, ZOE_50, T0 + timedelta(minutes=60), charge=NO_CHARGE)
    assert again.events == []


def test_plugged_not_charging_is_not_sent_for_a_full_battery() -> None:
    state, _ = run([reading(0, 99), plugged(10, 99)])
    assert (
        _diff(state, plugged(10, 99), PREFS, ZOE_50, T0 + timedelta(hours=1), charge=NO_CHARGE).events == []
    )


def test_low_battery_fires_once_per_crossing_and_rearms_above_hysteresis() -> None:
    levels = [30, 20, 18, 22, 24, 19, 25, 20]
    _, batches = run([reading(i * 60, level) for i, level in enumerate(levels)])
    fired = [levels[i] for i, batch in enumerate(batches) if any(isinstance(e, LowBattery) for e in batch)]
    assert fired == [20, 20]


def test_low_battery_uses_each_chats_threshold() -> None:
    readings = [reading(0, 40), reading(60, 28), reading(120, 18)]
    _, batches_default = run(readings)
    _, batches_30 = run(readings, replace(PREFS, low_battery_threshold=30))
    assert [kinds(b) for b in batches_default] == [[], [], [LowBattery]]
    assert [kinds(b) for b in batches_30] == [[], [LowBattery], []]


def test_low_battery_at_link_time_does_not_ping() -> None:
    _, batches = run([reading(0, 10), reading(60, 9)])
    assert batches == [[], []]


def test_implausible_jump_waits_for_a_confirming_reading() -> None:
    _, batches = run(
        [reading(0, 15), reading(10, 60), reading(20, 61)], replace(PREFS, low_battery_threshold=20)
    )
    assert batches == [[], [], []]
    _state, batches = run([reading(0, 25), reading(10, 100, range_km=75.0), reading(20, 10, range_km=30.0)])
    assert batches == [
        [],
        [],
        [
            LowBattery(
                vin="VF1TEST",
                reported_at=T0 + timedelta(minutes=20),
                battery_level=10,
                threshold=20,
                range_km=30.0,
            )
        ],
    ]


def test_implausible_reading_not_confirmed_is_discarded() -> None:
    state, batches = run([reading(0, 50), reading(0.5, 5), reading(20, 49)])
    assert batches == [[], [], []]
    assert state.snapshot is not None
    assert state.snapshot.battery_level == 49
    assert state.pending is None


def test_implausible_drop_confirmed_then_notifies() -> None:
    _, batches = run([reading(0, 50), reading(0.5, 5), reading(20, 5)])
    assert kinds(batches[1]) == []
    assert kinds(batches[2]) == [LowBattery]


def test_jump_to_full_with_unchanged_range_is_held_back() -> None:
    _, batches = run([plugged(0, 60), plugged(600, 100, ChargeState.CHARGE_ENDED)])
    assert kinds(batches[1]) == [ChargeComplete]  # range changed: plausible
    stuck = plugged(600, 100, ChargeState.CHARGE_ENDED)
    _, held = run([plugged(0, 60), replace(stuck, range_km=180.0)])
    assert held[1] == []


def test_target_reached_once_per_charge_with_stop_flag() -> None:
    prefs = replace(PREFS, target_level=80, stop_at_target=True)
    _, batches = run([plugged(0, 50), charging(10, 51), charging(60, 80), charging(70, 82)], prefs)
    assert kinds(batches[2]) == [TargetReached]
    event = batches[2][0]
    assert isinstance(event, TargetReached)
    assert event.stop_charge is True
    assert event.charge_started_at == T0 + timedelta(minutes=10)
    assert batches[3] == []


def test_target_reached_does_not_ask_to_stop_where_the_model_cannot() -> None:
    prefs = replace(PREFS, target_level=80, stop_at_target=True)
    _, batches = run([plugged(0, 50), charging(10, 51), charging(60, 80)], prefs, traits=traits_for("R5E1VE"))
    assert batches[2][0].stop_charge is False  # type: ignore[attr-defined]


def test_disabled_kinds_are_filtered() -> None:
    prefs = replace(PREFS, enabled=frozenset({NotificationKind.CHARGE_STARTED}))
    _, batches = run([reading(0, 40), plugged(10), charging(20, 41)], prefs)
    assert [kinds(b) for b in batches] == [[], [], [ChargeStarted]]


def test_hybrids_get_no_charge_notifications() -> None:
    _, batches = run([reading(0, 40), plugged(10), charging(20, 41)], traits=traits_for("XHN1SU"))
    assert batches == [[], [], []]


def test_action_confirmed_by_a_newer_reading() -> None:
    state, _ = run([plugged(0, 40)])
    sent = T0 + timedelta(minutes=5)
    state = state.expect(ActionKind.CHARGE_START, "msg-1", sent, ZOE_50)
    result = _diff(state, charging(8, 41), PREFS, ZOE_50, T0 + timedelta(minutes=9), charge=NO_CHARGE)
    confirmed = [e for e in result.events if isinstance(e, ActionConfirmed)]
    assert len(confirmed) == 1
    assert confirmed[0].reference == "msg-1"
    assert result.state.actions == ()


def test_action_not_confirmed_in_time_even_without_new_readings() -> None:
    prefs = replace(PREFS, enabled=frozenset())
    state, _ = run([plugged(0, 40)], prefs)
    state = state.expect(ActionKind.CHARGE_START, "msg-1", T0 + timedelta(minutes=5), ZOE_50)
    waiting = _diff(state, plugged(0, 40), prefs, ZOE_50, T0 + timedelta(minutes=10), charge=NO_CHARGE)
    assert waiting.events == []
    late = _diff(waiting.state, plugged(0, 40), prefs, ZOE_50, T0 + timedelta(minutes=16), charge=NO_CHARGE)
    assert kinds(list(late.events)) == [ActionNotConfirmed]
    assert late.state.actions == ()


def test_old_reading_does_not_confirm_a_later_action() -> None:
    state, _ = run([plugged(0, 40)])
    state = state.expect(ActionKind.CHARGE_START, "m", T0 + timedelta(minutes=30), ZOE_50)
    result = _diff(state, charging(10, 41), PREFS, ZOE_50, T0 + timedelta(minutes=31), charge=NO_CHARGE)
    assert not any(isinstance(e, ActionConfirmed) for e in result.events)


def test_preconditioning_request_is_confirmed_once() -> None:
    state, _ = run([reading(0, 60, hvac_on=False)])
    state = state.expect(ActionKind.PRECONDITION, "m", T0 + timedelta(minutes=1), ZOE_50)
    result = _diff(
        state, reading(5, 60, hvac_on=True), PREFS, ZOE_50, T0 + timedelta(minutes=6), charge=NO_CHARGE
    )
    assert kinds(list(result.events)) == [PreconditioningConfirmed]
    assert result.events[0].reference == "m"  # type: ignore[attr-defined]


def test_preconditioning_started_elsewhere_is_reported() -> None:
    _, batches = run([reading(0, 60, hvac_on=False), reading(5, 60, hvac_on=True)])
    assert kinds(batches[1]) == [PreconditioningConfirmed]


def test_preconditioning_is_never_awaited_on_zoe_40() -> None:
    state = TrackedState().expect(ActionKind.PRECONDITION, "m", T0, traits_for("X101VE"))
    assert state.actions == ()


def test_plug_reminder_in_the_chats_evening_once_per_day() -> None:
    paris = ZoneInfo("Europe/Paris")
    prefs = replace(PREFS, reminder_time=time(21, 0), reminder_below_level=50)
    state, _ = run([reading(0, 30)], prefs)
    before = _diff(
        state,
        reading(0, 30),
        prefs,
        ZOE_50,
        datetime(2026, 11, 2, 19, 59, tzinfo=UTC),
        zone=paris,
        charge=NO_CHARGE,
    )
    assert before.events == []
    due = _diff(
        before.state,
        reading(0, 30),
        prefs,
        ZOE_50,
        datetime(2026, 11, 2, 20, 5, tzinfo=UTC),
        zone=paris,
        charge=NO_CHARGE,
    )
    assert due.events == [PlugReminder("VF1TEST", date(2026, 11, 2), 30, 50)]
    again = _diff(
        due.state,
        reading(0, 30),
        prefs,
        ZOE_50,
        datetime(2026, 11, 2, 21, 0, tzinfo=UTC),
        zone=paris,
        charge=NO_CHARGE,
    )
    assert again.events == []


def test_plug_reminder_skipped_when_plugged_or_charged_enough() -> None:
    prefs = replace(PREFS, reminder_time=time(21, 0), reminder_below_level=50)
    evening = datetime(2026, 11, 2, 21, 5, tzinfo=UTC)
    for snap in (plugged(0, 30), reading(0, 70)):
        state, _ = run([snap], prefs)
        assert _diff(state, snap, prefs, ZOE_50, evening, charge=NO_CHARGE).events == []


def test_tracked_state_round_trips_through_json() -> None:
    located = replace(charging(10, 41), location=GeoPoint(48.1, 2.2, T0), charge_mode=ChargeMode.SCHEDULED)
    state, _ = run([plugged(0, 40), located, reading(10.5, 5)])
    state = state.expect(ActionKind.CHARGE_STOP, "m", T0, ZOE_50)
    state = replace(state, last_reminder_date=date(2026, 11, 1))
    assert state.pending is not None
    assert TrackedState.from_json(state.to_json()) == state


def test_corrupt_or_old_stored_state_gives_a_fresh_state() -> None:
    good = TrackedState().to_json()
    bad: object
    for bad in (None, [], {}, {"format": 0}, {**good, "phase": "flying"}, {**good, "actions": "x"}, "junk"):
        assert TrackedState.from_json(bad) == TrackedState()
