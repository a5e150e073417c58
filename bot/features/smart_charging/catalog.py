"""Smart-charging messages (English, French, German): the plan, its pings, and the tariff set-up."""

# ruff: noqa: E501 - the tariff set-up's messages are kept on one line each so translators can compare them

from __future__ import annotations

from typing import Final

EN: Final[dict[str, str]] = {
    "smart.ask_target": "Smart charge: which battery level do you want?",
    "smart.ask_ready": "Ready by when ({level})?",
    "smart.plan.window": "Charge {start} – {end} ({day}), {kwh}.",
    "smart.plan.slots": "Charge in {count} periods, first {start}, last ends {end}; {kwh}.",
    "smart.plan.cost": "Estimated cost: {cost} {currency}.",
    "smart.plan.saving": "Saving against charging now: {saving} {currency}.",
    "smart.plan.level": "From {now} to {target}.",
    "smart.note.at_target": "The battery is already at the target level.",
    "smart.note.no_prices": "No prices are known for this period yet.",
    "smart.note.missing_prices": "Some prices are not published yet; the plan uses what is known.",
    "smart.note.target_not_reachable": "The target cannot be reached by then; this is the best effort.",
    "smart.note.no_window": "No schedule window fits before the deadline.",
    "smart.button.confirm": "✅ Confirm",
    "smart.button.cancel": "✖ Cancel",
    "smart.button.daily_on": "🔁 Every day",
    "smart.button.daily_off": "Stop daily plan",
    "smart.confirmed.window": (
        "Done: the car's schedule now charges {start} – {end}. Cancel restores your schedule."
    ),
    "smart.confirmed.slots": "Done: the bot will start and stop the charge as planned.",
    "smart.cancelled": "Smart charge cancelled; your previous schedule is back.",
    "smart.cancelled.nothing": "Smart charge cancelled.",
    "smart.daily.on": "A new plan will be sent every evening when tomorrow's prices are out.",
    "smart.daily.off": "Daily plan switched off.",
    "smart.daily.header": "Tonight's smart charge plan:",
    "smart.switched.started": "⚡ {car}: smart charging started the charge at {time}, as planned.",
    "smart.switched.stopped": "⏸ {car}: smart charging stopped the charge at {time}, as planned.",
    "smart.withdrawn.restored": (
        "🚫 {car}: a member's smart-charging plan was cancelled because they may no longer control the car; "
        "the car is back as it was before the plan (your schedule, or the charge the plan started stopped)."
    ),
    "smart.withdrawn.untouched": (
        "🚫 {car}: a member's smart-charging plan was cancelled because they may no longer control the car; "
        "it had not changed the car."
    ),
    "smart.withdrawn.left_charging": (
        "🚫 {car}: a member's smart-charging plan was cancelled because they may no longer control the car. "
        "It had started a charge, which goes on: stop it from the car's card if you wish."
    ),
    "smart.withdrawn.not_restored": (
        "🚫 {car}: a member's smart-charging plan was cancelled because they may no longer control the car, "
        "but the car could not be put back. Tap Cancel below to restore your schedule."
    ),
    "smart.tariff.help": (
        "Choose your tariff by typing one of:\n"
        "/smarttariff octopus C (your Octopus Agile region letter)\n"
        "/smarttariff url https://… (a JSON or CSV price feed)\n"
        "/smarttariff fixed 0.25 0.15 22:00 06:00 (peak, off-peak price, off-peak start and end)"
    ),
    "smart.tariff.saved": "Tariff saved.",
    "smart.error.no_plan": "No plan could be made.",
    "smart.error.nothing_to_confirm": "There is no plan to confirm: run /smartcharge again.",
    "smart.error.plan_expired": "This plan is over: run /smartcharge again.",
    "smart.error.schedule_rules": "The planned window breaks the car's schedule rules; nothing was sent.",
    "smart.error.target_range": "The target must be between 1 and 100 %.",
    "smart.error.no_tariff": "Choose a tariff first.",
    "smart.error.no_level": "The car did not report its battery level; try again later.",
    "smart.error.unknown_battery": "The battery size of this model is unknown, so no plan can be made.",
    "smart.error.no_goal": "Run /smartcharge first.",
    "smart.error.region": "The Octopus region is one letter from A to P.",
    "smart.error.url": "The price feed must be an https:// address.",
    "smart.error.fixed": "Type two prices and two times, e.g. /smarttariff fixed 0.25 0.15 22:00 06:00.",
    "smart.error.tariff_down": "The tariff source could not be read; try again later.",
}

