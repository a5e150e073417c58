"""Values an owner types instead of tapping: a time of day ('23:00', '6h45'), a temperature ('21,5 °C')."""

from __future__ import annotations

import re
from datetime import time

_CLOCK = re.compile(r"\s*(\d{1,2})(?:[:hH.](\d{2}))?\s*[hH]?\s*")
_DEGREES = re.compile(r"\s*(\d{1,2}(?:[.,]\d{1,2})?)\s*(?:°\s*[cC]?|[cC])?\s*")


def typed_clock(text: str) -> time | None:
    """The time of day in '23:00', '6h45', '7 h' or '07.30'; None when the text is not one."""
    match = _CLOCK.fullmatch(text)
    if match is None:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    return time(hour, minute)


def typed_degrees(text: str) -> float | None:
    """The temperature in '21', '21.5', '21,5 °C' or '22C'; None when the text is not one."""
    match = _DEGREES.fullmatch(text)
    return None if match is None else float(match.group(1).replace(",", "."))
