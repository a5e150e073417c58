"""Small in-memory fakes of the use cases the front-end calls (fakes over mocks)."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, time, timedelta

from telegram import Update

from bot.app.parts import TELEGRAM_PARTS
from bot.domain.actions import as_requested
from bot.domain.preferences import ChatSettings, NotificationPreferences
from bot.domain.schedule import ChargeProgram, ChargeSchedule, DaySlot, ScheduleMode, validate
from bot.domain.snapshot import ChargeMode, ChargeState, GeoPoint, PlugState, VehicleSnapshot
from bot.domain.vehicle import Capabilities, LinkedVehicle, Right, Role, VehicleInfo
from bot.features.actions.ports import ACTIONS, ActionOutcome, ActionRequest
from bot.features.linking.ports import LINKING, CodeNeeded, LinkResult
from bot.features.schedule.ports import SCHEDULES
from bot.features.smart_charging.ports import SMART_CHARGING, SmartChargePort
from bot.features.status.ports import STATUS, LocationView, StatusView
from bot.services import errors
from bot.services.access import Located, authorize, located
from bot.services.conversation_ports import LoginDraft
from bot.services.features import Features
from bot.simulator.http_server import LoopbackServer
from bot.simulator.telegram import TelegramEmulator
from bot.telegram_ui.application import build_application, new_bot
from bot.telegram_ui.context import BotApplication, Services, UiOptions
from tests.support.clock import FakeClock

PASSWORD = "correct horse"
CODE = "424242"
ZOE_CAPABILITIES = Capabilities(
    frozenset({"battery-status", "hvac-start", "charge-start", "charge-stop", "location", "charge-schedule"})
)


def zoe(vehicle_id: int = 7, role: Role = Role.OWNER) -> LinkedVehicle:
    """A Zoe 50 as a chat sees it."""
    info = VehicleInfo(vin="VF1AG000012345678", model_code="X102VE", model_name="ZOE", plate="AB-123-CD")
    return LinkedVehicle(vehicle_id, 1, info, role, ZOE_CAPABILITIES)


def spring(vehicle_id: int = 8) -> LinkedVehicle:
    """A Dacia Spring as a chat sees it."""
    info = VehicleInfo(vin="UU1DBG00098765432", model_code="XBG1VE", model_name="SPRING", brand="DACIA")
    return LinkedVehicle(vehicle_id, 1, info, Role.OWNER, Capabilities(frozenset({"battery-status"})))


class FakeLinking:
    """Accounts keyed by chat; 'tfa@example.com' needs an e-mailed code."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.links: dict[int, list[LinkedVehicle]] = {}
        self.active_ids: dict[int, int] = {}
        self.on_login: list[LinkedVehicle] = [zoe()]
        self.cancelled: list[str] = []
        self.passwords_seen: list[str] = []
        self.locales_seen: list[str] = []

    async def begin(self, chat_id: int, locale: str, email: str, password: str) -> LinkResult | CodeNeeded:
        self.passwords_seen.append(password)
        self.locales_seen.append(locale)
        if password != PASSWORD:
            raise errors.LoginRejected()
        if email.startswith("tfa@"):
            return CodeNeeded(challenge_id="c1", masked_emails=("t***@e***.com",))
        return self._link(chat_id)

    async def submit_code(self, chat_id: int, pending: CodeNeeded, code: str) -> LinkResult:
        if code != CODE:
            raise errors.CodeRejected()
        return self._link(chat_id)

    async def cancel(self, chat_id: int, pending: CodeNeeded) -> None:
        self.cancelled.append(pending.challenge_id)

    def _link(self, chat_id: int) -> LinkResult:
        self.links[chat_id] = list(self.on_login)
        self.active_ids[chat_id] = self.on_login[0].vehicle_id
        return LinkResult(1, tuple(self.on_login), self.on_login[0].vehicle_id)

    async def vehicles(self, chat_id: int) -> list[LinkedVehicle]:
        return list(self.links.get(chat_id, []))

    async def select(self, chat_id: int, vehicle_id: int) -> LinkedVehicle:
        for vehicle in self.links.get(chat_id, []):
            if vehicle.vehicle_id == vehicle_id:
                self.active_ids[chat_id] = vehicle_id
                return vehicle
        raise errors.NotPermitted()

    async def active(self, chat_id: int) -> LinkedVehicle:
        vehicles = self.links.get(chat_id)
        if not vehicles:
            raise errors.NotLinked()
        wanted = self.active_ids.get(chat_id)
        return next((v for v in vehicles if v.vehicle_id == wanted), vehicles[0])

    async def resolve(self, chat_id: int, vehicle_id: int | None, needs: Right) -> LinkedVehicle:
        if vehicle_id is None:
            return authorize(await self.active(chat_id), needs)
        for vehicle in self.links.get(chat_id, []):
            if vehicle.vehicle_id == vehicle_id:
                return authorize(vehicle, needs)
        raise errors.NotPermitted()

    async def locate(self, chat_id: int, vehicle_id: int | None) -> Located:
        return located(chat_id, await self.resolve(chat_id, vehicle_id, Right.LOCATE))

    async def forget_pending(self, chat_id: int) -> None:
        self.cancelled.append(f"chat {chat_id}")


