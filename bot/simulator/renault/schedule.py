"""Charge windows of a car in 'scheduled' mode, from its KCA schedule slots (`THH:MMZ` + minutes, UTC)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from typing import Any

_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _windows(slots: Iterable[dict[str, Any]], around: datetime) -> Iterator[tuple[datetime, datetime]]:
    midnight = around.replace(hour=0, minute=0, second=0, microsecond=0)
    for offset in range(-1, 8):  # yesterday's window may run past midnight into today
        day = midnight + timedelta(days=offset)
        name = _DAYS[day.weekday()]
        for slot in slots:
            period = slot.get(name) if slot.get("activated") else None
            if not isinstance(period, dict):
                continue
            start_text, duration = str(period.get("startTime", "")), period.get("duration")
            if len(start_text) != 7 or not isinstance(duration, int):
                continue
            start = day.replace(hour=int(start_text[1:3]), minute=int(start_text[4:6]))
            yield start, start + timedelta(minutes=duration)


def window_at(slots: Iterable[dict[str, Any]], moment: datetime) -> tuple[datetime, datetime] | None:
    """The active window containing `moment`, if any."""
    for start, end in _windows(slots, moment):
        if start <= moment < end:
            return start, end
    return None


def next_start(slots: Iterable[dict[str, Any]], after: datetime, until: datetime) -> datetime | None:
    """The first window start in (after, until]."""
    starts = [start for start, _ in _windows(slots, after) if after < start <= until]
    return min(starts, default=None)
