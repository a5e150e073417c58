"""/smartcharge: target and ready-by buttons, the plan with Confirm / Cancel, /smarttariff, and the jobs.

Callback data uses the short prefix `sc:` (the shared codec carries one argument): `sc:t:<vehicle>:<pct>`
asks the ready-by time, `sc:r:<vehicle>:<pct>:<HHMM>` plans, `sc:ok|no|d1|d0:<vehicle>` confirm, cancel
and switch the daily plan. Rights are checked by the services whatever the payload says.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, time
from decimal import Decimal, InvalidOperation
from typing import Protocol
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.domain.planner import PlanNote
from bot.domain.smart_schedule import (
    PlanKind,
    PlannedCharge,
    SmartGoalSetting,
    TariffChoice,
    TariffKind,
)
from bot.services.errors import InvalidInput
from bot.services.smart_charging import SmartPlanView, TariffDown
from bot.telegram_ui.context import BotApplication, BotContext
from bot.telegram_ui.handlers.common import chat_id_of, edit, reply
from bot.telegram_ui.i18n import Translator, locales
from bot.telegram_ui.i18n.smartcharge import CATALOGS

log = logging.getLogger(__name__)

TARGETS = (80, 90, 100)
READY_TIMES = (time(6, 30), time(7, 30), time(8, 30))
EXECUTOR_INTERVAL_SECONDS = 60.0
# Daily plans are due at 17:00 in each chat's own zone (services.smart_charging.DAILY_LOCAL_TIME); the
# job looks every quarter of an hour, and the store makes sure a chat gets at most one plan a day.
DAILY_CHECK_SECONDS = 15 * 60.0
_EXTRA_KEY = "smartcharge"
_NOTES = (
    PlanNote.AT_TARGET,
    PlanNote.NO_PRICES,
    PlanNote.MISSING_PRICES,
    PlanNote.TARGET_NOT_REACHABLE,
    PlanNote.NO_WINDOW,
)


class SmartChargePort(Protocol):
    """The smart-charging use cases the handlers call (SmartChargeAssistant + SmartChargeControl)."""

    async def plan_for(self, goal: SmartGoalSetting) -> SmartPlanView:
        """Plan a goal and keep it as the proposal."""
        ...

    async def set_tariff(self, chat_id: int, choice: TariffChoice) -> None:
        """Store the chat's tariff."""
        ...

    async def set_daily(self, chat_id: int, vehicle_id: int, daily: bool) -> SmartGoalSetting:
        """Switch daily re-planning."""
        ...

    async def daily_plans(self) -> list[SmartPlanView]:
        """Re-plan every daily goal."""
        ...

    async def confirm(self, chat_id: int, vehicle_id: int) -> PlannedCharge:
        """Carry out the proposed plan."""
        ...

    async def cancel(self, chat_id: int, vehicle_id: int) -> bool:
        """Drop the plans and restore the car's schedule."""
        ...

    async def run_due(self) -> list[int]:
        """Start/stop armed plans at their boundaries."""
        ...

    async def active_vehicle(self, chat_id: int) -> int:
        """The chat's active vehicle id."""
        ...


def text(tr: Translator, key: str, /, **params: object) -> str:
    """A smart-charge message in the chat's language (from the main catalog once merged, else ours)."""
    if tr.has(key):
        return tr(key, **params)
    template = CATALOGS.get(tr.language, CATALOGS["en"]).get(key) or CATALOGS["en"].get(key, key)
    return template.format(**params) if params else template


@dataclass(frozen=True, slots=True)
class Tap:
    """A decoded `sc:` callback."""

    verb: str
    vehicle_id: int
    target: int | None = None
    ready_at: time | None = None


_TAP = re.compile(r"sc:(t|r|ok|no|d1|d0):(\d{1,12})(?::(\d{1,3}))?(?::(\d{4}))?")


def decode_tap(data: str | None) -> Tap | None:
    """Parse an `sc:` callback; None for anything malformed or out of range."""
    match = _TAP.fullmatch(data or "")
    if match is None:
        return None
    verb, vehicle, target, hhmm = match.groups()
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
    return Tap(verb, int(vehicle), level, ready)


