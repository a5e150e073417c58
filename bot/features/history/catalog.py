"""/history messages (English, French, German), merged into the main catalogs by `bot.telegram_ui.i18n`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

HISTORY_MESSAGES: Final[Mapping[str, Mapping[str, str]]] = {
    "en": {
        "history.title": "Recent charges - {vehicle}",
        "history.none": "No charge recorded yet for {vehicle}. The chart fills in as the bot polls the car.",
        "history.session": "{start} → {end} · {from_level} → {to_level} · {energy} · {duration} · {power}",
        # CLDR pattern (Babel) of a session's start: dd day, MM month, HH:mm 24-hour time
        "history.ongoing": "charging",
        "history.unknown": "?",
        "history.kwh": "{value}",
        "history.kwh_reported": "{value} (reported by the car)",
        "history.kw": "{value}",
        "history.duration": "{hours} h {minutes:02d}",
        "history.chart_title": "Battery, last 7 days",
        "history.chart_axis": "Battery (%)",
        "history.chart_charging": "Charging",
        "history.chart_no_data": "No readings yet",
    },
    "fr": {
        "history.title": "Charges récentes - {vehicle}",
        "history.none": "Aucune charge enregistrée pour {vehicle}. Le graphique se remplit avec les relevés.",
        "history.session": "{start} → {end} · {from_level} → {to_level} · {energy} · {duration} · {power}",
        # CLDR pattern (Babel) of a session's start: dd day, MM month, HH:mm 24-hour time
        "history.ongoing": "en charge",
        "history.unknown": "?",
        "history.kwh": "{value}",
        "history.kwh_reported": "{value} (déclarés par la voiture)",
        "history.kw": "{value}",
        "history.duration": "{hours} h {minutes:02d}",
        "history.chart_title": "Batterie, 7 derniers jours",
        "history.chart_axis": "Batterie (%)",
        "history.chart_charging": "En charge",
        "history.chart_no_data": "Pas encore de relevé",
    },
    "de": {
        "history.title": "Letzte Ladevorgänge - {vehicle}",
        "history.none": "Noch kein Ladevorgang für {vehicle}. Das Diagramm füllt sich mit jeder Abfrage.",
        "history.session": "{start} → {end} · {from_level} → {to_level} · {energy} · {duration} · {power}",
        # CLDR pattern (Babel) of a session's start: dd day, MM month, HH:mm 24-hour time
        "history.ongoing": "lädt",
        "history.unknown": "?",
        "history.kwh": "{value}",
        "history.kwh_reported": "{value} (vom Auto gemeldet)",
        "history.kw": "{value}",
        "history.duration": "{hours} Std. {minutes:02d}",
        "history.chart_title": "Akku, letzte 7 Tage",
        "history.chart_axis": "Akku (%)",
        "history.chart_charging": "Laden",
        "history.chart_no_data": "Noch keine Messwerte",
    },
}
