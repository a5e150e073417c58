"""Stored Renault accounts, their secrets, vehicles, history and invites, as plain values (never rows)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any

from bot.domain.attempts import AttemptPolicy
from bot.domain.preferences import ChatSettings, NotificationPreferences
from bot.domain.pricing import EnergyMethod
from bot.domain.sharing import InviteProblem
from bot.domain.snapshot import VehicleSnapshot
from bot.domain.vehicle import Capabilities, Role, VehicleInfo


class AccountStoreError(Exception):
    """Base of the errors the account store reports (never carries a secret)."""


class CredentialsUnreadable(AccountStoreError):
    """The stored credentials cannot be decrypted with the configured keys (a key problem, not a login)."""

    def __init__(self, account_id: int) -> None:
        super().__init__(f"credentials of account {account_id} cannot be decrypted")
        self.account_id = account_id


class AccountNotFound(AccountStoreError):
    """No stored account has this id."""

    def __init__(self, account_id: int) -> None:
        super().__init__(f"no account {account_id}")
        self.account_id = account_id


class InviteInvalid(AccountStoreError):
    """The invite cannot be used (unknown, revoked, used, expired, or the account is full)."""

    def __init__(self, problem: InviteProblem) -> None:
        super().__init__(f"invite refused: {problem.value}")
        self.problem = problem


@dataclass(frozen=True, slots=True)
class AccountSecrets:
    """What is needed to talk to Renault again without the password; redacted in repr."""

    login_token: str = field(repr=False)
    person_id: str = field(repr=False)
    kamereon_account_ids: tuple[str, ...] = field(repr=False, default=())
    gmid: str | None = field(repr=False, default=None)
    ucid: str | None = field(repr=False, default=None)
    # The JWT last minted from the login token, when one is stored (a batch's bulk read brings it along, so
    # its sessions need not mint or read it again); not part of what a login stores.
    jwt: str | None = field(repr=False, default=None)
    jwt_expires_at: float | None = field(repr=False, default=None)


@dataclass(frozen=True, slots=True)
class NewVehicle:
    """A vehicle found at login, with the Kamereon account it belongs to."""

    info: VehicleInfo
    kamereon_account_id: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class StoredAccount:
    """A linked Renault account without its secrets; `needs_login` once its credentials stopped working."""

    account_id: int
    locale: str
    masked_email: str
    needs_login: bool = False
    needs_login_told: bool = False


@dataclass(frozen=True, slots=True)
class ChatLink:
    """One chat linked to an account, with its role."""

    chat_id: int
    role: Role


@dataclass(frozen=True, slots=True)
class StoredVehicle:
    """A vehicle as stored: identity, owning account, Kamereon account and learned capabilities."""

    vehicle_id: int
    account_id: int
    info: VehicleInfo
    kamereon_account_id: str = field(repr=False)
    capabilities: Capabilities = field(default_factory=Capabilities)
    unsupported: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True, slots=True)
class Subscriber:
    """A chat that hears about a vehicle: its settings, role and preferences for that vehicle."""

    settings: ChatSettings
    role: Role
    preferences: NotificationPreferences


class PollHealth(Enum):
    """How the last read of a car from Renault went (a poll or a Refresh): what the card warns about."""

    OK = "ok"
    RENAULT_DOWN = "renault_down"
    QUOTA = "quota"
    NEEDS_LOGIN = "needs_login"
    FAILED = "failed"  # any other failure (privacy mode, an unexpected answer...)


@dataclass(frozen=True, slots=True)
class StoredVehicleState:
    """The one stored truth of a vehicle: last snapshot, phase, car report time, diff memory, next poll,
    and how the last read went (`health`, at `health_at`; `read_at` is the last read that succeeded)."""

    vehicle_id: int
    snapshot: VehicleSnapshot | None = None
    phase: str | None = None
    car_reported_at: datetime | None = None
    memory: dict[str, Any] = field(default_factory=dict)
    next_poll_at: datetime | None = None
    health: PollHealth | None = None
    health_at: datetime | None = None
    read_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    """A notification reserved once by its key, and who is sending it (a claim is a lease with its owner)."""

    dedup_key: str
    chat_id: int
    payload: dict[str, Any]
    deliver_at: datetime
    claim_owner: str | None = None
    claim_expires_at: datetime | None = None


class BudgetLimit(Enum):
    """Which limit of an account's call budget refused a call."""

    ACCOUNT = "account"  # the account's calls per hour, or the cooldown after Renault's quota error
    MEMBER = "member"  # the member's own share of the account's hour
    MEMBERS = "members"  # what all members together may spend of it (the rest is the owner's and poller's)


@dataclass(frozen=True, slots=True)
class BudgetDecision:
    """Whether one more Renault call is allowed now, and if not, when to try again and which limit said no."""

    allowed: bool
    retry_at: datetime | None = None
    limit: BudgetLimit = BudgetLimit.ACCOUNT


@dataclass(frozen=True, slots=True)
class MemberShare:
    """A call spent for a chat: unless the chat owns the account, its share and the members' bound it."""

    chat_id: int
    member: AttemptPolicy
    members: AttemptPolicy


@dataclass(frozen=True, slots=True)
class BatteryReading:
    """One battery reading at the car's own report time."""

    vehicle_id: int
    reported_at: datetime
    level: int | None
    range_km: float | None = None
    charging: bool = False
    power_kw: float | None = None
    plugged: bool | None = None
    mileage_km: float | None = None
    available_energy_kwh: float | None = None  # the car's own counter; None when it reports none


@dataclass(frozen=True, slots=True)
class ChargeSession:
    """One charge, from start to end (end None while still charging), with how its kWh were found."""

    vehicle_id: int
    started_at: datetime
    ended_at: datetime | None = None
    start_level: int | None = None
    end_level: int | None = None
    energy_kwh: float | None = None
    # The car's energy counter at both ends (None when not reported); sessions stored before it have none.
    start_energy_kwh: float | None = None
    end_energy_kwh: float | None = None
    energy_method: EnergyMethod | None = None


@dataclass(frozen=True, slots=True)
class RedeemedInvite:
    """The account and role a chat gained by redeeming an invite."""

    account_id: int
    role: Role
