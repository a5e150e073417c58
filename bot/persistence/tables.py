"""SQLModel tables: the storage shape, private to `bot.persistence` (repositories return domain values)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlmodel import Field, SQLModel


class UtcDateTime(sa.types.TypeDecorator[datetime]):
    """Aware UTC datetimes on every engine (SQLite stores naive UTC text, PostgreSQL timestamptz)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Normalise to UTC; naive values are refused because their zone is unknown."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; pass aware UTC datetimes")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Return aware UTC datetimes."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _fk(target: str, nullable: bool = False, on_delete: str = "CASCADE") -> Any:
    return Field(
        sa_column=sa.Column(
            sa.BigInteger if target.startswith("chats") else sa.Integer,
            sa.ForeignKey(target, ondelete=on_delete),
            nullable=nullable,
            index=True,
        )
    )


def _when(nullable: bool = True, index: bool = False) -> Any:
    return Field(default=None, sa_column=sa.Column(UtcDateTime(), nullable=nullable, index=index))


# Marks a column that holds a CREDENTIALS_KEY ciphertext: `rotate-key` and its test find them all by it.
ENCRYPTED = "encrypted"


def _encrypted(nullable: bool = False) -> Any:
    """A Fernet ciphertext column (written and read by the repositories through the cipher)."""
    kwargs: dict[str, Any] = {} if not nullable else {"default": None}
    return Field(**kwargs, sa_column=sa.Column(sa.Text, nullable=nullable, info={ENCRYPTED: True}))


def is_encrypted(column: sa.Column[Any]) -> bool:
    """Whether the column holds ciphertexts (declared with `_encrypted`)."""
    return bool(column.info.get(ENCRYPTED))


def _json() -> Any:
    return Field(default=None, sa_column=sa.Column(sa.JSON(), nullable=True))


class ChatRow(SQLModel, table=True):
    """A Telegram chat and its settings."""

    __tablename__ = "chats"

    chat_id: int = Field(sa_column=sa.Column(sa.BigInteger, primary_key=True, autoincrement=False))
    language: str = Field(max_length=16)
    time_zone: str = Field(default="UTC", max_length=64)
    units: str = Field(default="km", max_length=8)
    default_temperature_c: float = 21.0
    quiet_start: str | None = Field(default=None, max_length=5)
    quiet_end: str | None = Field(default=None, max_length=5)
    active: bool = True
    active_vehicle_id: int | None = Field(
        default=None,
        sa_column=sa.Column(sa.Integer, sa.ForeignKey("vehicles.id", ondelete="SET NULL"), nullable=True),
    )


class AccountRow(SQLModel, table=True):
    """A linked Renault account: encrypted secrets, locale, login state and call budget."""

    __tablename__ = "accounts"

    id: int | None = Field(default=None, primary_key=True)
    # SHA-256 of the Renault person id: makes a second link of the same account impossible without storing it.
    person_key: str = Field(max_length=64, unique=True)
    locale: str = Field(max_length=16)
    email_masked: str = Field(max_length=255)
    email_enc: str = _encrypted()
    secrets_enc: str = _encrypted()
    # The JWT last minted from the login token (accounts.getJWT) and its expiry: every process uses it until
    # it expires instead of minting its own. Cleared with a new login; gone with the row on logout.
    jwt_enc: str | None = _encrypted(nullable=True)
    jwt_expires_at: datetime | None = _when()
    needs_login: bool = False
    needs_login_told: bool = False
    window_started_at: datetime | None = _when()
    calls_in_window: int = 0
    cooldown_until: datetime | None = _when()
    # Whether viewers invited with /share may see where the car is (drivers always may).
    share_location: bool = Field(
        default=False, sa_column=sa.Column(sa.Boolean, nullable=False, server_default=sa.false())
    )


class VehicleRow(SQLModel, table=True):
    """A vehicle of an account, with its learned capabilities."""

    __tablename__ = "vehicles"
    __table_args__ = (sa.UniqueConstraint("account_id", "vin", name="uq_vehicles_account_vin"),)

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = _fk("accounts.id")
    vin: str = Field(max_length=32)
    model_code: str = Field(max_length=32)
    model_name: str = Field(max_length=128)
    brand: str = Field(default="RENAULT", max_length=32)
    plate: str | None = Field(default=None, max_length=32)
    kamereon_account_enc: str = _encrypted()
    capabilities: Any = _json()
    unsupported: Any = _json()


