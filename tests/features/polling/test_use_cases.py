"""Poll one vehicle: pings per chat, history, restarts, login, quota, outages, cockpit, follow-ups."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import timedelta

import pytest

from bot.domain.actions import ActionKind
from bot.domain.preferences import ChatSettings
from bot.domain.snapshot import ChargeState, PlugState, VehicleSnapshot
from bot.features.history.use_cases import HistoryService
from bot.features.notifications.use_cases import NotificationService
from bot.features.polling.logic.intervals import IntervalPolicy, activity_of_phase
from bot.features.polling.use_cases.poll import PollingService
from bot.renault import errors as renault
from bot.services.gateway import ResolvedAccounts
from bot.services.ports import OutboxEntry, StoredVehicle
from bot.services.translate import translate
from tests.support.clock import FakeClock
from tests.support.fakes import (
    FakeAccounts,
    FakeChats,
    FakeHistory,
    FakeNotificationLog,
    FakeStates,
    FakeVehicles,
    RecordingNotifier,
)


class ScriptedReader:
    """The car as the gateway would map it; `fail` makes the next reads raise."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.snapshot = VehicleSnapshot(
            "VF1VIN", clock(), 50, 150.0, PlugState.UNPLUGGED, ChargeState.NOT_IN_CHARGE
        )
        self.calls: list[str] = []
        self.fail: Exception | None = None

    def report(self, **changes: object) -> None:
        """The car sends a new report now."""
        self.snapshot = dataclasses.replace(self.snapshot, reported_at=self.clock(), **changes)  # type: ignore[arg-type]

    def _raise(self) -> None:
        # As the gateway does: a Renault error reaches the service translated.
        if isinstance(self.fail, renault.RenaultError):
            raise translate(self.fail, self.clock())
        if self.fail is not None:
            raise self.fail

    async def stop_charge(self, vehicle: StoredVehicle, resolved: ResolvedAccounts | None = None) -> None:
        self.calls.append("charge-stop")
        self._raise()

    async def preload(self, account_ids: Iterable[int]) -> ResolvedAccounts:
        return ResolvedAccounts({}, {})  # the service then reads the accounts one by one

    async def read(
        self, vehicle: StoredVehicle, endpoint: str, resolved: ResolvedAccounts | None = None
    ) -> VehicleSnapshot:
        self.calls.append(endpoint)
        self._raise()
        if endpoint == "cockpit":
            return VehicleSnapshot(vehicle.info.vin, mileage_km=12345.0)
        return self.snapshot


class Stack:
    """A PollingService over fakes, for one vehicle (id 1) on account 10 with chats 100 and 200."""

    def __init__(self) -> None:
        self.clock = FakeClock()
        self.chats = FakeChats(ChatSettings(100), ChatSettings(200, language="fr"))
        self.vehicles = FakeVehicles(chats=self.chats)
        self.vehicles.add(1, 10, "X102VE")
        for chat in self.chats.chats.values():
            self.vehicles.subscribe(1, chat)
        self.accounts = FakeAccounts()
        self.accounts.add(10, 100, 200)
        self.log = FakeNotificationLog()
        self.states = FakeStates()
        self.states.outbox = self.log
        self.states.add(1)
        self.history_repo = FakeHistory()
        self.notifier = RecordingNotifier()
        self.reader = ScriptedReader(self.clock)
        self.policy = IntervalPolicy(max_calls_per_hour=0)
        self.service = self.build()

    def build(self) -> PollingService:
        """A fresh service over the same storage (a restart)."""
        notifications = NotificationService(self.log, self.chats, self.states, self.notifier, self.clock)
        history = HistoryService(self.history_repo, self.vehicles, self.chats, self.clock)
        return PollingService(
            vehicles=self.vehicles,
            accounts=self.accounts,
            states=self.states,
            reader=self.reader,
            notifications=notifications,
            history=history,
            next_poll=lambda phase, size, follow: self.policy.next_delay(
                activity_of_phase(phase), vehicles_on_account=size, follow_up=follow
            ),
            clock=self.clock,
        )

    async def step(self, minutes: float = 5, **changes: object) -> None:
        self.clock.advance(minutes=minutes)
        self.reader.report(**changes)
        await self.service.poll(1)


async def test_first_reading_only_initialises_then_changes_ping_every_chat() -> None:
    s = Stack()
    outcome = await s.service.poll(1)
    assert s.notifier.sent == []
    assert outcome.next_poll_at == s.clock() + timedelta(minutes=20)
    await s.step(plug=PlugState.PLUGGED, charge=ChargeState.CHARGE_IN_PROGRESS)
    assert "plugged" in s.notifier.kinds(100)
    assert "charge_started" in s.notifier.kinds(200)
    state = await s.states.load(1)
    assert state.phase == "charging"
    assert state.next_poll_at == s.clock() + timedelta(minutes=5)


