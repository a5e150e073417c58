"""The zone's name as the kernel writes it (a city and its IANA zone; en, fr, de); the rest of the time-zone
messages are the /settings feature's (bot/features/settings/catalog.py)."""

from __future__ import annotations

from typing import Final

EN: Final[dict[str, str]] = {
    "settings.zone_name": "{city} ({zone})",
}

FR: Final[dict[str, str]] = {
    "settings.zone_name": "{city} ({zone})",
}

DE: Final[dict[str, str]] = {
    "settings.zone_name": "{city} ({zone})",
}

PLACES_MESSAGES: Final[dict[str, dict[str, str]]] = {"en": EN, "fr": FR, "de": DE}