class ChatLinkRow(SQLModel, table=True):
    """A chat linked to an account with a role."""

    __tablename__ = "chat_links"

    chat_id: int = Field(
        sa_column=sa.Column(
            sa.BigInteger, sa.ForeignKey("chats.chat_id", ondelete="CASCADE"), primary_key=True
        )
    )
    account_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True, index=True
        )
    )
    role: str = Field(max_length=16)
    # A member's Telegram first name, shown to the owner in /share; deleted with the link.
    member_name: str | None = Field(default=None, max_length=64)
    linked_at: datetime | None = _when()


class VehicleStateRow(SQLModel, table=True):
    """The poller's memory and lease for one vehicle."""

    __tablename__ = "vehicle_states"
    # The poller's claim walks this index in its order (next poll time, then id): see `claim_due`.
    __table_args__ = (sa.Index("ix_vehicle_states_due", "next_poll_at", "vehicle_id"),)

    vehicle_id: int = Field(
        sa_column=sa.Column(
            sa.Integer,
            sa.ForeignKey("vehicles.id", ondelete="CASCADE"),
            primary_key=True,
            autoincrement=False,
        )
    )
    snapshot: Any = _json()
    phase: str | None = Field(default=None, max_length=64)
    car_reported_at: datetime | None = _when()
    memory: Any = _json()
    next_poll_at: datetime | None = _when()
    lease_owner: str | None = Field(default=None, max_length=128)
    lease_expires_at: datetime | None = _when()
    # How the last read from Renault went (bot.services.ports.PollHealth), when, and the last that succeeded.
    health: str | None = Field(default=None, max_length=16)
    health_at: datetime | None = _when()
    read_at: datetime | None = _when()
    # The car's last position read by /where: encrypted like a home (the snapshot JSON never holds it).
    location_enc: str | None = _encrypted(nullable=True)


class PreferencesRow(SQLModel, table=True):
    """Notification preferences of one chat for one vehicle."""

    __tablename__ = "notification_preferences"

    chat_id: int = Field(
        sa_column=sa.Column(
            sa.BigInteger, sa.ForeignKey("chats.chat_id", ondelete="CASCADE"), primary_key=True
        )
    )
    vehicle_id: int = Field(
        sa_column=sa.Column(sa.Integer, sa.ForeignKey("vehicles.id", ondelete="CASCADE"), primary_key=True)
    )
    data: Any = _json()


class NotificationLogRow(SQLModel, table=True):
    """Outbox entry: one ping, reserved once by its dedup key."""

    __tablename__ = "notification_log"

    dedup_key: str = Field(primary_key=True, max_length=255)
    chat_id: int = _fk("chats.chat_id")
    # The car or the account the ping is about: deleted with it (a ping names no VIN, only these ids).
    vehicle_id: int | None = _fk("vehicles.id", nullable=True)
    account_id: int | None = _fk("accounts.id", nullable=True)
    payload: Any = _json()
    deliver_at: datetime = _when(nullable=False, index=True)
    status: str = Field(default="pending", max_length=16, index=True)
    sent_at: datetime | None = _when()
    reason: str | None = Field(default=None, max_length=255)
    # The claim of the replica sending it: a lease, taken over once it expires or its owner is gone.
    claim_owner: str | None = Field(default=None, max_length=128)
    claim_expires_at: datetime | None = _when()
    attempts: int = Field(default=0, sa_column=sa.Column(sa.Integer, nullable=False, server_default="0"))


class SendPauseRow(SQLModel, table=True):
    """Until when sends wait, for one chat (Telegram's flood control) or every chat (Telegram unreachable)."""

    __tablename__ = "send_pauses"

    scope: str = Field(primary_key=True, max_length=32)
    until: datetime = _when(nullable=False, index=True)


class BatteryReadingRow(SQLModel, table=True):
    """A battery reading at the car's report time (unique per vehicle and time)."""

    __tablename__ = "battery_readings"
    __table_args__ = (sa.UniqueConstraint("vehicle_id", "reported_at", name="uq_readings_vehicle_time"),)

    id: int | None = Field(default=None, primary_key=True)
    vehicle_id: int = _fk("vehicles.id")
    reported_at: datetime = _when(nullable=False)
    level: int | None = None
    range_km: float | None = None
    charging: bool = False
    power_kw: float | None = None
    plugged: bool | None = None
    mileage_km: float | None = None
    available_energy_kwh: float | None = None


class ChargeSessionRow(SQLModel, table=True):
    """A charge session (unique per vehicle and start time)."""

    __tablename__ = "charge_sessions"
    __table_args__ = (sa.UniqueConstraint("vehicle_id", "started_at", name="uq_sessions_vehicle_start"),)

    id: int | None = Field(default=None, primary_key=True)
    vehicle_id: int = _fk("vehicles.id")
    started_at: datetime = _when(nullable=False)
    ended_at: datetime | None = _when()
    start_level: int | None = None
    end_level: int | None = None
    energy_kwh: float | None = None
    start_energy_kwh: float | None = None
    end_energy_kwh: float | None = None
    # "reported" or "levels" (bot.domain.pricing.EnergyMethod); None on sessions stored before it existed.
    energy_method: str | None = Field(default=None, max_length=16)


