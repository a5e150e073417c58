"""What an action asked for, what Refresh found, and the charge menu's current mode (en, fr, de)."""

from __future__ import annotations

from typing import Final

EN: Final[dict[str, str]] = {
    "request.precondition_now": "🌡 Preconditioning at {temperature}",
    "request.precondition_at": "🌡 Preconditioning at {temperature}, ready at {time}",
    "request.charge_mode": "⏱ Charge mode: {mode}",
    "request.charge_limit": "🎯 Charge limit: {level}",
    "refresh.up_to_date": "🔄 Up to date · reported {age}",
    "refresh.no_time": "🔄 Up to date",
    "refresh.stale": "⚠️ Renault did not answer: last known data, reported {age}",
    "charge.menu_mode": "Charging · now: {mode}",
}

FR: Final[dict[str, str]] = {
    "request.precondition_now": "🌡 Préconditionnement à {temperature}",
    "request.precondition_at": "🌡 Préconditionnement à {temperature}, prête à {time}",
    "request.charge_mode": "⏱ Mode de charge : {mode}",
    "request.charge_limit": "🎯 Limite de charge : {level}",
    "refresh.up_to_date": "🔄 À jour · données {age}",
    "refresh.no_time": "🔄 À jour",
    "refresh.stale": "⚠️ Renault n'a pas répondu : dernières données connues, {age}",
    "charge.menu_mode": "Recharge · actuellement : {mode}",
}

DE: Final[dict[str, str]] = {
    "request.precondition_now": "🌡 Vorklimatisierung auf {temperature}",
    "request.precondition_at": "🌡 Vorklimatisierung auf {temperature}, fertig um {time}",
    "request.charge_mode": "⏱ Lademodus: {mode}",
    "request.charge_limit": "🎯 Ladegrenze: {level}",
    "refresh.up_to_date": "🔄 Aktuell · gemeldet {age}",
    "refresh.no_time": "🔄 Aktuell",
    "refresh.stale": "⚠️ Renault hat nicht geantwortet: letzte bekannte Daten, gemeldet {age}",
    "charge.menu_mode": "Laden · derzeit: {mode}",
}

OUTCOME_MESSAGES: Final[dict[str, dict[str, str]]] = {"en": EN, "fr": FR, "de": DE}
