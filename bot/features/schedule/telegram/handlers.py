"""/schedule: the charge schedule in local time, and the guided editor (program, day, start, duration)."""

from __future__ import annotations

from datetime import date
from typing import Final

from telegram import InlineKeyboardMarkup, Update

from bot.domain.actions import ActionKind, spec_of
from bot.domain.schedule import ChargeSchedule, ScheduleMode, SlotsCollide
from bot.domain.snapshot import ChargeMode
from bot.domain.vehicle import LinkedVehicle, Right
from bot.features.actions.ports import ACTIONS, ActionRequest
from bot.features.schedule.ports import SCHEDULES, SchedulePort
from bot.features.schedule.telegram.drafts import ScheduleDrafts
from bot.features.schedule.telegram.editor import (
    Draft,
    StaleStep,
    apply_tap,
    local_programs,
    start_draft,
    to_schedule,
    typed_start,
)
from bot.features.schedule.telegram.view import editor_screen, render_schedule, viewer_keyboard
from bot.services.errors import InvalidInput, ServiceError
from bot.telegram_ui import formatting as fmt
from bot.telegram_ui.callback_data import Callback
from bot.telegram_ui.context import BotContext, ChatView
from bot.telegram_ui.conversation.names import StateName
from bot.telegram_ui.conversation.stale import answer_stale, refuse_car
from bot.telegram_ui.conversation.where import Spot, forget, remember
from bot.telegram_ui.error_messages import describe
from bot.telegram_ui.formatting import vehicle_title
from bot.telegram_ui.handlers.common import chat_id_of, edit, linked_vehicle, may_run, reply
from bot.telegram_ui.patience import Waiting

# The states this part declares, by the names stored with a chat's screen (never change one).
SCHEDULE_EDIT: Final = StateName("schedule.edit")

_PROBLEM_PREFIX = "schedule.problem."
_CHARGE_MODES = {ScheduleMode.ALWAYS: ChargeMode.ALWAYS, ScheduleMode.SCHEDULED: ChargeMode.SCHEDULED}


def drafts(context: BotContext) -> ScheduleDrafts:
    """The chats' drafts, in the database."""
    return ScheduleDrafts(context.services.drafts)


def _supported(context: BotContext, vehicle: LinkedVehicle) -> SchedulePort | None:
    endpoints = spec_of(ActionKind.SCHEDULE).endpoints
    schedules = context.services.features.get(SCHEDULES)
    if schedules is None or not any(vehicle.capabilities.supports(e) for e in endpoints):
        return None
    return schedules


async def _show(update: Update, text: str, markup: InlineKeyboardMarkup | None, *, in_place: bool) -> None:
    query = update.callback_query
    if in_place and query is not None:
        await edit(query, text, markup)
    else:
        await reply(update, text, markup)


def _today(context: BotContext, view: ChatView) -> date:
    # The week whose DST offsets the times are shown with: the user's current local week.
    return context.now().astimezone(fmt.zone(view.settings.time_zone)).date()


def _schedule_text(view: ChatView, vehicle: LinkedVehicle, schedule: ChargeSchedule, today: date) -> str:
    zone = view.settings.time_zone
    programs = local_programs(schedule, zone, today)
    return render_schedule(view.tr, vehicle_title(view.tr, vehicle.info), schedule.mode, programs, zone)


async def schedule_command(update: Update, context: BotContext) -> None:
    """/schedule for the active car."""
    vehicle = await context.services.linking.active(chat_id_of(update))
    await show_schedule(update, context, vehicle)


