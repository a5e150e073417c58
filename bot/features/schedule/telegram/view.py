"""Rendering of the charge schedule in local time, and the editor's screens (text and buttons)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Final

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.schedule import LocalSlot, ScheduleMode, Weekday
from bot.features.schedule.telegram.editor import (
    DURATIONS,
    QUARTERS,
    Draft,
    LocalProgram,
    Screen,
    new_program_id,
)
from bot.telegram_ui import formatting as fmt
from bot.telegram_ui import places
from bot.telegram_ui.callback_data import Callback, Verb
from bot.telegram_ui.i18n import Translator
from bot.telegram_ui.keyboards import button, rows

# The verbs this part answers (their codes are on buttons already sent: never change one).
# schedule view / edit steps (arg: 'show' | 'd:MON' | 'st:MON:07:30' | ...)
SCHEDULE_VERB: Final = Verb("s", "SCHEDULE")

_MODE_KEYS = {
    ScheduleMode.ALWAYS: "charge_mode.always",
    ScheduleMode.SCHEDULED: "charge_mode.scheduled",
    ScheduleMode.DELAYED: "charge_mode.delayed",
}


def day_name(tr: Translator, day: Weekday, *, short: bool = False) -> str:
    """'Monday' (or 'Mon') in the chat's language."""
    return tr.weekday(day.value, short=short)


def period_text(tr: Translator, slot: LocalSlot) -> str:
    """'Monday 01:15 → 04:15 (3 h)': the end may fall on the next day."""
    start = datetime.combine(datetime(2000, 1, 3).date(), slot.start)
    end = start + timedelta(minutes=slot.duration_minutes)
    return tr(
        "schedule.period",
        day=day_name(tr, slot.day),
        start=f"{slot.start:%H:%M}",
        end=f"{end:%H:%M}",
        duration=fmt.duration(tr, slot.duration_minutes),
    )


def render_schedule(
    tr: Translator, title: str, mode: ScheduleMode, programs: Sequence[LocalProgram], zone: str
) -> str:
    """The schedule as the user reads it: the mode, then each program's periods in local time."""
    lines = [tr("schedule.title", title=title), tr("schedule.mode", mode=tr(_MODE_KEYS[mode]))]
    if not programs:
        lines.append(tr("schedule.no_programs"))
    for program in programs:
        state = "schedule.program_on" if program.activated else "schedule.program_off"
        lines.append(tr(state, number=program.program_id))
        periods = [period_text(tr, slot) for slot in program.slots] or [tr("schedule.no_periods")]
        lines += [f"  {period}" for period in periods]
    lines.append(tr("schedule.zone_note", zone=places.zone_name(tr, zone)))
    return "\n".join(lines)


def _s(vehicle_id: int, arg: str) -> Callback:
    return Callback(SCHEDULE_VERB, vehicle_id, arg)


def viewer_keyboard(tr: Translator, vehicle_id: int, *, may_edit: bool) -> InlineKeyboardMarkup | None:
    """Under the schedule: Edit, for chats allowed to command the car."""
    if not may_edit:
        return None
    return InlineKeyboardMarkup([[button(tr("button.schedule_edit"), _s(vehicle_id, "edit"))]])


def editor_screen(tr: Translator, title: str, draft: Draft) -> tuple[str, InlineKeyboardMarkup]:
    """The draft in local time, the question of the current step, and its buttons."""
    body = render_schedule(tr, title, draft.mode, draft.programs, draft.zone)
    question, layout = _STEPS[draft.screen](tr, draft)
    return f"{body}\n\n{tr('schedule.draft_note')}\n{question}", InlineKeyboardMarkup(layout)


Layout = list[list[InlineKeyboardButton]]


