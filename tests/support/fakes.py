"""In-memory fakes of the storage ports and a recording notifier, for poller, polling and delivery tests."""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from bot.domain.events import Event
from bot.domain.history import BatteryReading, ChargeSession
from bot.domain.preferences import ChatSettings, NotificationPreferences
from bot.domain.vehicle import Capabilities, LinkedVehicle, Role, VehicleInfo
from bot.services.outbox_ports import DeliveryResult, DeliveryStatus, NewPing
from bot.services.ports import (
    BudgetDecision,
    ChatLink,
    MemberShare,
    OutboxEntry,
    OutboxPayload,
    StoredAccount,
    StoredVehicle,
    StoredVehicleState,
    Subscriber,
)


@dataclass
class _Row:
    entry: OutboxEntry
    sent_at: datetime | None = None
    dropped: str | None = None


class FakeNotificationLog:
    """Outbox keyed by dedup key; `reserve` is a unique insert, `claim` a compare-and-set on the claim."""

    def __init__(self) -> None:
        self.rows: dict[str, _Row] = {}
        self.stored_pauses: dict[str, datetime] = {}

    async def reserve(
        self,
        dedup_key: str,
        chat_id: int,
        payload: OutboxPayload,
        deliver_at: datetime,
        *,
        vehicle_id: int | None = None,
        account_id: int | None = None,
    ) -> bool:
        if dedup_key in self.rows:
            return False
        self.rows[dedup_key] = _Row(OutboxEntry(dedup_key, chat_id, payload, deliver_at))
        return True

    def keep_unreadable(self, dedup_key: str, chat_id: int, deliver_at: datetime) -> None:
        """A row whose stored payload the store could not read (as the SQL store hands it over)."""
        self.rows[dedup_key] = _Row(OutboxEntry(dedup_key, chat_id, None, deliver_at))

    async def pending(self, now: datetime, limit: int) -> list[OutboxEntry]:
        due = [r.entry for r in self.rows.values() if r.sent_at is None and r.dropped is None]
        due = [e for e in due if e.deliver_at <= now]
        return sorted(due, key=lambda e: e.deliver_at)[:limit]

    async def claim(self, entry: OutboxEntry, owner: str, now: datetime, lease: timedelta) -> bool:
        row = self.rows[entry.dedup_key]
        if row.sent_at is not None or row.dropped is not None:
            return False
        if row.entry.claim_owner != entry.claim_owner:
            return False
        row.entry = replace(row.entry, claim_owner=owner, claim_expires_at=now + lease)
        return True

    async def mark_sent(self, dedup_key: str, sent_at: datetime) -> None:
        self.rows[dedup_key].sent_at = sent_at

    async def mark_dropped(self, dedup_key: str, reason: str) -> None:
        self.rows[dedup_key].dropped = reason

    async def reschedule(self, dedup_key: str, deliver_at: datetime, reason: str) -> None:
        row = self.rows[dedup_key]
        row.entry = replace(row.entry, deliver_at=deliver_at, claim_owner=None, claim_expires_at=None)

    async def pause(self, scope: str, until: datetime) -> None:
        self.stored_pauses[scope] = max(until, self.stored_pauses.get(scope, until))

    async def pauses(self, now: datetime) -> dict[str, datetime]:
        return {scope: until for scope, until in self.stored_pauses.items() if until > now}

    def dropped(self) -> dict[str, str]:
        """Key -> reason of every dropped entry."""
        return {k: r.dropped for k, r in self.rows.items() if r.dropped is not None}


class FakeChats:
    """Chat settings by id."""

    def __init__(self, *chats: ChatSettings) -> None:
        self.chats = {c.chat_id: c for c in chats}
        self.deactivated: list[int] = []

    async def ensure(self, chat_id: int, language: str) -> ChatSettings:
        return self.chats.setdefault(chat_id, ChatSettings(chat_id, language))

    async def get(self, chat_id: int) -> ChatSettings | None:
        return self.chats.get(chat_id)

    async def save(self, settings: ChatSettings) -> None:
        self.chats[settings.chat_id] = settings

    async def deactivate(self, chat_id: int) -> None:
        self.deactivated.append(chat_id)
        if chat_id in self.chats:
            self.chats[chat_id] = replace(self.chats[chat_id], active=False)

    async def set_active_vehicle(self, chat_id: int, vehicle_id: int | None) -> None:
        return None

    async def active_vehicle(self, chat_id: int) -> int | None:
        return None


