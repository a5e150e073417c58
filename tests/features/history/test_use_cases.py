"""History: the sessions the one charge tracker records from readings, retention, and the /history data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.charge_tracking import ChargeTracker, follow
from bot.domain.history import ChargeSession
from bot.domain.models import traits_for
from bot.domain.phases import phase_of
from bot.domain.preferences import ChatSettings
from bot.domain.pricing import EnergyMethod
from bot.domain.snapshot import ChargeState, PlugState, VehicleSnapshot
from bot.features.history.logic import summarise
from bot.features.history.use_cases import HistoryService
from bot.services import errors
from tests.support.clock import FakeClock
from tests.support.fakes import FakeChats, FakeHistory, FakeVehicles

T0 = datetime(2026, 11, 2, 18, 0, tzinfo=UTC)
ZOE = traits_for("X102VE")


def _snap(
    minutes: float,
    level: int,
    charging: bool,
    kwh: float | None = None,
    *,
    charge: ChargeState | None = None,
    plug: PlugState = PlugState.PLUGGED,
) -> VehicleSnapshot:
    code = charge or (ChargeState.CHARGE_IN_PROGRESS if charging else ChargeState.NOT_IN_CHARGE)
    return VehicleSnapshot(
        vin="VF1TEST",
        reported_at=T0 + timedelta(minutes=minutes),
        battery_level=level,
        plug=plug,
        charge=code,
        available_energy_kwh=kwh,
    )


async def _record_all(s: Stack, *snaps: VehicleSnapshot) -> list[ChargeSession]:
    """Record each reading as the poller does (with the step the vehicle's charge tracker made on it); the
    sessions, oldest first."""
    tracker = ChargeTracker()
    for snap in snaps:
        tracker, step = follow(tracker, snap, phase_of(snap, ZOE))
        await s.service.record(1, snap, step, ZOE)
    return sorted(await s.repo.sessions(1, 10), key=lambda x: x.started_at)


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


async def test_a_session_runs_from_the_reading_before_the_charge_to_the_first_idle_one() -> None:
    s = Stack()
    (session,) = await _record_all(
        s,
        _snap(0, 30, False),
        _snap(10, 31, True),
        _snap(70, 60, True),
        _snap(130, 80, False),
        _snap(200, 79, False),
    )
    assert session.started_at == T0 + timedelta(minutes=10)
    assert session.ended_at == T0 + timedelta(minutes=130)
    # The charge began after the 30 % reading: the ping says "from 30 %", and so does /history.
    assert (session.start_level, session.end_level) == (30, 80)
    assert session.energy_kwh == pytest.approx(0.50 * 52, abs=0.2)


async def test_a_charge_still_running_stays_open() -> None:
    s = Stack()
    (session,) = await _record_all(s, _snap(0, 20, True), _snap(30, 40, True))
    assert session.ended_at is None
    # The first reading ever already charging: the charge starts from it.
    assert (session.start_level, session.end_level) == (20, 40)


async def test_a_reading_that_says_nothing_neither_ends_nor_starts_a_charge() -> None:
    s = Stack()
    sessions = await _record_all(
        s,
        _snap(0, 30, False),
        _snap(10, 35, True),
        _snap(20, 40, False, charge=ChargeState.UNAVAILABLE),
        _snap(30, 45, True),
        _snap(40, 50, False),
    )
    assert [(x.start_level, x.end_level, x.ended_at) for x in sessions] == [
        (30, 50, T0 + timedelta(minutes=40))
    ]


async def test_the_models_meaning_of_the_codes_decides_what_is_a_charge() -> None:
    s = Stack()
    # A charging code with the cable out is a stale field (`phase_of`), and V2G charging is a charge.
    sessions = await _record_all(
        s,
        _snap(0, 30, False),
        _snap(10, 30, True, plug=PlugState.UNPLUGGED),
        _snap(20, 30, False),
        _snap(30, 31, False, charge=ChargeState.V2G_CHARGING_NORMAL),
        _snap(40, 40, False),
    )
    assert [(x.started_at, x.start_level, x.end_level) for x in sessions] == [
        (T0 + timedelta(minutes=30), 30, 40)
    ]


def test_summary_gives_duration_and_average_power() -> None:
    session = ChargeSession(1, T0, T0 + timedelta(hours=2), 20, 80, 31.2)
    summary = summarise(session)
    assert summary.duration == timedelta(hours=2)
    assert summary.average_power_kw == pytest.approx(15.6)
    assert summarise(ChargeSession(1, T0)).average_power_kw is None


async def test_a_new_charge_after_an_idle_reading_opens_a_second_session() -> None:
    s = Stack()
    sessions = await _record_all(
        s,
        _snap(0, 30, False),
        _snap(10, 31, True),
        _snap(70, 60, True),
        _snap(130, 80, False),
        _snap(140, 80, True),
    )
    assert [(x.start_level, x.end_level, x.ended_at) for x in sessions] == [
        (30, 80, T0 + timedelta(minutes=130)),
        (80, 80, None),
    ]


async def test_same_report_twice_is_stored_once() -> None:
    s = Stack()
    snap = _snap(0, 50, True)
    await s.service.record(1, snap, None, ZOE)  # a /status Refresh stored it first
    await _record_all(s, snap, snap)
    assert len(s.repo.readings_) == 1
    # The poll's tracker still opened the charge on the reading the Refresh had stored.
    assert [(x.started_at, x.start_level) for x in s.repo.sessions_.values()] == [(T0, 50)]


async def test_a_reading_the_tracker_did_not_follow_is_stored_without_a_session() -> None:
    s = Stack()
    await s.service.record(1, _snap(0, 50, True), None, ZOE)
    assert len(s.repo.readings_) == 1
    assert s.repo.sessions_ == {}


async def test_readings_older_than_the_retention_are_purged() -> None:
    s = Stack()
    await s.service.record(1, _snap(-31 * 24 * 60, 40, False), None, ZOE)
    await s.service.record(1, _snap(-29 * 24 * 60, 40, False), None, ZOE)
    assert await s.service.purge() == 1
    assert len(s.repo.readings_) == 1


async def test_overview_holds_seven_days_of_readings_and_recent_sessions() -> None:
    s = Stack()
    await _record_all(s, _snap(-8 * 24 * 60, 40, False), _snap(-24 * 60, 40, True))
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


async def test_a_session_takes_the_cars_counter_change_when_reported_at_both_ends() -> None:
    s = Stack()
    (session,) = await _record_all(
        s, _snap(0, 40, True, 20.9), _snap(60, 60, True, 31.0), _snap(120, 80, False, 41.2)
    )
    assert (session.start_energy_kwh, session.end_energy_kwh) == (20.9, 41.2)
    assert session.energy_kwh == pytest.approx(20.3)
    assert session.energy_method is EnergyMethod.REPORTED
    assert summarise(session).energy_method is EnergyMethod.REPORTED


async def test_a_closing_reading_without_counter_keeps_the_last_reported_one() -> None:
    s = Stack()
    (session,) = await _record_all(
        s, _snap(0, 40, True, 20.9), _snap(60, 60, True, 31.0), _snap(120, 60, False, None)
    )
    assert session.energy_kwh == pytest.approx(10.1)
    assert session.energy_method is EnergyMethod.REPORTED


@pytest.mark.parametrize(
    ("start_kwh", "end_kwh"),
    [
        (None, 41.2),  # no counter at the start
        (41.2, 20.9),  # counter went down
        (1.0, 70.0),  # more than the battery holds
    ],
)
async def test_a_missing_or_implausible_counter_gives_the_level_estimate(
    start_kwh: float | None, end_kwh: float
) -> None:
    s = Stack()
    (session,) = await _record_all(s, _snap(0, 40, True, start_kwh), _snap(120, 80, False, end_kwh))
    assert session.energy_kwh == pytest.approx(20.8)  # 52 kWh × 40 points
    assert session.energy_method is EnergyMethod.LEVELS


async def test_a_session_starts_from_the_counter_of_the_reading_before_the_charge() -> None:
    s = Stack()
    (stored,) = await _record_all(
        s,
        _snap(0, 40, False, 20.0),
        _snap(10, 40, True, 20.9),
        _snap(70, 60, True, 31.0),
        _snap(130, 80, False, 41.2),
    )
    assert (stored.start_level, stored.start_energy_kwh) == (40, 20.0)
    assert stored.energy_method is EnergyMethod.REPORTED
    assert stored.energy_kwh == pytest.approx(21.2)


class CountingHistory(FakeHistory):
    """The fake store, counting the session writes."""

    def __init__(self) -> None:
        super().__init__()
        self.session_writes = 0

    async def add_session(self, session: ChargeSession) -> None:
        self.session_writes += 1
        await super().add_session(session)


async def test_the_same_report_polled_again_writes_no_session() -> None:
    s = Stack()
    s.repo = CountingHistory()
    s.service = HistoryService(s.repo, s.vehicles, s.chats, s.clock)
    tracker = ChargeTracker()
    charging = _snap(10, 41, True)
    for snap in (_snap(0, 40, False), charging, charging, charging):
        tracker, step = follow(tracker, snap, phase_of(snap, ZOE))
        await s.service.record(1, snap, step, ZOE)
    # The car sent the charging report once and the poll read it three times: one session write.
    assert s.repo.session_writes == 1
