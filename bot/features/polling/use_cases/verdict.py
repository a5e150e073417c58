"""What one poll concludes from what it read, without I/O: the car's new stored state and each chat's events.

The middle of the poll's one forward pipeline (`poll.PollingService.poll`: read -> judge -> pings -> keep): a
read is a `Read` (the merged snapshot, or why there is none); `judge` diffs it per chat (`bot.domain.diff`),
adds the outage and recovery notices, counts the next poll and says what the poll still has to do (stop a
charge, mark the account's login as lost, tell its chats), as one `Verdict`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from bot.domain.charge_tracking import ChargeStep, follow
from bot.domain.diff import TrackedState, diff
from bot.domain.events import Event, RenaultUnreachable, ServiceRecovered, TargetReached, answers_user
from bot.domain.models import ModelTraits, traits_for
from bot.domain.phases import phase_of
from bot.domain.poll_memory import PollMemory
from bot.domain.preferences import ChatSettings
from bot.domain.snapshot import VehicleSnapshot
from bot.domain.zones import zone_or_utc
from bot.features.polling.logic.cadence import next_due
from bot.features.polling.ports import NextPoll
from bot.services.ports import PollHealth, StoredVehicle, StoredVehicleState, Subscriber

NEEDS_LOGIN_RECHECK = timedelta(hours=6)
QUOTA_WAIT = timedelta(minutes=15)
# Renault failing this long for a vehicle is worth a ping (once per outage, with recovery).
OUTAGE_NOTICE_AFTER = timedelta(minutes=30)
MAX_BACKOFF = timedelta(hours=1)


class Failure(Enum):
    """Why a read brought no snapshot."""

    LOGIN_KNOWN = "login known lost"  # the account was flagged before: Renault is not asked
    LOGIN_LOST = "needs login"  # Renault refused the login now
    BUSY = "busy"  # quota or cooldown: wait until Renault says, or a quarter of an hour
    DOWN = "down"  # Renault unreachable or failing
    OTHER = "other"  # any other service error


@dataclass(frozen=True, slots=True)
class Read:
    """What the poll's read brought: the merged snapshot, or the failure, and the bookkeeping around it."""

    vehicle: StoredVehicle
    stored: StoredVehicleState
    subscribers: Sequence[Subscriber]
    account_size: int
    memory: PollMemory
    snapshot: VehicleSnapshot | None = None
    requests: int = 0
    failure: Failure | None = None
    problem: str | None = None  # the service error's name, for the outcome
    retry_at: datetime | None = None  # when Renault said to come back (busy)

    @property
    def traits(self) -> ModelTraits:
        """The car model's traits (battery, codes), which the diff and the history reading need."""
        return traits_for(self.vehicle.info.model_code)


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the poll concluded: the state to store (None: store nothing), each chat's events, what to do."""

    next_poll_at: datetime
    state: StoredVehicleState | None
    notices: list[tuple[ChatSettings, list[Event]]]
    requests: int
    problem: str | None = None
    stop_charge: bool = False
    login_lost: bool = False  # mark the account as needing a login (its other cars in the batch too)
    tell_login: bool = False  # tell the account's chats once that the login is needed
    # The reading for /history, with the step the vehicle's charge tracker made on it.
    reading: tuple[VehicleSnapshot, ChargeStep] | None = None


def judge(read: Read, now: datetime, next_poll: NextPoll) -> Verdict:
    """The poll's conclusion from its read, at `now`, with the interval policy `next_poll`."""
    if read.failure is Failure.LOGIN_KNOWN:
        return Verdict(now + NEEDS_LOGIN_RECHECK, None, [], 0, "needs login", tell_login=True)
    if read.failure is Failure.LOGIN_LOST:
        retry = now + NEEDS_LOGIN_RECHECK
        state = read_failed(read.stored, PollHealth.NEEDS_LOGIN, now, retry)
        return Verdict(retry, state, [], 1, "needs login", login_lost=True, tell_login=True)
    if read.failure is Failure.BUSY:
        retry = read.retry_at if read.retry_at and read.retry_at > now else now + QUOTA_WAIT
        return Verdict(retry, read_failed(read.stored, PollHealth.QUOTA, now, retry), [], 1, "busy")
    if read.failure is not None or read.snapshot is None:
        return _failed(read, now, next_poll)
    return _read_ok(read, read.snapshot, now, next_poll)


