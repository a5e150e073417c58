"""A vehicle's poll memory survives a round trip and tolerates a damaged stored row."""

from __future__ import annotations

from bot.services.polling.memory import PollMemory


def test_memory_round_trips_through_its_stored_form() -> None:
    memory = PollMemory(
        chats={"42": {"phase": "charging"}},
        follow_ups=2,
        cockpit_at="2026-11-30T08:00:00+00:00",
        failing_since="2026-11-30T07:00:00+00:00",
        outage_told=True,
    )
    assert PollMemory.load(memory.dump()) == memory


def test_a_damaged_row_loads_as_defaults_instead_of_failing_the_poll() -> None:
    raw = {"chats": ["not", "a", "dict"], "follow_ups": "three", "cockpit_at": 5, "failing_since": {}}
    assert PollMemory.load(raw) == PollMemory(chats={})


def test_an_empty_row_is_a_fresh_memory() -> None:
    assert PollMemory.load({}) == PollMemory(chats={}, follow_ups=0, cockpit_at=None, outage_told=False)


def test_dump_does_not_share_the_chats_mapping() -> None:
    memory = PollMemory(chats={"1": {}})
    dumped = memory.dump()
    dumped["chats"]["2"] = {}
    assert memory.chats == {"1": {}}
