"""The per-account call budget and quota cooldown: the ONE place they are enforced.

`BudgetGate` implements `bot.renault.gate.RequestGate`. The Renault client consults it before every request of
an account, so the poller's reads and the users' own commands (status refresh, actions) share one budget of
RENAULT_MAX_CALLS_PER_HOUR per account. After Renault answers with a quota error the whole account cools down
for 15 minutes. The counting itself is atomic in the `CallBudgetStore`, so replicas share the budget too.

A call made for a chat's update (the chat the `spending_chat` function names, handed in by the
composition root: `bot.services.spending.spending_chat`) by a chat that is not the account's owner is a
member's: each member may spend `MEMBER_SHARE` of the account's hour and all members together
`MEMBERS_SHARE`, so the owner and the poller always keep the rest (SECURITY.md, "Limits"). A member past a
share gets `LimitReached` (declared with the ports) naming it; the account is not marked as over quota.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from bot.domain.attempts import AttemptPolicy
from bot.renault.errors import QuotaExceeded
from bot.services.ports import BudgetLimit, CallBudgetStore, Clock, LimitReached, MemberShare

log = logging.getLogger(__name__)

DEFAULT_COOLDOWN = timedelta(minutes=15)
# RENAULT_MAX_CALLS_PER_HOUR=0 means unlimited; the store still has to be asked, for the cooldown.
_UNLIMITED = 1_000_000_000
_HOUR = timedelta(hours=1)
# Of the account's calls per hour: one member may spend a sixth (10 of 60, about three Refreshes), all the
# members together a third (20 of 60); the owner and the poller always keep at least two thirds.
MEMBER_SHARE = 1 / 6
MEMBERS_SHARE = 1 / 3


def member_share(chat_id: int, max_calls_per_hour: int) -> MemberShare | None:
    """What bounds a member's calls on an account of this budget (None: unlimited budget, no shares)."""
    if max_calls_per_hour <= 0:
        return None
    member = AttemptPolicy(cap=max(1, int(max_calls_per_hour * MEMBER_SHARE)), window=_HOUR)
    members = AttemptPolicy(cap=max(1, int(max_calls_per_hour * MEMBERS_SHARE)), window=_HOUR)
    return MemberShare(chat_id, member, members)


def kamereon_only(endpoint: str) -> bool:
    """Whether a request counts against the budget: Kamereon calls do, Gigya token calls do not."""
    return not endpoint.startswith(("gigya", "accounts.", "socialize.", "tfa."))


class BudgetGate:
    """RequestGate over a CallBudgetStore: spends a call per request, refuses when spent or cooling down."""

    def __init__(
        self,
        store: CallBudgetStore,
        clock: Clock,
        *,
        spending_chat: Callable[[], int | None],
        max_calls_per_hour: int = 60,
        cooldown: timedelta = DEFAULT_COOLDOWN,
        account_id_of: Callable[[str], int] = int,
        counts: Callable[[str], bool] = kamereon_only,
    ) -> None:
        self._store = store
        self._clock = clock
        self._limit = max_calls_per_hour if max_calls_per_hour > 0 else _UNLIMITED
        self._max_calls_per_hour = max_calls_per_hour
        self._cooldown = cooldown
        self._account_id_of = account_id_of
        self._counts = counts
        self._spending_chat = spending_chat

    async def before_request(self, account_key: str, endpoint: str) -> None:
        """Spend one call of the account's budget, or raise QuotaExceeded with the time to wait."""
        if not self._counts(endpoint):
            return
        now = self._clock()
        chat = self._spending_chat()
        share = None if chat is None else member_share(chat, self._max_calls_per_hour)
        decision = await self._store.try_spend(self._account_id_of(account_key), now, self._limit, share)
        if decision.allowed:
            return
        if share is not None and decision.limit is not BudgetLimit.ACCOUNT and decision.retry_at is not None:
            policy = share.member if decision.limit is BudgetLimit.MEMBER else share.members
            minutes = int(policy.window.total_seconds() // 60)
            raise LimitReached(decision.limit.value, decision.retry_at, policy.cap, minutes)
        retry_after = None
        if decision.retry_at is not None:
            retry_after = max((decision.retry_at - now).total_seconds(), 0.0)
        raise QuotaExceeded("local call budget spent or cooling down", retry_after_seconds=retry_after)

    async def on_quota_exceeded(self, account_key: str) -> None:
        """Renault refused a call for quota: no call of this account for the cooldown period."""
        until = self._clock() + self._cooldown
        log.warning("Renault quota exceeded for account %s; cooling down until %s", account_key, until)
        await self._store.start_cooldown(self._account_id_of(account_key), until)