@dataclass
class _Lease:
    owner: str
    until: datetime


class FakeStates:
    """Vehicle states with next-poll times and leases, like the SQL repository."""

    def __init__(self) -> None:
        self.states: dict[int, StoredVehicleState] = {}
        self.leases: dict[int, _Lease] = {}
        self.saves = 0
        self.renewals = 0
        self.parked: list[tuple[datetime, datetime]] = []  # park_unclaimable calls (now, until)
        self.commits = 0  # commit_sweep calls: a batch's one transaction
        # Where commit_sweep reserves a batch's pings (the same outbox the notification service reads).
        self.outbox: FakeNotificationLog | None = None

    def add(self, vehicle_id: int, next_poll_at: datetime | None = None) -> None:
        """Register a vehicle to poll."""
        self.states[vehicle_id] = StoredVehicleState(vehicle_id, next_poll_at=next_poll_at)

    async def load(self, vehicle_id: int) -> StoredVehicleState:
        return self.states.get(vehicle_id, StoredVehicleState(vehicle_id))

    async def save(self, state: StoredVehicleState) -> None:
        self.saves += 1
        self.states[state.vehicle_id] = state

    async def load_many(self, vehicle_ids: Sequence[int]) -> dict[int, StoredVehicleState]:
        return {vid: await self.load(vid) for vid in vehicle_ids}

    async def save_many(self, states: Sequence[StoredVehicleState]) -> None:
        for state in states:
            await self.save(state)

    async def commit_sweep(
        self, states: Sequence[StoredVehicleState], pings: Sequence[NewPing]
    ) -> list[OutboxEntry]:
        self.commits += 1
        reserved: list[OutboxEntry] = []
        for ping in pings:
            assert self.outbox is not None, "give FakeStates the outbox its pings go to"
            if await self.outbox.reserve(ping.dedup_key, ping.chat_id, ping.payload, ping.deliver_at):
                reserved.append(ping.entry)
        for state in states:
            self.states[state.vehicle_id] = state
        return reserved

    async def claim_due(
        self, now: datetime, limit: int, owner: str, lease_seconds: float, due_by: datetime | None = None
    ) -> list[int]:
        due_by = now if due_by is None else due_by
        claimed: list[int] = []
        for vid, state in sorted(self.states.items(), key=lambda kv: (kv[1].next_poll_at or now, kv[0])):
            if len(claimed) >= limit:
                break
            if state.next_poll_at is not None and state.next_poll_at > due_by:
                continue
            lease = self.leases.get(vid)
            if lease is not None and lease.until > now:
                continue
            self.leases[vid] = _Lease(owner, now + timedelta(seconds=lease_seconds))
            claimed.append(vid)
        return claimed

    async def release(self, vehicle_id: int, owner: str, next_poll_at: datetime) -> None:
        lease = self.leases.get(vehicle_id)
        if lease is None or lease.owner != owner:
            return
        del self.leases[vehicle_id]
        state = await self.load(vehicle_id)
        self.states[vehicle_id] = replace(state, next_poll_at=next_poll_at)

    async def release_many(self, owner: str, next_poll_at: Mapping[int, datetime]) -> None:
        for vehicle_id, at in next_poll_at.items():
            await self.release(vehicle_id, owner, at)

    async def release_all(self, owner: str) -> None:
        for vid in [v for v, lease in self.leases.items() if lease.owner == owner]:
            del self.leases[vid]

    async def renew(self, owner: str, now: datetime, lease_seconds: float) -> int:
        self.renewals += 1
        mine = [lease for lease in self.leases.values() if lease.owner == owner]
        for lease in mine:
            lease.until = now + timedelta(seconds=lease_seconds)
        return len(mine)

    async def lease_owners(self, now: datetime) -> set[str]:
        return {lease.owner for lease in self.leases.values() if lease.until > now}

    async def park_unclaimable(self, now: datetime, until: datetime) -> int:
        self.parked.append((now, until))
        return 0  # every vehicle of this store is claimable (it knows no accounts nor chats)


