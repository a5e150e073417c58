"""Use cases: plan a smart charge ("ready by 07:30 at 80 %") from a tariff source, per chat and daily.

Carrying the plan out (Confirm/Cancel, start/stop) is `control.SmartChargeControl`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import date, time, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.domain.feed_url import UrlProblem, url_problem
from bot.domain.models import traits_for
from bot.domain.preferences import ChatSettings
from bot.domain.tariff import (
    TariffChoice,
    TariffError,
    TariffFormatError,
    TariffKind,
    TariffProvider,
    TariffRefused,
)
from bot.domain.vehicle import Right
from bot.features.smart_charging.events import SmartPlanReady
from bot.features.smart_charging.logic.planner import (
    ChargePlan,
    PlanRequest,
    ScheduleRules,
    next_ready_by,
    plan_charge,
)
from bot.features.smart_charging.logic.power import ChargePower, choose_charge_power
from bot.features.smart_charging.logic.schedule import PlannedCharge, SmartGoalSetting
from bot.features.smart_charging.ports import SmartChargeStore, SmartPlanView, TariffDown
from bot.features.smart_charging.use_cases.control import SmartChargeControl
from bot.services.errors import InvalidInput, ServiceError
from bot.services.fanout import FanOut, merged
from bot.services.gateway import RenaultGateway
from bot.services.outbox_ports import DeliveryReport, Outbox
from bot.services.ports import ChatRepository, Clock, LinkingPort, OutboxEntry
from bot.services.tariff_ports import TariffFactory

log = logging.getLogger(__name__)

R = TypeVar("R")

DAILY_LOCAL_TIME = time(17, 0)
"""Daily plans go out once the chat's local clock passes this (day-ahead prices are out by then)."""

# Prices are fetched from a little before now so the step holding `now` is priced for "charge now".
_LOOKBACK = timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class SmartChargeGoal:
    """What the owner asked for, and what we know about the car."""

    ready_at: time
    time_zone: str
    current_level: float
    target_level: float
    usable_capacity_kwh: float
    power: ChargePower
    can_schedule: bool = True
    can_start_stop: bool = False
    efficiency: float = 0.9
    margin: float = 0.1
    rules: ScheduleRules = field(default_factory=ScheduleRules)