FR: Final[dict[str, str]] = {
    "smart.ask_target": "Recharge intelligente : quel niveau de batterie voulez-vous ?",
    "smart.ask_ready": "Prête pour quelle heure ({level}) ?",
    "smart.plan.window": "Recharge {start} – {end} ({day}), {kwh}.",
    "smart.plan.slots": (
        "Recharge en {count} périodes, la première à {start}, la dernière finit à {end} ; {kwh}."
    ),
    "smart.plan.cost": "Coût estimé : {cost} {currency}.",
    "smart.plan.saving": "Économie par rapport à une recharge immédiate : {saving} {currency}.",
    "smart.plan.level": "De {now} à {target}.",
    "smart.note.at_target": "La batterie est déjà au niveau visé.",
    "smart.note.no_prices": "Aucun prix n'est encore connu pour cette période.",
    "smart.note.missing_prices": "Certains prix ne sont pas encore publiés ; le plan utilise ceux connus.",
    "smart.note.target_not_reachable": (
        "Le niveau visé ne peut pas être atteint à temps ; voici le mieux possible."
    ),
    "smart.note.no_window": "Aucune plage de programmation ne tient avant l'heure voulue.",
    "smart.button.confirm": "✅ Confirmer",
    "smart.button.cancel": "✖ Annuler",
    "smart.button.daily_on": "🔁 Tous les jours",
    "smart.button.daily_off": "Arrêter le plan quotidien",
    "smart.confirmed.window": (
        "C'est fait : la voiture charge de {start} à {end}. Annuler rétablit votre programmation."
    ),
    "smart.confirmed.slots": "C'est fait : le bot démarrera et arrêtera la charge comme prévu.",
    "smart.cancelled": "Recharge intelligente annulée ; votre programmation précédente est rétablie.",
    "smart.cancelled.nothing": "Recharge intelligente annulée.",
    "smart.daily.on": "Un nouveau plan sera envoyé chaque soir dès la publication des prix du lendemain.",
    "smart.daily.off": "Plan quotidien désactivé.",
    "smart.daily.header": "Plan de recharge intelligente pour cette nuit :",
    "smart.switched.started": "⚡ {car} : la recharge intelligente a lancé la charge à {time}, comme prévu.",
    "smart.switched.stopped": "⏸ {car} : la recharge intelligente a arrêté la charge à {time}, comme prévu.",
    "smart.withdrawn.restored": (
        "🚫 {car} : le plan de recharge intelligente d'un membre a été annulé, car il ne peut plus commander "
        "la voiture ; elle est revenue à son état d'avant le plan (votre programme, ou la charge lancée "
        "par le plan arrêtée)."
    ),
    "smart.withdrawn.untouched": (
        "🚫 {car} : le plan de recharge intelligente d'un membre a été annulé, car il ne peut plus commander "
        "la voiture ; il ne l'avait pas modifiée."
    ),
    "smart.withdrawn.left_charging": (
        "🚫 {car} : le plan de recharge intelligente d'un membre a été annulé, car il ne peut plus commander "
        "la voiture. Il avait lancé une charge, qui continue : arrêtez-la depuis la fiche de la voiture "
        "si vous le souhaitez."
    ),
    "smart.withdrawn.not_restored": (
        "🚫 {car} : le plan de recharge intelligente d'un membre a été annulé, car il ne peut plus commander "
        "la voiture, mais elle n'a pas pu être remise en état. Touchez Annuler ci-dessous pour rétablir "
        "votre programme."
    ),
    "smart.tariff.help": (
        "Choisissez votre tarif en tapant l'une de ces commandes :\n"
        "/smarttariff octopus C (la lettre de votre région Octopus Agile)\n"
        "/smarttariff url https://… (un flux de prix JSON ou CSV)\n"
        "/smarttariff fixed 0.25 0.15 22:00 06:00 (prix plein, prix creux, début et fin des heures creuses)"
    ),
    "smart.tariff.saved": "Tarif enregistré.",
    "smart.error.no_plan": "Aucun plan n'a pu être établi.",
    "smart.error.nothing_to_confirm": "Aucun plan à confirmer : relancez /smartcharge.",
    "smart.error.plan_expired": "Ce plan est terminé : relancez /smartcharge.",
    "smart.error.schedule_rules": (
        "La plage prévue enfreint les règles de programmation ; rien n'a été envoyé."
    ),
    "smart.error.target_range": "Le niveau visé doit être entre 1 et 100 %.",
    "smart.error.no_tariff": "Choisissez d'abord un tarif.",
    "smart.error.no_level": "La voiture n'a pas indiqué son niveau de batterie ; réessayez plus tard.",
    "smart.error.unknown_battery": "La capacité de batterie de ce modèle est inconnue : aucun plan possible.",
    "smart.error.no_goal": "Lancez d'abord /smartcharge.",
    "smart.error.region": "La région Octopus est une lettre de A à P.",
    "smart.error.url": "Le flux de prix doit être une adresse https://.",
    "smart.error.fixed": "Tapez deux prix et deux heures, par ex. /smarttariff fixed 0.25 0.15 22:00 06:00.",
    "smart.error.tariff_down": "La source des tarifs est illisible ; réessayez plus tard.",
}

