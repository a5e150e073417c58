"""A simulated car: state plus physics advanced lazily on the injected clock whenever it is read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot.simulator.renault.schedule import next_start, window_at

# Model code -> (usable battery kWh, full-battery range km, max AC charge power kW); rough public figures.
_MODEL_SPECS: dict[str, tuple[float, float, float]] = {
    "X101VE": (41.0, 300.0, 22.0),
    "X102VE": (52.0, 390.0, 22.0),
    "X071VE": (22.0, 190.0, 22.0),
    "XBG1VE": (27.0, 230.0, 6.6),
    "XBG2VE": (27.0, 225.0, 7.0),
    "XCB1VE": (60.0, 450.0, 22.0),
    "XCB1SE": (87.0, 610.0, 22.0),
    "R5E1VE": (52.0, 410.0, 11.0),
    "A5E1AE": (52.0, 380.0, 11.0),
    "A4E1VE": (52.0, 400.0, 11.0),
    "XDD1VE": (87.0, 460.0, 22.0),
    "XFB2BK": (12.0, 60.0, 3.7),
    "XJB1SU": (10.0, 50.0, 3.7),
}
_DEFAULT_SPECS = (50.0, 350.0, 7.4)
_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

HVAC_RUN = timedelta(minutes=10)  # pre-conditioning runs this long, then the car switches it off


def model_specs(model_code: str) -> tuple[float, float, float]:
    """Usable capacity (kWh), full range (km) and max charge power (kW) of a model."""
    return _MODEL_SPECS.get(model_code, _DEFAULT_SPECS)


@dataclass(frozen=True, slots=True)
class SimChargeSession:
    """One finished (or interrupted) charge, as listed by the `charges` endpoint."""

    started_at: datetime
    ended_at: datetime
    start_level: int
    end_level: int
    energy_kwh: float
    power_kw: float
    ok: bool = True


def _default_ev_settings() -> dict[str, Any]:
    return {
        "lastSettingsUpdateTimestamp": "2026-01-01T00:00:00Z",
        "delegatedActivated": False,
        "chargeModeRq": "ALWAYS",
        "chargeTimeStart": "00:00",
        "chargeDuration": 480,
        "preconditioningTemperature": 21.0,
        "preconditioningHeatedStrgWheel": False,
        "preconditioningHeatedRightSeat": False,
        "preconditioningHeatedLeftSeat": False,
        "programs": [],
    }


def kcm_windows(settings: dict[str, Any]) -> list[dict[str, Any]]:
    """The charge windows of KCM ev/settings as schedule slots: each active charging program ends at its
    departure time on its days and lasts `chargeDuration` minutes (times `HH:MM`, taken as UTC)."""
    duration = settings.get("chargeDuration")
    if settings.get("chargeModeRq") != "SCHEDULED" or not isinstance(duration, int) or duration <= 0:
        return []
    slots: list[dict[str, Any]] = []
    for program in settings.get("programs") or []:
        departure = str(program.get("programDepartureTime", ""))
        if program.get("programActivationStatus") is not True or program.get("programType") not in (
            "CHARGE",
            "CHARGE_AND_PRECONDITIONING",
        ):
            continue
        end = int(departure[:2]) * 60 + int(departure[3:5])
        days = {}
        for index, day in enumerate(_DAYS):
            if program.get(f"programActivation{day.capitalize()}") is True:
                start = (index * 1440 + end - duration) % (7 * 1440)
                day_name = _DAYS[start // 1440]
                days[day_name] = {
                    "startTime": f"T{start % 1440 // 60:02d}:{start % 60:02d}Z",
                    "duration": duration,
                }
        slots.append({"id": len(slots) + 1, "activated": True, **days})
    return slots


def _default_calendar() -> dict[str, list[dict[str, Any]]]:
    return {d: [{"startTime": "2300", "duration": 480, "activationState": False}] for d in _DAYS}


@dataclass(slots=True, eq=False)
class SimCar:
    """Mutable state of one simulated vehicle; call `advance(now)` before reading it."""

    vin: str
    model_code: str
    account_id: str
    plate: str
    updated_at: datetime
    battery_level: float = 60.0
    plugged: bool = False
    charging: bool = False
    paused: bool = False
    charge_ended: bool = False
    charge_power_kw: float | None = None
    soc_min: int = 15
    soc_target: int = 100
    mileage_km: float = 12000.0
    outside_temperature_c: float = 8.0
    cabin_temperature_c: float = 12.0
    hvac_on: bool = False
    hvac_until: datetime | None = None
    hvac_target_c: float = 21.0
    latitude: float = 48.8566
    longitude: float = 2.3522
    location_at: datetime | None = None
    locked: bool = True
    privacy_mode: bool = False
    charge_mode: str = "always"  # "always" | "scheduled"
    reported_at: datetime | None = None
    schedules: list[dict[str, Any]] = field(default_factory=list)  # KCA charging-settings slots
    hvac_schedules: list[dict[str, Any]] = field(default_factory=list)
    calendar: dict[str, list[dict[str, Any]]] = field(default_factory=_default_calendar)
    ev_settings: dict[str, Any] = field(default_factory=_default_ev_settings)
    sessions: list[SimChargeSession] = field(default_factory=list)
    hvac_sessions: list[datetime] = field(default_factory=list)
    horn_count: int = 0
    lights_count: int = 0
    charge_planned_at: datetime | None = None
    hvac_ready_at: datetime | None = None
    _window_end: datetime | None = None
    _session_start: tuple[datetime, float] | None = None

    def __post_init__(self) -> None:
        if self.reported_at is None:
            self.reported_at = self.updated_at
        if self.location_at is None:
            self.location_at = self.updated_at

    @property
    def capacity_kwh(self) -> float:
        """Usable battery capacity."""
        return model_specs(self.model_code)[0]

    @property
    def power_kw(self) -> float:
        """Charge power while charging (the station/car limit)."""
        return self.charge_power_kw if self.charge_power_kw is not None else model_specs(self.model_code)[2]

    @property
    def level(self) -> int:
        """Battery level as the car reports it (whole percent)."""
        return int(self.battery_level)

    @property
    def range_km(self) -> int:
        """Estimated range, proportional to the level."""
        return round(model_specs(self.model_code)[1] * self.battery_level / 100.0)

    @property
    def available_energy_kwh(self) -> int:
        """Energy left in the battery."""
        return round(self.capacity_kwh * self.battery_level / 100.0)

    @property
    def target_level(self) -> int:
        """Where charging stops (the soc target, 100 % by default)."""
        return max(1, min(100, self.soc_target))

    def remaining_minutes(self) -> int:
        """Minutes until the target level at the current power (0 when not charging)."""
        if not self.charging:
            return 0
        missing_kwh = max(0.0, (self.target_level - self.battery_level) / 100.0 * self.capacity_kwh)
        return round(missing_kwh / self.power_kw * 60.0)

    def advance(self, now: datetime) -> None:
        """Run the physics from the last update up to `now` (never backwards)."""
        if now <= self.updated_at:
            return
        # Planned events happen at their own time, so physics runs up to them first.
        if self.charge_planned_at is not None and self.charge_planned_at <= now:
            at, self.charge_planned_at = self.charge_planned_at, None
            self.advance(at)
            self.start_charging(at)
        hvac_start = self.hvac_ready_at - HVAC_RUN if self.hvac_ready_at is not None else None
        if hvac_start is not None and hvac_start <= now:
            at, self.hvac_ready_at = max(hvac_start, self.updated_at), None
            self.advance(at)
            self.start_hvac(at, self.hvac_target_c)
        self._follow_schedule(now)
        if self.charging and self._window_end is not None and self._window_end <= now:
            end, self._window_end = self._window_end, None
            self._step(end)
            if self.charging:
                self.stop_charging(end)
                self.paused = False  # waiting for the next window, not stopped by hand
            self.advance(now)
            return
        self._step(now)

    def _follow_schedule(self, now: datetime) -> None:
        if self.charge_mode != "scheduled" or not self.plugged or self.charging or self.paused:
            return
        slots = self.schedules + kcm_windows(self.ev_settings)
        current = window_at(slots, self.updated_at)
        start = self.updated_at if current else next_start(slots, self.updated_at, now)
        if start is None:
            return
        self._step(start)
        window = window_at(slots, start)
        self._window_end = window[1] if window else None
        self.start_charging(start)

    def _step(self, now: datetime) -> None:
        if now <= self.updated_at:
            return
        if self.charging:
            self._advance_charge(now)
        if self.hvac_on and self.hvac_until is not None and now >= self.hvac_until:
            self.hvac_on = False
            self.hvac_until = None
            self.reported_at = max(self.reported_at or now, now)
        self.updated_at = now

    def _advance_charge(self, now: datetime) -> None:
        hours = (now - self.updated_at).total_seconds() / 3600.0
        gained = self.power_kw * hours / self.capacity_kwh * 100.0
        target = float(self.target_level)
        if self.battery_level + gained >= target:
            # The car reports the moment the target was reached, not the moment someone looked.
            needed_h = (target - self.battery_level) / 100.0 * self.capacity_kwh / self.power_kw
            reached = self.updated_at + timedelta(hours=max(0.0, needed_h))
            self.battery_level = max(self.battery_level, target)
            self._finish_session(reached, ok=True)
            self.charging = False
            self.charge_ended = True
            self.reported_at = reached
            return
        self.battery_level += gained
        self.reported_at = now

    # --- state changes (helpers for tests and the results of actions) ---

    def plug(self, now: datetime) -> None:
        """Connect the cable; the car starts charging at once in 'always' mode."""
        self.advance(now)
        self.plugged = True
        self.charge_ended = False
        self.paused = False
        self.reported_at = now
        if self.charge_mode == "always" and self.battery_level < self.target_level:
            self.start_charging(now)

    def unplug(self, now: datetime) -> None:
        """Disconnect the cable (ends any charge)."""
        self.advance(now)
        if self.charging:
            self._finish_session(now, ok=True)
        self.plugged = False
        self.charging = False
        self.paused = False
        self.charge_ended = False
        self.reported_at = now

    def start_charging(self, now: datetime) -> None:
        """Start charging if the cable is in and the battery is below target."""
        self.advance(now)
        if not self.plugged or self.charging or self.battery_level >= self.target_level:
            return
        self.charging = True
        self.paused = False
        self.charge_ended = False
        self._session_start = (now, self.battery_level)
        self.reported_at = now

    def stop_charging(self, now: datetime) -> None:
        """Stop (pause) an ongoing charge; the cable stays in."""
        self.advance(now)
        if self.charging:
            self._finish_session(now, ok=True)
            self.charging = False
        self.paused = self.plugged
        self.reported_at = now

    def plan_charge(self, now: datetime, at: datetime) -> None:
        """Start charging at a later time (KCM delayed start)."""
        self.advance(now)
        self.charge_planned_at = at

    def plan_hvac(self, now: datetime, ready_at: datetime, target_c: float) -> None:
        """Have the cabin ready at `ready_at`: the HVAC starts a few minutes before."""
        self.advance(now)
        self.hvac_ready_at = ready_at
        self.hvac_target_c = target_c

    def set_charge_mode(self, now: datetime, mode: str) -> None:
        """Switch between 'always' and 'scheduled'; 'always' starts a plugged car charging."""
        self.advance(now)
        self.charge_mode = mode
        self.reported_at = now
        if mode == "always" and self.plugged and not self.paused:
            self.start_charging(now)
        elif mode == "scheduled" and self.charging:
            self.stop_charging(now)
            self.paused = False  # waiting for the planned charge, not stopped by hand

    def set_soc_levels(self, now: datetime, soc_min: int, soc_target: int) -> None:
        """Change the charge limits; a charge already above the new target stops."""
        self.advance(now)
        self.soc_min, self.soc_target = soc_min, soc_target
        if self.charging and self.battery_level >= self.target_level:
            self.stop_charging(now)
            self.paused = False
            self.charge_ended = True

    def set_level(self, now: datetime, level: float) -> None:
        """Force the battery level (test helper)."""
        self.advance(now)
        self.battery_level = max(0.0, min(100.0, level))
        self.reported_at = now

    def move(self, now: datetime, latitude: float, longitude: float, km: float = 0.0) -> None:
        """Drive to a new place, consuming energy for `km` (test helper)."""
        self.advance(now)
        self.latitude, self.longitude = latitude, longitude
        self.mileage_km += km
        per_pct = model_specs(self.model_code)[1] / 100.0
        self.battery_level = max(0.0, self.battery_level - km / per_pct)
        self.location_at = now
        self.reported_at = now

    def start_hvac(self, now: datetime, target_c: float) -> None:
        """Start pre-conditioning now; it stops by itself after a few minutes."""
        self.advance(now)
        self.hvac_on = True
        self.hvac_target_c = target_c
        self.hvac_until = now + HVAC_RUN
        self.hvac_sessions.append(now)
        self.reported_at = now

    def stop_hvac(self, now: datetime) -> None:
        """Stop pre-conditioning."""
        self.advance(now)
        self.hvac_on = False
        self.hvac_until = None
        self.reported_at = now

    def _finish_session(self, end: datetime, *, ok: bool) -> None:
        if self._session_start is None:
            return
        started, start_level = self._session_start
        self._session_start = None
        energy = (self.battery_level - start_level) / 100.0 * self.capacity_kwh
        self.sessions.append(
            SimChargeSession(
                started, end, int(start_level), int(self.battery_level), energy, self.power_kw, ok
            )
        )