def _programs_step(tr: Translator, draft: Draft) -> tuple[str, Layout]:
    vid = draft.vehicle_id
    marker = {True: "schedule.marker_on", False: "schedule.marker_off"}
    choices = [
        button(
            tr("button.schedule_program", number=p.program_id, marker=tr(marker[p.activated])),
            _s(vid, f"p:{p.program_id}"),
        )
        for p in draft.programs
    ]
    free = new_program_id(draft)
    if free is not None:
        choices.append(button(tr("button.schedule_new_program"), _s(vid, f"p:{free}")))
    layout = rows(choices)
    for mode, key in (
        (ScheduleMode.ALWAYS, "button.mode_always"),
        (ScheduleMode.SCHEDULED, "button.mode_scheduled"),
    ):
        label = tr(key) if draft.mode is not mode else tr("button.selected", label=tr(key))
        layout.append([button(label, _s(vid, f"mode:{mode.value}"))])
    layout.append(_save_row(tr, vid))
    return tr("schedule.ask_program"), layout


def _program_step(tr: Translator, draft: Draft) -> tuple[str, Layout]:
    vid, program = draft.vehicle_id, draft.program
    assert program is not None
    days = []
    for day in Weekday:
        slot = program.on(day)
        when = f"{slot.start:%H:%M}" if slot is not None else "–"
        days.append(button(f"{day_name(tr, day, short=True)} {when}", _s(vid, f"d:{day.value}")))
    layout = rows(days, 4)
    toggle = "button.schedule_deactivate" if program.activated else "button.schedule_activate"
    layout.append([button(tr(toggle), _s(vid, "act"))])
    layout.append([button(tr("button.back"), _s(vid, "back"))])
    layout.append(_save_row(tr, vid))
    return tr("schedule.ask_day", number=program.program_id), layout


def _hour_step(tr: Translator, draft: Draft) -> tuple[str, Layout]:
    vid = draft.vehicle_id
    assert draft.day is not None
    layout = rows((button(f"{hour:02d}", _s(vid, f"h:{hour}")) for hour in range(24)), 6)
    layout.append([button(tr("button.schedule_clear_day"), _s(vid, "clr"))])
    layout.append([button(tr("button.back"), _s(vid, "back"))])
    return tr("schedule.ask_hour", day=day_name(tr, draft.day)), layout


def _quarter_step(tr: Translator, draft: Draft) -> tuple[str, Layout]:
    vid, hour = draft.vehicle_id, draft.hour
    assert draft.day is not None
    assert hour is not None
    layout = [[button(f"{hour:02d}:{minute:02d}", _s(vid, f"q:{minute}")) for minute in QUARTERS]]
    layout.append([button(tr("button.back"), _s(vid, "back"))])
    return tr("schedule.ask_quarter", day=day_name(tr, draft.day)), layout


def _duration_step(tr: Translator, draft: Draft) -> tuple[str, Layout]:
    vid = draft.vehicle_id
    assert draft.day is not None
    assert draft.start is not None
    presets = [button(fmt.duration(tr, minutes), _s(vid, f"du:{minutes}")) for minutes in DURATIONS]
    layout = rows(presets, 3)
    layout.append(
        [
            button(tr("button.schedule_minus_quarter"), _s(vid, "adj:-15")),
            button(tr("button.schedule_plus_quarter"), _s(vid, "adj:+15")),
        ]
    )
    layout.append([button(tr("button.schedule_ok"), _s(vid, "ok"))])
    layout.append([button(tr("button.back"), _s(vid, "back"))])
    pending = period_text(tr, LocalSlot(draft.day, draft.start, draft.duration))
    return tr("schedule.ask_duration", period=pending), layout


def _save_row(tr: Translator, vehicle_id: int) -> list[InlineKeyboardButton]:
    return [
        button(tr("button.schedule_save"), _s(vehicle_id, "save")),
        button(tr("button.cancel"), _s(vehicle_id, "cancel")),
    ]


_STEPS = {
    Screen.PROGRAMS: _programs_step,
    Screen.PROGRAM: _program_step,
    Screen.HOUR: _hour_step,
    Screen.QUARTER: _quarter_step,
    Screen.DURATION: _duration_step,
}
