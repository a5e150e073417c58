"""What-charging-costs messages (English, French, German), merged into the main catalogs."""

from __future__ import annotations

from typing import Final

EN: Final[dict[str, str]] = {
    "cmd.costs": "What charging costs: this month and the last 12",
    "cmd.export": "Download your sessions and readings as CSV",
    "notification.monthly_summary": "Monthly cost summary",
    "costs.title": "What charging costs",
    "costs.month": "{month}: {sessions} · {kwh} · {cost}{price}{per_km}{saving}",
    "costs.month_empty": "{month}: no charge",
    "costs.this_month": "This month",
    "costs.last_12": "Last 12 months",
    "costs.sessions.one": "{count} session",
    "costs.sessions.other": "{count} sessions",
    "costs.price": " · {price}/kWh",
    "costs.per_km": " · {cost}/100 km",
    "costs.saving": " · saved {saving}",
    "costs.extra_cost": " · {saving} more than at plug-in",
    "costs.unpriced_count": "{count} not priced: {reasons}",
    "costs.footer": (
        "kWh from the grid, with a {loss} charging loss; energy {energy}. "
        "“Saved”: against charging at once at plug-in, same energy, your tariff's prices then."
    ),
    "costs.energy.levels": "from the battery level × capacity",
    "costs.energy.reported": "reported by the car",
    "costs.energy.mixed": "reported by the car, else from the battery level × capacity",
    "costs.gaps": "Some prices were missing: the nearest known price was used (marked ≈).",
    "costs.no_tariff": "No tariff yet: set one with /smarttariff to price your charges.",
    "costs.chart_title": "Charging cost per month",
    "costs.chart_cost": "Cost ({currency})",
    "costs.chart_price": "Average price per kWh",
    "costs.session": "{cost}",
    "costs.session_approx": "≈{cost}",
    "costs.money": "{amount} {currency}",
    "costs.reason.ongoing": "still charging",
    "costs.reason.no_energy": "no energy figure",
    "costs.reason.no_tariff": "no tariff",
    "costs.reason.no_prices": "no prices for that time",
    "costs.reason.tariff_down": "tariff source unreachable",
    "costs.reason.mixed_currency": "tariff changed currency",
    "costs.reason.away": "away from home",
    "costs.history_month": "This month: {cost} for {kwh}",
    "costs.button.away_price": "💶 Price {when}",
    "costs.button.at_home": "🏠 {when} was at home",
    "costs.button.was_away": "🚏 {when} was away: price it",
    "costs.ask_price": (
        "Charge of {when}: send its price per kWh (e.g. 0.39) or the total paid (e.g. 12.50 total). "
        "Or tap “Leave unpriced”."
    ),
    "costs.price_saved": "Saved: that charge cost {cost}.",
    "costs.error.price_not_a_number": "That is not a number. Send e.g. 0.39 or 12.50 total.",
    "costs.error.price_negative": "A price cannot be negative. Send e.g. 0.39 or 12.50 total.",
    "costs.error.price_absurd": "That looks like a typo (more than 5 per kWh or 1000 in total). Try again.",
    "costs.error.not_awaiting": "I did not ask for a price. Tap “Price” under /history first.",
    "costs.error.session_gone": "That charge is no longer stored.",
    "costs.error.home_outside": "That position is outside the world; home not changed.",
    "costs.error.no_car_position": "The car reports no position; share a location instead.",
    "costs.cancelled": "OK, that charge stays unpriced.",
    "costs.button.leave": "Leave unpriced",
    "costs.at_home_saved": "OK: that charge was at home; it is priced with your tariff.",
    "costs.settings": (
        "Home & costs\n"
        "Home: {home}\n"
        "Charging loss: {loss}\n"
        "Monthly summary (1st, 09:00): {monthly}\n\n"
        "Charges that start within the radius of home are priced with your tariff; others ask for a price. "
        "To set home, share a location in this chat (📎 → Location) or use the car's position."
    ),
    "costs.home_none": "not set (every charge is priced as home)",
    "costs.home_set": "set, radius {radius} m",
    "costs.on": "on",
    "costs.off": "off",
    "costs.button.menu": "🏠 Home & costs",
    "costs.button.home_car": "🚗 Car's position is home",
    "costs.button.home_clear": "Forget home",
    "costs.button.radius": "Radius {radius} m",
    "costs.button.loss": "Loss {loss}",
    "costs.button.monthly_on": "Monthly summary: on",
    "costs.button.monthly_off": "Monthly summary: off",
    "costs.button.use_home": "🏠 Set as home",
    "costs.button.no": "✖ No",
    "costs.use_location": "Use this location as home (radius {radius} m)?",
    "costs.home_saved": "Home saved (radius {radius} m).",
    "costs.export.ask": "Which period do you want to export?",
    "costs.export.this_month": "This month",
    "costs.export.last_month": "Last month",
    "costs.export.year": "Last 12 months",
    "costs.export.all": "Everything stored",
    "costs.export.caption": "{sessions} sessions and {readings} readings, times in {zone}.",
    "costs.summary": ("📊 {month}: {sessions}, {kwh}, {cost}{price}{saving}{unpriced}\nDetails: /costs"),
    "costs.summary_unpriced": "\n{count} charge(s) not priced.",
    "costs.summary_no_cost": "not priced",
    "tariff.needed_costs": (
        "To price your charges I need your electricity tariff: set it up with the button below."
    ),
}

