# ruff: noqa: E501 - catalog messages are kept on one line each so translators can compare them
"""English messages (the reference catalog: every other language has exactly these keys)."""

from __future__ import annotations

from typing import Final

MESSAGES: Final[dict[str, str]] = {
    # Numbers and units
    "duration.minutes": "{minutes} min",
    "duration.hours": "{hours} h",
    "duration.hours_minutes": "{hours} h {minutes} min",
    "age.just_now": "just now",
    "age.minutes": "{minutes} min ago",
    "age.hours": "{hours} h ago",
    "age.days.one": "{days} day ago",
    "age.days.other": "{days} days ago",
    # Commands (the menu Telegram shows)
    "cmd.start": "Welcome and how to link your car",
    "cmd.schedule": "View and edit the charge schedule",
    "cmd.history": "Recent charges and a battery chart",
    "cmd.smartcharge": "Charge when electricity is cheapest",
    "cmd.smarttariff": "Choose your electricity tariff for smart charging",
    "cmd.share": "Share the car with family: invites and members",
    "cmd.leave": "Stop sharing a car someone shared with you",
    "cmd.help": "What each command does",
    # Welcome and help
    "start.welcome": (
        "Hello! I keep an eye on your Renault, Dacia or Alpine electric car.\n"
        "Ask me for the battery and range, warm the car before you leave, start or stop a charge, "
        "and get a message when the charge is done or the battery runs low.\n\n"
        "To begin, link your MyRenault account with /login (in this private chat)."
    ),
    "start.welcome_linked": "Welcome back! Your car is linked: try /status.",
    "help.text": (
        "/status - battery, range and charging state\n"
        "/precondition - heat or cool the car now or at a time\n"
        "/charge - start or stop charging, charge mode and limits\n"
        "/schedule - view and edit the charge schedule\n"
        "/smartcharge - ready by a time at a level, charging when electricity is cheapest\n"
        "/smarttariff - choose your electricity tariff for smart charging\n"
        "/where - where the car is\n"
        "/history - recent charges and a battery chart\n"
        "/costs - what charging costs per month, and what smart charging saved\n"
        "/export - your charge sessions and readings as a CSV file\n"
        "/vehicles - choose the active car\n"
        "/settings - notifications, language, time zone, units, temperature\n"
        "/login - link your MyRenault account\n"
        "/share - invite family as driver or viewer, manage members\n"
        "/leave - stop sharing a car someone shared with you\n"
        "/logout - unlink and delete everything stored\n"
        "/cancel - stop the current step"
    ),
    "access.denied": "Sorry, this bot is private. Ask its owner to add your Telegram account.",
    # Errors: each says what happened and what to do
    "error.generic": "Something went wrong on my side. Please try again in a moment.",
    "error.storage": (
        "⚠️ My storage is unavailable right now, so I could not finish this. Please try again in a "
        "few minutes."
    ),
    "storage.not_saved": (
        "⚠️ I could not save your message: my storage is unavailable right now. I will handle it as "
        "soon as it is back; if no answer comes, please send it again in a few minutes."
    ),
    "error.not_linked": "No car is linked to this chat yet. Link your MyRenault account with /login.",
    "error.not_permitted": "This car is not yours to control from this chat.",
    "error.already_linked": "This MyRenault account is already linked to a chat. Use /logout there first.",
    "error.login_rejected": "Renault refused this e-mail or password.",
    "error.code_rejected": "That code is not right. Check the latest e-mail from Renault and send the code again.",
    "error.code_expired": "The code has expired. Start again with /login.",
    "error.needs_login": "Renault no longer accepts the stored login. Please log in again with /login.",
    "error.secrets_unreadable": (
        "I cannot read this car's stored login right now (a key problem on the bot's side). Nothing was "
        "changed and you do not need to log in again; please try later."
    ),
    "error.renault_busy": "Renault is limiting requests; next try possible in about {minutes} min.",
    "error.renault_busy_soon": "Renault is limiting requests; please try again in a few minutes.",
    "error.feature_unavailable": "Your car does not support this. I have removed the button for it.",
    "error.renault_down": "Renault's servers cannot be reached right now. Please try again later.",
    "error.action_busy": "The car is still busy with the previous request. Try again in a minute.",
    "error.privacy_mode": "The car's privacy mode is on: Renault hides its data and refuses commands.",
    "error.too_many_actions": "One moment please: you can send a new request in {seconds} s.",
    "error.invalid_input": "I cannot use that: {reasons}",
    "error.invalid_generic": "the value is not valid",
    "error.action_parameters": "this action needs a value I did not get",
    "error.temperature_range": "the temperature must be between 16 and 27 °C",
    "error.level_range": "a charge level must be between 0 and 100%",
    "error.level_order": "the minimum level must not be above the target level",
    "error.renault_refused_input": "Renault refused the values sent",
    "error.battery_too_low": "the battery is too low for this",
    "callback.stale": "This button is no longer valid. Send /status for a fresh one.",
    "callback.refused": "Your role on this car does not allow this. Send /status for the buttons you can use.",
    "cancel.nothing": "There is nothing to cancel.",
    # Vehicles
    "vehicle.title": "🚗 {model} · …{vin_tail}",
    "vehicle.title_plate": "🚗 {model} · {plate} · …{vin_tail}",
    # Login
    "event.secret_not_deleted": (
        "🔐 I could not delete the message you sent at {time} with your password or code. Please delete it "
        "yourself: press and hold it (right-click on a computer), then Delete."
    ),
    # Status card
    "status.outside": "🌡 Outside: {temperature}",
    "charge_mode.always": "charge as soon as plugged in",
    "charge_mode.scheduled": "charge on schedule",
    # Actions (button labels use the ActionKind name)
    "action.refresh": "🔄 Refresh",
    "action.precondition": "🌡 Precondition now",
    "action.precondition_stop": "⏹ Stop preconditioning",
    "action.charge_start": "⚡ Start charge",
    "action.charge_stop": "⏹ Stop charge",
    "action.charge_pause": "⏸ Pause charge",
    "action.charge_resume": "▶️ Resume charge",
    "action.location": "📍 Location",
    "action.schedule": "🗓 Schedule",
    "action.charge_mode": "⏱ Charge mode",
    "action.charge_limits": "🎯 Charge limits",
    "action.horn": "📣 Horn",
    "action.lights": "💡 Flash lights",
    "action.generic": "Action",
    # Preconditioning and charging menus
    "button.temperature": "{temperature}",
    "button.time": "{time}",
    "button.mode_always": "Charge as soon as plugged in",
    "button.mode_scheduled": "Charge on schedule",
    "button.back": "⬅️ Back",
    "button.cancel": "✖️ Cancel",
    # Location
    "event.car": "🚗 …{vin_tail}",
    "event.level": "{level}",
    "event.level_unknown": "unknown",
    "event.detail.energy": "+{energy}",
    "event.detail.duration": "in {duration}",
    "event.detail.from_level": "from {level}",
    "event.detail.power": "at {power}",
    "event.detail.time_left": "{duration} left",
    "event.charge_started": "⚡ {car}: charge started, battery {level}.",
    "event.charge_complete": "✅ {car}: charge complete, battery {level}.",
    "event.charge_interrupted": "⚠️ {car}: charge interrupted ({reason}), battery {level}.",
    "event.reason.stopped": "the car stopped charging",
    "event.reason.unplugged": "unplugged",
    "event.reason.schedule_ended": "the scheduled window ended",
    "event.reason.error": "charging error",
    "event.charge_error": "❌ {car}: charging error, battery {level}. Check the cable and the charger.",
    "event.plugged": "🔌 {car}: plugged in, battery {level}.",
    "event.unplugged": "🔌 {car}: unplugged, battery {level}.",
    "event.plugged_not_charging": "⚠️ {car}: plugged in since {time} but not charging, battery {level}.",
    "event.low_battery": "🪫 {car}: battery low, {level} (below {threshold}).",
    "event.target_reached": "🎯 {car}: your target of {target} is reached, battery {level}.",
    "event.target_stopping": "Stopping the charge.",
    "event.plug_reminder": "🔌 {car}: battery at {level}, below {below}, and the car is not plugged in.",
    "event.preconditioning": "🌡 {car}: preconditioning is on, battery {level}.",
    "event.action_confirmed": "✅ {car}: {action} confirmed by the car.",
    "event.action_not_confirmed": "⚠️ {car}: the car has not confirmed {action} sent at {time}. Check /status.",
    "event.renault_unreachable": "⚠️ Renault's servers cannot be reached since {time}. I keep trying; the data may be old.",
    "event.credentials_expired": "🔑 Renault no longer accepts your login (since {time}). Please log in again with /login.",
    "event.service_recovered": "✅ Renault can be reached again; updates resume.",
}