class FakeBudget:
    """A sliding one-hour window of calls per account, with cooldowns."""

    def __init__(self) -> None:
        self.calls: dict[int, deque[datetime]] = {}
        self.cooldowns: dict[int, datetime] = {}
        self.shares: list[MemberShare | None] = []  # what each spend was bounded by, in order

    async def try_spend(
        self, account_id: int, now: datetime, limit_per_hour: int, share: MemberShare | None = None
    ) -> BudgetDecision:
        self.shares.append(share)
        until = self.cooldowns.get(account_id)
        if until is not None and until > now:
            return BudgetDecision(False, until)
        window = self.calls.setdefault(account_id, deque())
        while window and window[0] <= now - timedelta(hours=1):
            window.popleft()
        if limit_per_hour > 0 and len(window) >= limit_per_hour:
            return BudgetDecision(False, window[0] + timedelta(hours=1))
        window.append(now)
        return BudgetDecision(True)

    async def start_cooldown(self, account_id: int, until: datetime) -> None:
        self.cooldowns[account_id] = until


class FakeHistory:
    """Readings and sessions in lists."""

    def __init__(self) -> None:
        self.readings_: dict[tuple[int, datetime], BatteryReading] = {}
        self.sessions_: dict[tuple[int, datetime], ChargeSession] = {}

    async def add_reading(self, reading: BatteryReading) -> bool:
        key = (reading.vehicle_id, reading.reported_at)
        if key in self.readings_:
            return False
        self.readings_[key] = reading
        return True

    async def readings(self, vehicle_id: int, since: datetime) -> list[BatteryReading]:
        found = [r for r in self.readings_.values() if r.vehicle_id == vehicle_id and r.reported_at >= since]
        return sorted(found, key=lambda r: r.reported_at)

    async def add_session(self, session: ChargeSession) -> None:
        self.sessions_[(session.vehicle_id, session.started_at)] = session

    async def sessions(self, vehicle_id: int, limit: int) -> list[ChargeSession]:
        found = [s for s in self.sessions_.values() if s.vehicle_id == vehicle_id]
        return sorted(found, key=lambda s: s.started_at, reverse=True)[:limit]

    async def purge(self, before: datetime) -> int:
        old_r = [k for k, r in self.readings_.items() if r.reported_at < before]
        old_s = [k for k, s in self.sessions_.items() if (s.ended_at or s.started_at) < before]
        for k in old_r:
            del self.readings_[k]
        for k2 in old_s:
            del self.sessions_[k2]
        return len(old_r) + len(old_s)


