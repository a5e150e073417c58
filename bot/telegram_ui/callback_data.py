"""A compact, versioned codec for inline-button payloads (Telegram allows at most 64 bytes).

Layout: `<version>.<verb>.<vehicle id or empty>.<argument>`, e.g. `1.a.12.REFRESH` or `1.pt.12.21.5`.
Vehicles are named by our internal id, never by VIN. Decoding never trusts the payload: the handler still
checks the vehicle against the chat's links and role. Anything that does not decode cleanly is `None`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from typing import Final

VERSION: Final = "1"
MAX_BYTES: Final = 64
_ARG = re.compile(r"[A-Za-z0-9_:+/\-.]*")
_VEHICLE = re.compile(r"[0-9]{1,12}")


class Verb(Enum):
    """What a tap asks for; the value is the short code on the wire."""

    ACTION = "a"  # run an action from the actions table (arg: ActionKind name)
    PRECONDITION_AT_TEMP = "pt"  # precondition now at a temperature (arg: '21.5')
    PRECONDITION_AT_TIME = "ph"  # precondition at a local time (arg: 'HH:MM')
    CHARGE_MODE = "cm"  # set the charge mode (arg: 'always' | 'scheduled')
    CHARGE_LIMIT = "cl"  # set the target charge level (arg: '80')
    MENU = "m"  # open a submenu (arg: 'precondition' | 'charge' | 'temps' | 'times' | 'limits')
    SCHEDULE = "s"  # schedule view / edit steps (arg: 'show' | 'd:MON' | 'st:MON:07:30' | ...)
    SELECT_VEHICLE = "v"  # make the vehicle active
    LOCALE = "lc"  # choose the Renault locale during /login (arg: 'fr_FR')
    LOGOUT = "lo"  # confirm or cancel /logout (arg: 'yes' | 'no')
    SETTINGS = "st"  # a /settings step (arg: 'lang:fr', 'notif:LOW_BATTERY', ...)
    SMART = "sc"  # a /smartcharge step (arg: 't:80', 'r:80:0730', 'ok', 'no', 'd1', 'd0')
    SHARE = (
        "sh"  # a /share step (arg: 'i:driver', 'r:<invite ref>', 'm:<chat>', 'p:<chat>:viewer', 'j:<token>')
    )
    LEAVE = "lv"  # confirm or cancel /leave (arg: 'yes' | 'no')
    TARIFF = "tf"  # the tariff set-up (arg: 'menu', 'fixed', 'url', 'octopus', 'r:C')
    COSTS = "co"  # a cost step (arg: 'menu', 'h:48.85:2.35', 'x:t', 'ap:<µs>'; see features/costs/telegram)


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


_VERBS: Final = {verb.value: verb for verb in Verb}


def decode(data: str | None) -> Callback | None:
    """Parse a payload; stale versions, unknown verbs and malformed data give None."""
    if not data or len(data.encode()) > MAX_BYTES:
        return None
    parts = data.split(".", 3)
    if len(parts) != 4 or parts[0] != VERSION:
        return None
    _, code, vehicle, arg = parts
    verb = _VERBS.get(code)
    if verb is None or not _ARG.fullmatch(arg):
        return None
    if vehicle == "":
        return Callback(verb, None, arg)
    if not _VEHICLE.fullmatch(vehicle):
        return None
    return Callback(verb, int(vehicle), arg)
