"""Rows as an earlier release stored them (tests/fixtures/stored/), and the typed values they hold: what
the compatibility tests of the domain and of the stores read back."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.domain.actions import ActionKind
from bot.domain.charge_tracking import ChargeInProgress
from bot.domain.diff import PendingAction, TrackedState
from bot.domain.phases import ChargePhase
from bot.domain.snapshot import ChargeState, PlugState, VehicleSnapshot

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "stored"
AT = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)
"""When the stored rows were written."""


def old_poll_memory() -> dict[str, Any]:
    """vehicle_states.memory exactly as the release that kept it as a plain dict wrote it (a fresh copy)."""
    raw: dict[str, Any] = json.loads((FIXTURES / "poll_memory_v1.json").read_text(encoding="utf-8"))
    return raw


CHARGE = ChargeInProgress(AT - timedelta(hours=1), 50, 26.0)
"""The charge chat 42's state followed in the old memory (releases before the vehicle's one tracker kept it
per chat), which the tracker takes over."""


def charging() -> TrackedState:
    """Chat 42's state in the old memory: charging since 06:00, a charge start awaiting confirmation."""
    return TrackedState(
        snapshot=VehicleSnapshot(
            "VF1TESTVIN0000001", AT, 64, 210.0, PlugState.PLUGGED, ChargeState.CHARGE_IN_PROGRESS, 7.4
        ),
        phase=ChargePhase.CHARGING,
        plugged_since=AT - timedelta(hours=2),
        actions=(PendingAction(ActionKind.CHARGE_START, "ref-1", AT, AT + timedelta(minutes=10)),),
        last_seen_at=AT,
    )
