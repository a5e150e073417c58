"""Free text naming a command, and the closest command to a mistyped one."""

from __future__ import annotations

import pytest

from bot.telegram_ui.conversation.words import closest, commands_named

KNOWN = ("status", "start", "settings", "share", "schedule", "charge", "where", "help", "history", "logout")


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("is my car charged?", ["status"]),
        ("Batterie ?", ["status"]),
        ("Wie ist der Ladestand?", ["status"]),
        ("charge it", ["charge"]),
        ("Où est ma voiture ?", ["where"]),
        ("Wo ist mein Auto?", ["where"]),
        ("oui ou non", []),  # the French "ou" (or) is not "où" (where)
        ("hello there", []),
        ("status or charge?", ["status", "charge"]),
    ],
)
def test_command_words_in_three_languages(text: str, named: list[str]) -> None:
    assert commands_named(text) == named


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [("stauts", ["status"]), ("sttings", ["settings"]), ("logot", ["logout"]), ("xyzzy", [])],
)
def test_the_closest_known_command(typed: str, suggested: list[str]) -> None:
    assert closest(typed, KNOWN) == suggested