class InviteRow(SQLModel, table=True):
    """A pending invite to an account; only the token's hash is stored."""

    __tablename__ = "invites"

    token_hash: str = Field(primary_key=True, max_length=64)
    account_id: int = _fk("accounts.id")
    role: str = Field(max_length=16)
    expires_at: datetime = _when(nullable=False)
    used_by_chat_id: int | None = Field(default=None, sa_column=sa.Column(sa.BigInteger, nullable=True))
    used_at: datetime | None = _when()
    created_at: datetime | None = _when()
    revoked_at: datetime | None = _when()
    # The owner's first name, shown to the invited person before they join; deleted with the account.
    owner_name: str | None = Field(default=None, max_length=64)


class SmartChargeStateRow(SQLModel, table=True):
    """A vehicle's smart-charge plans (proposed, active) and the schedule Cancel restores, as JSON."""

    __tablename__ = "smart_charge_states"

    vehicle_id: int = Field(
        sa_column=sa.Column(
            sa.Integer,
            sa.ForeignKey("vehicles.id", ondelete="CASCADE"),
            primary_key=True,
            autoincrement=False,
        )
    )
    chat_id: int = Field(sa_column=sa.Column(sa.BigInteger, nullable=False))
    armed: bool = Field(default=False, sa_column=sa.Column(sa.Boolean, nullable=False, index=True))
    data: Any = _json()


class SmartGoalRow(SQLModel, table=True):
    """A chat's smart-charge goal for a vehicle (target, local ready-by time, daily re-planning)."""

    __tablename__ = "smart_goals"

    chat_id: int = Field(
        sa_column=sa.Column(
            sa.BigInteger, sa.ForeignKey("chats.chat_id", ondelete="CASCADE"), primary_key=True
        )
    )
    vehicle_id: int = Field(
        sa_column=sa.Column(sa.Integer, sa.ForeignKey("vehicles.id", ondelete="CASCADE"), primary_key=True)
    )
    target_level: int
    ready_at: str = Field(max_length=5)
    daily: bool = Field(default=False, sa_column=sa.Column(sa.Boolean, nullable=False, index=True))
    daily_sent_on: str | None = Field(default=None, max_length=10)  # ISO local date of the last daily plan


class SmartTariffRow(SQLModel, table=True):
    """A chat's tariff source for smart charging, as JSON."""

    __tablename__ = "smart_tariffs"

    chat_id: int = Field(
        sa_column=sa.Column(
            sa.BigInteger, sa.ForeignKey("chats.chat_id", ondelete="CASCADE"), primary_key=True
        )
    )
    data: Any = _json()


class CostSettingsRow(SQLModel, table=True):
    """A chat's cost settings: home (encrypted: it is where the owner lives), loss, monthly summary."""

    __tablename__ = "cost_settings"

    chat_id: int = Field(
        sa_column=sa.Column(
            sa.BigInteger, sa.ForeignKey("chats.chat_id", ondelete="CASCADE"), primary_key=True
        )
    )
    home_enc: str | None = _encrypted(nullable=True)
    loss: str = Field(default="0.10", max_length=8)
    monthly_summary: bool = True
    monthly_sent: str | None = Field(default=None, max_length=7)  # YYYY-MM of the last summary sent
    # The one "awaiting a typed value" of the cost screens: which session's away price (small, expiring).
    awaiting: Any = _json()


class SessionCostRow(SQLModel, table=True):
    """A charge session as priced for one chat (decimals as text: exact on every engine)."""

    __tablename__ = "session_costs"
    __table_args__ = (sa.Index("ix_session_costs_chat_start", "chat_id", "started_at"),)

    chat_id: int = Field(
        sa_column=sa.Column(
            sa.BigInteger, sa.ForeignKey("chats.chat_id", ondelete="CASCADE"), primary_key=True
        )
    )
    vehicle_id: int = Field(
        sa_column=sa.Column(sa.Integer, sa.ForeignKey("vehicles.id", ondelete="CASCADE"), primary_key=True)
    )
    started_at: datetime = Field(sa_column=sa.Column(UtcDateTime(), primary_key=True))
    ended_at: datetime | None = _when()
    place: str = Field(max_length=8)
    battery_kwh: str | None = Field(default=None, max_length=32)
    grid_kwh: str | None = Field(default=None, max_length=32)
    method: str | None = Field(default=None, max_length=16)
    cost: str | None = Field(default=None, max_length=32)
    currency: str | None = Field(default=None, max_length=3)
    gaps: bool = False
    reason: str | None = Field(default=None, max_length=16)
    plugged_at: datetime | None = _when()
    at_plug_in: str | None = Field(default=None, max_length=32)
    away: Any = _json()


