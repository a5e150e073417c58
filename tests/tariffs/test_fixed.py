"""A fixed two-rate tariff: off-peak hours in local time, peak otherwise, through DST changes."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from bot.tariffs.fixed import FixedTwoRateTariff

LONDON = ZoneInfo("Europe/London")
PEAK, OFF = Decimal("0.30"), Decimal("0.08")


def _economy7(start: time = time(0, 30), end: time = time(7, 30)) -> FixedTwoRateTariff:
    return FixedTwoRateTariff(PEAK, OFF, start, end, LONDON, "GBP")


def _off_peak_hours(tariff: FixedTwoRateTariff, start: datetime, end: datetime) -> timedelta:
    return sum((s.duration for s in tariff.slots(start, end) if s.price_per_kwh == OFF), timedelta())


async def test_slots_alternate_and_cover_the_period_exactly() -> None:
    start = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)
    end = start + timedelta(days=2)
    slots = await _economy7().prices(start, end)
    assert slots[0].start == start
    assert slots[-1].end == end
    assert all(a.end == b.start for a, b in itertools.pairwise(slots))
    assert [s.price_per_kwh for s in slots] == [PEAK, OFF, PEAK, OFF, PEAK]
    assert slots[1].start == datetime(2026, 1, 11, 0, 30, tzinfo=UTC)  # GMT = UTC in winter


def test_off_peak_follows_local_time_in_summer() -> None:
    slots = _economy7().slots(datetime(2026, 7, 1, tzinfo=UTC), datetime(2026, 7, 2, tzinfo=UTC))
    off = [s for s in slots if s.price_per_kwh == OFF]
    assert off[0].end == datetime(2026, 7, 1, 6, 30, tzinfo=UTC)  # 07:30 BST
    assert off[1].start == datetime(2026, 7, 1, 23, 30, tzinfo=UTC)  # 00:30 BST


def test_window_wrapping_midnight() -> None:
    tariff = _economy7(time(23, 0), time(6, 0))
    day = datetime(2026, 1, 10, tzinfo=UTC)
    assert _off_peak_hours(tariff, day, day + timedelta(days=1)) == timedelta(hours=7)


def test_dst_nights_are_an_hour_shorter_or_longer() -> None:
    tariff = _economy7(time(0, 0), time(7, 0))
    spring = datetime(2026, 3, 29, tzinfo=LONDON)
    autumn = datetime(2026, 10, 25, tzinfo=LONDON)
    assert _off_peak_hours(tariff, spring, spring + timedelta(hours=12)) == timedelta(hours=6)
    assert _off_peak_hours(tariff, autumn, autumn + timedelta(hours=12)) == timedelta(hours=8)


def test_empty_window_is_refused() -> None:
    with pytest.raises(ValueError, match="empty"):
        _economy7(time(1, 0), time(1, 0))