FR: Final[dict[str, str]] = {
    "cmd.costs": "Ce que coûte la recharge : ce mois-ci et les 12 derniers",
    "cmd.export": "Télécharger vos sessions et relevés en CSV",
    "notification.monthly_summary": "Bilan mensuel des coûts",
    "costs.title": "Ce que coûte la recharge",
    "costs.month": "{month} : {sessions} · {kwh} · {cost}{price}{per_km}{saving}",
    "costs.month_empty": "{month} : aucune charge",
    "costs.this_month": "Ce mois-ci",
    "costs.last_12": "12 derniers mois",
    "costs.sessions.one": "{count} session",
    "costs.sessions.other": "{count} sessions",
    "costs.price": " · {price}/kWh",
    "costs.per_km": " · {cost}/100 km",
    "costs.saving": " · économisé {saving}",
    "costs.extra_cost": " · {saving} de plus qu'au branchement",
    "costs.unpriced_count": "{count} sans prix : {reasons}",
    "costs.footer": (
        "kWh pris au réseau, avec {loss} de pertes de charge ; énergie {energy}. "
        "« Économisé » : par rapport à une charge immédiate au branchement, même énergie, "
        "prix de votre tarif."
    ),
    "costs.energy.levels": "= niveau de batterie × capacité",
    "costs.energy.reported": "déclarée par la voiture",
    "costs.energy.mixed": "déclarée par la voiture, sinon niveau de batterie × capacité",
    "costs.gaps": "Des prix manquaient : le prix connu le plus proche a été utilisé (marqué ≈).",
    "costs.no_tariff": "Pas encore de tarif : choisissez-en un avec /smarttariff pour chiffrer vos charges.",
    "costs.chart_title": "Coût de recharge par mois",
    "costs.chart_cost": "Coût ({currency})",
    "costs.chart_price": "Prix moyen par kWh",
    "costs.session": "{cost}",
    "costs.session_approx": "≈{cost}",
    "costs.money": "{amount} {currency}",
    "costs.reason.ongoing": "charge en cours",
    "costs.reason.no_energy": "énergie inconnue",
    "costs.reason.no_tariff": "pas de tarif",
    "costs.reason.no_prices": "pas de prix pour cette période",
    "costs.reason.tariff_down": "source de tarif injoignable",
    "costs.reason.mixed_currency": "le tarif a changé de devise",
    "costs.reason.away": "hors du domicile",
    "costs.history_month": "Ce mois-ci : {cost} pour {kwh}",
    "costs.button.away_price": "💶 Prix {when}",
    "costs.button.at_home": "🏠 {when} était à domicile",
    "costs.button.was_away": "🚏 {when} hors domicile : donner le prix",
    "costs.ask_price": (
        "Charge du {when} : envoyez son prix par kWh (ex. 0.39) ou le total payé (ex. 12.50 total). "
        "Ou touchez « Laisser sans prix »."
    ),
    "costs.price_saved": "Enregistré : cette charge a coûté {cost}.",
    "costs.error.price_not_a_number": "Ce n'est pas un nombre. Envoyez par ex. 0.39 ou 12.50 total.",
    "costs.error.price_negative": "Un prix ne peut pas être négatif. Envoyez par ex. 0.39 ou 12.50 total.",
    "costs.error.price_absurd": "Cela ressemble à une faute de frappe (plus de 5 par kWh ou 1000 au total).",
    "costs.error.not_awaiting": "Je n'ai pas demandé de prix. Touchez d'abord « Prix » sous /history.",
    "costs.error.session_gone": "Cette charge n'est plus enregistrée.",
    "costs.error.home_outside": "Cette position est hors du monde ; domicile inchangé.",
    "costs.error.no_car_position": "La voiture ne donne pas sa position ; partagez plutôt une position.",
    "costs.cancelled": "D'accord, cette charge reste sans prix.",
    "costs.button.leave": "Laisser sans prix",
    "costs.at_home_saved": "D'accord : cette charge était à domicile ; elle est chiffrée avec votre tarif.",
    "costs.settings": (
        "Domicile et coûts\n"
        "Domicile : {home}\n"
        "Pertes de charge : {loss}\n"
        "Bilan mensuel (le 1er, 09:00) : {monthly}\n\n"
        "Les charges commencées dans le rayon du domicile sont chiffrées avec votre tarif ; les autres "
        "demandent un prix. Pour fixer le domicile, partagez une position ici (📎 → Position) ou utilisez "
        "celle de la voiture."
    ),
    "costs.home_none": "non défini (toute charge est chiffrée comme à domicile)",
    "costs.home_set": "défini, rayon {radius} m",
    "costs.on": "activé",
    "costs.off": "désactivé",
    "costs.button.menu": "🏠 Domicile et coûts",
    "costs.button.home_car": "🚗 Position de la voiture = domicile",
    "costs.button.home_clear": "Oublier le domicile",
    "costs.button.radius": "Rayon {radius} m",
    "costs.button.loss": "Pertes {loss}",
    "costs.button.monthly_on": "Bilan mensuel : activé",
    "costs.button.monthly_off": "Bilan mensuel : désactivé",
    "costs.button.use_home": "🏠 Définir comme domicile",
    "costs.button.no": "✖ Non",
    "costs.use_location": "Utiliser cette position comme domicile (rayon {radius} m) ?",
    "costs.home_saved": "Domicile enregistré (rayon {radius} m).",
    "costs.export.ask": "Quelle période voulez-vous exporter ?",
    "costs.export.this_month": "Ce mois-ci",
    "costs.export.last_month": "Le mois dernier",
    "costs.export.year": "12 derniers mois",
    "costs.export.all": "Tout ce qui est enregistré",
    "costs.export.caption": "{sessions} sessions et {readings} relevés, heures en {zone}.",
    "costs.summary": ("📊 {month} : {sessions}, {kwh}, {cost}{price}{saving}{unpriced}\nDétails : /costs"),
    "costs.summary_unpriced": "\n{count} charge(s) sans prix.",
    "costs.summary_no_cost": "sans prix",
    "tariff.needed_costs": (
        "Pour chiffrer vos recharges, il me faut votre tarif d'électricité "
        ": choisissez-le avec le bouton ci-dessous."
    ),
}

