"""Storage faults: which database errors mean "storage is unavailable", and a back-off so that an outage is
logged once when it starts and once when it ends, and writes wait between attempts instead of failing
every tick; the next attempt after the back-off finds out whether storage is back."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, NotSupportedError, ProgrammingError

from bot.services.ports import StorageUnavailable

log = logging.getLogger(__name__)

FIRST_WAIT_SECONDS = 1.0
MAX_WAIT_SECONDS = 30.0


def storage_fault(exc: BaseException) -> bool:
    """Whether `exc` says the storage is unavailable (as opposed to a bug or a refused constraint)."""
    if isinstance(exc, StorageUnavailable):
        return True
    if isinstance(exc, _NOT_STORAGE):
        return False
    # Operational and interface errors (disk full, read-only, connection lost), and the bare driver errors
    # a PostgreSQL server raises while it refuses connections (restarting, database not accepting them).
    if isinstance(exc, DBAPIError):
        return True
    # Connecting to a server that is down or restarting (refused, reset) before any DBAPI error exists.
    return isinstance(exc, ConnectionError | TimeoutError | OSError)


# A refused constraint, a malformed statement or value: the storage works, the caller is wrong.
_NOT_STORAGE = (IntegrityError, ProgrammingError, DataError, NotSupportedError)


def describe(exc: BaseException) -> str:
    """A one-line cause: the driver's own words for a database error (no SQL, no parameters, no URL)."""
    original = getattr(exc, "orig", None) or exc
    text = str(original).strip().splitlines()[0] if str(original).strip() else ""
    return f"{type(original).__name__}: {text}" if text else type(original).__name__


@dataclass
class _Outage:
    since: float
    next_try: float
    wait: float
    cause: str


class StorageBackoff:
    """One kind of access (reads, or writes): failing fast while in back-off, logging start and end once."""

    def __init__(self, kind: str, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._kind = kind
        self._monotonic = monotonic
        self._outage: _Outage | None = None

    @property
    def failing(self) -> bool:
        """Whether an outage is going on."""
        return self._outage is not None

    def check(self) -> None:
        """Raise StorageUnavailable at once while waiting between attempts (the storage is not touched)."""
        outage = self._outage
        if outage is not None and self._monotonic() < outage.next_try:
            raise StorageUnavailable(f"storage unavailable for {self._kind}: {outage.cause}")

    def failed(self, exc: BaseException) -> StorageUnavailable:
        """Note a failed attempt (logged when it starts an outage); returns the error to raise."""
        now = self._monotonic()
        cause = describe(exc)
        outage = self._outage
        if outage is None:
            log.warning("storage unavailable for %s (%s); retrying with back-off", self._kind, cause)
            self._outage = _Outage(now, now + FIRST_WAIT_SECONDS, FIRST_WAIT_SECONDS, cause)
        else:
            outage.wait = min(outage.wait * 2, MAX_WAIT_SECONDS)
            outage.next_try = now + outage.wait
            outage.cause = cause
        return StorageUnavailable(f"storage unavailable for {self._kind}: {cause}")

    def succeeded(self) -> None:
        """Note a successful attempt: an outage going on ends (logged once)."""
        outage = self._outage
        if outage is None:
            return
        self._outage = None
        log.warning("storage is back for %s after %.0f s", self._kind, self._monotonic() - outage.since)