def _read_ok(read: Read, snapshot: VehicleSnapshot, now: datetime, next_poll: NextPoll) -> Verdict:
    vehicle, stored, memory = read.vehicle, read.stored, read.memory
    traits = read.traits
    chats: dict[int, TrackedState] = {}
    notices: list[tuple[ChatSettings, list[Event]]] = []
    stop_charge = False
    recovered = _recovery(vehicle, memory, now)
    # The vehicle's one charge tracker follows the reading once; every chat's diff tells the same charge.
    read_phase = phase_of(snapshot, traits)  # once per reading: the tracker and every chat's diff take it
    tracker, step = follow(memory.charge, snapshot, read_phase)
    for sub in read.subscribers:
        chat_id = sub.settings.chat_id
        result = diff(
            memory.tracked(chat_id),
            snapshot,
            sub.preferences,
            traits,
            now,
            charge=step,
            phase=read_phase,
            zone=zone_or_utc(sub.settings.time_zone),
        )
        chats[chat_id] = result.state
        events: list[Event] = list(result.events)
        stop_charge |= any(isinstance(e, TargetReached) and e.stop_charge for e in events)
        if recovered is not None and sub.preferences.wants(recovered.kind):
            events.append(recovered)
        notices.append((sub.settings, events))
    phase = read_phase.value
    follow_up = memory.follow_ups > 0
    memory = dataclasses.replace(
        memory,
        chats=chats,
        charge=tracker,
        follow_ups=max(memory.follow_ups - 1, 0),
        failing_since=None,
        outage_told=False,
    )
    next_at = next_due(stored.next_poll_at, now, next_poll(phase, read.account_size, follow_up))
    state = StoredVehicleState(
        vehicle_id=vehicle.vehicle_id,
        snapshot=snapshot,
        phase=phase,
        car_reported_at=snapshot.reported_at or stored.car_reported_at,
        memory=memory,
        next_poll_at=next_at,
        health=PollHealth.OK,
        health_at=now,
        read_at=now,
    )
    requests = read.requests + (1 if stop_charge else 0)  # the stop is one request, whatever its answer
    return Verdict(next_at, state, notices, requests, stop_charge=stop_charge, reading=(snapshot, step))


def _recovery(vehicle: StoredVehicle, memory: PollMemory, now: datetime) -> ServiceRecovered | None:
    if not memory.outage_told or memory.failing_since is None:
        return None
    return ServiceRecovered(scope=vehicle.info.vin, since=now, problem_since=memory.failing_since)


def _failed(read: Read, now: datetime, next_poll: NextPoll) -> Verdict:
    stored, memory = read.stored, read.memory
    since = memory.failing_since or now
    notices: list[tuple[ChatSettings, list[Event]]] = []
    told = memory.outage_told
    if not told and now - since >= OUTAGE_NOTICE_AFTER:
        event = RenaultUnreachable(scope=read.vehicle.info.vin, since=since)
        for sub in read.subscribers:
            # As every chat-wide notice: the chats whose preferences want it (an answer to the user always).
            wanted: list[Event] = [event] if answers_user(event) or sub.preferences.wants(event.kind) else []
            notices.append((sub.settings, wanted))
        told = True
    memory = dataclasses.replace(memory, failing_since=since, outage_told=told)
    normal = next_poll(stored.phase, read.account_size, False)
    # Back off while Renault fails: double the time since the outage began, within limits.
    next_at = now + min(max(normal, now - since), MAX_BACKOFF)
    health = PollHealth.RENAULT_DOWN if read.failure is Failure.DOWN else PollHealth.FAILED
    state = dataclasses.replace(read_failed(stored, health, now, next_at), memory=memory)
    return Verdict(next_at, state, notices, 1, read.problem)


def read_failed(
    stored: StoredVehicleState, health: PollHealth, now: datetime, next_at: datetime
) -> StoredVehicleState:
    """The stored state after a poll that could not read the car: the last reading stays, the card warns."""
    return dataclasses.replace(stored, health=health, health_at=now, next_poll_at=next_at)
