"""Interval policy: per-state intervals, a fixed interval, follow-ups, and the account's call budget."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.features.polling.logic.intervals import (
    Activity,
    IntervalPolicy,
    activity_of_phase,
    budget_warning,
    tick_seconds_for,
)


@pytest.mark.parametrize(
    ("phase", "activity"),
    [
        ("charging", Activity.CHARGING),
        ("plugged_idle", Activity.PLUGGED),
        ("waiting_for_schedule", Activity.PLUGGED),
        ("complete", Activity.PLUGGED),
        ("unplugged", Activity.IDLE),
        ("unknown", Activity.IDLE),
        (None, Activity.IDLE),
    ],
)
def test_phase_names_map_to_polling_activity(phase: str | None, activity: Activity) -> None:
    assert activity_of_phase(phase) is activity


def test_activity_sets_the_interval_when_no_fixed_interval_is_configured() -> None:
    policy = IntervalPolicy(max_calls_per_hour=0)
    assert policy.next_delay(Activity.CHARGING) == timedelta(minutes=5)
    assert policy.next_delay(Activity.PLUGGED) == timedelta(minutes=10)
    assert policy.next_delay(Activity.IDLE) == timedelta(minutes=20)


def test_fixed_interval_applies_in_every_state() -> None:
    policy = IntervalPolicy(fixed_seconds=90, max_calls_per_hour=0)
    for activity in Activity:
        assert policy.next_delay(activity) == timedelta(seconds=90)
    assert policy.next_delay(Activity.IDLE, follow_up=True) == timedelta(seconds=90)


def test_follow_up_after_a_user_action_is_quick() -> None:
    assert IntervalPolicy(max_calls_per_hour=0).next_delay(Activity.IDLE, follow_up=True) == timedelta(
        seconds=60
    )
    # Even follow-ups keep the single car within 80 % of 60 calls per hour.
    assert IntervalPolicy().next_delay(Activity.IDLE, follow_up=True) == timedelta(seconds=75)


def test_many_vehicles_on_one_account_stretch_the_interval_to_fit_the_budget() -> None:
    policy = IntervalPolicy(max_calls_per_hour=60, polling_share=0.8)
    delay = policy.next_delay(Activity.CHARGING, vehicles_on_account=4)
    # 4 vehicles x polls per hour must stay within 48 calls: at least 300 s between polls of each.
    assert delay == timedelta(seconds=300)
    delay = policy.next_delay(Activity.CHARGING, vehicles_on_account=8)
    assert delay == timedelta(seconds=600)
    assert 8 * 3600 / delay.total_seconds() <= 48


def test_budget_also_stretches_a_fixed_interval_and_follow_ups() -> None:
    policy = IntervalPolicy(fixed_seconds=60, max_calls_per_hour=10, polling_share=1.0)
    assert policy.next_delay(Activity.IDLE) == timedelta(seconds=360)
    assert policy.next_delay(Activity.IDLE, follow_up=True) == timedelta(seconds=360)


def test_zero_budget_means_unlimited() -> None:
    policy = IntervalPolicy(fixed_seconds=30, max_calls_per_hour=0)
    assert policy.next_delay(Activity.IDLE, vehicles_on_account=1000) == timedelta(seconds=30)


@pytest.mark.parametrize(
    ("fixed", "tick"),
    [(1, 1.0), (5, 1.0), (10, 2.0), (20, 4.0), (30, 5.0), (3600, 5.0), (None, 5.0)],
)
def test_the_tick_keeps_up_with_the_shortest_interval(fixed: int | None, tick: float) -> None:
    assert tick_seconds_for(IntervalPolicy(fixed_seconds=fixed)) == tick


def test_the_tick_follows_a_short_follow_up_interval_too() -> None:
    assert tick_seconds_for(IntervalPolicy(follow_up_seconds=5)) == 1.0


@pytest.mark.parametrize(("fixed", "calls"), [(5, 60), (60, 60), (74, 60), (1, 3000)])
def test_an_interval_beyond_the_budget_gets_one_warning_naming_both_settings(fixed: int, calls: int) -> None:
    warning = budget_warning(IntervalPolicy(fixed_seconds=fixed, max_calls_per_hour=calls))
    assert warning is not None
    assert f"POLL_INTERVAL_SECONDS={fixed}" in warning
    assert f"RENAULT_MAX_CALLS_PER_HOUR={calls}" in warning


def test_the_warning_says_how_often_a_vehicle_is_really_polled() -> None:
    warning = budget_warning(IntervalPolicy(fixed_seconds=5, max_calls_per_hour=60))
    assert warning is not None
    assert "720 calls per hour" in warning
    assert "leaves 48 for polling" in warning
    assert "every 75 s" in warning


@pytest.mark.parametrize(("fixed", "calls"), [(None, 60), (75, 60), (600, 60), (1, 0), (2, 10_000)])
def test_no_warning_when_the_interval_fits_the_budget(fixed: int | None, calls: int) -> None:
    assert budget_warning(IntervalPolicy(fixed_seconds=fixed, max_calls_per_hour=calls)) is None
