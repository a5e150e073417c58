"""SmartChargeStore on SQLAlchemy: plan state per vehicle, goals per chat and vehicle, tariff per chat."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlmodel import col

from bot.domain.schedule import ChargeProgram, ChargeSchedule, DaySlot, ScheduleMode
from bot.domain.tariff import TariffChoice, TariffKind
from bot.features.smart_charging.logic.planner import Interval
from bot.features.smart_charging.logic.schedule import (
    KcmProgram,
    KcmSettings,
    PlanKind,
    PlannedCharge,
    SmartChargeState,
    SmartGoalSetting,
)
from bot.persistence.engine import Database
from bot.persistence.tables import SmartChargeStateRow, SmartGoalRow, SmartTariffRow


def _schedule_to_json(schedule: ChargeSchedule) -> dict[str, Any]:
    return {
        "mode": schedule.mode.value,
        "programs": [
            {
                "id": p.program_id,
                "activated": p.activated,
                "days": [
                    None if d is None else [d.start_utc.strftime("%H:%M"), d.duration_minutes] for d in p.days
                ],
            }
            for p in schedule.programs
        ],
    }


def _schedule_from_json(raw: dict[str, Any]) -> ChargeSchedule:
    programs = tuple(
        ChargeProgram(
            int(p["id"]),
            bool(p["activated"]),
            tuple(None if d is None else DaySlot(time.fromisoformat(d[0]), int(d[1])) for d in p["days"]),
        )
        for p in raw.get("programs", [])
    )
    return ChargeSchedule(ScheduleMode(raw["mode"]), programs)


def _hhmm(moment: time | None) -> str | None:
    return None if moment is None else moment.strftime("%H:%M")


def _kcm_to_json(settings: KcmSettings) -> dict[str, Any]:
    return {
        "mode": settings.mode.value,
        "start": _hhmm(settings.charge_start_utc),
        "duration": settings.charge_duration_minutes,
        "programs": [
            {
                "type": p.program_type,
                "departure": _hhmm(p.departure_utc),
                "activated": p.activated,
                "days": sorted(p.days),
            }
            for p in settings.programs
        ],
    }


def _kcm_from_json(raw: dict[str, Any]) -> KcmSettings:
    start, duration = raw.get("start"), raw.get("duration")
    return KcmSettings(
        mode=ScheduleMode(raw["mode"]),
        charge_start_utc=time.fromisoformat(start) if start else None,
        charge_duration_minutes=int(duration) if duration is not None else None,
        programs=tuple(
            KcmProgram(
                str(p["type"]), time.fromisoformat(p["departure"]), bool(p["activated"]), frozenset(p["days"])
            )
            for p in raw.get("programs", [])
        ),
    )


def _plan_to_json(plan: PlannedCharge) -> dict[str, Any]:
    return {
        "kind": plan.kind.value,
        "intervals": [[i.start.isoformat(), i.end.isoformat()] for i in plan.intervals],
        "target_level": plan.target_level,
        "ready_by": plan.ready_by.isoformat(),
        "made_at": plan.made_at.isoformat(),
    }


def _plan_from_json(raw: dict[str, Any]) -> PlannedCharge:
    return PlannedCharge(
        kind=PlanKind(raw["kind"]),
        intervals=tuple(
            Interval(datetime.fromisoformat(a), datetime.fromisoformat(b)) for a, b in raw["intervals"]
        ),
        target_level=int(raw["target_level"]),
        ready_by=datetime.fromisoformat(raw["ready_by"]),
        made_at=datetime.fromisoformat(raw["made_at"]),
    )


def state_to_json(state: SmartChargeState) -> dict[str, Any]:
    """A JSON-able dict for a vehicle's smart-charge state (vehicle and chat ids live in columns)."""
    return {
        "proposed": _plan_to_json(state.proposed) if state.proposed else None,
        "active": _plan_to_json(state.active) if state.active else None,
        "previous": _schedule_to_json(state.previous) if state.previous else None,
        "commanded": state.commanded,
        "previous_kcm": _kcm_to_json(state.previous_kcm) if state.previous_kcm else None,
    }


def state_from_json(vehicle_id: int, chat_id: int, raw: dict[str, Any] | None) -> SmartChargeState:
    """The state stored for a vehicle."""
    raw = raw or {}
    return SmartChargeState(
        vehicle_id=vehicle_id,
        chat_id=chat_id,
        proposed=_plan_from_json(raw["proposed"]) if raw.get("proposed") else None,
        active=_plan_from_json(raw["active"]) if raw.get("active") else None,
        previous=_schedule_from_json(raw["previous"]) if raw.get("previous") else None,
        commanded=raw.get("commanded"),
        previous_kcm=_kcm_from_json(raw["previous_kcm"]) if raw.get("previous_kcm") else None,
    )


def tariff_to_json(choice: TariffChoice) -> dict[str, Any]:
    """A JSON-able dict for a tariff choice (Decimals as strings, times as HH:MM)."""
    return {
        "kind": choice.kind.value,
        "region": choice.region,
        "url": choice.url,
        "peak": None if choice.peak is None else str(choice.peak),
        "off_peak": None if choice.off_peak is None else str(choice.off_peak),
        "off_peak_start": None if choice.off_peak_start is None else choice.off_peak_start.strftime("%H:%M"),
        "off_peak_end": None if choice.off_peak_end is None else choice.off_peak_end.strftime("%H:%M"),
        "currency": choice.currency,
    }


