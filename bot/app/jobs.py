"""The repeating jobs besides the poller: the smart-charging executor, the daily plans, the cost jobs, the
purge of expired conversation state and the retries of failed deletes of secret messages.

Every ping they produce goes through the notification outbox, like every ping.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

from telegram.ext import JobQueue

from bot.features.costs.use_cases.report import CostDesk
from bot.features.smart_charging.use_cases.assistant import SmartChargeAssistant
from bot.services.conversation_ports import ConversationPurge
from bot.services.ports import Clock, StorageUnavailable
from bot.services.secret_messages import MessageEraser, SecretMessages

EXECUTOR_INTERVAL_SECONDS = 60.0
# Daily plans are due at 17:00 in each chat's own zone (smart charging's `DAILY_LOCAL_TIME`); the job looks
# every quarter of an hour, and the store makes sure a chat gets at most one plan a day.
DAILY_CHECK_SECONDS = 15 * 60.0
# Expired logins (with the password of a pending challenge) and drafts leave the database within a minute.
PURGE_INTERVAL_SECONDS = 60.0


def register_smart_jobs(jobs: JobQueue[Any], smart: SmartChargeAssistant) -> None:
    """Run the start/stop executor every minute and look for due daily plans every quarter of an hour."""
    _every(jobs, EXECUTOR_INTERVAL_SECONDS, "smartcharge-executor", smart.run_due)
    _every(jobs, DAILY_CHECK_SECONDS, "smartcharge-daily", smart.send_daily_plans)


# Where a charging car stands is read once per session, while it charges; a session shorter than this may be
# missed and is then priced as home.
PLACES_SECONDS = 10 * 60.0
# Monthly summaries are due on the 1st at 09:00 in each chat's zone; the store claims one per chat and month.
MONTHLY_CHECK_SECONDS = 15 * 60.0


def register_cost_jobs(jobs: JobQueue[Any], costs: CostDesk) -> None:
    """Note where charging sessions start, and send due monthly summaries."""
    _every(jobs, PLACES_SECONDS, "costs-places", costs.capture_places)
    _every(jobs, MONTHLY_CHECK_SECONDS, "costs-monthly", costs.send_monthly_summaries)


def register_conversation_purge(jobs: JobQueue[Any], purge: ConversationPurge, clock: Clock) -> None:
    """Delete expired logins, challenges, drafts, rates and old update records every minute."""

    async def run_purge() -> None:
        await purge.purge(clock())

    _every(jobs, PURGE_INTERVAL_SECONDS, "conversation-purge", run_purge)


# A password or code message whose delete failed is retried from 30 s on (SecretMessages' own waits).
SECRET_RETRY_SECONDS = 15.0


def register_secret_retries(jobs: JobQueue[Any], secrets: SecretMessages, eraser: MessageEraser) -> None:
    """Retry the failed deletes of password and code messages; ask the sender when they cannot succeed."""

    async def retry() -> None:
        await secrets.retry_due(eraser)

    _every(jobs, SECRET_RETRY_SECONDS, "secret-deletions", retry)


def _every(jobs: JobQueue[Any], seconds: float, name: str, run: Callable[[], Awaitable[object]]) -> None:
    async def job(_context: object) -> None:
        with contextlib.suppress(StorageUnavailable):
            # Said once by the database when the outage began; the next run tries again.
            await run()

    jobs.run_repeating(job, interval=seconds, name=name)
