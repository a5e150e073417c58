"""A vehicle's stored poll memory: per-chat diff states plus the poller's own bookkeeping."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class PollMemory:
    """The vehicle's stored memory, split into per-chat diff states and the poller's bookkeeping."""

    chats: dict[str, Any]
    follow_ups: int = 0
    cockpit_at: str | None = None
    failing_since: str | None = None
    outage_told: bool = False

    @classmethod
    def load(cls, raw: dict[str, Any]) -> PollMemory:
        """Read a stored memory, tolerating missing or malformed fields (an old or damaged row)."""
        chats = raw.get("chats")
        return cls(
            chats=dict(chats) if isinstance(chats, dict) else {},
            follow_ups=follow_ups if isinstance(follow_ups := raw.get("follow_ups"), int) else 0,
            cockpit_at=raw.get("cockpit_at") if isinstance(raw.get("cockpit_at"), str) else None,
            failing_since=raw.get("failing_since") if isinstance(raw.get("failing_since"), str) else None,
            outage_told=bool(raw.get("outage_told")),
        )

    def dump(self) -> dict[str, Any]:
        """The JSON-ready form stored in vehicle_states.memory."""
        # Not dataclasses.asdict: that deep-copies every chat's state, a measurable cost on every poll.
        return {
            "chats": dict(self.chats),
            "follow_ups": self.follow_ups,
            "cockpit_at": self.cockpit_at,
            "failing_since": self.failing_since,
            "outage_told": self.outage_told,
        }