DE: Final[dict[str, str]] = {
    "smart.ask_target": "Intelligentes Laden: Welchen Akkustand möchten Sie?",
    "smart.ask_ready": "Fertig bis wann ({level})?",
    "smart.plan.window": "Laden {start} – {end} ({day}), {kwh}.",
    "smart.plan.slots": "Laden in {count} Zeiträumen, erster ab {start}, letzter endet {end}; {kwh}.",
    "smart.plan.cost": "Geschätzte Kosten: {cost} {currency}.",
    "smart.plan.saving": "Ersparnis gegenüber sofortigem Laden: {saving} {currency}.",
    "smart.plan.level": "Von {now} auf {target}.",
    "smart.note.at_target": "Der Akku hat den Zielstand bereits erreicht.",
    "smart.note.no_prices": "Für diesen Zeitraum sind noch keine Preise bekannt.",
    "smart.note.missing_prices": (
        "Einige Preise sind noch nicht veröffentlicht; der Plan nutzt die bekannten."
    ),
    "smart.note.target_not_reachable": "Das Ziel ist bis dahin nicht erreichbar; dies ist das Bestmögliche.",
    "smart.note.no_window": "Vor der gewünschten Zeit passt kein Ladeplan-Zeitfenster.",
    "smart.button.confirm": "✅ Bestätigen",
    "smart.button.cancel": "✖ Abbrechen",
    "smart.button.daily_on": "🔁 Jeden Tag",
    "smart.button.daily_off": "Täglichen Plan beenden",
    "smart.confirmed.window": (
        "Erledigt: Das Auto lädt jetzt {start} – {end}. Abbrechen stellt Ihren Ladeplan wieder her."
    ),
    "smart.confirmed.slots": "Erledigt: Der Bot startet und stoppt die Ladung wie geplant.",
    "smart.cancelled": "Intelligentes Laden abgebrochen; Ihr vorheriger Ladeplan ist wiederhergestellt.",
    "smart.cancelled.nothing": "Intelligentes Laden abgebrochen.",
    "smart.daily.on": "Jeden Abend kommt ein neuer Plan, sobald die Preise für morgen veröffentlicht sind.",
    "smart.daily.off": "Täglicher Plan ausgeschaltet.",
    "smart.daily.header": "Der Plan für intelligentes Laden heute Nacht:",
    "smart.switched.started": "⚡ {car}: Intelligentes Laden hat um {time} wie geplant zu laden begonnen.",
    "smart.switched.stopped": "⏸ {car}: Intelligentes Laden hat das Laden um {time} wie geplant beendet.",
    "smart.withdrawn.restored": (
        "🚫 {car}: Der Plan für intelligentes Laden eines Mitglieds wurde aufgehoben, weil es das Auto nicht "
        "mehr steuern darf; das Auto ist wieder wie vor dem Plan (Ihr Zeitplan, oder das vom Plan begonnene "
        "Laden beendet)."
    ),
    "smart.withdrawn.untouched": (
        "🚫 {car}: Der Plan für intelligentes Laden eines Mitglieds wurde aufgehoben, weil es das Auto nicht "
        "mehr steuern darf; er hatte am Auto nichts geändert."
    ),
    "smart.withdrawn.left_charging": (
        "🚫 {car}: Der Plan für intelligentes Laden eines Mitglieds wurde aufgehoben, weil es das Auto nicht "
        "mehr steuern darf. Er hatte ein Laden begonnen, das weiterläuft: Beenden Sie es bei Bedarf über die "
        "Karte des Autos."
    ),
    "smart.withdrawn.not_restored": (
        "🚫 {car}: Der Plan für intelligentes Laden eines Mitglieds wurde aufgehoben, weil es das Auto nicht "
        "mehr steuern darf, aber das Auto konnte nicht zurückgesetzt werden. Tippen Sie unten auf "
        "Abbrechen, um Ihren Zeitplan wiederherzustellen."
    ),
    "smart.tariff.help": (
        "Wählen Sie Ihren Tarif mit einem dieser Befehle:\n"
        "/smarttariff octopus C (Ihr Octopus-Agile-Regionsbuchstabe)\n"
        "/smarttariff url https://… (ein JSON- oder CSV-Preisfeed)\n"
        "/smarttariff fixed 0.25 0.15 22:00 06:00 (HT-Preis, NT-Preis, NT-Beginn und -Ende)"
    ),
    "smart.tariff.saved": "Tarif gespeichert.",
    "smart.error.no_plan": "Es konnte kein Plan erstellt werden.",
    "smart.error.nothing_to_confirm": "Es gibt keinen Plan zu bestätigen: /smartcharge erneut ausführen.",
    "smart.error.plan_expired": "Dieser Plan ist vorbei: /smartcharge erneut ausführen.",
    "smart.error.schedule_rules": (
        "Das geplante Zeitfenster verletzt die Ladeplan-Regeln; nichts wurde gesendet."
    ),
    "smart.error.target_range": "Das Ziel muss zwischen 1 und 100 % liegen.",
    "smart.error.no_tariff": "Wählen Sie zuerst einen Tarif.",
    "smart.error.no_level": "Das Auto hat keinen Akkustand gemeldet; versuchen Sie es später erneut.",
    "smart.error.unknown_battery": "Die Akkugröße dieses Modells ist unbekannt, daher ist kein Plan möglich.",
    "smart.error.no_goal": "Führen Sie zuerst /smartcharge aus.",
    "smart.error.region": "Die Octopus-Region ist ein Buchstabe von A bis P.",
    "smart.error.url": "Der Preisfeed muss eine https://-Adresse sein.",
    "smart.error.fixed": (
        "Geben Sie zwei Preise und zwei Zeiten ein, z. B. /smarttariff fixed 0.25 0.15 22:00 06:00."
    ),
    "smart.error.tariff_down": "Die Tarifquelle konnte nicht gelesen werden; versuchen Sie es später erneut.",
}

