"""A vehicle's poll memory: typed in the program, stored in the JSON form every release wrote; a row an
earlier release wrote still reads, a damaged one reads as defaults instead of failing the poll."""

from __future__ import annotations

import json
from datetime import timedelta

from bot.domain.diff import TrackedState
from bot.domain.poll_memory import PollMemory
from tests.support.stored_rows import AT, charging, old_poll_memory


def test_a_row_written_by_the_previous_release_reads_as_typed_memory() -> None:
    memory = PollMemory.from_json(old_poll_memory())
    assert memory == PollMemory(
        chats={42: charging(), -1001: TrackedState()}, follow_ups=2, cockpit_at=AT, failing_since=None
    )


def test_the_stored_form_is_the_previous_release_s() -> None:
    # An older replica in a rolling deploy reads what this one writes.
    assert PollMemory.from_json(old_poll_memory()).to_json() == old_poll_memory()


def test_memory_round_trips_through_its_stored_form() -> None:
    memory = PollMemory(
        chats={42: charging()},
        follow_ups=2,
        cockpit_at=AT,
        failing_since=AT - timedelta(hours=1),
        outage_told=True,
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
