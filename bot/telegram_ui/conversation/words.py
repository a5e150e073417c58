"""Free text that names a command ("status", "où est ma voiture", "Akku?") and the closest known command.

The words are the command names and their everyday words in English, French and German, matched as whole
words after lower-casing and dropping accents; the French "où" is the one word matched with its accent,
because without it "ou" means "or".
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from types import MappingProxyType

# Command -> words naming it, in every language (a chat may write in any of them).
_WORDS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "status": frozenset(
            {"status", "battery", "charged", "range", "statut", "etat", "batterie", "autonomie", "chargee"}
            | {"zustand", "akku", "geladen", "reichweite", "ladestand"}
        ),
        "charge": frozenset({"charge", "charging", "recharge", "recharger", "laden", "aufladen", "ladung"}),
        "where": frozenset({"where", "location", "localisation", "wo", "standort", "parked", "garee"}),
        "precondition": frozenset(
            {"precondition", "preheat", "preconditionner", "prechauffer", "chauffer", "climatisation"}
            | {"vorklimatisieren", "vorheizen", "heizen", "klimatisieren"}
        ),
        "schedule": frozenset({"schedule", "programmation", "planning", "zeitplan", "ladeplan"}),
        "history": frozenset({"history", "historique", "verlauf"}),
        "costs": frozenset({"costs", "cost", "couts", "cout", "kosten"}),
        "settings": frozenset({"settings", "reglages", "parametres", "einstellungen"}),
        "help": frozenset({"help", "aide", "hilfe"}),
        "vehicles": frozenset({"vehicles", "cars", "vehicules", "voitures", "fahrzeuge"}),
        "login": frozenset({"login", "connexion", "anmelden"}),
    }
)
_WHERE_FR = "où"
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_CUTOFF = 0.6  # below this a "suggestion" is a guess
_TIE = 0.05  # a second command this close to the best is offered too


def _plain(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def commands_named(text: str) -> list[str]:
    """The commands a free text names, in table order (empty when none; several when it is ambiguous)."""
    found = {word.lower() for word in _WORD.findall(text)}
    words = {_plain(word) for word in found}
    named = [command for command, vocabulary in _WORDS.items() if words & vocabulary]
    if _WHERE_FR in found and "where" not in named:
        named.append("where")
    return named


def closest(name: str, known: Iterable[str]) -> list[str]:
    """The known commands closest to a mistyped one ('stauts' -> ['status']): the best, and any as close."""
    scored = sorted(
        (
            (difflib.SequenceMatcher(None, name.lower(), candidate).ratio(), candidate)
            for candidate in set(known)
        ),
        key=lambda pair: (-pair[0], pair[1]),
    )
    if not scored or scored[0][0] < _CUTOFF:
        return []
    best = scored[0][0]
    return [candidate for score, candidate in scored[:2] if score >= best - _TIE]