# Setting the electricity tariff with buttons (/smarttariff, and the button /costs shows).

TARIFF_EN: Final[dict[str, str]] = {
    # The button that opens the tariff set-up (its part's `tariff_setup`, shown by /costs too).
    "tariff.button.setup": "💶 Set up my tariff",
    "tariff.ask_kind": "Which electricity tariff do you have?",
    "tariff.button.fixed": "💶 Fixed prices (peak / off-peak)",
    "tariff.button.octopus": "🐙 Octopus Agile (UK)",
    "tariff.button.url": "🔗 A price feed (JSON or CSV address)",
    "tariff.ask_fixed": "Type your prices per kWh in {currency} and your off-peak hours, in one message: peak price, off-peak price, off-peak start and end. For example:\n{example}\n(The same price twice for a flat rate.)",
    "tariff.ask_url": "Send the https:// address of your price feed (JSON or CSV with each period's start and price per kWh).",
    "tariff.ask_region": "Which Octopus Agile region are you in?",
    "tariff.region.A": "Eastern England",
    "tariff.region.B": "East Midlands",
    "tariff.region.C": "London",
    "tariff.region.D": "Merseyside and North Wales",
    "tariff.region.E": "West Midlands",
    "tariff.region.F": "North East England",
    "tariff.region.G": "North West England",
    "tariff.region.H": "Southern England",
    "tariff.region.J": "South East England",
    "tariff.region.K": "South Wales",
    "tariff.region.L": "South West England",
    "tariff.region.M": "Yorkshire",
    "tariff.region.N": "South Scotland",
    "tariff.region.P": "North Scotland",
    "tariff.saved_octopus": "✅ Tariff saved: Octopus Agile, {region}.",
    "tariff.saved_fixed": "✅ Tariff saved: {peak} per kWh, {off_peak} from {start} to {end}.",
    "tariff.saved_url": "✅ Tariff saved: your price feed (read when a plan or a cost needs it).",
    "tariff.next": "Plan a charge with /smartcharge; see what charging costs with /costs.",
    "tariff.error.fixed_form": "I could not read that. Type four values: peak price, off-peak price, off-peak start and end, for example:\n{example}",
    "tariff.error.fixed_time": "The hours must be times such as 22:00 and 06:00, for example:\n{example}",
    "tariff.error.fixed_price": "A price above 5 {currency} per kWh looks like a typo (prices per kWh, not in cents), for example:\n{example}",
    "tariff.error.fixed_window": "The off-peak start and end must differ, for example:\n{example}",
    "tariff.needed_smart": "Smart charging plans with your electricity prices: set up your tariff first.",
}

