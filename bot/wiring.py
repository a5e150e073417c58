"""Composition root: the one module that imports every layer and builds the object graph.

`build_core` assembles storage, the Renault client and the use cases on an injected HTTP client, database,
cipher and clock, so the real program, the demo and the end-to-end tests all run the same graph.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.request import getproxies

import httpx

from bot.domain.actions import ActionKind
from bot.domain.smart_schedule import TariffChoice, TariffKind
from bot.domain.tariff import TariffProvider
from bot.domain.zones import zone_or_utc
from bot.instrumented import CountingGate, CountingNotifier, counted_poll, renault_response_hook, ticked
from bot.observability.metrics import BotMetrics
from bot.persistence.accounts import SqlAccountRepository
from bot.persistence.budget import SqlCallBudgetStore
from bot.persistence.chats import SqlChatRepository, SqlPreferencesRepository
from bot.persistence.crypto import CredentialCipher
from bot.persistence.engine import Database
from bot.persistence.history import SqlHistoryRepository
from bot.persistence.invites import SqlInviteRepository
from bot.persistence.outbox import SqlNotificationLog
from bot.persistence.smartcharge import SqlSmartChargeStore
from bot.persistence.state import SqlVehicleStateRepository
from bot.persistence.vehicles import SqlVehicleRepository
from bot.poller.budget import BudgetGate
from bot.poller.intervals import IntervalPolicy, activity_of_phase, tick_seconds_for
from bot.poller.scheduler import Housekeeping, Poller, PollerSettings
from bot.renault.client import RenaultClient
from bot.renault.gate import RequestGate
from bot.renault.http11 import LeanTransport
from bot.renault.locales import LocaleOverrides
from bot.services.actions import ActionSent, ActionService
from bot.services.errors import InvalidInput
from bot.services.gateway import RenaultGateway
from bot.services.history import HistoryService
from bot.services.linking import LinkingService
from bot.services.notify import NotificationService, Notifier
from bot.services.polling import PollingService, PollOutcome
from bot.services.ports import Clock
from bot.services.settings import SettingsService
from bot.services.smart_charging import SmartChargeAssistant
from bot.services.smart_control import SmartChargeControl
from bot.services.smart_ports import TariffFactory
from bot.services.status import StatusService
from bot.services.translate import QUOTA_COOLDOWN
from bot.tariffs.fixed import FixedTwoRateTariff
from bot.tariffs.generic import GenericUrlTariff
from bot.tariffs.octopus import OctopusAgileTariff

HTTP_TIMEOUT = httpx.Timeout(20.0, connect=10.0)
MAX_CONNECTIONS = 200


@dataclass(frozen=True, slots=True)
class Stores:
    """Every repository, on one database."""

    db: Database
    chats: SqlChatRepository
    preferences: SqlPreferencesRepository
    accounts: SqlAccountRepository
    vehicles: SqlVehicleRepository
    states: SqlVehicleStateRepository
    budget: SqlCallBudgetStore
    outbox: SqlNotificationLog
    history: SqlHistoryRepository
    invites: SqlInviteRepository


@dataclass(frozen=True, slots=True)
class CoreOptions:
    """Plain values the use cases need from the configuration."""

    locale_overrides: LocaleOverrides | None = None
    max_calls_per_hour: int = 60
    low_battery_threshold: int = 20
    metrics: BotMetrics | None = None


@dataclass(frozen=True, slots=True)
class Core:
    """The Renault client and the use cases, ready for a front-end or the poller."""

    clock: Clock
    stores: Stores
    client: RenaultClient
    gateway: RenaultGateway
    linking: LinkingService
    status: StatusService
    actions: ActionService
    settings: SettingsService
    action_hooks: list[ActionSent] = field(default_factory=list)


def build_stores(db: Database, cipher: CredentialCipher) -> Stores:
    """Repositories over one database and cipher."""
    return Stores(
        db=db,
        chats=SqlChatRepository(db),
        preferences=SqlPreferencesRepository(db),
        accounts=SqlAccountRepository(db, cipher),
        vehicles=SqlVehicleRepository(db, cipher),
        states=SqlVehicleStateRepository(db),
        budget=SqlCallBudgetStore(db),
        outbox=SqlNotificationLog(db),
        history=SqlHistoryRepository(db),
        invites=SqlInviteRepository(db),
    )


class _LinkedAccountsOnly:
    """Budget only stored accounts: a login in progress has no account id yet and is never throttled."""

    def __init__(self, inner: RequestGate) -> None:
        self._inner = inner

    async def before_request(self, account_key: str, endpoint: str) -> None:
        """Spend from the account's budget when the key names a stored account."""
        if account_key.isdigit():
            await self._inner.before_request(account_key, endpoint)

    async def on_quota_exceeded(self, account_key: str) -> None:
        """Start the cooldown when the key names a stored account."""
        if account_key.isdigit():
            await self._inner.on_quota_exceeded(account_key)


