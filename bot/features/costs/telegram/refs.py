"""What a cost button carries: the `co` verb, and a charge session named by its start in microseconds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.telegram_ui.callback_data import COSTS_VERB, Callback

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICRO = timedelta(microseconds=1)


def session_ref(started_at: datetime) -> str:
    """A session's start as a button argument (exact, and short enough for 64 bytes)."""
    return str((started_at - _EPOCH) // _MICRO)


def session_from_ref(ref: str) -> datetime | None:
    """The session start a button argument names; None when it is not one."""
    return _EPOCH + int(ref) * _MICRO if ref.isdigit() and len(ref) <= 18 else None


def costs_callback(arg: str, vehicle_id: int | None = None) -> Callback:
    """The payload of a cost button (routed to the cost screens' tap handler)."""
    return Callback(COSTS_VERB, vehicle_id, arg)