def tariff_from_json(raw: dict[str, Any]) -> TariffChoice:
    """The stored tariff choice."""

    def _t(key: str) -> time | None:
        return time.fromisoformat(raw[key]) if raw.get(key) else None

    def _d(key: str) -> Decimal | None:
        return Decimal(raw[key]) if raw.get(key) is not None else None

    return TariffChoice(
        kind=TariffKind(raw["kind"]),
        region=raw.get("region"),
        url=raw.get("url"),
        peak=_d("peak"),
        off_peak=_d("off_peak"),
        off_peak_start=_t("off_peak_start"),
        off_peak_end=_t("off_peak_end"),
        currency=raw.get("currency") or "EUR",
    )


def _armed(state: SmartChargeState) -> bool:
    return state.active is not None and state.active.kind is PlanKind.SLOTS


class SqlSmartChargeStore:
    """SmartChargeStore on SQLAlchemy."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def state(self, vehicle_id: int) -> SmartChargeState | None:
        """The vehicle's state, or None."""
        async with self._db.read() as session:
            row = await session.get(SmartChargeStateRow, vehicle_id)
            return state_from_json(row.vehicle_id, row.chat_id, row.data) if row else None

    async def save_state(self, state: SmartChargeState) -> None:
        """Insert or replace the vehicle's state."""
        async with self._db.write() as session:
            row = await session.get(SmartChargeStateRow, state.vehicle_id, with_for_update=True)
            if row is None:
                row = SmartChargeStateRow(vehicle_id=state.vehicle_id, chat_id=state.chat_id)
                session.add(row)
            row.chat_id = state.chat_id
            row.armed = _armed(state)
            row.data = state_to_json(state)

    async def delete_state(self, vehicle_id: int) -> None:
        """Forget the vehicle's state."""
        async with self._db.write() as session:
            await session.execute(
                delete(SmartChargeStateRow).where(col(SmartChargeStateRow.vehicle_id) == vehicle_id)
            )

    async def armed(self) -> list[SmartChargeState]:
        """Every state with an active slots plan."""
        async with self._db.read() as session:
            rows = (
                await session.execute(
                    select(SmartChargeStateRow)
                    .where(col(SmartChargeStateRow.armed).is_(True))
                    .order_by(col(SmartChargeStateRow.vehicle_id))
                )
            ).scalars()
            return [state_from_json(r.vehicle_id, r.chat_id, r.data) for r in rows]

    async def tariff(self, chat_id: int) -> TariffChoice | None:
        """The chat's tariff choice, or None."""
        async with self._db.read() as session:
            row = await session.get(SmartTariffRow, chat_id)
            return tariff_from_json(row.data) if row and row.data else None

    async def save_tariff(self, chat_id: int, choice: TariffChoice) -> None:
        """Insert or replace the chat's tariff choice."""
        async with self._db.write() as session:
            row = await session.get(SmartTariffRow, chat_id, with_for_update=True)
            if row is None:
                session.add(SmartTariffRow(chat_id=chat_id, data=tariff_to_json(choice)))
            else:
                row.data = tariff_to_json(choice)

    async def goal(self, chat_id: int, vehicle_id: int) -> SmartGoalSetting | None:
        """The chat's goal for the vehicle, or None."""
        async with self._db.read() as session:
            row = await session.get(SmartGoalRow, (chat_id, vehicle_id))
            return _goal(row) if row else None

    async def save_goal(self, goal: SmartGoalSetting) -> None:
        """Insert or replace the goal."""
        async with self._db.write() as session:
            row = await session.get(SmartGoalRow, (goal.chat_id, goal.vehicle_id), with_for_update=True)
            if row is None:
                row = SmartGoalRow(
                    chat_id=goal.chat_id, vehicle_id=goal.vehicle_id, target_level=0, ready_at="00:00"
                )
                session.add(row)
            row.target_level = goal.target_level
            row.ready_at = goal.ready_at.strftime("%H:%M")
            row.daily = goal.daily

    async def delete_goal(self, chat_id: int, vehicle_id: int) -> None:
        """Forget the chat's goal for the vehicle."""
        async with self._db.write() as session:
            await session.execute(
                delete(SmartGoalRow).where(
                    col(SmartGoalRow.chat_id) == chat_id, col(SmartGoalRow.vehicle_id) == vehicle_id
                )
            )

    async def daily_goals(self) -> list[SmartGoalSetting]:
        """Every goal with daily re-planning on."""
        async with self._db.read() as session:
            rows = (
                await session.execute(
                    select(SmartGoalRow)
                    .where(col(SmartGoalRow.daily).is_(True))
                    .order_by(col(SmartGoalRow.chat_id), col(SmartGoalRow.vehicle_id))
                )
            ).scalars()
            return [_goal(r) for r in rows]

    async def claim_daily(self, chat_id: int, vehicle_id: int, day: date) -> bool:
        """Mark the goal's daily plan for `day` sent; False when this or a later day already was."""
        # One conditional UPDATE, so two replicas (or a restart mid-run) never both send the day's plan.
        # ISO dates compare correctly as strings.
        sent = col(SmartGoalRow.daily_sent_on)
        async with self._db.write() as session:
            result = await session.execute(
                update(SmartGoalRow)
                .where(col(SmartGoalRow.chat_id) == chat_id, col(SmartGoalRow.vehicle_id) == vehicle_id)
                .where(or_(sent.is_(None), sent < day.isoformat()))
                .values(daily_sent_on=day.isoformat())
            )
            return bool(getattr(result, "rowcount", 0))


def _goal(row: SmartGoalRow) -> SmartGoalSetting:
    return SmartGoalSetting(
        row.chat_id,
        row.vehicle_id,
        row.target_level,
        time.fromisoformat(row.ready_at),
        row.daily,
        date.fromisoformat(row.daily_sent_on) if row.daily_sent_on else None,
    )
