"""The port through which a per-account call budget and quota cooldown are enforced."""

from __future__ import annotations

from typing import Protocol


class RequestGate(Protocol):
    """Consulted before every Kamereon and token request of an account (implemented outside this package)."""

    async def before_request(self, account_key: str, endpoint: str) -> None:
        """Wait or raise QuotaExceeded when the budget is spent or the account is cooling down."""

    async def on_quota_exceeded(self, account_key: str) -> None:
        """Renault answered with a quota error: start the cooldown."""