def build_core(
    http: httpx.AsyncClient,
    db: Database,
    cipher: CredentialCipher,
    clock: Clock,
    options: CoreOptions | None = None,
) -> Core:
    """The whole service graph on injected I/O (HTTP client, database, cipher) and time."""
    options = options or CoreOptions()
    stores = build_stores(db, cipher)
    budget: RequestGate = BudgetGate(
        stores.budget, clock, max_calls_per_hour=options.max_calls_per_hour, cooldown=QUOTA_COOLDOWN
    )
    if options.metrics is not None:
        budget = CountingGate(budget, options.metrics)
    gate = _LinkedAccountsOnly(budget)
    client = RenaultClient(
        http, overrides=options.locale_overrides, clock=lambda: clock().timestamp(), gate=gate
    )
    gateway = RenaultGateway(client, stores.accounts, stores.vehicles, clock)
    linking = LinkingService(client, stores.chats, stores.accounts, stores.vehicles, clock)
    hooks: list[ActionSent] = []

    async def on_action_sent(vehicle_id: int, chat_id: int, kind: ActionKind, sent_at: datetime) -> None:
        # Filled in later (polling is built after the front-end that needs the core): late binding.
        for hook in hooks:
            await hook(vehicle_id, chat_id, kind, sent_at)

    return Core(
        clock=clock,
        stores=stores,
        client=client,
        gateway=gateway,
        linking=linking,
        status=StatusService(linking, gateway, stores.states, clock),
        actions=ActionService(linking, gateway, clock, on_sent=on_action_sent),
        settings=SettingsService(stores.chats, stores.preferences, options.low_battery_threshold),
        action_hooks=hooks,
    )


def system_clock() -> datetime:
    """The real time, aware UTC."""
    return datetime.now(UTC)


def new_http_client(
    transport: httpx.AsyncBaseTransport | None = None, metrics: BotMetrics | None = None
) -> httpx.AsyncClient:
    """The one shared HTTP client (Renault, tariffs); tests and the demo pass the simulator's transport."""
    limits = httpx.Limits(max_connections=MAX_CONNECTIONS, max_keepalive_connections=50)
    hooks = {"response": [renault_response_hook(metrics)]} if metrics is not None else {}
    return httpx.AsyncClient(
        transport=transport or default_transport(), timeout=HTTP_TIMEOUT, limits=limits, event_hooks=hooks
    )


def default_transport() -> httpx.AsyncBaseTransport | None:
    """The lean transport, or None (httpx's own) when the environment configures a proxy."""
    # httpx's own transport costs more CPU per request than the rest of a poll (see bot.renault.http11), but
    # it is the one that honours HTTP(S)_PROXY.
    return None if getproxies() else LeanTransport(MAX_CONNECTIONS)


# --- the poller -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PollingParts:
    """The poll-one-vehicle use case, its delivery and history, and the Poller that drives them."""

    polling: PollingService
    notifications: NotificationService
    history: HistoryService
    poller: Poller
    # Pass to register_poller / run_worker as `housekeeping=`: purges history older than the retention.
    housekeeping: Housekeeping


def build_history(core: Core, retention_days: int = 180) -> HistoryService:
    """Readings, charge sessions and /history, with the configured retention."""
    stores = core.stores
    return HistoryService(
        stores.history, stores.vehicles, stores.chats, core.clock, retention=timedelta(days=retention_days)
    )


