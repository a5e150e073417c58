"""The schedule editor's drafts in the database (`DraftStore`), one per chat, as versioned JSON.

A draft survives a restart and follows the chat to any replica; a draft that cannot be read (written by
another version, or corrupted) is treated as expired: the editor says so and shows the car's schedule.
"""

from __future__ import annotations

import json
import logging
from datetime import date, datetime, time
from typing import Any

from bot.domain.schedule import ChargeProgram, ChargeSchedule, DaySlot, LocalSlot, ScheduleMode, Weekday
from bot.features.schedule.telegram.editor import Draft, LocalProgram
from bot.services.conversation_ports import DRAFT_TTL, DraftStore

log = logging.getLogger(__name__)

KIND = "schedule"
VERSION = 1


def _time(value: str | None) -> time | None:
    return time.fromisoformat(value) if value is not None else None


def _day_slot(slot: DaySlot | None) -> list[Any] | None:
    return None if slot is None else [slot.start_utc.isoformat(), slot.duration_minutes]


def _program(program: ChargeProgram) -> dict[str, Any]:
    return {"id": program.program_id, "on": program.activated, "days": [_day_slot(d) for d in program.days]}


def _local(program: LocalProgram) -> dict[str, Any]:
    slots = [[s.day.value, s.start.isoformat(), s.duration_minutes, s.week_shift] for s in program.slots]
    return {"id": program.program_id, "on": program.activated, "slots": slots}


def encode_draft(draft: Draft) -> str:
    """The draft as JSON text."""
    return json.dumps(
        {
            "v": VERSION,
            "vehicle": draft.vehicle_id,
            "original": {
                "mode": draft.original.mode.value,
                "programs": [_program(p) for p in draft.original.programs],
            },
            "zone": draft.zone,
            "week_of": draft.week_of.isoformat(),
            "mode": draft.mode.value,
            "programs": [_local(p) for p in draft.programs],
            "edited": sorted(draft.edited),
            "program_id": draft.program_id,
            "day": draft.day.value if draft.day is not None else None,
            "hour": draft.hour,
            "start": draft.start.isoformat() if draft.start is not None else None,
            "duration": draft.duration,
        },
        separators=(",", ":"),
    )


def decode_draft(text: str) -> Draft:
    """The draft back from its JSON text; ValueError (or KeyError/TypeError) when it is not one."""
    data: dict[str, Any] = json.loads(text)
    if data.get("v") != VERSION:
        raise ValueError("draft of another version")
    original = ChargeSchedule(
        ScheduleMode(data["original"]["mode"]),
        tuple(
            ChargeProgram(
                int(p["id"]),
                bool(p["on"]),
                tuple(None if d is None else DaySlot(time.fromisoformat(d[0]), int(d[1])) for d in p["days"]),
            )
            for p in data["original"]["programs"]
        ),
    )
    programs = tuple(
        LocalProgram(
            int(p["id"]),
            bool(p["on"]),
            tuple(
                # Drafts stored before week_shift existed have three fields: the week's own day.
                LocalSlot(
                    Weekday(int(s[0])), time.fromisoformat(s[1]), int(s[2]), int(s[3]) if len(s) > 3 else 0
                )
                for s in p["slots"]
            ),
        )
        for p in data["programs"]
    )
    return Draft(
        vehicle_id=int(data["vehicle"]),
        original=original,
        zone=str(data["zone"]),
        week_of=date.fromisoformat(data["week_of"]),
        mode=ScheduleMode(data["mode"]),
        programs=programs,
        edited=frozenset(int(i) for i in data["edited"]),
        program_id=data["program_id"],
        day=Weekday(data["day"]) if data["day"] is not None else None,
        hour=data["hour"],
        start=_time(data["start"]),
        duration=int(data["duration"]),
    )


class ScheduleDrafts:
    """The drafts being edited, one per chat, kept in the database for `DRAFT_TTL` after each change."""

    def __init__(self, store: DraftStore) -> None:
        self._store = store

    async def get(self, chat_id: int, vehicle_id: int, now: datetime) -> Draft | None:
        """The chat's live draft for this vehicle, if one is open and readable."""
        text = await self._store.load_draft(chat_id, KIND, now)
        if text is None:
            return None
        try:
            draft = decode_draft(text)
        except (ValueError, KeyError, TypeError, IndexError):
            log.warning("an unreadable schedule draft was dropped")
            await self._store.drop_draft(chat_id, KIND)
            return None
        return draft if draft.vehicle_id == vehicle_id else None

    async def put(self, chat_id: int, draft: Draft, now: datetime) -> None:
        """Keep the chat's draft (replacing any other)."""
        await self._store.save_draft(chat_id, KIND, encode_draft(draft), now + DRAFT_TTL)

    async def drop(self, chat_id: int) -> None:
        """Forget the chat's draft."""
        await self._store.drop_draft(chat_id, KIND)