class FakeStatus:
    """Serves one snapshot per vehicle; `failure` makes the next read raise."""

    def __init__(self, linking: FakeLinking, clock: FakeClock) -> None:
        self.linking = linking
        self.clock = clock
        self.refreshes = 0
        self.failure: errors.ServiceError | None = None
        self.snapshot = VehicleSnapshot(
            vin="VF1AG000012345678",
            reported_at=clock() - timedelta(minutes=12),
            battery_level=62,
            range_km=203.0,
            plug=PlugState.PLUGGED,
            charge=ChargeState.NOT_IN_CHARGE,
            location=GeoPoint(48.85, 2.35, clock() - timedelta(minutes=30)),
        )

    async def _vehicle(self, chat_id: int, vehicle_id: int | None) -> LinkedVehicle:
        if vehicle_id is None:
            return await self.linking.active(chat_id)
        for vehicle in await self.linking.vehicles(chat_id):
            if vehicle.vehicle_id == vehicle_id:
                return vehicle
        raise errors.NotPermitted()

    async def status(
        self, chat_id: int, vehicle_id: int | None = None, *, refresh: bool = False
    ) -> StatusView:
        vehicle = await self._vehicle(chat_id, vehicle_id)
        if self.failure is not None:
            failure, self.failure = self.failure, None
            raise failure
        self.refreshes += refresh
        return StatusView(vehicle, self.snapshot, fetched_at=self.clock())

    async def card(self, chat_id: int) -> tuple[ChatSettings, StatusView] | None:
        # This fake keeps no chat settings (the settings fake does): every /status takes the long way,
        # settings then `status`. The one-read card is the real service's (tests/services/
        # tests/features/status/test_card.py).
        return None

    async def location(self, chat_id: int, vehicle_id: int | None = None) -> LocationView:
        vehicle = await self._vehicle(chat_id, vehicle_id)
        assert self.snapshot.location is not None
        return LocationView(vehicle, self.snapshot.location)


class FakeActions:
    """Records what was asked; `failure` makes the next run raise; the known state is the status fake's."""

    def __init__(self, linking: FakeLinking, status: FakeStatus) -> None:
        self.linking = linking
        self.status = status
        self.runs: list[tuple[int, int, ActionRequest]] = []
        self.failure: errors.ServiceError | None = None

    async def run(self, chat_id: int, vehicle_id: int, request: ActionRequest) -> ActionOutcome:
        vehicle = next(v for v in await self.linking.vehicles(chat_id) if v.vehicle_id == vehicle_id)
        if self.failure is not None:
            failure, self.failure = self.failure, None
            raise failure
        self.runs.append((chat_id, vehicle_id, request))
        expected = as_requested(
            self.status.snapshot,
            request.kind,
            scheduled=request.at is not None,
            charge_mode=request.charge_mode,
        )
        return ActionOutcome(vehicle, request.kind.value, accepted=True, snapshot=expected)

    async def known_state(self, chat_id: int, vehicle_id: int) -> VehicleSnapshot | None:
        await self.status._vehicle(chat_id, vehicle_id)
        return self.status.snapshot

    async def charge_mode(self, chat_id: int, vehicle_id: int) -> ChargeMode | None:
        await self.status._vehicle(chat_id, vehicle_id)
        return self.status.snapshot.charge_mode


