"""Home and away, typed away prices, and monthly figures."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from bot.features.costs.logic import (
    AwayPrice,
    AwayPriceProblem,
    Home,
    Place,
    SessionCost,
    distance_m,
    month_figures,
    parse_away_price,
    place_of,
    previous_month,
)

HOME = Home(48.8566, 2.3522)


def test_a_session_within_the_radius_is_home_and_further_is_away() -> None:
    assert place_of(HOME, 48.8570, 2.3525) is Place.HOME  # about 50 m
    assert place_of(HOME, 48.8600, 2.3522) is Place.AWAY  # about 380 m
    assert place_of(HOME, None, None) is Place.UNKNOWN
    assert place_of(None, 10.0, 10.0) is Place.HOME  # no home set: everything is home
    assert 370 < distance_m(48.8566, 2.3522, 48.8600, 2.3522) < 390


@pytest.mark.parametrize(("lat", "lon"), [(91.0, 0.0), (-90.5, 0.0), (0.0, 181.0), (0.0, -180.1)])
def test_a_home_outside_the_world_is_refused(lat: float, lon: float) -> None:
    with pytest.raises(ValueError, match="outside the world"):
        Home(lat, lon)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0.39", AwayPrice(per_kwh=Decimal("0.39"))),
        ("0,39 €/kWh", AwayPrice(per_kwh=Decimal("0.39"))),
        ("12.50 total", AwayPrice(total=Decimal("12.50"))),
        ("=12.5", AwayPrice(total=Decimal("12.5"))),
        ("abc", AwayPriceProblem.NOT_A_NUMBER),
        ("", AwayPriceProblem.NOT_A_NUMBER),
        ("inf", AwayPriceProblem.NOT_A_NUMBER),
        ("-0.1", AwayPriceProblem.NEGATIVE),
        ("5.01", AwayPriceProblem.ABSURD),
        ("1000.01 total", AwayPriceProblem.ABSURD),
    ],
)
def test_typed_away_prices(text: str, expected: AwayPrice | AwayPriceProblem) -> None:
    assert parse_away_price(text) == expected


def test_month_figures_add_up_priced_sessions_and_savings() -> None:
    start = datetime(2026, 11, 3, tzinfo=UTC)
    priced = SessionCost(
        1,
        1,
        start,
        start,
        Place.HOME,
        grid_kwh=Decimal(10),
        cost=Decimal(2),
        currency="EUR",
        at_plug_in=Decimal(3),
    )
    unpriced = SessionCost(1, 1, start, start, Place.AWAY)
    figures = month_figures(date(2026, 11, 1), [priced, unpriced], km=400.0)
    assert (figures.sessions, figures.priced_sessions) == (2, 1)
    assert figures.price_per_kwh == Decimal("0.2")
    assert figures.saving == Decimal(1)
    assert figures.cost_per_100_km == Decimal("0.5")
    assert previous_month(date(2026, 1, 1)) == date(2025, 12, 1)
