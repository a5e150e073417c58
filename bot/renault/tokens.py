"""The port through which a minted JWT is shared with other processes (implemented outside this package)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True, slots=True)
class StoredJwt:
    """A JWT minted by accounts.getJWT and its expiry (POSIX seconds, the `exp` claim); never shown."""

    token: str = field(repr=False)
    expires_at: float

    def __repr__(self) -> str:
        return f"StoredJwt(token=<redacted>, expires_at={self.expires_at!r})"


class TokenStore(Protocol):
    """Where the sessions of every process keep an account's current JWT, so one mint serves them all."""

    async def load(self, account_key: str) -> StoredJwt | None:
        """The JWT last saved for the account (maybe expired), or None."""

    async def save(self, account_key: str, jwt: StoredJwt) -> None:
        """Keep a freshly minted JWT for the account."""