class FakeSettings:
    """Chat settings and preferences in dicts."""

    def __init__(self) -> None:
        self.chats: dict[int, ChatSettings] = {}
        self.prefs: dict[tuple[int, int], NotificationPreferences] = {}

    async def chat(self, chat_id: int, telegram_language: str | None) -> ChatSettings:
        if chat_id not in self.chats:
            language = (
                (telegram_language or "en")[:2]
                if (telegram_language or "en")[:2] in ("en", "fr", "de")
                else "en"
            )
            self.chats[chat_id] = ChatSettings(chat_id=chat_id, language=language)
        return self.chats[chat_id]

    async def save_chat(self, settings: ChatSettings) -> None:
        self.chats[settings.chat_id] = settings

    async def preferences(self, chat_id: int, vehicle_id: int) -> NotificationPreferences:
        return self.prefs.get((chat_id, vehicle_id), NotificationPreferences())

    async def save_preferences(self, chat_id: int, vehicle_id: int, prefs: NotificationPreferences) -> None:
        self.prefs[(chat_id, vehicle_id)] = prefs


def weekday_schedule(start: time, minutes: int, days: int = 5) -> ChargeSchedule:
    """Program 1 active on the first `days` weekdays at a UTC start; program 2 empty and off."""
    slot = DaySlot(start, minutes)
    first = ChargeProgram(1, True, tuple(slot if i < days else None for i in range(7)))
    return ChargeSchedule(ScheduleMode.SCHEDULED, (first, ChargeProgram(2, False)))


class FakeSchedules:
    """One schedule per vehicle; validates like the service; `failure` makes the next write raise."""

    def __init__(self, linking: FakeLinking) -> None:
        self.linking = linking
        self.stored: dict[int, ChargeSchedule] = {}
        self.writes: list[ChargeSchedule] = []
        self.failure: errors.ServiceError | None = None

    async def _check(self, chat_id: int, vehicle_id: int) -> None:
        if all(v.vehicle_id != vehicle_id for v in await self.linking.vehicles(chat_id)):
            raise errors.NotPermitted()

    async def schedule(self, chat_id: int, vehicle_id: int) -> ChargeSchedule:
        await self._check(chat_id, vehicle_id)
        return self.stored.get(vehicle_id, weekday_schedule(time(5, 0), 120))

    async def set_schedule(self, chat_id: int, vehicle_id: int, schedule: ChargeSchedule) -> ChargeSchedule:
        await self._check(chat_id, vehicle_id)
        problems = validate(schedule)
        if problems:
            raise errors.InvalidInput([f"schedule.problem.{p.code.value}" for p in problems])
        if self.failure is not None:
            failure, self.failure = self.failure, None
            raise failure
        self.writes.append(schedule)
        self.stored[vehicle_id] = schedule
        return schedule


@dataclasses.dataclass
class Stack:
    """The fakes, the emulator and the running application of one test."""

    clock: FakeClock
    emu: TelegramEmulator
    linking: FakeLinking
    status: FakeStatus
    actions: FakeActions
    settings: FakeSettings
    app: BotApplication
    schedules: FakeSchedules


class FakeLogins:
    """LoginConversationStore in memory."""

    def __init__(self) -> None:
        self.drafts: dict[int, LoginDraft] = {}

    async def load(self, chat_id: int) -> LoginDraft | None:
        return self.drafts.get(chat_id)

    async def save(self, draft: LoginDraft) -> None:
        self.drafts[draft.chat_id] = draft

    async def drop(self, chat_id: int) -> None:
        self.drafts.pop(chat_id, None)


class FakeDrafts:
    """DraftStore in memory."""

    def __init__(self) -> None:
        self.rows: dict[tuple[int, str], tuple[str, datetime]] = {}

    async def load_draft(self, chat_id: int, kind: str, now: datetime) -> str | None:
        found = self.rows.get((chat_id, kind))
        return found[0] if found is not None and found[1] > now else None

    async def save_draft(self, chat_id: int, kind: str, data: str, expires_at: datetime) -> None:
        self.rows[(chat_id, kind)] = (data, expires_at)

    async def drop_draft(self, chat_id: int, kind: str) -> None:
        self.rows.pop((chat_id, kind), None)


