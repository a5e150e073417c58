"""The /export CSV cells: text a spreadsheet would run as a formula is neutralised, numbers stay numbers."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from bot.domain.history import BatteryReading, ChargeSession
from bot.features.costs.logic import Place, SessionCost
from bot.features.costs.ports import ExportRow
from bot.features.costs.telegram.export_csv import COLUMNS, row_values, write_csv

UTC_ZONE = ZoneInfo("UTC")
START = datetime(2026, 11, 18, 22, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "text",
    ['=HYPERLINK("https://x.example","y")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd", "=1"],
)
def test_a_text_cell_a_spreadsheet_would_run_gets_an_apostrophe(text: str) -> None:
    reading = BatteryReading(1, START, 50)
    cells = dict(zip(COLUMNS, row_values(ExportRow(text, reading=reading), UTC_ZONE), strict=True))
    assert cells["vehicle"] == f"'{text}"


def test_plain_text_and_negative_numbers_are_left_as_they_are() -> None:
    session = ChargeSession(1, START, START, 40, 80)
    cost = SessionCost(
        chat_id=1,
        vehicle_id=1,
        started_at=START,
        ended_at=START,
        place=Place.HOME,
        grid_kwh=Decimal("10"),
        cost=Decimal("-0.52"),  # a negative price (Octopus Agile pays for some half-hours)
        currency="EUR",
    )
    cells = dict(
        zip(COLUMNS, row_values(ExportRow("AB-123-CD", charge=session, cost=cost), UTC_ZONE), strict=True)
    )
    assert (cells["vehicle"], cells["cost"], cells["currency"]) == ("AB-123-CD", "-0.52", "EUR")
    reading = BatteryReading(1, START, 50, range_km=-1.5)
    cells = dict(zip(COLUMNS, row_values(ExportRow("ZOE", reading=reading), UTC_ZONE), strict=True))
    assert cells["range_km"] == "-1.5"


async def test_a_currency_from_a_feed_is_neutralised_in_the_written_file() -> None:
    session = ChargeSession(1, START, START, 40, 80)
    cost = SessionCost(1, 1, START, START, Place.HOME, cost=Decimal("1.2"), currency="=cmd|' /C calc'!A0")

    async def rows() -> AsyncIterator[ExportRow]:
        yield ExportRow("ZOE", charge=session, cost=cost)

    written = await write_csv(rows(), UTC_ZONE)
    try:
        (row,) = csv.DictReader(io.StringIO(written.file.read().decode("utf-8")))
    finally:
        written.file.close()
    assert row["currency"] == "'=cmd|' /C calc'!A0"
