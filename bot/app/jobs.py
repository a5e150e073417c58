"""The repeating jobs besides the poller: the smart-charging executor, the daily plans, and the purge of
expired conversation state.

The smart-charging jobs go through the notification outbox (bot.services.smart_charging), like every ping.
"""

from __future__ import annotations

from typing import Any

from telegram.ext import JobQueue

from bot.services.conversation_ports import ConversationPurge
from bot.services.ports import Clock
from bot.services.smart_charging import SmartChargeAssistant

EXECUTOR_INTERVAL_SECONDS = 60.0
# Daily plans are due at 17:00 in each chat's own zone (services.smart_charging.DAILY_LOCAL_TIME); the job
# looks every quarter of an hour, and the store makes sure a chat gets at most one plan a day.
DAILY_CHECK_SECONDS = 15 * 60.0
# Expired logins (with the password of a pending challenge) and drafts leave the database within a minute.
PURGE_INTERVAL_SECONDS = 60.0


def register_smart_jobs(jobs: JobQueue[Any], smart: SmartChargeAssistant) -> None:
    """Run the start/stop executor every minute and look for due daily plans every quarter of an hour."""

    async def run_executor(_context: object) -> None:
        await smart.run_due()

    async def send_daily_plans(_context: object) -> None:
        await smart.send_daily_plans()

    jobs.run_repeating(run_executor, interval=EXECUTOR_INTERVAL_SECONDS, name="smartcharge-executor")
    jobs.run_repeating(send_daily_plans, interval=DAILY_CHECK_SECONDS, name="smartcharge-daily")


def register_conversation_purge(jobs: JobQueue[Any], purge: ConversationPurge, clock: Clock) -> None:
    """Delete expired logins, challenges, drafts, rates and old update records every minute."""

    async def run_purge(_context: object) -> None:
        await purge.purge(clock())

    jobs.run_repeating(
        run_purge, interval=PURGE_INTERVAL_SECONDS, first=PURGE_INTERVAL_SECONDS, name="conversation-purge"
    )