class LoginConversationRow(SQLModel, table=True):
    """A chat's /login conversation and its pending two-factor challenge (encrypted), until it expires."""

    __tablename__ = "login_conversations"

    chat_id: int = Field(sa_column=sa.Column(sa.BigInteger, primary_key=True, autoincrement=False))
    step: str = Field(max_length=16)
    locale: str = Field(max_length=16)
    email_enc: str | None = _encrypted(nullable=True)
    challenge_id: str | None = Field(default=None, max_length=32)
    masked_emails: Any = _json()
    # The password, Gigya's regToken, assertions and the device cookies, as one encrypted JSON document.
    challenge_enc: str | None = _encrypted(nullable=True)
    challenge_expires_at: datetime | None = _when()
    expires_at: datetime = _when(nullable=False, index=True)


class SecretDeletionRow(SQLModel, table=True):
    """A message that carried a password or a code, still in its chat: retried until deleted (ids only)."""

    __tablename__ = "secret_deletions"

    chat_id: int = Field(sa_column=sa.Column(sa.BigInteger, primary_key=True, autoincrement=False))
    message_id: int = Field(sa_column=sa.Column(sa.BigInteger, primary_key=True, autoincrement=False))
    sent_at: datetime = _when(nullable=False)
    attempts: int = 0
    next_at: datetime = _when(nullable=False, index=True)


class ConversationDraftRow(SQLModel, table=True):
    """An editor draft of one chat (schedule, ...), encrypted, until it expires."""

    __tablename__ = "conversation_drafts"

    chat_id: int = Field(sa_column=sa.Column(sa.BigInteger, primary_key=True, autoincrement=False))
    kind: str = Field(primary_key=True, max_length=32)
    data_enc: str = _encrypted()
    expires_at: datetime = _when(nullable=False, index=True)


class ActionRateRow(SQLModel, table=True):
    """When a chat last sent an action to a car (the per-chat action rate, shared by replicas)."""

    __tablename__ = "action_rates"

    chat_id: int = Field(sa_column=sa.Column(sa.BigInteger, primary_key=True, autoincrement=False))
    last_action_at: datetime = _when(nullable=False, index=True)


class LimitCounterRow(SQLModel, table=True):
    """A shared counter: login and code attempts, a chat's per-chat limits, a member's share of a budget."""

    __tablename__ = "limit_counters"

    # `password:user:<chat id>`, `code:email:<keyed hash of the e-mail>`, `password:all` (never an address),
    # `refresh:chat:<chat id>`, `share:<account id>:chat:<chat id>`, `share:<account id>:members`.
    key: str = Field(sa_column=sa.Column(sa.String(96), primary_key=True))
    window_start: datetime | None = _when()
    attempts: int = Field(default=0, sa_column=sa.Column(sa.Integer, nullable=False))
    strikes: int = Field(default=0, sa_column=sa.Column(sa.Integer, nullable=False))
    blocked_until: datetime | None = _when()
    # The purge drops counters untouched for a while and no longer locked (bot.persistence.limits).
    updated_at: datetime = _when(nullable=False, index=True)


class TelegramUpdateRow(SQLModel, table=True):
    """A Telegram update seen by some replica: its arrival (dedupe) and when it was handled (ordering)."""

    __tablename__ = "telegram_updates"

    update_id: int = Field(sa_column=sa.Column(sa.BigInteger, primary_key=True, autoincrement=False))
    chat_id: int | None = Field(default=None, sa_column=sa.Column(sa.BigInteger, nullable=True, index=True))
    # When it arrived, or when its holder last renewed it (or took it over): its lease, for a take-over.
    received_at: datetime = _when(nullable=False, index=True)
    handled_at: datetime | None = _when()
    # The update itself (encrypted: it may hold a password) until it is handled, so a survivor can take over.
    content_enc: str | None = _encrypted(nullable=True)
    takeovers: int = Field(default=0, sa_column=sa.Column(sa.Integer, nullable=False, server_default="0"))
    # The process that queued it (lease owner name): it renews the update's lease while it lives.
    holder: str | None = Field(default=None, max_length=128)


class KeyCheckRow(SQLModel, table=True):
    """A known constant encrypted with CREDENTIALS_KEY at first start: a wrong key is refused at start."""

    __tablename__ = "key_check"

    id: int = Field(sa_column=sa.Column(sa.Integer, primary_key=True, autoincrement=False))
    check_enc: str = _encrypted()


metadata = SQLModel.metadata
