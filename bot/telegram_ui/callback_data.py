"""A compact, versioned codec for inline-button payloads (Telegram allows at most 64 bytes).

Layout: `<version>.<verb>.<vehicle id or empty>.<argument>`, e.g. `1.a.12.REFRESH` or `1.pt.12.21.5`.
Vehicles are named by our internal id, never by VIN. Decoding never trusts the payload: the handler still
checks the vehicle against the chat's links and role. Anything that does not decode cleanly is `None`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

VERSION: Final = "1"
MAX_BYTES: Final = 64
_ARG = re.compile(r"[A-Za-z0-9_:+/\-.]*")
_VEHICLE = re.compile(r"[0-9]{1,12}")


@dataclass(frozen=True, slots=True)
class Verb:
    """What a tap asks for: `value` is the short code on the wire (never reused or changed, so old buttons
    keep working), `name` what it is called in logs. Each part declares the verbs it answers (its `taps`);
    `bot.telegram_ui.parts.assemble` refuses two verbs of one code."""

    value: str
    name: str


# The verbs more than one part draws, so no single part owns them: the status card's buttons (drawn by the
# kernel's keyboards, answered by the actions part) and the two menus that open each other (/settings and
# /costs). Every other verb is declared by its feature's Telegram part.
ACTION_VERB: Final = Verb("a", "ACTION")  # run an action from the actions table (arg: ActionKind name)
MENU_VERB: Final = Verb("m", "MENU")  # open a submenu (arg: 'precondition' | 'charge' | 'temps' | ...)
SETTINGS_VERB: Final = Verb("st", "SETTINGS")  # a /settings step (arg: 'lang:fr', 'notif:LOW_BATTERY', ...)
COSTS_VERB: Final = Verb("co", "COSTS")  # a cost step (arg: 'menu', 'h:48.85:2.35', 'x:t', 'ap:<µs>')
KERNEL_VERBS: Final = (ACTION_VERB, MENU_VERB, SETTINGS_VERB, COSTS_VERB)


class VerbConflict(ValueError):
    """Two different verbs share one wire code."""


def verbs_by_code(verbs: Iterable[Verb]) -> Mapping[str, Verb]:
    """The verbs by their wire code; two different verbs of one code are refused."""
    by_code: dict[str, Verb] = {}
    for verb in verbs:
        known = by_code.setdefault(verb.value, verb)
        if known != verb:
            raise VerbConflict(f"verbs {known.name} and {verb.name} share the code {verb.value!r}")
    return MappingProxyType(by_code)


class CallbackTooLong(ValueError):
    """An encoded payload would exceed Telegram's 64-byte limit (a programming error, not user input)."""


@dataclass(frozen=True, slots=True)
class Callback:
    """A decoded button payload."""

    verb: Verb
    vehicle_id: int | None = None
    arg: str = ""

    def encode(self) -> str:
        """The wire form of this payload."""
        if not _ARG.fullmatch(self.arg):
            raise ValueError("callback argument holds characters the codec does not allow")
        vehicle = "" if self.vehicle_id is None else str(self.vehicle_id)
        data = f"{VERSION}.{self.verb.value}.{vehicle}.{self.arg}"
        if len(data.encode()) > MAX_BYTES:
            raise CallbackTooLong(f"{len(data.encode())} bytes")
        return data


def decode(data: str | None, verbs: Mapping[str, Verb]) -> Callback | None:
    """Parse a payload whose verb is one of `verbs` (by code); stale versions, unknown verbs and malformed
    data give None."""
    if not data or len(data.encode()) > MAX_BYTES:
        return None
    parts = data.split(".", 3)
    if len(parts) != 4 or parts[0] != VERSION:
        return None
    _, code, vehicle, arg = parts
    verb = verbs.get(code)
    if verb is None or not _ARG.fullmatch(arg):
        return None
    if vehicle == "":
        return Callback(verb, None, arg)
    if not _VEHICLE.fullmatch(vehicle):
        return None
    return Callback(verb, int(vehicle), arg)
