"""What redeeming an invite gives, and why a store refuses one, as plain values.

The account records and store errors that were here are declared with the ports (`bot.services.ports`), the
readings in `bot.domain.history`; these two wait for the sharing feature's own package.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.sharing import InviteProblem
from bot.domain.vehicle import Role


class InviteInvalid(Exception):
    """The invite cannot be used (unknown, revoked, used, expired, or the account is full)."""

    def __init__(self, problem: InviteProblem) -> None:
        super().__init__(f"invite refused: {problem.value}")
        self.problem = problem


@dataclass(frozen=True, slots=True)
class RedeemedInvite:
    """The account and role a chat gained by redeeming an invite."""

    account_id: int
    role: Role
