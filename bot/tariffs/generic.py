"""Price slots from any URL serving the JSON or CSV format below (Tibber or Nord Pool exports, a script).

JSON (`Content-Type: application/json`, or a body starting with `{`):

    {"currency": "EUR",                       optional, ISO 4217; defaults to the provider's currency
     "resolution_minutes": 60,                optional; length of a slot that gives no end (default 60)
     "prices": [
       {"start": "2026-03-29T00:00:00+01:00", "end": "2026-03-29T01:00:00+01:00", "price": 0.2134},
       {"start": "2026-03-29T01:00:00+01:00", "price": "0.1980"}
     ]}

CSV (`Content-Type: text/csv`, or any other body): a header row naming the columns `start`, `price` and
optionally `end` and `currency`, in any order, comma-separated:

    start,end,price
    2026-03-29T00:00:00Z,2026-03-29T01:00:00Z,0.2134

Rules for both: `price` is per kWh in the currency's MAIN unit (euros, not cents), a number or a decimal
string; `start`/`end` are ISO 8601 with a UTC offset (`Z` or `+01:00`; naive times are refused because they
are ambiguous around DST changes); a slot without `end` lasts until the next slot's start, or
`resolution_minutes` for the last one. Slots may come in any order.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Literal

from bot.domain.tariff import PriceSlot, TariffFormatError, clip
from bot.tariffs.fetch import FeedFetch, FetchedFeed
from bot.tariffs.parsing import parse_json, parse_price, parse_time

Format = Literal["auto", "json", "csv"]


class GenericUrlTariff:
    """TariffProvider that fetches the whole document at `url` and keeps the slots overlapping the period."""

    def __init__(
        self,
        feeds: FeedFetch,
        url: str,
        currency: str = "EUR",
        fmt: Format = "auto",
        resolution: timedelta = timedelta(hours=1),
    ) -> None:
        self._feeds = feeds
        self._url = url
        self._currency = currency
        self._fmt = fmt
        self._resolution = resolution

    def __repr__(self) -> str:
        # The URL may embed an API token: never show it.
        return f"GenericUrlTariff(currency={self._currency!r}, fmt={self._fmt!r})"

    async def prices(self, start: datetime, end: datetime) -> list[PriceSlot]:
        """Every slot of the document overlapping [start, end)."""
        document = await self._feeds.get(self._url)
        if self._is_json(document):
            slots = parse_json_document(parse_json(document.body), self._currency, self._resolution)
        else:
            slots = parse_csv_document(_text(document.body), self._currency, self._resolution)
        return clip(slots, start, end)

    def _is_json(self, document: FetchedFeed) -> bool:
        if self._fmt != "auto":
            return self._fmt == "json"
        if "json" in document.content_type:
            return True
        if "csv" in document.content_type:
            return False
        return document.body.lstrip()[:1] in (b"{", b"[")


def parse_json_document(document: object, currency: str, resolution: timedelta) -> list[PriceSlot]:
    """Slots from the JSON format above."""
    if not isinstance(document, dict) or not isinstance(document.get("prices"), list):
        raise TariffFormatError("the tariff document has no prices list")
    currency = _currency(document.get("currency", currency))
    minutes = document.get("resolution_minutes")
    if minutes is not None:
        if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes <= 0:
            raise TariffFormatError("resolution_minutes is not a positive whole number")
        resolution = timedelta(minutes=minutes)
    rows = []
    for item in document["prices"]:
        if not isinstance(item, dict):
            raise TariffFormatError("a price entry is not an object")
        rows.append(item)
    return _slots(rows, currency, resolution)


def parse_csv_document(text: str, currency: str, resolution: timedelta) -> list[PriceSlot]:
    """Slots from the CSV format above."""
    reader = csv.DictReader(io.StringIO(text))
    columns = {name.strip().lower() for name in reader.fieldnames or []}
    if not {"start", "price"} <= columns:
        raise TariffFormatError("the tariff CSV needs a header with start and price columns")
    try:
        rows = [{k.strip().lower(): v for k, v in row.items() if k is not None} for row in reader]
    except csv.Error:
        raise TariffFormatError("the tariff CSV is malformed") from None
    return _slots(rows, currency, resolution)


def _slots(rows: Iterable[Mapping[str, object]], currency: str, resolution: timedelta) -> list[PriceSlot]:
    parsed: list[tuple[datetime, datetime | None, Decimal, str]] = []
    for row in rows:
        start = parse_time(row.get("start"), "start")
        raw_end = row.get("end")
        end = None if raw_end in (None, "") else parse_time(raw_end, "end")
        row_currency = row.get("currency")
        parsed.append(
            (
                start,
                end,
                parse_price(row.get("price"), "price"),
                currency if row_currency in (None, "") else _currency(row_currency),
            )
        )
    parsed.sort(key=lambda entry: entry[0])
    slots = []
    for index, (start, end, price, slot_currency) in enumerate(parsed):
        if end is None:
            end = parsed[index + 1][0] if index + 1 < len(parsed) else start + resolution
        if end <= start:
            raise TariffFormatError("a price slot ends before it starts")
        slots.append(PriceSlot(start, end, price, slot_currency))
    return slots


def _currency(value: object) -> str:
    if not isinstance(value, str) or len(value.strip()) != 3 or not value.strip().isalpha():
        raise TariffFormatError("currency is not a three-letter code")
    return value.strip().upper()


def _text(body: bytes) -> str:
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TariffFormatError("the tariff CSV is not UTF-8 text") from None
