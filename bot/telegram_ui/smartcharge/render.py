"""Smart-charging texts in the chat's language: the plan, the confirmation, the executor's switches."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain.plan_summary import PlanSummary
from bot.domain.smart_schedule import PlanKind, PlannedCharge
from bot.telegram_ui.formatting import KWH
from bot.telegram_ui.i18n import Translator
from bot.telegram_ui.i18n.smartcharge import CATALOGS


def text(tr: Translator, key: str, /, **params: object) -> str:
    """A smart-charge message in the chat's language (from the main catalog once merged, else ours)."""
    if tr.has(key):
        return tr(key, **params)
    template = CATALOGS.get(tr.language, CATALOGS["en"]).get(key) or CATALOGS["en"].get(key, key)
    return template.format(**params) if params else template


def _local(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%H:%M")


def render_plan(tr: Translator, summary: PlanSummary, time_zone: str) -> str:
    """The plan in the chat's zone: when, how much, cost, saving, and the notes the owner must know."""
    zone = ZoneInfo(time_zone)
    lines = []
    start, end = summary.starts_at, summary.ends_at
    if summary.kind is not None and start is not None and end is not None:
        kwh = tr.unit(summary.energy_kwh or 0.0, KWH, 1)
        if summary.kind is PlanKind.WINDOW:
            day = tr.when(start.astimezone(zone), "day")
            window = {"start": _local(start, zone), "end": _local(end, zone)}
            lines.append(text(tr, "smart.plan.window", day=day, kwh=kwh, **window))
        else:
            slots = {"start": _local(start, zone), "end": _local(end, zone), "count": summary.slot_count}
            lines.append(text(tr, "smart.plan.slots", kwh=kwh, **slots))
        target = tr.percent(summary.target_level) if summary.target_level is not None else "?"
        level = {"now": tr.percent(summary.current_level), "target": target}
        lines.append(text(tr, "smart.plan.level", **level))
        currency = summary.currency
        lines.append(text(tr, "smart.plan.cost", cost=tr.number(summary.cost or 0.0, 2), currency=currency))
        if summary.saving is not None:
            lines.append(
                text(tr, "smart.plan.saving", saving=tr.number(summary.saving, 2), currency=currency)
            )
    lines += [text(tr, f"smart.note.{note.value}") for note in summary.notes]
    if not lines:
        lines.append(text(tr, "smart.error.no_plan"))
    return "\n".join(lines)


def render_daily_plan(tr: Translator, summary: PlanSummary, time_zone: str) -> str:
    """The daily plan ping: a header, then the plan."""
    return text(tr, "smart.daily.header") + "\n" + render_plan(tr, summary, time_zone)


def render_confirmed(tr: Translator, planned: PlannedCharge, time_zone: str) -> str:
    """What Confirm did: the window written to the car, or the slots the bot will start and stop."""
    if planned.kind is PlanKind.SLOTS:
        return text(tr, "smart.confirmed.slots")
    zone = ZoneInfo(time_zone)
    window = planned.intervals[0]
    return text(tr, "smart.confirmed.window", start=_local(window.start, zone), end=_local(window.end, zone))


def render_withdrawn(tr: Translator, car: str, outcome: str) -> str:
    """The owners' ping: a member's plan was withdrawn, and what became of the car (`Withdrawal` value)."""
    return text(tr, f"smart.withdrawn.{outcome}", car=car)


def render_switch(tr: Translator, car: str, started: bool, at: datetime, time_zone: str) -> str:
    """The executor's ping: it started or stopped the charge for a confirmed plan."""
    key = "smart.switched.started" if started else "smart.switched.stopped"
    return text(tr, key, car=car, time=_local(at, ZoneInfo(time_zone)))
