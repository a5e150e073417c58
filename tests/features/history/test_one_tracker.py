"""One charge tracker: the charge pings and the stored sessions tell the same charge (issue #26, item 3).

Each scenario is fed, reading by reading, to a chat's diff (the pings) and to the history feature's `record`
(the stored sessions), as a poll does; every charge-end ping must carry the start level, energy and duration
of the session /history then shows.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.diff import TrackedState, diff
from bot.domain.events import ChargeComplete, ChargeInterrupted
from bot.domain.models import traits_for
from bot.domain.preferences import ChatSettings, NotificationPreferences
from bot.domain.snapshot import ChargeState, PlugState, VehicleSnapshot
from bot.features.history.use_cases import HistoryService
from tests.support.clock import FakeClock
from tests.support.fakes import FakeChats, FakeHistory, FakeVehicles

T0 = datetime(2026, 11, 2, 18, 0, tzinfo=UTC)
ZOE = traits_for("X102VE")
IN, IDLE, ENDED, GONE = (
    ChargeState.CHARGE_IN_PROGRESS,
    ChargeState.NOT_IN_CHARGE,
    ChargeState.CHARGE_ENDED,
    ChargeState.UNAVAILABLE,
)

Point = tuple[int, int, ChargeState, PlugState, float | None]
P, U = PlugState.PLUGGED, PlugState.UNPLUGGED

SCENARIOS: dict[str, list[Point]] = {
    "an evening charge to full": [
        (0, 42, IDLE, U, None),
        (10, 42, IDLE, P, None),
        (20, 44, IN, P, None),
        (80, 70, IN, P, None),
        (200, 100, ENDED, P, None),
    ],
    "the car's counter at both ends": [
        (0, 40, IDLE, P, 20.0),
        (15, 41, IN, P, 20.6),
        (75, 60, IN, P, 31.0),
        (135, 80, ENDED, P, 41.2),
    ],
    "first seen already charging": [
        (0, 55, IN, P, None),
        (30, 65, IN, P, None),
        (90, 100, ENDED, P, None),
    ],
    "a reading that says nothing in the middle": [
        (0, 30, IDLE, P, None),
        (10, 32, IN, P, None),
        (40, 45, GONE, P, None),
        (70, 58, IN, P, None),
        (100, 70, ENDED, P, None),
    ],
    "unplugged halfway": [
        (0, 20, IDLE, P, None),
        (10, 21, IN, P, None),
        (60, 45, IN, P, None),
        (70, 45, IDLE, U, None),
    ],
    "two charges in one evening": [
        (0, 30, IDLE, P, None),
        (10, 31, IN, P, None),
        (50, 50, IDLE, P, None),
        (60, 50, IDLE, P, None),
        (70, 51, IN, P, None),
        (130, 80, ENDED, P, None),
    ],
}


def _snapshot(point: Point) -> VehicleSnapshot:
    minutes, level, charge, plug, kwh = point
    return VehicleSnapshot(
        vin="VF1TRACK",
        reported_at=T0 + timedelta(minutes=minutes),
        battery_level=level,
        range_km=level * 3.0,
        plug=plug,
        charge=charge,
        available_energy_kwh=kwh,
    )


@pytest.mark.parametrize("name", sorted(SCENARIOS))
async def test_every_charge_ping_tells_the_session_history_stores(name: str) -> None:
    chats = FakeChats(ChatSettings(100))
    vehicles = FakeVehicles(chats=chats)
    vehicles.add(1, 10)
    repo = FakeHistory()
    history = HistoryService(repo, vehicles, chats, FakeClock(T0))
    tracked, before = TrackedState(), None
    ends: list[ChargeComplete | ChargeInterrupted] = []
    for point in SCENARIOS[name]:
        snapshot = _snapshot(point)
        assert snapshot.reported_at is not None
        result = diff(tracked, snapshot, NotificationPreferences(), ZOE, snapshot.reported_at)
        tracked = result.state
        ends += [e for e in result.events if isinstance(e, ChargeComplete | ChargeInterrupted)]
        await history.record(1, before, snapshot, ZOE)
        before = snapshot
    stored = sorted(
        (s for s in await repo.sessions(1, 10) if s.ended_at is not None), key=lambda s: s.started_at
    )
    assert ends, "each scenario ends at least one charge"
    told = [
        (e.reported_at, e.start_level, None if e.energy_added_kwh is None else round(e.energy_added_kwh, 2))
        for e in ends
    ]
    kept = [
        (s.ended_at, s.start_level, None if s.energy_kwh is None else round(s.energy_kwh, 2)) for s in stored
    ]
    assert told == kept
    # A ping's duration runs from the session's start (none when the chat saw no start).
    for event, session in zip(ends, stored, strict=True):
        if event.duration is not None:
            assert session.ended_at is not None
            assert event.duration == session.ended_at - session.started_at
