"""One charge tracker: the charge pings and the stored sessions tell the same charge (issue #26, item 3).

Each scenario is fed, reading by reading, to a chat's diff (the pings) and to the history feature's `record`
(the stored sessions), as a poll does; every charge-end ping must carry the start level, energy and duration
of the session /history then shows.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.charge_tracking import ChargeTracker, follow
from bot.domain.diff import TrackedState, diff
from bot.domain.events import ChargeComplete, ChargeInterrupted
from bot.domain.history import ChargeSession
from bot.domain.models import traits_for
from bot.domain.phases import phase_of
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
    tracked, tracker = TrackedState(), ChargeTracker()
    ends: list[ChargeComplete | ChargeInterrupted] = []
    for point in SCENARIOS[name]:
        snapshot = _snapshot(point)
        assert snapshot.reported_at is not None
        # As a poll: the vehicle's tracker follows the reading once, each chat's diff gets its step.
        phase = phase_of(snapshot, ZOE)
        tracker, step = follow(tracker, snapshot, phase)
        result = diff(
            tracked, snapshot, NotificationPreferences(), ZOE, snapshot.reported_at, charge=step, phase=phase
        )
        tracked = result.state
        ends += [e for e in result.events if isinstance(e, ChargeComplete | ChargeInterrupted)]
        await history.record(1, snapshot, step, ZOE)
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


async def _follow(
    points: list[tuple[int, int, ChargeState, PlugState, float | None, float]], joins: dict[int, int]
) -> tuple[dict[int, list[ChargeComplete | ChargeInterrupted]], list[ChargeSession]]:
    """Poll the readings (minutes, level, code, plug, counter, range) once each, with chats joining at the
    given reading index; each chat's charge-end pings, and the sessions stored."""
    chats = FakeChats(ChatSettings(100))
    vehicles = FakeVehicles(chats=chats)
    vehicles.add(1, 10)
    repo = FakeHistory()
    history = HistoryService(repo, vehicles, chats, FakeClock(T0))
    tracker, tracked = ChargeTracker(), dict[int, TrackedState]()
    ends: dict[int, list[ChargeComplete | ChargeInterrupted]] = {chat: [] for chat in joins}
    for index, (minutes, level, charge, plug, kwh, range_km) in enumerate(points):
        snapshot = VehicleSnapshot(
            vin="VF1TRACK",
            reported_at=T0 + timedelta(minutes=minutes),
            battery_level=level,
            range_km=range_km,
            plug=plug,
            charge=charge,
            available_energy_kwh=kwh,
        )
        assert snapshot.reported_at is not None
        tracker, step = follow(tracker, snapshot, phase_of(snapshot, ZOE))
        for chat, joined in joins.items():
            if index < joined:
                continue
            result = diff(
                tracked.get(chat, TrackedState()),
                snapshot,
                NotificationPreferences(),
                ZOE,
                snapshot.reported_at,
                charge=step,
                phase=phase_of(snapshot, ZOE),
            )
            tracked[chat] = result.state
            ends[chat] += [e for e in result.events if isinstance(e, ChargeComplete | ChargeInterrupted)]
        await history.record(1, snapshot, step, ZOE)
    return ends, sorted(await repo.sessions(1, 10), key=lambda s: s.started_at)


async def test_a_chat_that_joins_mid_charge_is_told_the_whole_charge() -> None:
    ends, (session,) = await _follow(
        [
            (0, 40, IDLE, P, None, 120.0),
            (10, 41, IN, P, None, 123.0),
            (70, 60, IN, P, None, 180.0),
            (130, 80, ENDED, P, None, 240.0),
        ],
        joins={1: 0, 2: 2},  # chat 2 subscribes while the car charges
    )
    for chat in (1, 2):
        (end,) = ends[chat]
        assert (end.start_level, end.duration) == (40, timedelta(minutes=120))
    assert (session.start_level, session.ended_at) == (40, T0 + timedelta(minutes=130))


async def test_a_charge_end_held_back_as_implausible_still_tells_the_charge() -> None:
    # The known spurious full reading (100 % with the range of the lower one before it) ends the charge for
    # the tracker, while the chat holds it back until a second reading agrees.
    ends, (session,) = await _follow(
        [
            (0, 40, IDLE, P, None, 120.0),
            (10, 41, IN, P, None, 123.0),
            (70, 60, IN, P, None, 180.0),
            (130, 100, ENDED, P, None, 180.0),
            (140, 100, ENDED, P, None, 180.0),
        ],
        joins={1: 0},
    )
    (end,) = ends[1]
    assert end.reported_at == T0 + timedelta(minutes=140)  # told when the second reading agreed
    assert session.ended_at == T0 + timedelta(minutes=130)
    assert (end.start_level, end.duration) == (session.start_level, end.reported_at - session.started_at)
