"""Presentation helpers: units, durations, ages and local times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.app.parts import CATALOGS
from bot.domain.preferences import Units
from bot.telegram_ui import formatting as fmt

EN = CATALOGS.translator("en")
NOW = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


def test_distance_in_miles_when_the_user_chose_miles() -> None:
    assert fmt.distance(EN, 241.4, Units.MILES) == "150 mi"
    assert fmt.distance(EN, 241.4, Units.KM) == "241 km"


@pytest.mark.parametrize(
    ("minutes", "text"), [(45, "45 min"), (120, "2 h"), (80, "1 h 20 min"), (-5, "0 min")]
)
def test_duration_reads_naturally(minutes: int, text: str) -> None:
    assert fmt.duration(EN, minutes) == text


@pytest.mark.parametrize(
    ("elapsed", "text"),
    [
        (timedelta(seconds=20), "just now"),
        (timedelta(minutes=12), "12 min ago"),
        (timedelta(hours=3, minutes=5), "3 h ago"),
        (timedelta(days=3), "3 days ago"),
    ],
)
def test_age_of_the_data(elapsed: timedelta, text: str) -> None:
    assert fmt.age(EN, NOW - elapsed, NOW) == text


def test_local_time_uses_the_users_time_zone_across_dst() -> None:
    summer = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    winter = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    assert fmt.local_time(summer, "Europe/Paris") == "14:00"
    assert fmt.local_time(winter, "Europe/Paris") == "13:00"


def test_an_unknown_time_zone_falls_back_to_utc() -> None:
    assert fmt.local_time(NOW, "Mars/Olympus") == "08:00"


def test_local_datetime_shows_the_date_only_for_other_days() -> None:
    assert fmt.local_datetime(EN, NOW - timedelta(hours=1), "UTC", NOW) == "07:00"
    assert (
        fmt.local_datetime(CATALOGS.translator("de"), NOW - timedelta(days=1), "UTC", NOW) == "1. Nov., 08:00"
    )


def test_minutes_until_rounds_up_and_never_says_zero() -> None:
    assert fmt.minutes_until(NOW + timedelta(seconds=61), NOW) == 2
    assert fmt.minutes_until(NOW - timedelta(seconds=5), NOW) == 1
