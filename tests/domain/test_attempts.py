"""The capped-attempt rule: the cap per window, the growing lock, refunds and outside locks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain.attempts import AttemptCounter, AttemptPolicy, attempt, block, refund

NOW = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
POLICY = AttemptPolicy(
    cap=3, window=timedelta(hours=1), lock=timedelta(minutes=15), max_lock=timedelta(hours=1)
)


def _run(counter: AttemptCounter, times: int, now: datetime = NOW) -> AttemptCounter:
    for _ in range(times):
        decision = attempt(counter, POLICY, now)
        assert decision.allowed
        counter = decision.counter
    return counter


def test_the_attempt_past_the_cap_is_refused_and_locks_for_the_first_lock() -> None:
    counter = _run(AttemptCounter(), 3)
    refused = attempt(counter, POLICY, NOW + timedelta(minutes=1))
    assert refused.retry_at == NOW + timedelta(minutes=16)
    assert refused.counter.strikes == 1
    # Still locked a minute before the end, with the same time to come back.
    again = attempt(refused.counter, POLICY, NOW + timedelta(minutes=15))
    assert again.retry_at == NOW + timedelta(minutes=16)


def test_each_further_lock_lasts_twice_as_long_up_to_the_maximum() -> None:
    counter, now, locks = AttemptCounter(), NOW, []
    for _ in range(4):
        counter = _run(counter, 3, now)
        decision = attempt(counter, POLICY, now)
        assert decision.retry_at is not None
        locks.append(decision.retry_at - now)
        counter, now = decision.counter, decision.retry_at
    assert locks == [timedelta(minutes=15), timedelta(minutes=30), timedelta(hours=1), timedelta(hours=1)]


def test_a_lock_older_than_the_memory_no_longer_makes_the_next_one_longer() -> None:
    counter = _run(AttemptCounter(), 3)
    locked = attempt(counter, POLICY, NOW)
    later = NOW + timedelta(days=2)
    counter = _run(locked.counter, 3, later)
    assert attempt(counter, POLICY, later).retry_at == later + timedelta(minutes=15)


def test_a_new_window_starts_afresh() -> None:
    counter = _run(AttemptCounter(), 3)
    assert attempt(counter, POLICY, NOW + timedelta(hours=1)).allowed


def test_a_refunded_attempt_does_not_count_within_its_window() -> None:
    counter = _run(AttemptCounter(), 3)
    counter = refund(counter, POLICY, NOW)
    assert attempt(counter, POLICY, NOW).allowed
    assert refund(AttemptCounter(), POLICY, NOW) == AttemptCounter()


def test_an_outside_lock_refuses_until_it_ends_and_never_shortens_a_longer_one() -> None:
    counter = block(AttemptCounter(), NOW + timedelta(minutes=30))
    assert attempt(counter, POLICY, NOW).retry_at == NOW + timedelta(minutes=30)
    assert block(counter, NOW + timedelta(minutes=5)) == counter
    assert attempt(counter, POLICY, NOW + timedelta(minutes=30)).allowed


QUOTA = AttemptPolicy(cap=3, window=timedelta(hours=1))


def test_a_quota_refuses_until_its_window_ends_and_never_grows() -> None:
    counter = AttemptCounter()
    for minute in range(3):
        decision = attempt(counter, QUOTA, NOW + timedelta(minutes=minute))
        assert decision.allowed
        counter = decision.counter
    for _ in range(3):  # tapping on changes nothing: the reset stays the window's end
        refused = attempt(counter, QUOTA, NOW + timedelta(minutes=30))
        assert refused.retry_at == NOW + timedelta(hours=1)
        counter = refused.counter
    reopened = attempt(counter, QUOTA, NOW + timedelta(hours=1))
    assert reopened.allowed
    assert reopened.counter.attempts == 1
    assert reopened.counter.window_start == NOW + timedelta(hours=1)
