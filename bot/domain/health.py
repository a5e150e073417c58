"""Health of the link to Renault for one account, and the once-each pings when it changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from bot.domain.events import CredentialsExpired, RenaultUnreachable, ServiceEvent, ServiceRecovered


class ServiceStatus(Enum):
    """Whether Renault answers for an account."""

    OK = "ok"
    UNREACHABLE = "unreachable"
    CREDENTIALS_EXPIRED = "credentials_expired"


@dataclass(frozen=True, slots=True)
class ServiceHealth:
    """The status of an account's link to Renault and since when (decided by the caller's retry policy)."""

    status: ServiceStatus = ServiceStatus.OK
    since: datetime | None = None


def service_events(previous: ServiceHealth, current: ServiceHealth, scope: str) -> list[ServiceEvent]:
    """Pings for a health change: each problem once when it starts, and a recovery once when it ends."""
    if current.status is previous.status or current.since is None:
        return []
    if current.status is ServiceStatus.UNREACHABLE:
        if previous.status is ServiceStatus.CREDENTIALS_EXPIRED:
            return []  # still broken; the user already knows they must log in again
        return [RenaultUnreachable(scope, current.since)]
    if current.status is ServiceStatus.CREDENTIALS_EXPIRED:
        return [CredentialsExpired(scope, current.since)]
    return [ServiceRecovered(scope, current.since, previous.since)]
