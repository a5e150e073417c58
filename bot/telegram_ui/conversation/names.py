"""The name of every state that waits for input; `registry` says what each accepts and answers."""

from __future__ import annotations

from enum import Enum


class StateName(Enum):
    """Where a chat can be. Login steps come from the login row, idle from the links, the rest are screens."""

    LOGIN_LOCALE = "login.locale"
    LOGIN_EMAIL = "login.email"
    LOGIN_PASSWORD = "login.password"  # noqa: S105 - the name of a step, not a secret
    LOGIN_CODE = "login.code"
    SCHEDULE_EDIT = "schedule.edit"
    PRECONDITION_MENU = "precondition.menu"
    CHARGE_MENU = "charge.menu"
    SMART_MENU = "smart.menu"
    SETTINGS_MENU = "settings.menu"
    SETTINGS_CHOICE = "settings.choice"
    SETTINGS_ZONE = "settings.zone"
    COSTS_MENU = "costs.menu"
    COSTS_PRICE = "costs.price"
    EXPORT_PERIOD = "export.period"
    LOGOUT_CONFIRM = "logout.confirm"
    LEAVE_CONFIRM = "leave.confirm"
    JOIN_CONFIRM = "join.confirm"
    SHARE_MENU = "share.menu"
    VEHICLES_CHOOSE = "vehicles.choose"
    IDLE_LINKED = "idle.linked"
    IDLE_UNLINKED = "idle.unlinked"