async def show_schedule(
    update: Update, context: BotContext, vehicle: LinkedVehicle, *, in_place: bool = False, note: str = ""
) -> None:
    """The car's schedule in the chat's time zone, with Edit for chats that may command the car."""
    view = await context.chat_view(update)
    port = _supported(context, vehicle)
    if port is None:
        await _show(update, view.tr("error.feature_unavailable"), None, in_place=in_place)
        return
    waiting = Waiting(update, context)
    schedule = await waiting.run(port.schedule(chat_id_of(update), vehicle.vehicle_id))
    text = _schedule_text(view, vehicle, schedule, _today(context, view))
    markup = viewer_keyboard(view.tr, vehicle.vehicle_id, may_edit=Right.COMMAND in vehicle.rights)
    shown = f"{note}\n\n{text}" if note else text
    query = update.callback_query
    if in_place and query is not None:
        await waiting.forget_note()  # the tapped message shows the schedule: a note would be left over
        await edit(query, shown, markup)
    else:
        await waiting.show(shown, markup)  # in place of the note, when Renault was slow enough for one


async def schedule_tap(update: Update, context: BotContext, payload: Callback) -> None:
    """A schedule button: checked against the chat's links and role, then one editor step."""
    query = update.callback_query
    assert query is not None
    view = await context.chat_view(update)
    chat_id = chat_id_of(update)
    vehicle = await linked_vehicle(context, chat_id, payload.vehicle_id)
    if vehicle is None:
        await refuse_car(update, context)
        return
    if not may_run(vehicle, ActionKind.SCHEDULE):
        await query.answer(view.tr("callback.refused"), show_alert=True)
        return
    if payload.arg in ("show", "cancel"):
        await drafts(context).drop(chat_id)
        await forget(context, update)
        await query.answer()
        note = view.tr("schedule.cancelled") if payload.arg == "cancel" else ""
        await show_schedule(update, context, vehicle, in_place=True, note=note)
        return
    if payload.arg == "edit":
        await _open_editor(update, context, view, vehicle)
        return
    draft = await drafts(context).get(chat_id, vehicle.vehicle_id, context.now())
    if draft is None:
        await query.answer()
        await forget(context, update)
        await show_schedule(update, context, vehicle, in_place=True, note=view.tr("schedule.expired"))
        return
    if payload.arg == "save":
        await query.answer()
        await _save(update, context, view, vehicle, draft)
        return
    try:
        draft = apply_tap(draft, payload.arg)
    except StaleStep:
        await answer_stale(update, context)
        return
    await query.answer()
    await drafts(context).put(chat_id, draft, context.now())
    await _show_editor(update, context, view, vehicle, draft)


async def _open_editor(update: Update, context: BotContext, view: ChatView, vehicle: LinkedVehicle) -> None:
    query = update.callback_query
    assert query is not None
    port = _supported(context, vehicle)
    if port is None:
        await query.answer(view.tr("error.feature_unavailable"), show_alert=True)
        return
    await query.answer()
    schedule = await Waiting(update, context).run(port.schedule(chat_id_of(update), vehicle.vehicle_id))
    draft = start_draft(vehicle.vehicle_id, schedule, view.settings.time_zone, _today(context, view))
    await drafts(context).put(chat_id_of(update), draft, context.now())
    await _show_editor(update, context, view, vehicle, draft)


async def _show_editor(
    update: Update, context: BotContext, view: ChatView, vehicle: LinkedVehicle, draft: Draft, note: str = ""
) -> None:
    text, markup = editor_screen(view.tr, vehicle_title(view.tr, vehicle.info), draft)
    await _show(update, f"{note}\n\n{text}" if note else text, markup, in_place=True)
    await remember(context, update, SCHEDULE_EDIT, None, vehicle_id=vehicle.vehicle_id)


async def typed_time(update: Update, context: BotContext, view: ChatView, spot: Spot) -> None:
    """Text in the editor: a start time where the hour or minute is asked; else what the editor expects."""
    chat_id = chat_id_of(update)
    vehicle = await linked_vehicle(context, chat_id, spot.focus.vehicle_id if spot.focus else None)
    draft = None if vehicle is None else await drafts(context).get(chat_id, vehicle.vehicle_id, context.now())
    if vehicle is None or draft is None:
        await forget(context, update)
        await reply(update, view.tr("schedule.expired_typed"))
        return
    message = update.effective_message
    try:
        draft = typed_start(draft, (message.text or "") if message is not None else "")
    except StaleStep:
        text, markup = editor_screen(view.tr, vehicle_title(view.tr, vehicle.info), draft)
        await reply(update, f"{view.tr('schedule.typed_hint')}\n\n{text}", markup)
        return
    await drafts(context).put(chat_id, draft, context.now())
    text, markup = editor_screen(view.tr, vehicle_title(view.tr, vehicle.info), draft)
    await reply(update, text, markup)


