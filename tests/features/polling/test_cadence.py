"""The next poll counts from when this one was due, so the tick's lateness never stretches an interval."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.features.polling.logic.cadence import next_due

DUE = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
FIVE = timedelta(seconds=5)


def test_a_poll_a_little_late_keeps_the_schedule() -> None:
    assert next_due(DUE, DUE + timedelta(seconds=1.3), FIVE) == DUE + FIVE
    assert next_due(DUE, DUE, FIVE) == DUE + FIVE


def test_lateness_never_accumulates_over_many_polls() -> None:
    due, now = DUE, DUE
    for n in range(1, 1001):
        now = due + timedelta(seconds=0.3 + (n % 7) / 10)  # each poll 0.3 to 0.9 s late
        due = next_due(due, now, FIVE)
    assert due == DUE + 1000 * FIVE


def test_a_poll_far_behind_starts_afresh_instead_of_catching_up() -> None:
    now = DUE + timedelta(seconds=2.5)
    assert next_due(DUE, now, FIVE) == now + FIVE
    now = DUE + timedelta(hours=3)  # the bot was down
    assert next_due(DUE, now, FIVE) == now + FIVE


def test_a_first_poll_or_an_early_one_counts_from_now() -> None:
    assert next_due(None, DUE, FIVE) == DUE + FIVE
    early = DUE - timedelta(seconds=2)
    assert next_due(DUE, early, FIVE) == early + FIVE