@dataclass
class FakeVehicles:
    """Stored vehicles and who hears about them."""

    vehicles: dict[int, StoredVehicle] = field(default_factory=dict)
    subscribers: dict[int, list[Subscriber]] = field(default_factory=dict)
    chats: FakeChats | None = None

    def add(self, vehicle_id: int, account_id: int, model_code: str = "X102VE") -> StoredVehicle:
        """Register a vehicle on an account."""
        info = VehicleInfo(vin=f"VF1TEST{vehicle_id:010d}", model_code=model_code, model_name=model_code)
        vehicle = StoredVehicle(vehicle_id, account_id, info, "kca-1")
        self.vehicles[vehicle_id] = vehicle
        return vehicle

    def subscribe(
        self, vehicle_id: int, settings: ChatSettings, prefs: NotificationPreferences | None = None
    ) -> None:
        """Link a chat to the vehicle."""
        sub = Subscriber(settings, Role.OWNER, prefs or NotificationPreferences())
        self.subscribers.setdefault(vehicle_id, []).append(sub)

    async def get(self, vehicle_id: int) -> StoredVehicle | None:
        return self.vehicles.get(vehicle_id)

    async def vin(self, vehicle_id: int) -> str | None:
        vehicle = self.vehicles.get(vehicle_id)
        return None if vehicle is None else vehicle.info.vin

    async def get_many(self, vehicle_ids: Sequence[int]) -> dict[int, StoredVehicle]:
        return {vid: self.vehicles[vid] for vid in vehicle_ids if vid in self.vehicles}

    async def chats_for_vehicles(self, vehicle_ids: Sequence[int]) -> dict[int, list[Subscriber]]:
        return {vid: await self.chats_for_vehicle(vid) for vid in vehicle_ids}

    async def account_sizes(self, account_ids: Sequence[int]) -> dict[int, int]:
        sizes: dict[int, int] = {}
        for vehicle in self.vehicles.values():
            if vehicle.account_id in account_ids:
                sizes[vehicle.account_id] = sizes.get(vehicle.account_id, 0) + 1
        return sizes

    async def all_vehicle_ids(self) -> list[int]:
        return sorted(self.vehicles)

    async def chats_for_vehicle(self, vehicle_id: int) -> list[Subscriber]:
        subs = self.subscribers.get(vehicle_id, [])
        if self.chats is not None:
            # Settings as stored now (a chat may have been deactivated since it subscribed).
            subs = [replace(s, settings=self.chats.chats.get(s.settings.chat_id, s.settings)) for s in subs]
        return [s for s in subs if s.settings.active]

    async def vehicles_for_chat(self, chat_id: int) -> list[LinkedVehicle]:
        found = []
        for vid, subs in sorted(self.subscribers.items()):
            for sub in subs:
                if sub.settings.chat_id == chat_id:
                    v = self.vehicles[vid]
                    found.append(LinkedVehicle(vid, v.account_id, v.info, sub.role))
        return found

    async def vehicles_and_choice(self, chat_id: int) -> tuple[list[LinkedVehicle], int | None]:
        chosen = await self.chats.active_vehicle(chat_id) if self.chats is not None else None
        return await self.vehicles_for_chat(chat_id), chosen

    async def mark_unsupported(self, vehicle_id: int, endpoint: str) -> None:
        return None

    async def set_capabilities(self, vehicle_id: int, capabilities: Capabilities) -> None:
        return None

    async def capabilities(self, vehicle_id: int) -> Capabilities:
        return Capabilities()


class FakeAccounts:
    """Accounts with the needs-login flags and their chats."""

    def __init__(self) -> None:
        self.accounts: dict[int, StoredAccount] = {}
        self.links: dict[int, list[ChatLink]] = {}

    def add(self, account_id: int, *chat_ids: int) -> None:
        """Register an account linked to chats as owner."""
        self.accounts[account_id] = StoredAccount(account_id, "fr_FR", "j***@example.com")
        self.links[account_id] = [ChatLink(c, Role.OWNER) for c in chat_ids]

    async def get(self, account_id: int) -> StoredAccount | None:
        return self.accounts.get(account_id)

    async def mark_needs_login(self, account_id: int) -> None:
        self.accounts[account_id] = replace(self.accounts[account_id], needs_login=True)

    async def mark_needs_login_told(self, account_id: int) -> None:
        self.accounts[account_id] = replace(self.accounts[account_id], needs_login_told=True)

    async def chats_for_account(self, account_id: int) -> list[ChatLink]:
        return list(self.links.get(account_id, []))


class RecordingNotifier:
    """Records every ping; answers can be scripted per chat."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, Event]] = []
        self.answers: dict[int, deque[DeliveryResult]] = {}

    def script(self, chat_id: int, *results: DeliveryResult) -> None:
        """Answer the next sends to `chat_id` with these results (then SENT)."""
        self.answers.setdefault(chat_id, deque()).extend(results)

    async def send(self, chat: ChatSettings, event: Event) -> DeliveryResult:
        queue = self.answers.get(chat.chat_id)
        if queue:
            result = queue.popleft()
            if result.status is not DeliveryStatus.SENT:
                return result
        self.sent.append((chat.chat_id, event))
        return DeliveryResult(DeliveryStatus.SENT)

    def kinds(self, chat_id: int | None = None) -> list[str]:
        """Kinds of the pings sent (to one chat, or to all)."""
        return [e.kind.value for c, e in self.sent if chat_id is None or c == chat_id]