TARIFF_FR: Final[dict[str, str]] = {
    "tariff.button.setup": "💶 Choisir mon tarif",
    "tariff.ask_kind": "Quel tarif d'électricité avez-vous ?",
    "tariff.button.fixed": "💶 Prix fixes (heures pleines / creuses)",
    "tariff.button.octopus": "🐙 Octopus Agile (Royaume-Uni)",
    "tariff.button.url": "🔗 Un flux de prix (adresse JSON ou CSV)",
    "tariff.ask_fixed": "Tapez vos prix du kWh en {currency} et vos heures creuses, en un seul message : prix heures pleines, prix heures creuses, début et fin des heures creuses. Par exemple :\n{example}\n(Deux fois le même prix pour un tarif unique.)",
    "tariff.ask_url": "Envoyez l'adresse https:// de votre flux de prix (JSON ou CSV avec le début et le prix du kWh de chaque période).",
    "tariff.ask_region": "Dans quelle région Octopus Agile êtes-vous ?",
    "tariff.region.A": "Est de l'Angleterre",
    "tariff.region.B": "Midlands de l'Est",
    "tariff.region.C": "Londres",
    "tariff.region.D": "Merseyside et nord du pays de Galles",
    "tariff.region.E": "Midlands de l'Ouest",
    "tariff.region.F": "Nord-Est de l'Angleterre",
    "tariff.region.G": "Nord-Ouest de l'Angleterre",
    "tariff.region.H": "Sud de l'Angleterre",
    "tariff.region.J": "Sud-Est de l'Angleterre",
    "tariff.region.K": "Sud du pays de Galles",
    "tariff.region.L": "Sud-Ouest de l'Angleterre",
    "tariff.region.M": "Yorkshire",
    "tariff.region.N": "Sud de l'Écosse",
    "tariff.region.P": "Nord de l'Écosse",
    "tariff.saved_octopus": "✅ Tarif enregistré : Octopus Agile, {region}.",
    "tariff.saved_fixed": "✅ Tarif enregistré : {peak} le kWh, {off_peak} de {start} à {end}.",
    "tariff.saved_url": "✅ Tarif enregistré : votre flux de prix (lu quand un plan ou un coût en a besoin).",
    "tariff.next": "Planifiez une recharge avec /smartcharge ; voyez ce que coûtent vos recharges avec /costs.",
    "tariff.error.fixed_form": "Je n'ai pas pu lire cela. Tapez quatre valeurs : prix heures pleines, prix heures creuses, début et fin des heures creuses, par exemple :\n{example}",
    "tariff.error.fixed_time": "Les heures doivent être de la forme 22:00 et 06:00, par exemple :\n{example}",
    "tariff.error.fixed_price": "Un prix au-dessus de 5 {currency} le kWh ressemble à une faute de frappe (prix au kWh, pas en centimes), par exemple :\n{example}",
    "tariff.error.fixed_window": "Le début et la fin des heures creuses doivent être différents, par exemple :\n{example}",
    "tariff.needed_smart": "La recharge intelligente planifie selon vos prix d'électricité : choisissez d'abord votre tarif.",
}

