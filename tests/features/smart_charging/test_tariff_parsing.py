"""The fixed rates typed in one message: what reads, and what each mistake is called."""

from __future__ import annotations

from datetime import time
from decimal import Decimal

import pytest

from bot.app.parts import CATALOGS
from bot.features.smart_charging.render import example
from bot.features.smart_charging.telegram import parse_fixed


@pytest.mark.parametrize(
    "typed",
    ["0.25 0.15 22:00 06:00", "0,25 0,15 22h 6h", "0.25/0.15 22:00-06:00", " 0.25  0.15  22.00  06.00 "],
)
def test_the_usual_ways_of_writing_the_rates_read_the_same(typed: str) -> None:
    assert parse_fixed(typed) == (Decimal("0.25"), Decimal("0.15"), time(22, 0), time(6, 0))


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("hello", "tariff.error.fixed_form"),
        ("0.25 0.15", "tariff.error.fixed_form"),
        ("25 15 22:00 06:00", "tariff.error.fixed_price"),  # cents, not a price per kWh
        ("0.25 0.15 25:00 06:00", "tariff.error.fixed_time"),
        ("0.25 0.15 22:00 22:00", "tariff.error.fixed_window"),
    ],
)
def test_each_mistake_is_named(typed: str, problem: str) -> None:
    assert parse_fixed(typed) == problem


def test_the_example_is_written_in_the_owners_currency_and_language() -> None:
    assert example(CATALOGS.translator("fr"), "EUR") == "0,25 0,15 22:00 06:00"
    assert example(CATALOGS.translator("en"), "GBP") == "0.28 0.09 22:00 06:00"
    assert example(CATALOGS.translator("de"), "NOK") == "2,50 1,50 22:00 06:00"
