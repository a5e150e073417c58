"""Pricing a charge session: properties (monotonic in energy, split at any boundary = whole), DST nights,
gaps priced from the nearest price and flagged, energy from the car or from levels × capacity."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.pricing import (
    AveragePrice,
    EnergyEstimate,
    EnergyMethod,
    Priced,
    Unpriced,
    average_price,
    estimate_energy,
    exact_cost,
    grid_energy,
    price_session,
)
from bot.domain.tariff import PriceSlot
from bot.tariffs.fixed import FixedTwoRateTariff

BASE = datetime(2026, 3, 28, 18, 0, tzinfo=UTC)
HALF = timedelta(minutes=30)
LONDON = ZoneInfo("Europe/London")


@st.composite
def tariffs(draw: st.DrawFn) -> list[PriceSlot]:
    """Slots of random lengths from BASE, some missing (gaps), prices never negative."""
    slots: list[PriceSlot] = []
    cursor = BASE - HALF * draw(st.integers(0, 4))
    for _ in range(draw(st.integers(1, 30))):
        length = timedelta(minutes=draw(st.sampled_from([15, 30, 60, 90])))
        if draw(st.integers(0, 7)) > 0:
            slots.append(PriceSlot(cursor, cursor + length, Decimal(draw(st.integers(0, 80))) / 100, "GBP"))
        cursor += length
    if not slots:
        slots.append(PriceSlot(BASE, BASE + HALF, Decimal("0.2"), "GBP"))
    return slots


@st.composite
def periods(draw: st.DrawFn) -> tuple[datetime, datetime]:
    """A session of 1 second to 14 hours starting within a day of BASE (may start before any slot)."""
    start = BASE + timedelta(seconds=draw(st.integers(-3 * 3600, 20 * 3600)))
    return start, start + timedelta(seconds=draw(st.integers(1, 14 * 3600)))


def _energy(kwh: Decimal) -> EnergyEstimate:
    return EnergyEstimate(kwh, EnergyMethod.REPORTED)


@settings(max_examples=200, deadline=None)
@given(
    tariffs(),
    periods(),
    st.decimals(0, 100, places=2),
    st.decimals(0, 100, places=2),
)
def test_cost_is_monotonic_in_energy(
    slots: list[PriceSlot], period: tuple[datetime, datetime], a: Decimal, b: Decimal
) -> None:
    low, high = sorted((a, b))
    cheap = price_session(*period, _energy(low), slots)
    dear = price_session(*period, _energy(high), slots)
    assert isinstance(cheap, Priced)
    assert isinstance(dear, Priced)
    assert cheap.cost <= dear.cost


@settings(max_examples=200, deadline=None)
@given(tariffs(), periods(), st.decimals(Decimal("0.1"), 100, places=1), st.data())
def test_a_session_split_at_any_tariff_boundary_costs_the_same_as_the_whole(
    slots: list[PriceSlot], period: tuple[datetime, datetime], kwh: Decimal, data: st.DataObject
) -> None:
    start, end = period
    boundaries = [m for s in slots for m in (s.start, s.end) if start < m < end]
    cut = data.draw(st.sampled_from(boundaries)) if boundaries else start + (end - start) / 2
    grid = Fraction(grid_energy(kwh))
    whole = average_price(start, end, slots)
    first, second = average_price(start, cut, slots), average_price(cut, end, slots)
    assert isinstance(whole, AveragePrice)
    assert isinstance(first, AveragePrice)
    assert isinstance(second, AveragePrice)
    share = Fraction((cut - start) // timedelta(microseconds=1), (end - start) // timedelta(microseconds=1))
    parts = exact_cost(grid * share, first) + exact_cost(grid * (1 - share), second)
    assert parts == exact_cost(grid, whole)
    # What is stored is rounded to a millionth: the parts stay within rounding of the whole.
    whole_priced = price_session(start, end, _energy(kwh), slots)
    assert isinstance(whole_priced, Priced)
    assert abs(Decimal(float(parts)) - whole_priced.cost) < Decimal("0.00001")


def test_price_is_time_weighted_over_the_slots() -> None:
    slots = [
        PriceSlot(BASE, BASE + HALF, Decimal("0.10"), "GBP"),
        PriceSlot(BASE + HALF, BASE + 2 * HALF, Decimal("0.30"), "GBP"),
    ]
    priced = price_session(BASE, BASE + 2 * HALF, _energy(Decimal("9")), slots, loss=Decimal("0.10"))
    assert isinstance(priced, Priced)
    assert priced.grid_kwh == Decimal("10")  # 9 kWh in the battery / 0.9
    assert priced.cost == Decimal("2.000000")  # 5 kWh at 0.10 + 5 kWh at 0.30
    assert priced.price_per_kwh == Decimal("0.200000")
    assert priced.currency == "GBP"
    assert not priced.gaps


def test_a_gap_is_priced_from_the_nearest_known_price_and_flagged() -> None:
    slots = [
        PriceSlot(BASE, BASE + HALF, Decimal("0.10"), "GBP"),
        # 30 minutes missing: the first 15 take 0.10, the last 15 take 0.50
        PriceSlot(BASE + 2 * HALF, BASE + 3 * HALF, Decimal("0.50"), "GBP"),
    ]
    priced = price_session(BASE + HALF, BASE + 2 * HALF, _energy(Decimal("1")), slots, loss=Decimal(0))
    assert isinstance(priced, Priced)
    assert priced.gaps
    assert priced.cost == Decimal("0.300000")


def test_a_session_past_the_last_published_price_takes_the_last_price() -> None:
    slots = [PriceSlot(BASE, BASE + HALF, Decimal("0.20"), "GBP")]
    priced = price_session(BASE, BASE + 4 * HALF, _energy(Decimal("4")), slots, loss=Decimal(0))
    assert isinstance(priced, Priced)
    assert priced.cost == Decimal("0.800000")
    assert priced.gaps


def test_no_price_at_all_and_mixed_currencies_are_reasons() -> None:
    assert price_session(BASE, BASE + HALF, _energy(Decimal(1)), []) is Unpriced.NO_PRICES
    mixed = [
        PriceSlot(BASE, BASE + HALF, Decimal("0.10"), "GBP"),
        PriceSlot(BASE + HALF, BASE + 2 * HALF, Decimal("0.10"), "EUR"),
    ]
    assert price_session(BASE, BASE + 2 * HALF, _energy(Decimal(1)), mixed) is Unpriced.MIXED_CURRENCY


@pytest.mark.parametrize(
    ("night", "off_peak_hours"),
    [
        (datetime(2026, 3, 28, 22, 0, tzinfo=UTC), 6),  # spring forward: 00:00-07:00 local lasts 6 h
        (datetime(2026, 10, 24, 22, 0, tzinfo=UTC), 8),  # fall back: 00:00-07:00 local lasts 8 h
        (datetime(2026, 11, 7, 22, 0, tzinfo=UTC), 7),  # an ordinary night
    ],
)
def test_two_rate_nights_across_dst_price_the_real_off_peak_hours(
    night: datetime, off_peak_hours: int
) -> None:
    tariff = FixedTwoRateTariff(Decimal("0.30"), Decimal("0.10"), time(0, 0), time(7, 0), LONDON, "GBP")
    start = night.replace(tzinfo=UTC)  # 22:00 UTC: 23:00 BST before spring forward, 22:00 GMT otherwise
    end = start + timedelta(hours=12)
    slots = tariff.slots(start, end)
    off = sum((s.duration for s in slots if s.price_per_kwh == Decimal("0.10")), timedelta())
    assert off == timedelta(hours=off_peak_hours)
    hours = Decimal(12)
    priced = price_session(start, end, _energy(hours), slots, loss=Decimal(0))  # 1 kWh per hour
    assert isinstance(priced, Priced)
    expected = Decimal("0.10") * off_peak_hours + Decimal("0.30") * (12 - off_peak_hours)
    assert priced.cost == expected.quantize(Decimal("0.000001"))


def test_energy_comes_from_the_car_or_from_levels_times_capacity() -> None:
    assert estimate_energy(11.2, 20, 80, 52.0) == EnergyEstimate(Decimal("11.2"), EnergyMethod.REPORTED)
    assert estimate_energy(None, 20, 80, 52.0) == EnergyEstimate(Decimal("31.2"), EnergyMethod.LEVELS)
    assert estimate_energy(None, 80, 70, 52.0) == EnergyEstimate(Decimal(0), EnergyMethod.LEVELS)
    assert estimate_energy(None, None, 80, 52.0) is None
    assert estimate_energy(None, 20, 80, None) is None


def test_a_loss_outside_zero_to_half_is_refused() -> None:
    with pytest.raises(ValueError, match="charging loss"):
        grid_energy(Decimal(1), Decimal("0.6"))
