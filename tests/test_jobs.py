"""The repeating jobs besides the poller are registered with their intervals, and each runs its use case."""

from __future__ import annotations

from pathlib import Path

from telegram.ext import ApplicationBuilder

from bot.app.jobs import (
    DAILY_CHECK_SECONDS,
    EXECUTOR_INTERVAL_SECONDS,
    MONTHLY_CHECK_SECONDS,
    PLACES_SECONDS,
    PURGE_INTERVAL_SECONDS,
    SECRET_RETRY_SECONDS,
    register_conversation_purge,
    register_cost_jobs,
    register_secret_retries,
    register_smart_jobs,
)
from bot.telegram_ui.handlers.common import TelegramEraser
from tests.support.stack import service_stack


async def test_smart_and_cost_jobs_are_registered_and_run(tmp_path: Path) -> None:
    async with service_stack(tmp_path) as stack:
        application = ApplicationBuilder().token("1:test").build()
        jobs = application.job_queue
        assert jobs is not None
        register_smart_jobs(jobs, stack.graph.smart)
        register_cost_jobs(jobs, stack.graph.costs)
        register_conversation_purge(jobs, stack.graph.stores.conversation_purge, stack.clock)
        register_secret_retries(jobs, stack.graph.secrets, TelegramEraser(application.bot))
        found = {job.name: job for job in jobs.jobs()}
        assert set(found) == {
            "smartcharge-executor",
            "smartcharge-daily",
            "costs-places",
            "costs-monthly",
            "conversation-purge",
            "secret-deletions",
        }
        intervals = {name: job.trigger.interval.total_seconds() for name, job in found.items()}  # type: ignore[attr-defined]
        assert intervals == {
            "smartcharge-executor": EXECUTOR_INTERVAL_SECONDS,
            "smartcharge-daily": DAILY_CHECK_SECONDS,
            "costs-places": PLACES_SECONDS,
            "costs-monthly": MONTHLY_CHECK_SECONDS,
            "conversation-purge": PURGE_INTERVAL_SECONDS,
            "secret-deletions": SECRET_RETRY_SECONDS,
        }
        for job in found.values():
            await job.callback(None)  # type: ignore[arg-type]  # nothing is due: each use case runs and returns