class FakeJournal:
    """UpdateJournal in memory: dedupe by update_id, one lock per chat."""

    def __init__(self) -> None:
        self.seen: set[int] = set()
        self.contents: dict[int, str | None] = {}  # what each update was journaled with, first time
        self._locks: dict[int, asyncio.Lock] = {}

    async def arrived(
        self, update_id: int, chat_id: int | None, now: datetime, content: str | None = None
    ) -> bool:
        fresh = update_id not in self.seen
        self.seen.add(update_id)
        self.contents.setdefault(update_id, content)
        return fresh

    @asynccontextmanager
    async def turn(self, chat_id: int, update_id: int) -> AsyncIterator[bool]:
        async with self._locks.setdefault(chat_id, asyncio.Lock()):
            yield True

    async def settle(self) -> None:
        """Nothing is written in the background here."""

    async def take_over(self, now: datetime, limit: int = 20) -> list[str]:
        return []

    @property
    def takeover_every(self) -> timedelta:
        return timedelta(seconds=5)


def make_services(clock: FakeClock) -> tuple[FakeLinking, FakeStatus, FakeActions, FakeSettings, Services]:
    """Fresh fakes bundled as the Services container (the status and actions fakes under `STATUS` and
    `ACTIONS`, a FakeSchedules under `SCHEDULES`)."""
    linking = FakeLinking(clock)
    status = FakeStatus(linking, clock)
    actions = FakeActions(linking, status)
    settings = FakeSettings()
    schedules = FakeSchedules(linking)
    services = Services(
        linking,
        settings,
        clock,
        logins=FakeLogins(),
        drafts=FakeDrafts(),
        journal=FakeJournal(),
        features=Features({STATUS: status, ACTIONS: actions, SCHEDULES: schedules, LINKING: linking}),
    )
    return linking, status, actions, settings, services


@asynccontextmanager
async def running_bot(
    options: UiOptions | None = None, smart: SmartChargePort | None = None
) -> AsyncIterator[Stack]:
    """The real Application over loopback against the emulator, with fake services."""
    clock = FakeClock(datetime(2026, 11, 2, 8, 0, tzinfo=UTC))
    emu = TelegramEmulator(clock)
    linking, status, actions, settings, services = make_services(clock)
    async with LoopbackServer(emu.handle) as server:
        bot = new_bot(emu.token, f"{server.url}/bot", f"{server.url}/file/bot")
        if smart is not None:
            wired = Features(
                {
                    STATUS: status,
                    ACTIONS: actions,
                    SCHEDULES: services.features.of(SCHEDULES),
                    LINKING: services.features.of(LINKING),
                    SMART_CHARGING: smart,
                }
            )
            services = dataclasses.replace(services, features=wired)
        app = build_application(bot, services, TELEGRAM_PARTS, options=options)
        async with app:
            assert app.post_init is not None
            await app.post_init(app)  # run_polling would call it; tests start the pieces themselves
            await app.start()
            assert app.updater is not None
            await app.updater.start_polling(poll_interval=0.0, timeout=5)
            try:
                schedules = services.features.of(SCHEDULES)
                assert isinstance(schedules, FakeSchedules)
                yield Stack(clock, emu, linking, status, actions, settings, app, schedules)
            finally:
                emu.close()
                await app.updater.stop()
                await app.stop()


async def forge_tap(stack: Stack, user_id: int, message_id: int, data: str) -> None:
    """Feed the application a callback query with arbitrary data, as a modified client could send."""
    payload = {
        "update_id": 10_000_000 + message_id,
        "callback_query": {
            "id": f"forged-{message_id}",
            "from": {"id": user_id, "is_bot": False, "first_name": "Forger", "language_code": "en"},
            "chat_instance": str(user_id),
            "data": data,
            "message": {
                "message_id": message_id,
                "date": int(stack.clock().timestamp()),
                "chat": {"id": user_id, "type": "private"},
                "text": "card",
            },
        },
    }
    await stack.app.process_update(Update.de_json(payload, stack.app.bot))
