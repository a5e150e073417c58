"""A vehicle's poll memory: each chat's diff state (a `TrackedState`) plus the poller's own bookkeeping.

The vehicle state store keeps it as JSON (vehicle_states.memory) in the form every release wrote: chats by
their id as text, each a versioned `TrackedState.to_json()`, beside the bookkeeping fields. `from_json` reads
any such row, tolerating missing or malformed fields (an old or damaged row gives defaults, a chat state of
another format a fresh state), so a stored memory never fails a poll.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.domain.charge_tracking import ChargeInProgress, ChargeTracker
from bot.domain.codec import CodecError, decode, encode
from bot.domain.diff import TrackedState


@dataclass(frozen=True, slots=True)
class PollMemory:
    """The vehicle's memory: per-chat diff states, follow-up polls left, the last cockpit read, and the
    Renault outage in progress (since when, and whether the chats were told)."""

    chats: Mapping[int, TrackedState] = field(default_factory=dict)
    follow_ups: int = 0
    cockpit_at: datetime | None = None
    failing_since: datetime | None = None
    outage_told: bool = False
    # The vehicle's one charge tracker (bot/domain/charge_tracking.py), followed by every poll.
    charge: ChargeTracker = field(default_factory=ChargeTracker)

    def tracked(self, chat_id: int) -> TrackedState:
        """The chat's diff state (a fresh one for a chat the memory does not know yet)."""
        state = self.chats.get(chat_id)
        return TrackedState() if state is None else state

    def to_json(self) -> dict[str, Any]:
        """The JSON-ready form stored in vehicle_states.memory."""
        return {
            "chats": {str(chat_id): state.to_json() for chat_id, state in self.chats.items()},
            "follow_ups": self.follow_ups,
            "cockpit_at": _iso(self.cockpit_at),
            "failing_since": _iso(self.failing_since),
            "outage_told": self.outage_told,
            "charge": encode(self.charge),
        }

    @classmethod
    def from_json(cls, raw: object) -> PollMemory:
        """Read a stored memory, tolerating missing or malformed fields (an old or damaged row)."""
        if not isinstance(raw, dict):
            return cls()
        chats = raw.get("chats")
        follow_ups = raw.get("follow_ups")
        return cls(
            chats=_chats(chats) if isinstance(chats, dict) else {},
            follow_ups=follow_ups if isinstance(follow_ups, int) else 0,
            cockpit_at=_moment(raw.get("cockpit_at")),
            failing_since=_moment(raw.get("failing_since")),
            outage_told=bool(raw.get("outage_told")),
            charge=_tracker(raw.get("charge"), chats),
        )


def _chats(raw: dict[Any, Any]) -> Mapping[int, TrackedState]:
    chats: dict[int, TrackedState] = {}
    for key, state in raw.items():
        try:
            chat_id = int(key)
        except (TypeError, ValueError):
            continue  # not a chat id: nothing a poll could find it by
        chats[chat_id] = TrackedState.from_json(state)
    return chats


def _tracker(raw: object, chats: object) -> ChargeTracker:
    """The stored tracker; for a memory written before there was one, the charge a chat's state followed
    (releases before it kept one per chat, all alike), so a charge in progress at the upgrade goes on."""
    if raw is not None:
        try:
            tracker: ChargeTracker = decode(ChargeTracker, raw)
        except CodecError:
            return ChargeTracker()
        return tracker
    if not isinstance(chats, dict):
        return ChargeTracker()
    for state in chats.values():
        session = state.get("session") if isinstance(state, dict) else None
        if session is None:
            continue
        try:
            charge: ChargeInProgress = decode(ChargeInProgress, session)
        except CodecError:
            continue
        return ChargeTracker(was_charging=True, charge=charge)
    return ChargeTracker()


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _moment(raw: object) -> datetime | None:
    if not isinstance(raw, str):
        return None
    try:
        return datetime.fromisoformat(raw)
    except ValueError:
        return None
