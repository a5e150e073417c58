"""The /status card: one message built from a table of displayed fields; unreported values are left out.

The car's title every part shows (`vehicle_title`) is the kernel's, in `bot/telegram_ui/formatting.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.domain.preferences import ChatSettings
from bot.domain.snapshot import ChargeState, PlugState, VehicleSnapshot
from bot.domain.vehicle import Role
from bot.features.status.ports import StatusView
from bot.telegram_ui import formatting as fmt
from bot.telegram_ui.i18n import Translator

# The car's charge status, in words. States where the car is actively charging add power and time left.
_CHARGE_KEYS: dict[ChargeState, str] = {
    ChargeState.NOT_IN_CHARGE: "charge.not_charging",
    ChargeState.WAITING_FOR_PLANNED_CHARGE: "charge.waiting_planned",
    ChargeState.CHARGE_ENDED: "charge.ended",
    ChargeState.WAITING_FOR_CURRENT_CHARGE: "charge.waiting_current",
    ChargeState.ENERGY_FLAP_OPENED: "charge.flap_open",
    ChargeState.CHARGE_IN_PROGRESS: "charge.charging",
    ChargeState.CHARGE_ERROR: "charge.error",
    ChargeState.UNAVAILABLE: "charge.unavailable",
    ChargeState.V2G_CHARGING_WAITING: "charge.v2g_waiting",
    ChargeState.V2L_CONNECTED: "charge.v2l",
    ChargeState.V2G_DISCHARGING: "charge.v2g_discharging",
    ChargeState.V2G_CHARGING_NORMAL: "charge.charging",
}
_CHARGING = frozenset({ChargeState.CHARGE_IN_PROGRESS, ChargeState.V2G_CHARGING_NORMAL})


@dataclass(frozen=True, slots=True)
class CardContext:
    """Everything a field renderer may use besides the snapshot."""

    tr: Translator
    settings: ChatSettings
    now: datetime


def _battery(s: VehicleSnapshot, c: CardContext) -> str | None:
    if s.battery_level is None:
        return None
    if s.range_km is None:
        return c.tr("status.battery", level=c.tr.percent(s.battery_level))
    autonomy = fmt.distance(c.tr, s.range_km, c.settings.units)
    return c.tr("status.battery_range", level=c.tr.percent(s.battery_level), range=autonomy)


def _plug(s: VehicleSnapshot, c: CardContext) -> str | None:
    if s.charge in _CHARGING:
        return _charging(s, c)
    if s.plug is PlugState.UNPLUGGED:
        return c.tr("plug.unplugged")
    if s.plug is PlugState.PLUG_ERROR:
        return c.tr("plug.error")
    charge_key = _CHARGE_KEYS.get(s.charge)
    if s.plug is PlugState.PLUGGED:
        return c.tr("plug.plugged", state=c.tr(charge_key)) if charge_key else c.tr("plug.plugged_only")
    return c.tr(charge_key) if charge_key else None


def _charging(s: VehicleSnapshot, c: CardContext) -> str:
    parts = [c.tr("charge.charging")]
    if s.charging_power_kw is not None and s.charging_power_kw > 0:
        parts.append(c.tr("charge.at_power", power=fmt.power(c.tr, s.charging_power_kw)))
    if s.remaining_minutes is not None and s.remaining_minutes > 0:
        parts.append(c.tr("charge.time_left", duration=fmt.duration(c.tr, s.remaining_minutes)))
    return c.tr("status.charging_line", text=", ".join(parts))


def _mileage(s: VehicleSnapshot, c: CardContext) -> str | None:
    if s.mileage_km is None:
        return None
    return c.tr("status.mileage", mileage=fmt.distance(c.tr, s.mileage_km, c.settings.units))


def _hvac(s: VehicleSnapshot, c: CardContext) -> str | None:
    if s.hvac_on is None:
        return None
    return c.tr("status.hvac_on" if s.hvac_on else "status.hvac_off")


def _outside(s: VehicleSnapshot, c: CardContext) -> str | None:
    if s.outside_temperature_c is None:
        return None
    return c.tr("status.outside", temperature=fmt.temperature(c.tr, s.outside_temperature_c))


def _charge_mode(s: VehicleSnapshot, c: CardContext) -> str | None:
    if s.charge_mode is None or s.charge_mode.value == "unknown":
        return None
    return c.tr("status.charge_mode", mode=c.tr(f"charge_mode.{s.charge_mode.value}"))


def _reported(s: VehicleSnapshot, c: CardContext) -> str | None:
    if s.reported_at is None:
        return None
    when = fmt.local_datetime(c.tr, s.reported_at, c.settings.time_zone, c.now)
    return c.tr("status.reported", age=fmt.age(c.tr, s.reported_at, c.now), time=when)


# The displayed fields, in order: adding a line to the card is adding a row here.
FIELDS: tuple[Callable[[VehicleSnapshot, CardContext], str | None], ...] = (
    _battery,
    _plug,
    _mileage,
    _hvac,
    _outside,
    _charge_mode,
    _reported,
)


def render_status(tr: Translator, view: StatusView, settings: ChatSettings, now: datetime) -> str:
    """The whole card: title, one line per reported field, and a warning when the data is not live."""
    context = CardContext(tr=tr, settings=settings, now=now)
    lines = [fmt.vehicle_title(tr, view.vehicle.info)]
    lines += [line for field in FIELDS if (line := field(view.snapshot, context)) is not None]
    if len(lines) == 1:
        lines.append(tr("status.no_data"))
    if view.stale_reason is not None:
        lines += stale_lines(tr, view.stale_reason, view.vehicle.role)
    return "\n".join(lines)


def stale_lines(tr: Translator, reason: str, role: Role) -> list[str]:
    """The warning of a card or a /where shown from the stored state because the live read failed."""
    lines = [tr(_stale_key(tr, reason))]
    if reason == "quota" and role is not Role.OWNER:
        # A member's taps spend the owner's account budget: say why it ran out without them.
        lines.append(tr("status.stale.quota_shared"))
    return lines


def _stale_key(tr: Translator, reason: str) -> str:
    key = f"status.stale.{reason}"
    return key if tr.has(key) else "status.stale.generic"