def parse_tariff(args: Sequence[str]) -> TariffChoice | None:
    """`octopus C`, `url https://...` or `fixed PEAK OFFPEAK HH:MM HH:MM`; None when unreadable."""
    if len(args) == 2 and args[0].lower() == "octopus":
        return TariffChoice(TariffKind.OCTOPUS, region=args[1].upper(), currency="GBP")
    if len(args) == 2 and args[0].lower() == "url":
        return TariffChoice(TariffKind.URL, url=args[1])
    if len(args) == 5 and args[0].lower() == "fixed":
        try:
            peak, off_peak = Decimal(args[1].replace(",", ".")), Decimal(args[2].replace(",", "."))
            start, end = time.fromisoformat(args[3]), time.fromisoformat(args[4])
        except (InvalidOperation, ValueError):
            return None
        return TariffChoice(
            TariffKind.FIXED, peak=peak, off_peak=off_peak, off_peak_start=start, off_peak_end=end
        )
    return None


def _button(label: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=data)


def target_keyboard(vehicle_id: int) -> InlineKeyboardMarkup:
    """80 / 90 / 100 %."""
    return InlineKeyboardMarkup([[_button(f"{t} %", f"sc:t:{vehicle_id}:{t}") for t in TARGETS]])


def ready_keyboard(vehicle_id: int, target: int) -> InlineKeyboardMarkup:
    """06:30 / 07:30 / 08:30."""
    return InlineKeyboardMarkup(
        [[_button(f"{r:%H:%M}", f"sc:r:{vehicle_id}:{target}:{r:%H%M}") for r in READY_TIMES]]
    )


def plan_keyboard(tr: Translator, vehicle_id: int, daily: bool) -> InlineKeyboardMarkup:
    """Confirm / Cancel, and the daily switch."""
    daily_key, daily_verb = ("smart.button.daily_off", "d0") if daily else ("smart.button.daily_on", "d1")
    return InlineKeyboardMarkup(
        [
            [
                _button(text(tr, "smart.button.confirm"), f"sc:ok:{vehicle_id}"),
                _button(text(tr, "smart.button.cancel"), f"sc:no:{vehicle_id}"),
            ],
            [_button(text(tr, daily_key), f"sc:{daily_verb}:{vehicle_id}")],
        ]
    )


def cancel_keyboard(tr: Translator, vehicle_id: int) -> InlineKeyboardMarkup:
    """Cancel alone, under a confirmed plan."""
    return InlineKeyboardMarkup([[_button(text(tr, "smart.button.cancel"), f"sc:no:{vehicle_id}")]])


