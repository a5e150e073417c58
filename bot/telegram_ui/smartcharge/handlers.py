"""The /smartcharge and /smarttariff commands and the smart-charging taps: parse, call a use case, render."""

from __future__ import annotations

from types import MappingProxyType

from telegram import Update

from bot.domain.smart_schedule import SmartGoalSetting
from bot.services.errors import InvalidInput
from bot.services.smart_charging import TariffDown
from bot.telegram_ui.callback_data import Callback, Verb
from bot.telegram_ui.context import BotContext, SmartChargePort
from bot.telegram_ui.conversation.names import StateName
from bot.telegram_ui.conversation.stale import answer_stale
from bot.telegram_ui.conversation.states import TEXT, State, screen
from bot.telegram_ui.conversation.where import Source, forget, remember
from bot.telegram_ui.handlers.common import chat_id_of, edit, reply
from bot.telegram_ui.parts import Command, TelegramPart
from bot.telegram_ui.patience import Waiting
from bot.telegram_ui.smartcharge import tariff_setup
from bot.telegram_ui.smartcharge.keyboards import (
    cancel_keyboard,
    plan_keyboard,
    ready_keyboard,
    target_keyboard,
)
from bot.telegram_ui.smartcharge.render import render_confirmed, render_plan, text
from bot.telegram_ui.smartcharge.taps import tap_of
from bot.telegram_ui.smartcharge.tariff_input import parse_tariff


def _port(context: BotContext) -> SmartChargePort:
    port = context.services.smart
    if port is None:
        raise LookupError("smart charging is not wired")  # its part is only wired when it is
    return port


async def smartcharge(update: Update, context: BotContext) -> None:
    """/smartcharge: first a tariff (with the button to set it), then the target level for the active car."""
    view = await context.chat_view(update)
    chat_id = chat_id_of(update)
    vehicle_id = await _port(context).active_vehicle(chat_id)
    if await _port(context).tariff(chat_id) is None:
        await reply(update, view.tr("tariff.needed_smart"), tariff_setup.setup_button(view.tr))
        return
    markup = target_keyboard(view.tr, vehicle_id)
    await reply(update, text(view.tr, "smart.ask_target"), markup)
    await remember(context, update, StateName.SMART_MENU, markup, vehicle_id=vehicle_id)


async def smarttariff(update: Update, context: BotContext) -> None:
    """/smarttariff: the tariff set-up with buttons; the typed forms (`octopus C`...) still work."""
    view = await context.chat_view(update)
    if not context.args:
        await tariff_setup.tariff_menu(update, context)
        return
    choice = parse_tariff(context.args)
    if choice is None:
        await reply(update, text(view.tr, "smart.tariff.help"), tariff_setup.setup_button(view.tr))
        return
    try:
        await _port(context).set_tariff(chat_id_of(update), choice)
    except InvalidInput as error:
        await reply(update, "\n".join(text(view.tr, r) for r in error.reasons))
        return
    await reply(update, text(view.tr, "smart.tariff.saved"))


async def smart_tap(update: Update, context: BotContext, payload: Callback) -> None:
    """Every smart-charging button (routed by the codec's `sc` verb)."""
    query = update.callback_query
    assert query is not None
    view = await context.chat_view(update)
    tap = tap_of(payload)
    port = context.services.smart
    if tap is None or port is None:
        await answer_stale(update, context)
        return
    await query.answer()
    chat_id, tr = chat_id_of(update), view.tr
    try:
        if tap.verb == "t" and tap.target is not None:
            markup = ready_keyboard(tap.vehicle_id, tap.target)
            await edit(query, text(tr, "smart.ask_ready", level=tr.percent(tap.target)), markup)
            await remember(context, update, StateName.SMART_MENU, markup, vehicle_id=tap.vehicle_id)
            return
        if tap.verb == "r" and tap.target is not None and tap.ready_at is not None:
            goal = SmartGoalSetting(chat_id, tap.vehicle_id, tap.target, tap.ready_at)
            shown = await Waiting(update, context).run(port.plan_for(goal))
            rendered = render_plan(tr, shown.summary(), shown.time_zone)
            markup = plan_keyboard(tr, tap.vehicle_id, daily=False)
            await edit(query, rendered, markup)
            await remember(context, update, StateName.SMART_MENU, markup, vehicle_id=tap.vehicle_id)
            return
        await forget(context, update)
        if tap.verb == "ok":
            planned = await Waiting(update, context).run(port.confirm(chat_id, tap.vehicle_id))
            # Keep Cancel under the confirmation: it is how the owner gets the old schedule back.
            confirmed = render_confirmed(tr, planned, view.settings.time_zone)
            await edit(query, confirmed, cancel_keyboard(tr, tap.vehicle_id))
        elif tap.verb == "no":
            told = await Waiting(update, context).run(port.cancel(chat_id, tap.vehicle_id))
            await edit(query, text(tr, "smart.cancelled" if told else "smart.cancelled.nothing"))
        else:
            daily = tap.verb == "d1"
            await port.set_daily(chat_id, tap.vehicle_id, daily)
            await edit(query, text(tr, "smart.daily.on" if daily else "smart.daily.off"))
    except InvalidInput as error:
        await edit(query, "\n".join(text(tr, r) for r in error.reasons))
    except TariffDown as error:
        await edit(
            query, text(tr, "smart.error.tariff_refused" if error.refused else "smart.error.tariff_down")
        )


PART = TelegramPart(
    name="smart charging",
    commands=(Command("smartcharge", smartcharge, 50), Command("smarttariff", smarttariff, 60)),
    taps=MappingProxyType({Verb.SMART: smart_tap, Verb.TARIFF: tariff_setup.tariff_tap}),
    states=(
        screen(StateName.SMART_MENU),
        screen(StateName.TARIFF_PROVIDER),
        screen(StateName.TARIFF_REGION),
        State(
            StateName.TARIFF_FIXED,
            Source.SCREEN,
            "router.hint.tariff.fixed",
            accepts=TEXT,
            take=tariff_setup.typed_fixed,
        ),
        State(
            StateName.TARIFF_URL,
            Source.SCREEN,
            "router.hint.tariff.url",
            accepts=TEXT,
            take=tariff_setup.typed_url,
        ),
    ),
    wired=lambda services: services.smart is not None,
)
"""The /smartcharge and /smarttariff commands, the `sc` and tariff taps, the tariff questions."""
