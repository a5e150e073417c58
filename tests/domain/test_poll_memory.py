"""A vehicle's poll memory: typed in the program, stored in the JSON form every release wrote; a row an
earlier release wrote still reads, a damaged one reads as defaults instead of failing the poll."""

from __future__ import annotations

import json
from datetime import timedelta

from bot.domain.charge_tracking import ChargeTracker
from bot.domain.diff import TrackedState
from bot.domain.poll_memory import PollMemory
from tests.support.stored_rows import AT, CHARGE, charging, old_poll_memory


def test_a_row_written_by_the_previous_release_reads_as_typed_memory() -> None:
    memory = PollMemory.from_json(old_poll_memory())
    assert memory == PollMemory(
        chats={42: charging(), -1001: TrackedState()},
        follow_ups=2,
        cockpit_at=AT,
        failing_since=None,
        # The charge the chats' states followed goes on in the vehicle's one tracker.
        charge=ChargeTracker(was_charging=True, charge=CHARGE),
    )


def test_the_stored_form_is_the_previous_release_s_with_the_vehicle_tracker() -> None:
    # An older replica in a rolling deploy reads what this one writes: the same fields, each chat's state
    # without the charge it kept (optional there: it reads as none) and the vehicle's tracker beside them.
    old = old_poll_memory()
    new = PollMemory.from_json(old).to_json()
    for chat in old["chats"].values():
        del chat["session"]
    assert new.pop("charge") == {
        "seen_at": None,
        "level": None,
        "energy_kwh": None,
        "was_charging": True,
        "charge": {"started_at": "2026-11-30T06:00:00+00:00", "start_level": 50, "start_energy_kwh": 26.0},
        "ended_at": None,
    }
    assert new == old


def test_a_stored_tracker_wins_over_the_chats_old_charge_and_a_damaged_one_reads_as_none() -> None:
    raw = old_poll_memory()
    raw["charge"] = {"charge": None, "ended_at": None}
    assert PollMemory.from_json(raw).charge == ChargeTracker()
    raw["charge"] = {"charge": "junk"}
    assert PollMemory.from_json(raw).charge == ChargeTracker()


def test_memory_round_trips_through_its_stored_form() -> None:
    memory = PollMemory(
        chats={42: charging()},
        follow_ups=2,
        cockpit_at=AT,
        failing_since=AT - timedelta(hours=1),
        outage_told=True,
        charge=ChargeTracker(AT, 64, 30.5, True, CHARGE),
    )
    assert PollMemory.from_json(json.loads(json.dumps(memory.to_json()))) == memory


def test_a_chat_state_of_another_format_reads_as_a_fresh_state() -> None:
    raw = old_poll_memory()
    raw["chats"]["42"]["format"] = 0
    assert PollMemory.from_json(raw).tracked(42) == TrackedState()


def test_a_damaged_row_loads_as_defaults_instead_of_failing_the_poll() -> None:
    raw = {"chats": ["not", "a", "dict"], "follow_ups": "three", "cockpit_at": 5, "failing_since": "soon"}
    assert PollMemory.from_json(raw) == PollMemory()
    assert PollMemory.from_json({"chats": {"not a chat": {}, "7": "junk"}}) == PollMemory(
        chats={7: TrackedState()}
    )
    assert PollMemory.from_json(None) == PollMemory()


def test_an_empty_row_is_a_fresh_memory() -> None:
    assert PollMemory.from_json({}) == PollMemory(chats={}, follow_ups=0, cockpit_at=None, outage_told=False)


def test_a_chat_the_memory_does_not_know_is_tracked_from_scratch() -> None:
    assert PollMemory(chats={42: charging()}).tracked(7) == TrackedState()
    assert PollMemory(chats={42: charging()}).tracked(42) == charging()
