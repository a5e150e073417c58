"""Reading the values of a price feed: JSON with exact decimals, timestamps with their offset, prices."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal, InvalidOperation

from bot.domain.tariff import TariffFormatError


def parse_json(body: bytes) -> object:
    """Decode JSON with exact decimals (no float rounding of prices)."""
    try:
        return json.loads(body, parse_float=Decimal, parse_constant=_reject_constant)
    except (ValueError, UnicodeDecodeError):
        raise TariffFormatError("the tariff source did not answer valid JSON") from None


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not a price")


def parse_time(value: object, field: str) -> datetime:
    """An ISO 8601 timestamp that must carry its UTC offset (a naive time is ambiguous around DST)."""
    if not isinstance(value, str):
        raise TariffFormatError(f"{field} is not a timestamp")
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise TariffFormatError(f"{field} is not an ISO 8601 timestamp") from None
    if moment.tzinfo is None:
        raise TariffFormatError(f"{field} has no UTC offset")
    return moment


def parse_price(value: object, field: str) -> Decimal:
    """A finite decimal price from a JSON number or a string; booleans and NaN are rejected."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal | str):
        raise TariffFormatError(f"{field} is not a number")
    try:
        price = Decimal(value.strip()) if isinstance(value, str) else Decimal(value)
    except InvalidOperation:
        raise TariffFormatError(f"{field} is not a number") from None
    if not price.is_finite():
        raise TariffFormatError(f"{field} is not a finite number")
    return price
