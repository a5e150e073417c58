"""Events: stable dedup keys and a JSON payload that round-trips; service health pings."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from typing import ClassVar

import pytest

from bot.app.parts import EVENT_TYPES
from bot.domain.actions import ActionKind
from bot.domain.codec import CodecError
from bot.domain.diff import ServiceHealth, ServiceStatus, service_events
from bot.domain.events import (
    KERNEL_EVENT_TYPES,
    ActionConfirmed,
    ActionNotConfirmed,
    ChargeComplete,
    ChargeError,
    ChargeInterrupted,
    ChargeStarted,
    CredentialsExpired,
    Event,
    EventTypes,
    InterruptReason,
    LowBattery,
    Plugged,
    PluggedNotCharging,
    PlugReminder,
    PreconditioningConfirmed,
    RenaultUnreachable,
    ServiceRecovered,
    TargetReached,
    Unplugged,
    answers_user,
    event_to_json,
    expires_at,
)
from bot.domain.preferences import NotificationKind
from tests.telegram_ui.test_notifier import SAMPLES as EVERY_TYPE

T = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)

SAMPLES: list[Event] = [
    ChargeStarted("V", T, 40, 7.2, 300),
    ChargeComplete("V", T, 100, 40, 31.2, timedelta(hours=3)),
    ChargeInterrupted("V", T, 60, InterruptReason.UNPLUGGED, 40, 10.4, timedelta(hours=1)),
    ChargeError("V", T, 42, was_charging=True),
    Plugged("V", T, 40),
    Unplugged("V", T, 80, 240.0),
    PluggedNotCharging("V", T, 40),
    LowBattery("V", T, 19, 20, 60.0),
    TargetReached("V", T, 80, 80, T - timedelta(hours=1), stop_charge=True),
    PlugReminder("V", date(2026, 11, 2), 30, 50),
    PreconditioningConfirmed("V", T, 60, "msg", 3.5),
    ActionConfirmed("V", ActionKind.CHARGE_START, "msg", T, T, 41),
    ActionNotConfirmed("V", ActionKind.CHARGE_STOP, "msg", T, T + timedelta(minutes=10), 41),
    RenaultUnreachable("account:1", T),
    CredentialsExpired("account:1", T),
    ServiceRecovered("account:1", T, T - timedelta(hours=1)),
]


@pytest.mark.parametrize("event", SAMPLES, ids=lambda e: type(e).__name__)
def test_event_payload_round_trips(event: Event) -> None:
    assert EVENT_TYPES.from_json(event_to_json(event)) == event


@pytest.mark.parametrize("event", SAMPLES, ids=lambda e: type(e).__name__)
def test_dedup_key_names_subject_kind_and_moment(event: Event) -> None:
    key = event.dedup_key
    assert event.kind.value in key
    assert key.split(":")[0] in ("V", "account")
    assert isinstance(event.kind, NotificationKind)


def test_same_event_has_same_key_and_different_moments_differ() -> None:
    assert Plugged("V", T, 40).dedup_key == Plugged("V", T, 41).dedup_key
    assert Plugged("V", T, 40).dedup_key != Plugged("V", T + timedelta(seconds=1), 40).dedup_key
    assert (
        TargetReached("V", T, 80, 80, T).dedup_key
        == TargetReached("V", T + timedelta(minutes=5), 82, 80, T).dedup_key
    )


def test_corrupt_payloads_raise_codec_error() -> None:
    with pytest.raises(CodecError):
        EVENT_TYPES.from_json({"type": "Nope"})
    with pytest.raises(CodecError):
        EVENT_TYPES.from_json({"type": "Plugged", "vin": "V"})
    with pytest.raises(CodecError):
        EVENT_TYPES.from_json({"type": "Plugged", "vin": "V", "reported_at": "yesterday", "battery_level": 1})


def test_the_outbox_reads_only_the_types_it_is_handed() -> None:
    plan = next(sample for sample in EVERY_TYPE if type(sample) not in KERNEL_EVENT_TYPES)
    with pytest.raises(CodecError):
        EventTypes(KERNEL_EVENT_TYPES).from_json(event_to_json(plan))
    assert EVENT_TYPES.from_json(event_to_json(plan)) == plan


def test_two_event_types_of_one_name_are_refused() -> None:
    @dataclasses.dataclass(frozen=True)
    class Plugged:
        kind: ClassVar[NotificationKind] = NotificationKind.PLUGGED

        @property
        def dedup_key(self) -> str:
            return "x"

    with pytest.raises(ValueError, match="two event types named Plugged"):
        EventTypes((*KERNEL_EVENT_TYPES, Plugged))


def test_only_action_outcomes_answer_the_user() -> None:
    assert answers_user(ActionNotConfirmed("V", ActionKind.REFRESH, "m", T, T, None))
    assert answers_user(PreconditioningConfirmed("V", T, 60, "m"))
    assert not answers_user(PreconditioningConfirmed("V", T, 60))
    assert not answers_user(Plugged("V", T, 40))


OK = ServiceHealth()
DOWN = ServiceHealth(ServiceStatus.UNREACHABLE, T)
EXPIRED = ServiceHealth(ServiceStatus.CREDENTIALS_EXPIRED, T)


def test_outage_is_announced_once_then_recovery() -> None:
    assert service_events(OK, DOWN, "account:1") == [RenaultUnreachable("account:1", T)]
    assert service_events(DOWN, DOWN, "account:1") == []
    back = ServiceHealth(ServiceStatus.OK, T + timedelta(hours=1))
    assert service_events(DOWN, back, "account:1") == [ServiceRecovered("account:1", back.since, T)]  # type: ignore[arg-type]


def test_expired_credentials_once_and_not_downgraded_to_unreachable() -> None:
    assert service_events(DOWN, EXPIRED, "a") == [CredentialsExpired("a", T)]
    assert service_events(EXPIRED, DOWN, "a") == []
    assert service_events(EXPIRED, EXPIRED, "a") == []


def test_each_event_type_says_whether_it_answers_the_user_and_when_it_expires() -> None:
    # One sample of every event type, the kernel's and the features': the kernel names none of the latter.
    answering = {type(e).__name__ for e in EVERY_TYPE if answers_user(e)}
    assert answering == {
        "ActionConfirmed",
        "ActionNotConfirmed",
        "SecretNotDeleted",
        "MemberJoined",
        "MemberLeft",
        "RoleChanged",
        "AccessEnded",
        "SmartPlanReady",
        "SmartChargeSwitched",
        "SmartPlanWithdrawn",
        "MonthlyCostSummary",
    } | {type(e).__name__ for e in EVERY_TYPE if isinstance(e, PreconditioningConfirmed) and e.reference}
    expiring = [(type(e).__name__, expires_at(e)) for e in EVERY_TYPE if expires_at(e) is not None]
    assert [name for name, _ in expiring] == ["SmartPlanReady"]
