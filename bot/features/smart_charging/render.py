"""Smart charging's texts and keyboards in the chat's language: the target and ready-by buttons (their
payloads in the one versioned codec), the plan, the confirmation, and its pings' texts and buttons.

Buttons are `1.sc.<vehicle>.<step>`. Steps: `t:<pct>` asks the ready-by time, `r:<pct>:<HHMM>` plans, `ok` /
`no` confirm and cancel, `d1` / `d0` switch the daily plan. Rights are checked by the use cases whatever the
payload says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time
from decimal import Decimal
from typing import Final
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.features.smart_charging.catalog import CATALOGS
from bot.features.smart_charging.events import (
    SmartChargeSwitched,
    SmartPlanReady,
    SmartPlanWithdrawn,
    Withdrawal,
)
from bot.features.smart_charging.logic.schedule import PlanKind, PlannedCharge
from bot.features.smart_charging.logic.summary import PlanSummary
from bot.telegram_ui.callback_data import Callback, Verb, decode, verbs_by_code
from bot.telegram_ui.formatting import KWH
from bot.telegram_ui.i18n import Translator
from bot.telegram_ui.keyboards import choice_keyboard
from bot.telegram_ui.ping_text import Renderer

# The verbs this part answers (their codes are on buttons already sent: never change one).
# a /smartcharge step (arg: 't:80', 'r:80:0730', 'ok', 'no', 'd1', 'd0')
SMART_VERB: Final = Verb("sc", "SMART")
# the tariff set-up (arg: 'menu', 'fixed', 'url', 'octopus', 'r:C')
TARIFF_VERB: Final = Verb("tf", "TARIFF")
_OWN_VERBS: Final = verbs_by_code((SMART_VERB, TARIFF_VERB))


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


# The buttons' payloads.

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
        return Callback(SMART_VERB, self.vehicle_id, ":".join(parts)).encode()


def decode_tap(data: str | None) -> SmartTap | None:
    """Parse a smart-charging payload; None for anything malformed, out of range or of another verb."""
    payload = decode(data, _OWN_VERBS)
    if payload is None or payload.verb is not SMART_VERB or payload.vehicle_id is None:
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


# The keyboards.

TARGETS = (80, 90, 100)
READY_TIMES = (time(6, 30), time(7, 30), time(8, 30))


def _button(label: str, tap: SmartTap) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=tap.encode())


def target_keyboard(tr: Translator, vehicle_id: int) -> InlineKeyboardMarkup:
    """80 / 90 / 100 %, written as the chat's language writes a percentage."""
    return InlineKeyboardMarkup([[_button(tr.percent(t), SmartTap("t", vehicle_id, t)) for t in TARGETS]])


def ready_keyboard(vehicle_id: int, target: int) -> InlineKeyboardMarkup:
    """06:30 / 07:30 / 08:30."""
    return InlineKeyboardMarkup(
        [[_button(f"{r:%H:%M}", SmartTap("r", vehicle_id, target, r)) for r in READY_TIMES]]
    )


def plan_keyboard(tr: Translator, vehicle_id: int, daily: bool) -> InlineKeyboardMarkup:
    """Confirm / Cancel, and the daily switch."""
    daily_key, daily_verb = ("smart.button.daily_off", "d0") if daily else ("smart.button.daily_on", "d1")
    return InlineKeyboardMarkup(
        [
            [
                _button(text(tr, "smart.button.confirm"), SmartTap("ok", vehicle_id)),
                _button(text(tr, "smart.button.cancel"), SmartTap("no", vehicle_id)),
            ],
            [_button(text(tr, daily_key), SmartTap(daily_verb, vehicle_id))],
        ]
    )


def cancel_keyboard(tr: Translator, vehicle_id: int) -> InlineKeyboardMarkup:
    """Cancel alone, under a confirmed plan."""
    return InlineKeyboardMarkup([[_button(text(tr, "smart.button.cancel"), SmartTap("no", vehicle_id))]])


# The tariff set-up's example.

# Typical peak and off-peak prices per kWh, for the example in the owner's currency.
_EXAMPLES = {
    "EUR": ("0.25", "0.15"),
    "GBP": ("0.28", "0.09"),
    "CHF": ("0.30", "0.20"),
    "NOK": ("2.50", "1.50"),
    "SEK": ("2.50", "1.50"),
    "DKK": ("2.50", "1.50"),
}


def example(tr: Translator, currency: str) -> str:
    """'0,25 0,15 22:00 06:00': peak, off-peak, off-peak start and end, in the owner's way of writing."""
    peak, off_peak = _EXAMPLES.get(currency, _EXAMPLES["EUR"])
    return f"{tr.number(Decimal(peak), 2)} {tr.number(Decimal(off_peak), 2)} 22:00 06:00"


# The pings (`TelegramPart.pings` and `ping_buttons`).


def plan_ready(e: SmartPlanReady, r: Renderer) -> str:
    """The daily plan ping: a header, then the plan."""
    return render_daily_plan(r.tr, e.summary, e.time_zone)


def switched(e: SmartChargeSwitched, r: Renderer) -> str:
    """The executor's ping: it started or stopped the charge."""
    return render_switch(r.tr, r.car(e.vin), e.started, e.at, r.settings.time_zone)


def withdrawn(e: SmartPlanWithdrawn, r: Renderer) -> str:
    """The owners' ping: a member's plan was withdrawn."""
    return render_withdrawn(r.tr, r.car(e.vin), e.outcome.value)


def plan_ready_buttons(e: SmartPlanReady, tr: Translator) -> InlineKeyboardMarkup | None:
    """Confirm / Cancel and the daily switch under a daily plan that has something to carry out."""
    return plan_keyboard(tr, e.vehicle_id, daily=True) if e.summary.kind is not None else None


def switched_buttons(e: SmartChargeSwitched, tr: Translator) -> InlineKeyboardMarkup | None:
    """Cancel under a started charge."""
    return cancel_keyboard(tr, e.vehicle_id) if e.started else None


def withdrawn_buttons(e: SmartPlanWithdrawn, tr: Translator) -> InlineKeyboardMarkup | None:
    """Cancel for the owner when the car could not be put back (their Cancel still can)."""
    return cancel_keyboard(tr, e.vehicle_id) if e.outcome is Withdrawal.NOT_RESTORED else None


def tariff_setup_button(tr: Translator) -> InlineKeyboardMarkup:
    """The one button that opens the tariff set-up (`1.tf..menu`, answered by this part): shown under 'a
    tariff is needed' by /smartcharge and, through the part's `tariff_setup`, by /costs."""
    return choice_keyboard([(tr("tariff.button.setup"), Callback(TARIFF_VERB, None, "menu"))], width=1)