async def editor_buttons(
    update: Update, context: BotContext, view: ChatView, vehicle_id: int | None
) -> InlineKeyboardMarkup | None:
    """The editor's buttons for its current step, from the chat's draft (None when it expired)."""
    chat_id = chat_id_of(update)
    vehicle = await linked_vehicle(context, chat_id, vehicle_id)
    draft = None if vehicle is None else await drafts(context).get(chat_id, vehicle.vehicle_id, context.now())
    if draft is None or vehicle is None:
        return None
    return editor_screen(view.tr, vehicle_title(view.tr, vehicle.info), draft)[1]


async def _save(
    update: Update, context: BotContext, view: ChatView, vehicle: LinkedVehicle, draft: Draft
) -> None:
    """Validate and write; problems keep the draft open, a refusal shows the car's schedule unchanged."""
    port = _supported(context, vehicle)
    assert port is not None
    chat_id, tr = chat_id_of(update), view.tr
    try:
        wanted = to_schedule(draft)
        saved = await Waiting(update, context).run(port.set_schedule(chat_id, vehicle.vehicle_id, wanted))
    except SlotsCollide:
        problems = _problems(view, [f"{_PROBLEM_PREFIX}slots_collide"])
        await _show_editor(update, context, view, vehicle, draft, problems)
        return
    except InvalidInput as error:
        if all(reason.startswith(_PROBLEM_PREFIX) for reason in error.reasons):
            await _show_editor(update, context, view, vehicle, draft, _problems(view, error.reasons))
            return
        await _refused(update, context, view, vehicle, draft, error)
        return
    except ServiceError as error:
        await _refused(update, context, view, vehicle, draft, error)
        return
    await drafts(context).drop(chat_id)
    await forget(context, update)
    note = tr("schedule.saved")
    if saved.mode is not draft.original.mode and saved.mode in _CHARGE_MODES:
        note = f"{note}\n{await _switch_mode(context, view, chat_id, vehicle, saved.mode)}"
    text = _schedule_text(view, vehicle, saved, draft.week_of)
    markup = viewer_keyboard(tr, vehicle.vehicle_id, may_edit=True)
    await _show(update, f"{note}\n\n{text}", markup, in_place=True)


async def _switch_mode(
    context: BotContext, view: ChatView, chat_id: int, vehicle: LinkedVehicle, mode: ScheduleMode
) -> str:
    request = ActionRequest(ActionKind.CHARGE_MODE, charge_mode=_CHARGE_MODES[mode])
    try:
        await context.services.features.of(ACTIONS).run(chat_id, vehicle.vehicle_id, request)
    except ServiceError as error:
        return view.tr(
            "schedule.mode_failed", reason=describe(view.tr, error, context.now(), view.settings.time_zone)
        )
    return view.tr("schedule.mode_saved", mode=view.tr(f"charge_mode.{mode.value}"))


def _problems(view: ChatView, reasons: list[str]) -> str:
    lines = "\n".join(f"• {view.tr(reason)}" for reason in dict.fromkeys(reasons))
    return view.tr("schedule.problems", problems=lines)


async def _refused(
    update: Update,
    context: BotContext,
    view: ChatView,
    vehicle: LinkedVehicle,
    draft: Draft,
    error: ServiceError,
) -> None:
    await drafts(context).drop(chat_id_of(update))
    await forget(context, update)
    note = view.tr(
        "schedule.refused", reason=describe(view.tr, error, context.now(), view.settings.time_zone)
    )
    text = _schedule_text(view, vehicle, draft.original, draft.week_of)
    markup = viewer_keyboard(view.tr, vehicle.vehicle_id, may_edit=True)
    await _show(update, f"{note}\n\n{text}", markup, in_place=True)