DE: Final[dict[str, str]] = {
    "cmd.costs": "Was das Laden kostet: dieser Monat und die letzten 12",
    "cmd.export": "Ladevorgänge und Messwerte als CSV herunterladen",
    "notification.monthly_summary": "Monatliche Kostenübersicht",
    "costs.title": "Was das Laden kostet",
    "costs.month": "{month}: {sessions} · {kwh} · {cost}{price}{per_km}{saving}",
    "costs.month_empty": "{month}: kein Ladevorgang",
    "costs.this_month": "Dieser Monat",
    "costs.last_12": "Letzte 12 Monate",
    "costs.sessions.one": "{count} Ladevorgang",
    "costs.sessions.other": "{count} Ladevorgänge",
    "costs.price": " · {price}/kWh",
    "costs.per_km": " · {cost}/100 km",
    "costs.saving": " · gespart {saving}",
    "costs.extra_cost": " · {saving} mehr als beim Einstecken",
    "costs.unpriced_count": "{count} ohne Preis: {reasons}",
    "costs.footer": (
        "kWh aus dem Netz, mit {loss} Ladeverlust; Energie {energy}. "
        "„Gespart“: gegenüber sofortigem Laden beim Einstecken, gleiche Energie, Preise Ihres Tarifs."
    ),
    "costs.energy.levels": "= Akkustand × Kapazität",
    "costs.energy.reported": "vom Auto gemeldet",
    "costs.energy.mixed": "vom Auto gemeldet, sonst Akkustand × Kapazität",
    "costs.gaps": "Einige Preise fehlten: der nächste bekannte Preis wurde verwendet (mit ≈ markiert).",
    "costs.no_tariff": "Noch kein Tarif: wählen Sie einen mit /smarttariff, um Ihre Ladungen zu bepreisen.",
    "costs.chart_title": "Ladekosten pro Monat",
    "costs.chart_cost": "Kosten ({currency})",
    "costs.chart_price": "Durchschnittspreis pro kWh",
    "costs.session": "{cost}",
    "costs.session_approx": "≈{cost}",
    "costs.money": "{amount} {currency}",
    "costs.reason.ongoing": "lädt noch",
    "costs.reason.no_energy": "Energie unbekannt",
    "costs.reason.no_tariff": "kein Tarif",
    "costs.reason.no_prices": "keine Preise für diese Zeit",
    "costs.reason.tariff_down": "Tarifquelle nicht erreichbar",
    "costs.reason.mixed_currency": "Tarif hat die Währung gewechselt",
    "costs.reason.away": "unterwegs",
    "costs.history_month": "Dieser Monat: {cost} für {kwh}",
    "costs.button.away_price": "💶 Preis {when}",
    "costs.button.at_home": "🏠 {when} war zu Hause",
    "costs.button.was_away": "🚏 {when} war unterwegs: Preis angeben",
    "costs.ask_price": (
        "Ladung vom {when}: senden Sie den Preis pro kWh (z. B. 0.39) oder den bezahlten Betrag "
        "(z. B. 12.50 total). Oder tippen Sie auf „Ohne Preis lassen“."
    ),
    "costs.price_saved": "Gespeichert: diese Ladung kostete {cost}.",
    "costs.error.price_not_a_number": "Das ist keine Zahl. Senden Sie z. B. 0.39 oder 12.50 total.",
    "costs.error.price_negative": "Ein Preis ist nie negativ. Senden Sie z. B. 0.39 oder 12.50 total.",
    "costs.error.price_absurd": "Das sieht nach einem Tippfehler aus (über 5 pro kWh oder 1000 insgesamt).",
    "costs.error.not_awaiting": (
        "Ich habe nach keinem Preis gefragt. Tippen Sie zuerst unter /history auf „Preis“."
    ),
    "costs.error.session_gone": "Diese Ladung ist nicht mehr gespeichert.",
    "costs.error.home_outside": "Diese Position liegt außerhalb der Welt; Zuhause unverändert.",
    "costs.error.no_car_position": "Das Auto meldet keine Position; teilen Sie stattdessen einen Standort.",
    "costs.cancelled": "OK, diese Ladung bleibt ohne Preis.",
    "costs.button.leave": "Ohne Preis lassen",
    "costs.at_home_saved": "OK: diese Ladung war zu Hause; sie wird mit Ihrem Tarif bepreist.",
    "costs.settings": (
        "Zuhause & Kosten\n"
        "Zuhause: {home}\n"
        "Ladeverlust: {loss}\n"
        "Monatsübersicht (am 1., 09:00): {monthly}\n\n"
        "Ladungen, die im Umkreis von Zuhause beginnen, werden mit Ihrem Tarif bepreist; für andere wird "
        "nach einem Preis gefragt. Teilen Sie einen Standort in diesem Chat (📎 → Standort) oder nutzen "
        "Sie die Position des Autos."
    ),
    "costs.home_none": "nicht gesetzt (jede Ladung gilt als zu Hause)",
    "costs.home_set": "gesetzt, Umkreis {radius} m",
    "costs.on": "an",
    "costs.off": "aus",
    "costs.button.menu": "🏠 Zuhause & Kosten",
    "costs.button.home_car": "🚗 Position des Autos = Zuhause",
    "costs.button.home_clear": "Zuhause vergessen",
    "costs.button.radius": "Umkreis {radius} m",
    "costs.button.loss": "Verlust {loss}",
    "costs.button.monthly_on": "Monatsübersicht: an",
    "costs.button.monthly_off": "Monatsübersicht: aus",
    "costs.button.use_home": "🏠 Als Zuhause festlegen",
    "costs.button.no": "✖ Nein",
    "costs.use_location": "Diesen Standort als Zuhause verwenden (Umkreis {radius} m)?",
    "costs.home_saved": "Zuhause gespeichert (Umkreis {radius} m).",
    "costs.export.ask": "Welchen Zeitraum möchten Sie exportieren?",
    "costs.export.this_month": "Dieser Monat",
    "costs.export.last_month": "Letzter Monat",
    "costs.export.year": "Letzte 12 Monate",
    "costs.export.all": "Alles Gespeicherte",
    "costs.export.caption": "{sessions} Ladevorgänge und {readings} Messwerte, Zeiten in {zone}.",
    "costs.summary": ("📊 {month}: {sessions}, {kwh}, {cost}{price}{saving}{unpriced}\nDetails: /costs"),
    "costs.summary_unpriced": "\n{count} Ladung(en) ohne Preis.",
    "costs.summary_no_cost": "ohne Preis",
    "tariff.needed_costs": (
        "Um Ihre Ladungen zu bepreisen, brauche ich Ihren Stromtarif: "
        "Richten Sie ihn mit der Schaltfläche unten ein."
    ),
}

COSTS_MESSAGES: Final[dict[str, dict[str, str]]] = {"en": EN, "fr": FR, "de": DE}