def _local(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%H:%M")


def render_plan(tr: Translator, view: SmartPlanView) -> str:
    """The plan in the chat's zone: when, how much, cost, saving, and the notes the owner must know."""
    zone = ZoneInfo(view.time_zone)
    plan, planned = view.plan, view.planned
    lines = []
    chosen = plan.window if plan.window is not None else plan.slots
    if planned is not None and chosen is not None:
        first, last = planned.intervals[0], planned.intervals[-1]
        kwh = tr.number(float(chosen.estimate.energy_kwh), 1)
        if planned.kind is PlanKind.WINDOW:
            # English day names in every language, as the C-locale strftime("%a") this replaced wrote.
            day = locales.moment(locales.locale_of("en"), first.start.astimezone(zone), "EEE dd/MM")
            start, end = _local(first.start, zone), _local(first.end, zone)
            lines.append(text(tr, "smart.plan.window", start=start, end=end, day=day, kwh=kwh))
        else:
            lines.append(
                text(
                    tr,
                    "smart.plan.slots",
                    count=len(planned.intervals),
                    start=_local(first.start, zone),
                    end=_local(last.end, zone),
                    kwh=kwh,
                )
            )
        lines.append(text(tr, "smart.plan.level", now=round(view.current_level), target=planned.target_level))
        currency = plan.currency or ""
        lines.append(
            text(tr, "smart.plan.cost", cost=tr.number(float(chosen.estimate.cost), 2), currency=currency)
        )
        saving = plan.saving(chosen)
        if saving is not None and saving > 0:
            lines.append(text(tr, "smart.plan.saving", saving=tr.number(float(saving), 2), currency=currency))
    lines += [text(tr, f"smart.note.{note.value}") for note in _NOTES if note in plan.notes]
    if not lines:
        lines.append(text(tr, "smart.error.no_plan"))
    return "\n".join(lines)


def _port(context: BotContext) -> SmartChargePort:
    port: SmartChargePort = context.bot_data.extras[_EXTRA_KEY]
    return port


async def smartcharge(update: Update, context: BotContext) -> None:
    """/smartcharge: ask the target level for the active vehicle."""
    view = await context.chat_view(update)
    vehicle_id = await _port(context).active_vehicle(chat_id_of(update))
    await reply(update, text(view.tr, "smart.ask_target"), target_keyboard(vehicle_id))


async def smarttariff(update: Update, context: BotContext) -> None:
    """/smarttariff ...: store the chat's tariff, or explain the forms."""
    view = await context.chat_view(update)
    choice = parse_tariff(context.args or [])
    if choice is None:
        await reply(update, text(view.tr, "smart.tariff.help"))
        return
    try:
        await _port(context).set_tariff(chat_id_of(update), choice)
    except InvalidInput as error:
        await reply(update, "\n".join(text(view.tr, r) for r in error.reasons))
        return
    await reply(update, text(view.tr, "smart.tariff.saved"))


async def on_tap(update: Update, context: BotContext) -> None:
    """Every `sc:` button: parse, call one use case, render."""
    query = update.callback_query
    if query is None:
        return
    await query.answer()
    view = await context.chat_view(update)
    tap = decode_tap(query.data)
    if tap is None:
        return
    chat_id, port, tr = chat_id_of(update), _port(context), view.tr
    try:
        if tap.verb == "t" and tap.target is not None:
            await edit(
                query,
                text(tr, "smart.ask_ready", level=tap.target),
                ready_keyboard(tap.vehicle_id, tap.target),
            )
        elif tap.verb == "r" and tap.target is not None and tap.ready_at is not None:
            goal = SmartGoalSetting(chat_id, tap.vehicle_id, tap.target, tap.ready_at)
            shown = await port.plan_for(goal)
            await edit(query, render_plan(tr, shown), plan_keyboard(tr, tap.vehicle_id, daily=False))
        elif tap.verb == "ok":
            planned = await port.confirm(chat_id, tap.vehicle_id)
            # Keep Cancel under the confirmation: it is how the owner gets the old schedule back.
            await edit(
                query, _confirmed(tr, planned, view.settings.time_zone), cancel_keyboard(tr, tap.vehicle_id)
            )
        elif tap.verb == "no":
            told = await port.cancel(chat_id, tap.vehicle_id)
            await edit(query, text(tr, "smart.cancelled" if told else "smart.cancelled.nothing"))
        else:
            daily = tap.verb == "d1"
            await port.set_daily(chat_id, tap.vehicle_id, daily)
            await edit(query, text(tr, "smart.daily.on" if daily else "smart.daily.off"))
    except InvalidInput as error:
        await edit(query, "\n".join(text(tr, r) for r in error.reasons))
    except TariffDown:
        await edit(query, text(tr, "smart.error.tariff_down"))


def _confirmed(tr: Translator, planned: PlannedCharge, time_zone: str) -> str:
    if planned.kind is PlanKind.SLOTS:
        return text(tr, "smart.confirmed.slots")
    zone = ZoneInfo(time_zone)
    window = planned.intervals[0]
    return text(tr, "smart.confirmed.window", start=_local(window.start, zone), end=_local(window.end, zone))


async def run_executor(context: BotContext) -> None:
    """Repeating job: start/stop armed plans at their slot boundaries."""
    await _port(context).run_due()


async def send_daily_plans(context: BotContext) -> None:
    """Repeating job: send each chat whose daily plan is due its plan with Confirm / Cancel."""
    for shown in await _port(context).daily_plans():
        settings = await context.services.settings.chat(shown.chat_id, None)
        tr = Translator(settings.language)
        body = text(tr, "smart.daily.header") + "\n" + render_plan(tr, shown)
        try:
            await context.bot.send_message(
                shown.chat_id, body, reply_markup=plan_keyboard(tr, shown.vehicle_id, daily=True)
            )
        except TelegramError as error:
            # The day is already claimed: one blocked or failing chat must not cost the others their plan.
            log.warning("daily smart plan not delivered to a chat: %s", type(error).__name__)


def register(application: BotApplication, smart: SmartChargePort) -> None:
    """Add the /smartcharge and /smarttariff handlers, the `sc:` buttons and the two jobs."""
    application.bot_data.extras[_EXTRA_KEY] = smart
    application.add_handler(CommandHandler("smartcharge", smartcharge))
    application.add_handler(CommandHandler("smarttariff", smarttariff))
    application.add_handler(CallbackQueryHandler(on_tap, pattern=r"^sc:"))
    jobs = application.job_queue
    if jobs is not None:
        jobs.run_repeating(run_executor, interval=EXECUTOR_INTERVAL_SECONDS, name="smartcharge-executor")
        jobs.run_repeating(send_daily_plans, interval=DAILY_CHECK_SECONDS, name="smartcharge-daily")


def registration(smart: SmartChargePort) -> Callable[[BotApplication], None]:
    """A registration for `build_application(registrations=...)` that hands over the assistant."""

    def _register(application: BotApplication) -> None:
        register(application, smart)

    return _register