def build_polling(
    core: Core,
    notifier: Notifier,
    *,
    history: HistoryService | None = None,
    poll_interval_seconds: int | None = None,
    max_calls_per_hour: int = 60,
    poller_settings: PollerSettings | None = None,
    concurrency: int | None = None,
    metrics: BotMetrics | None = None,
) -> PollingParts:
    """Wire polling, notifications and history on the core, and hook action confirmations into polling."""
    stores, clock = core.stores, core.clock
    policy = IntervalPolicy(fixed_seconds=poll_interval_seconds, max_calls_per_hour=max_calls_per_hour)
    tick = tick_seconds_for(policy)  # often enough for the shortest interval
    if poller_settings is None and concurrency is not None:
        # Two batches' worth of claims per round: one batch's requests fly while the other's are stored.
        poller_settings = PollerSettings(
            tick_seconds=tick, concurrency=concurrency, batch_size=2 * concurrency
        )
    poller_settings = poller_settings or PollerSettings(tick_seconds=tick)

    def next_poll(phase: str | None, vehicles_on_account: int, follow_up: bool) -> timedelta:
        return policy.next_delay(
            activity_of_phase(phase), vehicles_on_account=vehicles_on_account, follow_up=follow_up
        )

    if metrics is not None:
        notifier = CountingNotifier(notifier, metrics)
    notifications = NotificationService(stores.outbox, stores.chats, stores.states, notifier, clock)
    history = history or build_history(core)
    polling = PollingService(
        vehicles=stores.vehicles,
        accounts=stores.accounts,
        states=stores.states,
        reader=core.gateway,
        notifications=notifications,
        history=history,
        next_poll=next_poll,
        clock=clock,
    )

    async def flush() -> None:
        await notifications.flush()

    async def poll_one(vehicle_id: int) -> PollOutcome:
        return await polling.poll(vehicle_id)

    async def on_action_sent(vehicle_id: int, chat_id: int, kind: ActionKind, sent_at: datetime) -> None:
        reference = f"{chat_id}-{kind.value}-{int(sent_at.timestamp())}"
        await polling.expect_action(vehicle_id, chat_id, kind, reference, sent_at)

    core.action_hooks.append(on_action_sent)
    polled: Callable[[int], Awaitable[PollOutcome]] = poll_one
    flushed: Callable[[], Awaitable[None]] = flush
    if metrics is not None:
        polled, flushed = counted_poll(poll_one, metrics), ticked(flush, metrics)
    poller = Poller(
        stores.states, polled, clock, flush=flushed, settings=poller_settings, batch=polling.batch
    )
    return PollingParts(polling, notifications, history, poller, history.purge)


# --- smart charging -----------------------------------------------------------------------------------


def tariff_factory(http: httpx.AsyncClient) -> TariffFactory:
    """Builds the chat's chosen tariff source on the shared HTTP client."""

    def build(choice: TariffChoice, zone: str) -> TariffProvider:
        if choice.kind is TariffKind.OCTOPUS:
            return OctopusAgileTariff(http, choice.region or "")
        if choice.kind is TariffKind.URL:
            return GenericUrlTariff(http, choice.url or "", currency=choice.currency)
        if choice.peak is None or choice.off_peak is None:
            raise InvalidInput(["smart.error.no_tariff"])
        if choice.off_peak_start is None or choice.off_peak_end is None:
            raise InvalidInput(["smart.error.no_tariff"])
        return FixedTwoRateTariff(
            choice.peak,
            choice.off_peak,
            choice.off_peak_start,
            choice.off_peak_end,
            zone_or_utc(zone),
            choice.currency,
        )

    return build


def build_smart_charging(core: Core, http: httpx.AsyncClient) -> SmartChargeAssistant:
    """The smart-charging assistant (plans, Confirm/Cancel, daily plans, start/stop executor)."""
    store = SqlSmartChargeStore(core.stores.db)
    control = SmartChargeControl(core.linking, core.gateway, store, core.clock)
    return SmartChargeAssistant(
        core.linking, core.gateway, core.stores.chats, store, control, tariff_factory(http), core.clock
    )