async def test_charge_cycle_records_readings_and_a_session() -> None:
    s = Stack()
    await s.service.poll(1)
    await s.step(plug=PlugState.PLUGGED, charge=ChargeState.CHARGE_IN_PROGRESS, battery_level=50)
    for level in (60, 70, 80):
        await s.step(30, battery_level=level)
    await s.step(30, battery_level=90, charge=ChargeState.CHARGE_ENDED)
    assert "charge_complete" in s.notifier.kinds(100)
    sessions = await s.history_repo.sessions(1, 5)
    assert len(sessions) == 1
    assert sessions[0].start_level == 50
    assert sessions[0].end_level == 90
    assert sessions[0].ended_at == s.clock()
    assert sessions[0].energy_kwh == pytest.approx(52 * 0.4, rel=0.1)
    assert len(s.history_repo.readings_) == 6


async def test_crash_at_the_commit_loses_no_ping_and_sends_each_once_after_restart() -> None:
    s = Stack()
    await s.service.poll(1)
    s.clock.advance(minutes=20)
    s.reader.report(plug=PlugState.PLUGGED, charge=ChargeState.CHARGE_IN_PROGRESS)

    async def crash(states: object, pings: object) -> list[OutboxEntry]:
        raise RuntimeError("killed")

    real_commit, s.states.commit_sweep = s.states.commit_sweep, crash  # type: ignore[method-assign]
    with pytest.raises(RuntimeError):
        await s.service.poll(1)
    assert s.notifier.sent == []
    s.states.commit_sweep = real_commit  # type: ignore[method-assign]
    restarted = s.build()
    await restarted.poll(1)  # same reading again: the same events are refused by the outbox
    await NotificationService(s.log, s.chats, s.states, s.notifier, s.clock).flush()
    assert sorted(s.notifier.kinds(100)) == ["charge_started", "plugged"]
    assert sorted(s.notifier.kinds(200)) == ["charge_started", "plugged"]


async def test_expired_login_stops_polling_and_tells_each_chat_once() -> None:
    s = Stack()
    await s.service.poll(1)
    s.reader.fail = renault.LoginTokenExpired("token revoked")
    s.clock.advance(minutes=20)
    outcome = await s.service.poll(1)
    assert s.accounts.accounts[10].needs_login
    assert s.notifier.kinds(100) == ["service_status"]
    assert s.notifier.kinds(200) == ["service_status"]
    calls = len(s.reader.calls)
    s.clock.set(outcome.next_poll_at)
    await s.service.poll(1)
    assert len(s.reader.calls) == calls  # no Renault call for an account that needs a login
    assert len(s.notifier.sent) == 2


async def test_quota_error_postpones_the_poll_until_the_cooldown_ends() -> None:
    s = Stack()
    await s.service.poll(1)
    s.clock.advance(minutes=20)
    s.reader.fail = renault.QuotaExceeded("overloaded", retry_after_seconds=900)
    outcome = await s.service.poll(1)
    assert outcome.next_poll_at == s.clock() + timedelta(minutes=15)
    assert outcome.problem == "busy"


async def test_long_outage_is_told_once_and_recovery_too() -> None:
    s = Stack()
    await s.service.poll(1)
    s.reader.fail = renault.UpstreamUnavailable("503")
    for _ in range(6):
        s.clock.advance(minutes=10)
        await s.service.poll(1)
    assert s.notifier.kinds(100) == ["service_status"]
    s.reader.fail = None
    await s.step(10)
    assert s.notifier.kinds(100) == ["service_status", "service_status"]
    await s.step(20)
    assert len(s.notifier.kinds(100)) == 2


async def test_cockpit_is_read_once_a_day_and_mileage_kept_between() -> None:
    s = Stack()
    await s.service.poll(1)
    for _ in range(5):
        await s.step(20)
    assert s.reader.calls.count("cockpit") == 1
    assert s.reader.calls.count("battery-status") == 6
    assert (await s.states.load(1)).snapshot.mileage_km == 12345.0  # type: ignore[union-attr]
    await s.step(24 * 60)
    assert s.reader.calls.count("cockpit") == 2


async def test_user_action_brings_quick_follow_up_polls() -> None:
    s = Stack()
    await s.service.poll(1)
    await s.service.expect_action(1, 100, ActionKind.CHARGE_START, "msg-1", s.clock())
    state = await s.states.load(1)
    assert state.next_poll_at == s.clock() + timedelta(seconds=60)
    s.clock.advance(minutes=1)
    s.reader.report(plug=PlugState.PLUGGED, charge=ChargeState.CHARGE_IN_PROGRESS)
    outcome = await s.service.poll(1)
    assert outcome.next_poll_at == s.clock() + timedelta(seconds=60)  # second of three follow-ups


async def test_low_battery_is_pinged_once_per_crossing_with_hysteresis() -> None:
    s = Stack()
    await s.service.poll(1)
    for level in (30, 19, 18, 22, 19, 26, 19):
        await s.step(20, battery_level=level)
    assert s.notifier.kinds(100).count("low_battery") == 2
