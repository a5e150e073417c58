"""Smart-charging buttons in the one versioned codec: `1.sc.<vehicle>.<step>`.

Steps: `t:<pct>` asks the ready-by time, `r:<pct>:<HHMM>` plans, `ok` / `no` confirm and cancel, `d1` / `d0`
switch the daily plan. Rights are checked by the services whatever the payload says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time

from bot.telegram_ui.callback_data import Callback, Verb, decode

VERBS = ("t", "r", "ok", "no", "d1", "d0")
_STEP = re.compile(rf"({'|'.join(VERBS)})(?::(\d{{1,3}}))?(?::(\d{{4}}))?")


@dataclass(frozen=True, slots=True)
class SmartTap:
    """A decoded smart-charging tap."""

    verb: str
    vehicle_id: int
    target: int | None = None
    ready_at: time | None = None

    def encode(self) -> str:
        """The button payload of this tap."""
        parts = [self.verb]
        if self.target is not None:
            parts.append(str(self.target))
        if self.ready_at is not None:
            parts.append(f"{self.ready_at:%H%M}")
        return Callback(Verb.SMART, self.vehicle_id, ":".join(parts)).encode()


def decode_tap(data: str | None) -> SmartTap | None:
    """Parse a smart-charging payload; None for anything malformed, out of range or of another verb."""
    payload = decode(data)
    if payload is None or payload.verb is not Verb.SMART or payload.vehicle_id is None:
        return None
    return tap_of(payload)


def tap_of(payload: Callback) -> SmartTap | None:
    """The smart-charging step of a decoded `sc` payload; None when the step is malformed."""
    match = _STEP.fullmatch(payload.arg)
    if match is None or payload.vehicle_id is None:
        return None
    verb, target, hhmm = match.groups()
    ready = None
    if hhmm is not None:
        hour, minute = int(hhmm[:2]), int(hhmm[2:])
        if hour > 23 or minute > 59:
            return None
        ready = time(hour, minute)
    level = int(target) if target is not None else None
    if level is not None and not 1 <= level <= 100:
        return None
    if (verb in ("t", "r")) != (level is not None) or (verb == "r") != (ready is not None):
        return None
    return SmartTap(verb, payload.vehicle_id, level, ready)