class SmartChargingService:
    """Plans the cheapest charge before the next `ready_at` with prices from one tariff source."""

    def __init__(self, tariff: TariffProvider, clock: Clock) -> None:
        self._tariff = tariff
        self._clock = clock

    async def plan(self, goal: SmartChargeGoal) -> ChargePlan:
        """Fetch prices up to the deadline and plan; tariff failures become TariffDown."""
        try:
            zone = ZoneInfo(goal.time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise InvalidInput(["smartcharge.bad_time_zone"]) from None
        now = self._clock()
        ready_by = next_ready_by(now, goal.ready_at, zone)
        try:
            prices = await self._tariff.prices(now - _LOOKBACK, ready_by)
        except TariffError as error:
            raise TariffDown(
                malformed=isinstance(error, TariffFormatError), refused=isinstance(error, TariffRefused)
            ) from error
        request = PlanRequest(
            now=now,
            ready_by=ready_by,
            current_level=goal.current_level,
            target_level=goal.target_level,
            usable_capacity_kwh=goal.usable_capacity_kwh,
            charge_power_kw=goal.power.kw,
            efficiency=goal.efficiency,
            margin=goal.margin,
            can_schedule=goal.can_schedule,
            can_start_stop=goal.can_start_stop,
            rules=goal.rules,
        )
        return plan_charge(request, prices)


class SmartChargeAssistant:
    """The /smartcharge use cases: tariff choice per chat, plan for a goal, daily re-planning."""

    def __init__(
        self,
        linking: LinkingPort,
        gateway: RenaultGateway,
        chats: ChatRepository,
        store: SmartChargeStore,
        control: SmartChargeControl,
        tariffs: TariffFactory,
        notifications: Outbox,
        clock: Clock,
        fanout: FanOut | None = None,
    ) -> None:
        self._notify = notifications
        self._fanout = fanout or FanOut()
        self._linking = linking
        self._gateway = gateway
        self._chats = chats
        self._store = store
        self._control = control
        self._tariffs = tariffs
        self._clock = clock

    async def set_tariff(self, chat_id: int, choice: TariffChoice) -> None:
        """Validate and store the chat's tariff source."""
        problems = tariff_problems(choice)
        if problems:
            raise InvalidInput(problems)
        await self._store.save_tariff(chat_id, choice)

    async def tariff(self, chat_id: int) -> TariffChoice | None:
        """The chat's tariff source, or None."""
        return await self._store.tariff(chat_id)

    async def plan_for(self, goal: SmartGoalSetting) -> SmartPlanView:
        """Plan the goal with the chat's tariff and the car's level; keep it as the proposal."""
        vehicle = await self._linking.resolve(goal.chat_id, goal.vehicle_id, Right.COMMAND)
        if not 1 <= goal.target_level <= 100:
            raise InvalidInput(["smart.error.target_range"])
        choice = await self._store.tariff(goal.chat_id)
        if choice is None:
            raise InvalidInput(["smart.error.no_tariff"])
        settings = await self._chats.get(goal.chat_id)
        zone = settings.time_zone if settings is not None else "UTC"
        stored = await self._gateway.stored(vehicle.vehicle_id)
        snapshot = await self._gateway.read_snapshot(stored)
        if snapshot.battery_level is None:
            raise InvalidInput(["smart.error.no_level"])
        traits = traits_for(vehicle.info.model_code)
        power = choose_charge_power(None, traits.default_ac_power_kw, None)
        if traits.usable_capacity_kwh is None or power is None:
            raise InvalidInput(["smart.error.unknown_battery"])
        caps = vehicle.capabilities
        proxy = await self._gateway.vehicle(stored)
        service = SmartChargingService(self._tariffs(choice, zone), self._clock)
        plan = await service.plan(
            SmartChargeGoal(
                ready_at=goal.ready_at,
                time_zone=zone,
                current_level=snapshot.battery_level,
                target_level=goal.target_level,
                usable_capacity_kwh=traits.usable_capacity_kwh,
                power=power,
                # The R5 family takes a window through ev/settings programs (the proxy's table knows it
                # even for cars linked before that key existed).
                can_schedule=caps.supports("charge-set-schedule") or proxy.supports("charge-set-programs"),
                can_start_stop=caps.supports("charge-start") and caps.supports("charge-stop"),
            )
        )
        await self._store.save_goal(goal)
        planned = None
        if plan.window is not None or plan.slots is not None:
            ready_by = next_ready_by(self._clock(), goal.ready_at, ZoneInfo(zone))
            planned = await self._control.propose(
                goal.chat_id, vehicle.vehicle_id, plan, goal.target_level, ready_by
            )
        return SmartPlanView(vehicle.vehicle_id, goal.chat_id, plan, planned, zone, snapshot.battery_level)

    async def active_vehicle(self, chat_id: int) -> int:
        """The chat's active vehicle id (NotLinked when none)."""
        return (await self._linking.active(chat_id)).vehicle_id

    async def confirm(self, chat_id: int, vehicle_id: int) -> PlannedCharge:
        """Carry out the proposed plan (see SmartChargeControl.confirm)."""
        return await self._control.confirm(chat_id, vehicle_id)

    async def cancel(self, chat_id: int, vehicle_id: int) -> bool:
        """Drop the plans and restore the car's schedule (see SmartChargeControl.cancel)."""
        return await self._control.cancel(chat_id, vehicle_id)

    async def run_due(self) -> DeliveryReport:
        """Start/stop armed plans at their boundaries and tell each plan's chat, through the outbox."""
        entries: list[OutboxEntry] = []
        for chat_id, event in await self._control.run_due():
            settings = await self._chats.get(chat_id)
            if settings is not None:
                entries += await self._notify.enqueue_for_chat(event.vehicle_id, settings, [event])
        return await self._notify.deliver(entries)

    async def send_daily_plans(self) -> DeliveryReport:
        """Queue every due daily plan in the outbox (quiet hours, blocked chats, exactly-once) and send it.

        Each car's plans are made, claimed and sent on their own, side by side with the other cars'
        (`FanOut`): a chat whose tariff feed is slow delays nobody else's plan.
        """

        async def send(claimed: _Claimed) -> DeliveryReport:
            view, settings, local_day = claimed
            if settings is None:
                return DeliveryReport()
            stored = await self._gateway.stored(view.vehicle_id)
            event = SmartPlanReady(
                stored.info.vin, view.vehicle_id, local_day, view.time_zone, view.summary()
            )
            entries = await self._notify.enqueue_for_chat(view.vehicle_id, settings, [event])
            return await self._notify.deliver(entries)

        return merged(await self._claim_daily_plans(send))

    async def set_daily(self, chat_id: int, vehicle_id: int, daily: bool) -> SmartGoalSetting:
        """Switch daily re-planning for the chat's goal on or off."""
        vehicle = await self._linking.resolve(chat_id, vehicle_id, Right.COMMAND)
        goal = await self._store.goal(chat_id, vehicle.vehicle_id)
        if goal is None:
            raise InvalidInput(["smart.error.no_goal"])
        goal = replace(goal, daily=daily)
        await self._store.save_goal(goal)
        return goal

    async def daily_plans(self) -> list[SmartPlanView]:
        """Plans due now: every daily goal whose chat's local time has passed DAILY_LOCAL_TIME today and that
        has not had today's plan. Each is claimed in the store once planned, so it is returned at most once
        per local day (restarts and replicas included); failures are skipped, logged and retried next run."""

        async def keep(claimed: _Claimed) -> SmartPlanView:
            return claimed[0]

        return await self._claim_daily_plans(keep)

    async def _claim_daily_plans(self, then: Callable[[_Claimed], Awaitable[R]]) -> list[R]:
        # Each claimed plan goes to `then` with the chat settings and the local day it was claimed for, so
        # sending it neither reads the chat again nor recomputes a day that may have turned since the claim.
        now = self._clock()
        by_vehicle: dict[int, list[tuple[SmartGoalSetting, ChatSettings | None, date]]] = {}
        for goal in await self._store.daily_goals():
            settings = await self._chats.get(goal.chat_id)
            local = now.astimezone(_zone(settings.time_zone if settings is not None else "UTC"))
            if local.time() < DAILY_LOCAL_TIME or (
                goal.daily_sent_on is not None and goal.daily_sent_on >= local.date()
            ):
                continue
            by_vehicle.setdefault(goal.vehicle_id, []).append((goal, settings, local.date()))

        async def one_vehicle(due: list[tuple[SmartGoalSetting, ChatSettings | None, date]]) -> list[R]:
            # One car's goals one after another: their plans write the same car's proposal.
            done = []
            for goal, settings, day in due:
                try:
                    view = await self.plan_for(goal)
                except ServiceError as error:
                    log.info(
                        "daily smart plan skipped for vehicle %s: %s", goal.vehicle_id, type(error).__name__
                    )
                    continue
                if await self._store.claim_daily(goal.chat_id, goal.vehicle_id, day):
                    done.append(await then((view, settings, day)))
            return done

        results = await self._fanout.each(list(by_vehicle.values()), one_vehicle, "daily smart plans")
        return [item for done in results if done is not None for item in done]


_Claimed = tuple[SmartPlanView, ChatSettings | None, date]


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


_REGION = re.compile(r"[A-P]")
# Each way a feed URL is refused at set-up; the fetcher checks the resolved addresses again at every fetch.
_URL_PROBLEMS = {
    UrlProblem.NOT_HTTPS: "smart.error.url",
    UrlProblem.CREDENTIALS: "smart.error.url_credentials",
    UrlProblem.INTERNAL_HOST: "smart.error.url_internal",
    UrlProblem.MALFORMED: "smart.error.url_malformed",
    UrlProblem.TOO_LONG: "smart.error.url_malformed",
}


def tariff_problems(choice: TariffChoice) -> list[str]:
    """Why a tariff choice cannot be used (i18n keys); empty when it can."""
    if choice.kind is TariffKind.OCTOPUS:
        return [] if choice.region and _REGION.fullmatch(choice.region) else ["smart.error.region"]
    if choice.kind is TariffKind.URL:
        problem = url_problem(choice.url or "")
        return [] if problem is None else [_URL_PROBLEMS[problem]]
    prices = (choice.peak, choice.off_peak)
    if (
        any(p is None or p < 0 for p in prices)
        or choice.off_peak_start is None
        or choice.off_peak_end is None
    ):
        return ["smart.error.fixed"]
    return []
