# ruff: noqa: E501 - catalog messages are kept on one line each so translators can compare them
"""Deutsche Meldungen."""

from __future__ import annotations

from typing import Final

MESSAGES: Final[dict[str, str]] = {
    # Zahlen und Einheiten
    "duration.minutes": "{minutes} Min.",
    "duration.hours": "{hours} Std.",
    "duration.hours_minutes": "{hours} Std. {minutes} Min.",
    "age.just_now": "gerade eben",
    "age.minutes": "vor {minutes} Min.",
    "age.hours": "vor {hours} Std.",
    "age.days.one": "vor {days} Tag",
    "age.days.other": "vor {days} Tagen",
    # CLDR-Datumsmuster (Babel): M Monat, d Tag, HH:mm 24-Stunden-Uhrzeit
    # Befehle
    "cmd.start": "Willkommen und wie Sie Ihr Auto verknüpfen",
    "cmd.schedule": "Ladeplan ansehen und ändern",
    "cmd.history": "Letzte Ladevorgänge und ein Akku-Diagramm",
    "cmd.smartcharge": "Laden, wenn der Strom am günstigsten ist",
    "cmd.smarttariff": "Ihren Stromtarif für intelligentes Laden wählen",
    "cmd.share": "Das Auto mit der Familie teilen: Einladungen und Mitglieder",
    "cmd.leave": "Ein mit Ihnen geteiltes Auto nicht mehr teilen",
    "cmd.help": "Was jeder Befehl tut",
    # Begrüßung und Hilfe
    "start.welcome": (
        "Hallo! Ich behalte Ihr Elektroauto von Renault, Dacia oder Alpine im Blick.\n"
        "Fragen Sie nach Akku und Reichweite, heizen Sie das Auto vor der Abfahrt vor, starten oder "
        "stoppen Sie das Laden und erhalten Sie eine Nachricht, wenn das Laden fertig oder der Akku "
        "schwach ist.\n\n"
        "Verknüpfen Sie zuerst Ihr MyRenault-Konto mit /login (in diesem privaten Chat)."
    ),
    "start.welcome_linked": "Willkommen zurück! Ihr Auto ist verknüpft: probieren Sie /status.",
    "help.text": (
        "/status - Akku, Reichweite und Ladezustand\n"
        "/precondition - jetzt oder zu einer Uhrzeit heizen oder kühlen\n"
        "/charge - Laden starten oder stoppen, Lademodus und Grenzen\n"
        "/schedule - Ladeplan ansehen und ändern\n"
        "/smartcharge - zu einer Uhrzeit mit einem Ladestand bereit, geladen wenn der Strom am günstigsten ist\n"
        "/smarttariff - Ihren Stromtarif für intelligentes Laden wählen\n"
        "/where - wo das Auto steht\n"
        "/history - letzte Ladevorgänge und ein Akku-Diagramm\n"
        "/costs - was das Laden pro Monat kostet und was intelligentes Laden gespart hat\n"
        "/export - Ihre Ladevorgänge und Messwerte als CSV-Datei\n"
        "/vehicles - aktives Auto wählen\n"
        "/settings - Benachrichtigungen, Sprache, Zeitzone, Einheiten, Temperatur\n"
        "/login - MyRenault-Konto verknüpfen\n"
        "/share - Familie als Fahrer oder Betrachter einladen, Mitglieder verwalten\n"
        "/leave - ein mit Ihnen geteiltes Auto nicht mehr teilen\n"
        "/logout - trennen und alles Gespeicherte löschen\n"
        "/cancel - den aktuellen Schritt abbrechen"
    ),
    "access.denied": "Dieser Bot ist leider privat. Bitten Sie den Betreiber, Ihr Telegram-Konto freizuschalten.",
    # Fehler
    "error.generic": "Bei mir ist etwas schiefgegangen. Bitte versuchen Sie es gleich noch einmal.",
    "error.storage": (
        "⚠️ Mein Speicher ist gerade nicht verfügbar, daher konnte ich das nicht abschließen. Bitte "
        "versuchen Sie es in ein paar Minuten erneut."
    ),
    "storage.not_saved": (
        "⚠️ Ich konnte Ihre Nachricht nicht speichern: Mein Speicher ist gerade nicht verfügbar. "
        "Ich bearbeite sie, sobald er wieder da ist; kommt keine Antwort, senden Sie sie bitte in "
        "ein paar Minuten erneut."
    ),
    "error.not_linked": "Mit diesem Chat ist noch kein Auto verknüpft. Verknüpfen Sie Ihr MyRenault-Konto mit /login.",
    "error.not_permitted": "Dieses Auto können Sie von diesem Chat aus nicht steuern.",
    "error.already_linked": "Dieses MyRenault-Konto ist bereits mit einem Chat verknüpft. Nutzen Sie dort zuerst /logout.",
    "error.login_rejected": "Renault hat diese E-Mail-Adresse oder dieses Passwort abgelehnt.",
    "error.code_rejected": (
        "Dieser Code stimmt nicht. Prüfen Sie die neueste E-Mail von Renault und senden Sie den Code erneut."
    ),
    "error.code_expired": "Der Code ist abgelaufen. Beginnen Sie erneut mit /login.",
    "error.needs_login": "Renault akzeptiert die gespeicherte Anmeldung nicht mehr. Bitte melden Sie sich mit /login neu an.",
    "error.secrets_unreadable": (
        "Ich kann die gespeicherte Anmeldung dieses Autos gerade nicht lesen (ein Schlüsselproblem auf "
        "Seiten des Bots). Es wurde nichts geändert und Sie müssen sich nicht neu anmelden; bitte versuchen "
        "Sie es später erneut."
    ),
    "error.renault_busy": "Renault begrenzt die Anfragen; nächster Versuch in etwa {minutes} Min. möglich.",
    "error.renault_busy_soon": "Renault begrenzt die Anfragen; bitte versuchen Sie es in ein paar Minuten erneut.",
    "error.feature_unavailable": "Ihr Auto unterstützt das nicht. Ich habe die Schaltfläche dafür entfernt.",
    "error.renault_down": "Die Renault-Server sind gerade nicht erreichbar. Bitte versuchen Sie es später erneut.",
    "error.action_busy": "Das Auto ist noch mit der vorherigen Anfrage beschäftigt. Versuchen Sie es in einer Minute.",
    "error.privacy_mode": "Der Datenschutzmodus des Autos ist an: Renault verbirgt seine Daten und lehnt Befehle ab.",
    "error.too_many_actions": "Einen Moment bitte: eine neue Anfrage ist in {seconds} s möglich.",
    "error.invalid_input": "Das kann ich nicht verwenden: {reasons}",
    "error.invalid_generic": "der Wert ist ungültig",
    "error.action_parameters": "diese Aktion braucht einen Wert, den ich nicht erhalten habe",
    "error.temperature_range": "die Temperatur muss zwischen 16 und 27 °C liegen",
    "error.level_range": "ein Ladestand muss zwischen 0 und 100 % liegen",
    "error.level_order": "der Mindeststand darf nicht über dem Zielstand liegen",
    "error.renault_refused_input": "Renault hat die gesendeten Werte abgelehnt",
    "error.battery_too_low": "der Akku ist dafür zu schwach",
    "callback.stale": "Diese Schaltfläche ist nicht mehr gültig. Senden Sie /status für eine neue.",
    "callback.refused": "Ihre Rolle bei diesem Auto erlaubt das nicht. Senden Sie /status für die Schaltflächen, die Sie nutzen können.",
    "cancel.nothing": "Es gibt nichts abzubrechen.",
    # Fahrzeuge
    "vehicle.title": "🚗 {model} · …{vin_tail}",
    "vehicle.title_plate": "🚗 {model} · {plate} · …{vin_tail}",
    # Anmeldung
    "event.secret_not_deleted": (
        "🔐 Ich konnte die Nachricht mit Ihrem Passwort oder Code, die Sie um {time} gesendet haben, nicht "
        "löschen. Bitte löschen Sie sie selbst: lange darauf drücken (am Computer Rechtsklick), dann Löschen."
    ),
    # Statuskarte
    "status.outside": "🌡 Außen: {temperature}",
    "charge_mode.always": "sofort laden, wenn eingesteckt",
    "charge_mode.scheduled": "nach Plan laden",
    # Aktionen
    "action.refresh": "🔄 Aktualisieren",
    "action.precondition": "🌡 Jetzt vorklimatisieren",
    "action.precondition_stop": "⏹ Vorklimatisierung stoppen",
    "action.charge_start": "⚡ Laden starten",
    "action.charge_stop": "⏹ Laden stoppen",
    "action.charge_pause": "⏸ Laden pausieren",
    "action.charge_resume": "▶️ Laden fortsetzen",
    "action.location": "📍 Standort",
    "action.schedule": "🗓 Ladeplan",
    "action.charge_mode": "⏱ Lademodus",
    "action.charge_limits": "🎯 Ladegrenzen",
    "action.horn": "📣 Hupe",
    "action.lights": "💡 Lichthupe",
    "action.generic": "Aktion",
    # Vorklimatisierung und Laden
    "button.temperature": "{temperature}",
    "button.time": "{time}",
    "button.mode_always": "Sofort laden, wenn eingesteckt",
    "button.mode_scheduled": "Nach Plan laden",
    "button.back": "⬅️ Zurück",
    "button.cancel": "✖️ Abbrechen",
    # Standort
    "event.car": "🚗 …{vin_tail}",
    "event.level": "{level}",
    "event.level_unknown": "unbekannt",
    "event.detail.energy": "+{energy}",
    "event.detail.duration": "in {duration}",
    "event.detail.from_level": "von {level}",
    "event.detail.power": "mit {power}",
    "event.detail.time_left": "noch {duration}",
    "event.charge_started": "⚡ {car}: Laden gestartet, Akku {level}.",
    "event.charge_complete": "✅ {car}: Laden abgeschlossen, Akku {level}.",
    "event.charge_interrupted": "⚠️ {car}: Laden unterbrochen ({reason}), Akku {level}.",
    "event.reason.stopped": "das Auto hat das Laden beendet",
    "event.reason.unplugged": "ausgesteckt",
    "event.reason.schedule_ended": "das geplante Zeitfenster ist vorbei",
    "event.reason.error": "Ladefehler",
    "event.charge_error": "❌ {car}: Ladefehler, Akku {level}. Prüfen Sie Kabel und Ladestation.",
    "event.plugged": "🔌 {car}: eingesteckt, Akku {level}.",
    "event.unplugged": "🔌 {car}: ausgesteckt, Akku {level}.",
    "event.plugged_not_charging": "⚠️ {car}: seit {time} eingesteckt, lädt aber nicht, Akku {level}.",
    "event.low_battery": "🪫 {car}: Akku schwach, {level} (unter {threshold}).",
    "event.target_reached": "🎯 {car}: Ihr Ziel von {target} ist erreicht, Akku {level}.",
    "event.target_stopping": "Ich beende das Laden.",
    "event.plug_reminder": "🔌 {car}: Akku bei {level}, unter {below}, und das Auto ist nicht eingesteckt.",
    "event.preconditioning": "🌡 {car}: Vorklimatisierung läuft, Akku {level}.",
    "event.action_confirmed": "✅ {car}: {action} vom Auto bestätigt.",
    "event.action_not_confirmed": "⚠️ {car}: das Auto hat {action} von {time} nicht bestätigt. Prüfen Sie /status.",
    "event.renault_unreachable": "⚠️ Die Renault-Server sind seit {time} nicht erreichbar. Ich versuche es weiter; die Daten können veraltet sein.",
    "event.credentials_expired": "🔑 Renault akzeptiert Ihre Anmeldung nicht mehr (seit {time}). Bitte melden Sie sich mit /login neu an.",
    "event.service_recovered": "✅ Renault ist wieder erreichbar; die Meldungen laufen weiter.",
}
