# ruff: noqa: E501 - catalog messages are kept on one line each so translators can compare them
"""Time zones as the owner sees them: from the login country, chosen in /settings, typed (en, fr, de)."""

from __future__ import annotations

from typing import Final

EN: Final[dict[str, str]] = {
    "settings.zone_name": "{city} ({zone})",
    "settings.zone_from_login": "🕒 Times are shown for {zone}; change it in /settings.",
    "settings.zone_which": "Your country has several time zones: tap yours.",
    "settings.zone_saved": "🕒 Time zone: {zone}.",
    "settings.zone_unknown": "I do not know the time zone “{text}”. Type a city (Oslo) or a zone name (Europe/Oslo), or tap one below.",
}

FR: Final[dict[str, str]] = {
    "settings.zone_name": "{city} ({zone})",
    "settings.zone_from_login": "🕒 Les heures sont données pour {zone} ; modifiable dans /settings.",
    "settings.zone_which": "Votre pays a plusieurs fuseaux horaires : touchez le vôtre.",
    "settings.zone_saved": "🕒 Fuseau horaire : {zone}.",
    "settings.zone_unknown": "Je ne connais pas le fuseau horaire « {text} ». Tapez une ville (Oslo) ou un nom de fuseau (Europe/Oslo), ou touchez-en un ci-dessous.",
}

DE: Final[dict[str, str]] = {
    "settings.zone_name": "{city} ({zone})",
    "settings.zone_from_login": "🕒 Zeiten werden für {zone} angezeigt; änderbar in /settings.",
    "settings.zone_which": "Ihr Land hat mehrere Zeitzonen: Tippen Sie auf Ihre.",
    "settings.zone_saved": "🕒 Zeitzone: {zone}.",
    "settings.zone_unknown": "Die Zeitzone „{text}“ kenne ich nicht. Geben Sie eine Stadt (Oslo) oder einen Zonennamen (Europe/Oslo) ein, oder tippen Sie unten auf eine.",
}

PLACES_MESSAGES: Final[dict[str, dict[str, str]]] = {"en": EN, "fr": FR, "de": DE}
