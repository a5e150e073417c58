"""Time zones by name, forgiving: a bad stored setting never breaks a message or a poll."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def zone_or_utc(name: str) -> ZoneInfo:
    """The time zone called `name`, UTC when the name is unknown or malformed."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")
