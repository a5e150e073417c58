"""/export as CSV: one header row, then every session and reading of the period, written row by row.

Rows go to a temporary file on disk as they come, never to one big string: a year of readings is tens of
thousands of lines (PTB then reads the file for the multipart upload). Times are ISO 8601 in the chat's
zone, numbers use a decimal point whatever the language, and each column name carries its unit.

Text cells that a spreadsheet would read as a formula (starting with = + - @, a tab or a carriage return) get
a leading apostrophe: a plate typed in MyRenault or a currency from a price feed must not run in the owner's
spreadsheet (OWASP's "CSV injection"). Numbers we format ourselves stay numbers, negative prices included.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import IO
from zoneinfo import ZoneInfo

from bot.features.costs.ports import ExportRow

COLUMNS = (
    "record",
    "vehicle",
    "start_time",
    "end_time",
    "level_start_pct",
    "level_end_pct",
    "level_pct",
    "range_km",
    "charging",
    "plugged",
    "power_kw",
    "mileage_km",
    "battery_energy_kwh",
    "energy_method",
    "grid_energy_kwh",
    "cost",
    "currency",
    "price_per_kwh",
    "place",
    "cost_at_plug_in",
    "nearest_price_used",
    "not_priced_reason",
)


@dataclass(slots=True)
class ExportFile:
    """The written CSV (positioned at its start) and what it holds."""

    file: IO[bytes]
    sessions: int = 0
    readings: int = 0


def _time(moment: datetime | None, zone: ZoneInfo) -> str:
    return "" if moment is None else moment.astimezone(zone).isoformat()


# What makes a spreadsheet read a cell as a formula (or split it, for the tab and carriage return).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(text: str) -> str:
    """The text as a spreadsheet shows it, never as a formula: a leading apostrophe where it could be one."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value != 0 else "0"
    if isinstance(value, int | float):
        return str(value)  # a number we hold, not text: "-3.5" is a value, never a formula
    return neutralised(str(value))


def row_values(row: ExportRow, zone: ZoneInfo) -> list[str]:
    """The CSV cells of one export row, in COLUMNS order."""
    cells: dict[str, object] = {"vehicle": row.vehicle}
    if row.charge is not None:
        charge, cost = row.charge, row.cost
        cells |= {
            "record": "session",
            "start_time": _time(charge.started_at, zone),
            "end_time": _time(charge.ended_at, zone),
            "level_start_pct": charge.start_level,
            "level_end_pct": charge.end_level,
        }
        if cost is not None:
            price = None if cost.cost is None or not cost.grid_kwh else cost.cost / cost.grid_kwh
            cells |= {
                "battery_energy_kwh": cost.battery_kwh,
                "energy_method": None if cost.method is None else cost.method.value,
                "grid_energy_kwh": cost.grid_kwh,
                "cost": cost.cost,
                "currency": cost.currency,
                "price_per_kwh": None if price is None else price.quantize(Decimal("0.000001")),
                "place": cost.place.value,
                "cost_at_plug_in": cost.at_plug_in,
                "nearest_price_used": cost.gaps if cost.cost is not None else None,
                "not_priced_reason": None if cost.reason is None else cost.reason.value,
            }
    elif row.reading is not None:
        reading = row.reading
        cells |= {
            "record": "reading",
            "start_time": _time(reading.reported_at, zone),
            "level_pct": reading.level,
            "range_km": reading.range_km,
            "charging": reading.charging,
            "plugged": reading.plugged,
            "power_kw": reading.power_kw,
            "mileage_km": reading.mileage_km,
        }
    return [_value(cells.get(name)) for name in COLUMNS]


async def write_csv(rows: AsyncIterator[ExportRow], zone: ZoneInfo) -> ExportFile:
    """Write the header and every row to a temporary file, rewound for sending."""
    # Named: PTB's InputFile takes the file name from it; deleted when the caller closes it.
    spool = tempfile.NamedTemporaryFile(prefix="export-", suffix=".csv")  # noqa: SIM115 - handed to the caller
    text = io.TextIOWrapper(spool, encoding="utf-8", newline="")
    writer = csv.writer(text)
    writer.writerow(COLUMNS)
    written = ExportFile(spool)
    async for row in rows:
        writer.writerow(row_values(row, zone))
        if row.charge is not None:
            written.sessions += 1
        else:
            written.readings += 1
    text.flush()
    text.detach()  # keep the spool open for the upload
    spool.seek(0)
    return written
