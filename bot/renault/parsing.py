"""Small tolerant readers for wire values (timestamps, numbers, enums) used by the model parsers."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime, time
from enum import Enum
from typing import Any, TypeVar, cast

from bot.renault.errors import UnexpectedResponse

log = logging.getLogger(__name__)

E = TypeVar("E", bound=Enum)


def attributes(body: Any) -> Mapping[str, Any]:
    """The `data.attributes` of a KCA envelope ({} when missing, §3.4)."""
    if not isinstance(body, Mapping):
        raise UnexpectedResponse("expected a JSON object")
    data = body.get("data")
    if not isinstance(data, Mapping):
        return {}
    attrs = data.get("attributes")
    return attrs if isinstance(attrs, Mapping) else {}


def bare(body: Any) -> Mapping[str, Any]:
    """A bare JSON object (KCM settings)."""
    if not isinstance(body, Mapping):
        raise UnexpectedResponse("expected a JSON object")
    return body


def timestamp(value: Any) -> datetime | None:
    """An aware UTC datetime from any ISO-8601 form seen on the wire ('Z', offsets, fractions, naive)."""
    if not isinstance(value, str) or not value:
        return None
    text = value.strip().replace("Z", "+00:00").replace("z", "+00:00")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        log.warning("unparsable timestamp %r", value)
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)  # Renault's wire times are UTC
    return parsed.astimezone(UTC)


def number(value: Any) -> float | None:
    """A float, or None for missing/non-numeric values."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def integer(value: Any) -> int | None:
    """An int, or None."""
    num = number(value)
    return None if num is None else round(num)


def text(value: Any) -> str | None:
    """A string, or None."""
    return None if value is None else str(value)


def flag(value: Any) -> bool | None:
    """A bool, or None."""
    return value if isinstance(value, bool) else None


def enum_value(cls: type[E], value: Any, unknown: E, what: str) -> E:
    """The enum member for a wire value; unknown values are logged and become `unknown`, never a crash."""
    # The enum's own value table first (a poll parses several enums; iterating the members cost more).
    try:
        found = cls._value2member_map_.get(value)
    except TypeError:  # an unhashable wire value (a list, a dict) is no member's value
        found = None
    if found is not None:
        return cast(E, found)
    for member in cls:
        if member.value == value:
            return member
    if value is not None:
        log.warning("unknown %s value %r", what, value)
    return unknown


def wire_time(value: Any) -> time | None:
    """A UTC time of day from 'THH:MMZ', 'HH:MM' or 'HHMM'."""
    if not isinstance(value, str):
        return None
    digits = value.strip().removeprefix("T").removesuffix("Z").replace(":", "")
    if len(digits) != 4 or not digits.isdigit():
        log.warning("unparsable time of day %r", value)
        return None
    hour, minute = int(digits[:2]), int(digits[2:])
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute, tzinfo=UTC)
