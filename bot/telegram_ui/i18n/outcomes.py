# ruff: noqa: E501 - catalog messages are kept on one line each so translators can compare them
"""What an action asked for, what Refresh found, and the charge menu's current mode (en, fr, de)."""

from __future__ import annotations

from typing import Final

EN: Final[dict[str, str]] = {
    "slow.checking": "⏳ Checking with Renault…",
    "slow.timeout": "⌛ Renault has not answered within {seconds} s, so I stopped waiting. Please try again in a minute (a command already sent may still reach the car: /status shows it).",
    "login.slow": "⌛ Renault has not answered within {seconds} s. Send the same again in a minute, or /cancel.",
    "demo.welcome": "Offline demo. MyRenault demo account: {email} / {password}",
    "demo.how": "Type /start, /login, /status... The last message's buttons are numbered: type a number to tap one. /quit to leave.",
    "demo.button_gone": "(that button is gone)",
}

FR: Final[dict[str, str]] = {
    "slow.checking": "⏳ Vérification auprès de Renault…",
    "slow.timeout": "⌛ Renault n'a pas répondu en {seconds} s, j'ai arrêté d'attendre. Réessayez dans une minute (une commande déjà envoyée peut encore arriver à la voiture : /status le montre).",
    "login.slow": "⌛ Renault n'a pas répondu en {seconds} s. Renvoyez la même chose dans une minute, ou /cancel.",
    "demo.welcome": "Démo hors ligne. Compte MyRenault de démonstration : {email} / {password}",
    "demo.how": "Tapez /start, /login, /status... Les boutons du dernier message sont numérotés : tapez un numéro pour en toucher un. /quit pour quitter.",
    "demo.button_gone": "(ce bouton n'existe plus)",
}

DE: Final[dict[str, str]] = {
    "slow.checking": "⏳ Ich frage bei Renault nach…",
    "slow.timeout": "⌛ Renault hat nicht innerhalb von {seconds} s geantwortet, ich habe aufgehört zu warten. Bitte versuchen Sie es in einer Minute erneut (ein bereits gesendeter Befehl kann das Auto noch erreichen: /status zeigt es).",
    "login.slow": "⌛ Renault hat nicht innerhalb von {seconds} s geantwortet. Senden Sie dasselbe in einer Minute noch einmal, oder /cancel.",
    "demo.welcome": "Offline-Demo. MyRenault-Demokonto: {email} / {password}",
    "demo.how": "Tippen Sie /start, /login, /status... Die Schaltflächen der letzten Nachricht sind nummeriert: Geben Sie eine Nummer ein, um eine anzutippen. /quit zum Beenden.",
    "demo.button_gone": "(diese Schaltfläche gibt es nicht mehr)",
}

OUTCOME_MESSAGES: Final[dict[str, dict[str, str]]] = {"en": EN, "fr": FR, "de": DE}
