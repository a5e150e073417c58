"""History: sessions derived from readings, recorded incrementally, retention, and the /history data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.history import BatteryReading, ChargeSession
from bot.domain.models import traits_for
from bot.domain.preferences import ChatSettings
from bot.domain.pricing import EnergyMethod
from bot.features.history.logic import derive_sessions, summarise
from bot.features.history.use_cases import HistoryService
from bot.services import errors
from tests.poller.fakes import FakeChats, FakeHistory, FakeVehicles
from tests.support.clock import FakeClock

T0 = datetime(2026, 11, 2, 18, 0, tzinfo=UTC)
ZOE = traits_for("X102VE")


def _readings(*points: tuple[int, int, bool]) -> list[BatteryReading]:
    return [BatteryReading(1, T0 + timedelta(minutes=m), level, charging=c) for m, level, c in points]


def test_sessions_run_from_first_charging_reading_to_first_idle_one() -> None:
    readings = _readings((0, 30, False), (10, 31, True), (70, 60, True), (130, 80, False), (200, 79, False))
    (session,) = derive_sessions(readings, ZOE)
    assert session.started_at == T0 + timedelta(minutes=10)
    assert session.ended_at == T0 + timedelta(minutes=130)
    assert (session.start_level, session.end_level) == (31, 80)
    assert session.energy_kwh == pytest.approx(0.49 * 52, abs=0.2)


def test_a_charge_still_running_stays_open() -> None:
    sessions = derive_sessions(_readings((0, 20, True), (30, 40, True)), ZOE)
    assert len(sessions) == 1
    assert sessions[0].ended_at is None
    assert sessions[0].end_level == 40


def test_summary_gives_duration_and_average_power() -> None:
    session = ChargeSession(1, T0, T0 + timedelta(hours=2), 20, 80, 31.2)
    summary = summarise(session)
    assert summary.duration == timedelta(hours=2)
    assert summary.average_power_kw == pytest.approx(15.6)
    assert summarise(ChargeSession(1, T0)).average_power_kw is None


class Stack:
    def __init__(self) -> None:
        self.clock = FakeClock(T0)
        self.repo = FakeHistory()
        self.chats = FakeChats(ChatSettings(100))
        self.vehicles = FakeVehicles(chats=self.chats)
        self.vehicles.add(1, 10)
        self.vehicles.subscribe(1, ChatSettings(100))
        self.service = HistoryService(
            self.repo, self.vehicles, self.chats, self.clock, retention=timedelta(days=30)
        )


async def test_recording_readings_builds_the_same_sessions_as_deriving_them() -> None:
    s = Stack()
    readings = _readings((0, 30, False), (10, 31, True), (70, 60, True), (130, 80, False), (140, 80, True))
    was = False
    for reading in readings:
        await s.service.record(reading, was, ZOE)
        was = reading.charging
    stored = sorted(await s.repo.sessions(1, 10), key=lambda x: x.started_at)
    assert stored == derive_sessions(readings, ZOE)


async def test_same_report_twice_is_stored_once() -> None:
    s = Stack()
    (reading,) = _readings((0, 50, True))
    await s.service.record(reading, False, ZOE)
    await s.service.record(reading, True, ZOE)
    assert len(s.repo.readings_) == 1
    assert len(s.repo.sessions_) == 1


async def test_readings_older_than_the_retention_are_purged() -> None:
    s = Stack()
    await s.service.record(BatteryReading(1, T0 - timedelta(days=31), 40), False, ZOE)
    await s.service.record(BatteryReading(1, T0 - timedelta(days=29), 40), False, ZOE)
    assert await s.service.purge() == 1
    assert len(s.repo.readings_) == 1


async def test_overview_holds_seven_days_of_readings_and_recent_sessions() -> None:
    s = Stack()
    await s.service.record(BatteryReading(1, T0 - timedelta(days=8), 40), False, ZOE)
    await s.service.record(BatteryReading(1, T0 - timedelta(days=1), 40, charging=True), False, ZOE)
    view = await s.service.overview(100)
    assert view.vehicle.vehicle_id == 1
    assert len(view.readings) == 1
    assert len(view.sessions) == 1
    assert view.until - view.since == timedelta(days=7)


async def test_overview_refuses_chats_without_the_vehicle() -> None:
    s = Stack()
    with pytest.raises(errors.NotLinked):
        await s.service.overview(999)
    with pytest.raises(errors.NotPermitted):
        await s.service.overview(100, vehicle_id=2)


def _with_energy(*points: tuple[int, int, bool, float | None]) -> list[BatteryReading]:
    return [
        BatteryReading(1, T0 + timedelta(minutes=m), level, charging=c, available_energy_kwh=kwh)
        for m, level, c, kwh in points
    ]


def test_a_session_takes_the_cars_counter_change_when_reported_at_both_ends() -> None:
    readings = _with_energy((0, 40, True, 20.9), (60, 60, True, 31.0), (120, 80, False, 41.2))
    (session,) = derive_sessions(readings, ZOE)
    assert (session.start_energy_kwh, session.end_energy_kwh) == (20.9, 41.2)
    assert session.energy_kwh == pytest.approx(20.3)
    assert session.energy_method is EnergyMethod.REPORTED
    assert summarise(session).energy_method is EnergyMethod.REPORTED


def test_a_closing_reading_without_counter_keeps_the_last_reported_one() -> None:
    readings = _with_energy((0, 40, True, 20.9), (60, 60, True, 31.0), (120, 60, False, None))
    (session,) = derive_sessions(readings, ZOE)
    assert session.energy_kwh == pytest.approx(10.1)
    assert session.energy_method is EnergyMethod.REPORTED


@pytest.mark.parametrize(
    "readings",
    [
        _with_energy((0, 40, True, None), (120, 80, False, 41.2)),  # no counter at the start
        _with_energy((0, 40, True, 41.2), (120, 80, False, 20.9)),  # counter went down
        _with_energy((0, 40, True, 1.0), (120, 80, False, 70.0)),  # more than the battery holds
    ],
)
def test_a_missing_or_implausible_counter_gives_the_level_estimate(readings: list[BatteryReading]) -> None:
    (session,) = derive_sessions(readings, ZOE)
    assert session.energy_kwh == pytest.approx(20.8)  # 52 kWh × 40 points
    assert session.energy_method is EnergyMethod.LEVELS


async def test_recorded_sessions_remember_the_counter_like_derived_ones() -> None:
    s = Stack()
    readings = _with_energy(
        (0, 40, False, 20.0), (10, 40, True, 20.9), (70, 60, True, 31.0), (130, 80, False, 41.2)
    )
    was = False
    for reading in readings:
        await s.service.record(reading, was, ZOE)
        was = reading.charging
    (stored,) = await s.repo.sessions(1, 10)
    assert stored == derive_sessions(readings, ZOE)[0]
    assert stored.energy_method is EnergyMethod.REPORTED
    assert stored.energy_kwh == pytest.approx(20.3)