TARIFF_DE: Final[dict[str, str]] = {
    "tariff.button.setup": "💶 Meinen Tarif einrichten",
    "tariff.ask_kind": "Welchen Stromtarif haben Sie?",
    "tariff.button.fixed": "💶 Feste Preise (Hoch-/Niedertarif)",
    "tariff.button.octopus": "🐙 Octopus Agile (Vereinigtes Königreich)",
    "tariff.button.url": "🔗 Ein Preis-Feed (JSON- oder CSV-Adresse)",
    "tariff.ask_fixed": "Geben Sie Ihre Preise pro kWh in {currency} und Ihre Niedertarifzeit in einer Nachricht ein: Hochtarif, Niedertarif, Beginn und Ende des Niedertarifs. Zum Beispiel:\n{example}\n(Zweimal derselbe Preis für einen Einheitstarif.)",
    "tariff.ask_url": "Senden Sie die https://-Adresse Ihres Preis-Feeds (JSON oder CSV mit Beginn und Preis pro kWh jedes Zeitraums).",
    "tariff.ask_region": "In welcher Octopus-Agile-Region sind Sie?",
    "tariff.region.A": "Ostengland",
    "tariff.region.B": "East Midlands",
    "tariff.region.C": "London",
    "tariff.region.D": "Merseyside und Nordwales",
    "tariff.region.E": "West Midlands",
    "tariff.region.F": "Nordostengland",
    "tariff.region.G": "Nordwestengland",
    "tariff.region.H": "Südengland",
    "tariff.region.J": "Südostengland",
    "tariff.region.K": "Südwales",
    "tariff.region.L": "Südwestengland",
    "tariff.region.M": "Yorkshire",
    "tariff.region.N": "Südschottland",
    "tariff.region.P": "Nordschottland",
    "tariff.saved_octopus": "✅ Tarif gespeichert: Octopus Agile, {region}.",
    "tariff.saved_fixed": "✅ Tarif gespeichert: {peak} pro kWh, {off_peak} von {start} bis {end}.",
    "tariff.saved_url": "✅ Tarif gespeichert: Ihr Preis-Feed (gelesen, wenn ein Plan oder eine Kostenrechnung ihn braucht).",
    "tariff.next": "Planen Sie eine Ladung mit /smartcharge; sehen Sie die Ladekosten mit /costs.",
    "tariff.error.fixed_form": "Das konnte ich nicht lesen. Geben Sie vier Werte ein: Hochtarif, Niedertarif, Beginn und Ende des Niedertarifs, zum Beispiel:\n{example}",
    "tariff.error.fixed_time": "Die Zeiten müssen wie 22:00 und 06:00 aussehen, zum Beispiel:\n{example}",
    "tariff.error.fixed_price": "Ein Preis über 5 {currency} pro kWh sieht nach einem Tippfehler aus (Preis pro kWh, nicht in Cent), zum Beispiel:\n{example}",
    "tariff.error.fixed_window": "Beginn und Ende des Niedertarifs müssen sich unterscheiden, zum Beispiel:\n{example}",
    "tariff.needed_smart": "Intelligentes Laden plant mit Ihren Strompreisen: Richten Sie zuerst Ihren Tarif ein.",
}

CATALOGS: Final[dict[str, dict[str, str]]] = {
    "en": {**EN, **TARIFF_EN},
    "fr": {**FR, **TARIFF_FR},
    "de": {**DE, **TARIFF_DE},
}
