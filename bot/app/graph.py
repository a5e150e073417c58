"""The object graph: every repository and use case, built once, in dependency order, on injected I/O.

Nothing is bound late: the notifier exists before the notification service, the polling service before the
action service that tells it about accepted actions. The real program, the demo, the benchmarks and the
end-to-end tests all build this same graph (docs/architecture.md, "The object graph").
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx

from bot.app.instruments import (
    CountingGate,
    CountingNotifier,
    CountingOutbox,
    TimedActions,
    counted_poll,
    ticked,
)
from bot.app.parts import EVENT_TYPES
from bot.app.tariffs import tariff_factory
from bot.features.actions.use_cases import ACTION_INTERVAL, ActionService
from bot.features.costs.store import SqlCostStore
from bot.features.costs.use_cases.report import CostDesk
from bot.features.costs.use_cases.sessions import CostService
from bot.features.history.store import SqlHistoryRepository
from bot.features.history.use_cases import HistoryService
from bot.features.linking.store import SqlLoginStore
from bot.features.linking.use_cases.limits import LoginLimiter, LoginLimits
from bot.features.linking.use_cases.linking import LinkingService
from bot.features.notifications.use_cases import NotificationService
from bot.features.polling.jobs import Poller, PollerSettings, PollOne
from bot.features.polling.logic.intervals import IntervalPolicy, activity_of_phase, tick_seconds_for
from bot.features.polling.ports import PollOutcome
from bot.features.polling.use_cases.poll import PollingService
from bot.features.sharing.store import SqlInviteRepository, SqlMemberRepository, purge_invites
from bot.features.sharing.use_cases import SharingService
from bot.features.smart_charging.store import SqlSmartChargeStore
from bot.features.smart_charging.use_cases.assistant import SmartChargeAssistant
from bot.features.smart_charging.use_cases.control import SmartChargeControl
from bot.features.status.use_cases import StatusService
from bot.observability.metrics import BotMetrics
from bot.persistence.accounts import SqlAccountRepository
from bot.persistence.budget import SqlCallBudgetStore
from bot.persistence.chats import SqlChatRepository, SqlPreferencesRepository
from bot.persistence.conversations import (
    SqlActionRates,
    SqlConversationPurge,
    SqlDraftStore,
)
from bot.persistence.crypto import CredentialCipher
from bot.persistence.engine import Database
from bot.persistence.group_commit import WriteLane
from bot.persistence.jwts import SqlTokenStore
from bot.persistence.limits import SqlAttemptStore
from bot.persistence.outbox import SqlNotificationLog
from bot.persistence.secret_deletions import SqlSecretDeletions
from bot.persistence.state import SqlVehicleStateRepository
from bot.persistence.update_journal import TAKEOVER_AFTER, SqlUpdateJournal
from bot.persistence.vehicles import SqlVehicleRepository
from bot.poller.budget import BudgetGate
from bot.poller.owners import new_owner, owner_gone
from bot.renault.client import RenaultClient
from bot.renault.gate import RequestGate
from bot.renault.locales import LocaleOverrides
from bot.services.chat_limits import ChatLimiter, ChatLimits
from bot.services.fanout import FanOut
from bot.services.gateway import RenaultGateway
from bot.services.outbox_ports import Notifier
from bot.services.ports import Clock, NotificationLog
from bot.services.secret_messages import SecretMessages
from bot.services.settings import SettingsService
from bot.services.spending import spending_chat
from bot.services.translate import QUOTA_COOLDOWN
from bot.tariffs.fetch import FeedFetch, GuardedFetcher


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
    members: SqlMemberRepository
    smart: SqlSmartChargeStore
    costs: SqlCostStore
    logins: SqlLoginStore
    drafts: SqlDraftStore
    rates: SqlActionRates
    journal: SqlUpdateJournal
    conversation_purge: SqlConversationPurge
    attempts: SqlAttemptStore
    secret_deletions: SqlSecretDeletions
    jwts: SqlTokenStore


@dataclass(frozen=True, slots=True)
class GraphOptions:
    """Plain values the graph takes from the configuration (bot.app.run reads the settings)."""

    locale_overrides: LocaleOverrides | None = None
    max_calls_per_hour: int = 60
    low_battery_threshold: int = 20
    poll_interval_seconds: int | None = None
    history_retention_days: int = 180
    poll_concurrency: int | None = None
    poll_lease_seconds: float = 30.0
    poller: PollerSettings | None = None  # overrides the two above (tests, benchmarks)
    metrics: BotMetrics | None = None
    # Where the tariff sources fetch from: None is the guarded fetcher (public https only, SECURITY.md).
    feeds: FeedFetch | None = None
    # How the jobs over many chats run their per-chat work (None: 8 at once, 60 s each).
    fanout: FanOut | None = None
    # Updates handled at once per process: each holds one connection of the update journal's lock pool.
    concurrent_updates: int = 16
    login_limits: LoginLimits | None = None  # None: the documented defaults (SECURITY.md, "Limits")
    # None: the documented defaults, Refresh and location raised for a budget above 60 (SECURITY.md).
    chat_limits: ChatLimits | None = None
    # An update its dead replica did not renew for this long is taken over.
    update_takeover_seconds: float = 15.0


@dataclass(frozen=True, slots=True)
class Graph:
    """The use cases and the poller, ready for a front-end or a worker."""

    clock: Clock
    stores: Stores
    gateway: RenaultGateway
    linking: LinkingService
    status: StatusService
    settings: SettingsService
    notifications: NotificationService
    history: HistoryService
    polling: PollingService
    actions: ActionService | TimedActions
    smart: SmartChargeAssistant
    sharing: SharingService
    costs: CostDesk
    poller: Poller
    secrets: SecretMessages


def build_stores(
    db: Database,
    cipher: CredentialCipher,
    clock: Clock,
    *,
    concurrent_updates: int,
    update_takeover: timedelta = TAKEOVER_AFTER,
) -> Stores:
    """Repositories over one database and cipher (the journal's lock pool sized for `concurrent_updates`)."""
    # Their group commits share one committer: an update's arrival, dropped screen and handled mark, and a
    # sweep's spends and readings, are written in the same transactions.
    lane = WriteLane(db)
    return Stores(
        db=db,
        chats=SqlChatRepository(db),
        preferences=SqlPreferencesRepository(db),
        accounts=SqlAccountRepository(db, cipher),
        vehicles=SqlVehicleRepository(db, cipher),
        states=SqlVehicleStateRepository(db, cipher),
        budget=SqlCallBudgetStore(db, lane),
        outbox=SqlNotificationLog(db, EVENT_TYPES),
        history=SqlHistoryRepository(db, lane),
        invites=SqlInviteRepository(db),
        members=SqlMemberRepository(db),
        smart=SqlSmartChargeStore(db),
        costs=SqlCostStore(db, cipher),
        logins=SqlLoginStore(db, cipher),
        drafts=SqlDraftStore(db, cipher, lane),
        rates=SqlActionRates(db),
        # The journal names this process as the holder of the updates it queues: the process's lease name.
        journal=SqlUpdateJournal(
            db,
            clock,
            cipher,
            lock_pool_size=concurrent_updates,
            takeover_after=update_takeover,
            owner=new_owner(),
            owner_gone=owner_gone,
            lane=lane,
        ),
        conversation_purge=SqlConversationPurge(db, ACTION_INTERVAL, purges=(purge_invites,)),
        attempts=SqlAttemptStore(db),
        secret_deletions=SqlSecretDeletions(db),
        # Its own lane: a mint's save must not share a transaction with the budget spends (row lock order).
        jwts=SqlTokenStore(db, cipher, WriteLane(db)),
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


def build_graph(
    http: httpx.AsyncClient,
    db: Database,
    cipher: CredentialCipher,
    clock: Clock,
    notifier: Notifier,
    options: GraphOptions | None = None,
) -> Graph:
    """The whole graph on injected I/O (HTTP client, database, cipher, notifier) and time."""
    options = options or GraphOptions()
    metrics = options.metrics
    stores = build_stores(
        db,
        cipher,
        clock,
        concurrent_updates=options.concurrent_updates,
        update_takeover=timedelta(seconds=options.update_takeover_seconds),
    )
    client = RenaultClient(
        http,
        overrides=options.locale_overrides,
        clock=lambda: clock().timestamp(),
        gate=_gate(stores, clock, options),
        tokens=stores.jwts,
    )
    gateway = RenaultGateway(client, stores.accounts, stores.vehicles, clock)
    limiter = LoginLimiter(
        stores.attempts,
        clock,
        email_key=lambda email: cipher.keyed_digest("login-attempts", email),
        limits=options.login_limits,
    )
    linking = LinkingService(
        gateway,
        stores.chats,
        stores.accounts,
        stores.vehicles,
        clock,
        challenges=stores.logins,
        limiter=limiter,
    )
    # One name for this process's leases: its polls, its pings' sends and its journaled updates.
    owner = stores.journal.owner
    outbox: NotificationLog = stores.outbox
    if metrics is not None:
        notifier = CountingNotifier(notifier, metrics)
        outbox = CountingOutbox(outbox, metrics)
    notifications = NotificationService(
        outbox,
        stores.chats,
        stores.states,
        notifier,
        clock,
        owner=owner,
        owner_gone=owner_gone,
    )
    history = HistoryService(
        stores.history,
        stores.vehicles,
        stores.chats,
        clock,
        retention=timedelta(days=options.history_retention_days),
    )
    policy = interval_policy(options)

    def next_poll(phase: str | None, vehicles_on_account: int, follow_up: bool) -> timedelta:
        return policy.next_delay(
            activity_of_phase(phase), vehicles_on_account=vehicles_on_account, follow_up=follow_up
        )

    polling = PollingService(
        vehicles=stores.vehicles,
        accounts=stores.accounts,
        states=stores.states,
        reader=gateway,
        notifications=notifications,
        history=history,
        next_poll=next_poll,
        clock=clock,
    )
    actions = ActionService(
        linking, gateway, clock, watcher=polling, rates=stores.rates, states=stores.states
    )
    control = SmartChargeControl(linking, gateway, stores.smart, clock, accounts=stores.accounts)
    tariffs = tariff_factory(options.feeds or GuardedFetcher())
    smart = SmartChargeAssistant(
        linking,
        gateway,
        stores.chats,
        stores.smart,
        control,
        tariffs,
        notifications,
        clock,
        fanout=options.fanout,
    )
    pricing = CostService(
        stores.costs, stores.smart, tariffs, stores.vehicles, stores.chats, gateway, clock, linking=linking
    )
    limits = options.chat_limits or ChatLimits.for_budget(options.max_calls_per_hour)
    chat_limits = ChatLimiter(stores.attempts, clock, limits)
    costs = CostDesk(
        pricing, stores.costs, stores.chats, notifications, clock, chat_limits, fanout=options.fanout
    )
    return Graph(
        clock=clock,
        stores=stores,
        gateway=gateway,
        linking=linking,
        status=StatusService(linking, gateway, stores.states, history, clock, chat_limits),
        settings=SettingsService(stores.chats, stores.preferences, options.low_battery_threshold),
        notifications=notifications,
        history=history,
        polling=polling,
        actions=actions if metrics is None else TimedActions(actions, metrics),
        smart=smart,
        sharing=SharingService(
            linking,
            stores.accounts,
            stores.vehicles,
            stores.chats,
            stores.invites,
            stores.members,
            notifications,
            clock,
            plans=control,
        ),
        costs=costs,
        poller=_poller(stores, polling, notifications, clock, options, policy, owner),
        secrets=SecretMessages(stores.secret_deletions, stores.chats, notifications, clock),
    )


def _gate(stores: Stores, clock: Clock, options: GraphOptions) -> RequestGate:
    # The one place that enforces the per-account call budget, the quota cooldown and the members' shares.
    budget: RequestGate = BudgetGate(
        stores.budget,
        clock,
        spending_chat=spending_chat,
        max_calls_per_hour=options.max_calls_per_hour,
        cooldown=QUOTA_COOLDOWN,
    )
    if options.metrics is not None:
        budget = CountingGate(budget, options.metrics)
    return _LinkedAccountsOnly(budget)


def _poller(
    stores: Stores,
    polling: PollingService,
    notifications: NotificationService,
    clock: Clock,
    options: GraphOptions,
    policy: IntervalPolicy,
    owner: str,
) -> Poller:
    async def flush() -> None:
        await notifications.flush()

    def counted(poll: PollOne) -> PollOne:
        return poll if options.metrics is None else counted_poll(poll, options.metrics)

    @asynccontextmanager
    async def batch(vehicle_ids: Sequence[int]) -> AsyncIterator[PollOne]:
        # One unit of work per claimed batch, handed to each of its polls as a parameter.
        async with polling.batch(vehicle_ids) as sweep:

            async def poll(vehicle_id: int) -> PollOutcome:
                return await polling.poll(vehicle_id, sweep)

            yield counted(poll)

    tick_end: Callable[[], Awaitable[None]] = flush
    if options.metrics is not None:
        tick_end = ticked(flush, options.metrics)
    settings = options.poller or poller_settings(
        options.poll_concurrency, tick_seconds_for(policy), options.poll_lease_seconds
    )
    return Poller(
        stores.states,
        counted(polling.poll),  # a vehicle polled outside a batch (none today: every claim is one)
        clock,
        flush=tick_end,
        settings=settings,
        owner=owner,
        batch=batch,
        owner_gone=owner_gone,
    )


def interval_policy(options: GraphOptions) -> IntervalPolicy:
    """How often each vehicle is polled, within the per-account call budget."""
    return IntervalPolicy(
        fixed_seconds=options.poll_interval_seconds, max_calls_per_hour=options.max_calls_per_hour
    )


def poller_settings(
    concurrency: int | None, tick_seconds: float, lease_seconds: float = 30.0
) -> PollerSettings:
    """The poller's settings: its tick (often enough for the shortest interval), concurrency and lease."""
    if concurrency is None:
        return PollerSettings(tick_seconds=tick_seconds, lease_seconds=lease_seconds)
    # Two batches' worth of claims per round: one batch's requests fly while the other's are stored.
    return PollerSettings(
        tick_seconds=tick_seconds,
        concurrency=concurrency,
        batch_size=2 * concurrency,
        lease_seconds=lease_seconds,
    )


def system_clock() -> datetime:
    """The real time, aware UTC."""
    return datetime.now(UTC)
