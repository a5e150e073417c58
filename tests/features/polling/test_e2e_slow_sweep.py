"""A sweep slower than the tick period (Renault held) skips ticks quietly: no warning storm in the log."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest
from telegram.ext import ApplicationBuilder

from bot.app.graph import GraphOptions
from bot.features.linking.ports import LinkResult
from bot.features.polling.jobs import PollerSettings, register_poller
from bot.simulator.renault import RenaultFault
from tests.support.stack import service_stack

pytestmark = pytest.mark.slow  # measured: most of its tests take over a second

STORM = "maximum number of running instances"


async def _until(condition: object, timeout: float = 20.0) -> None:  # noqa: ASYNC109 - a safety net
    """Wait (yielding to the loop) until `condition()` holds."""
    assert callable(condition)
    async with asyncio.timeout(timeout):
        while not condition():  # noqa: ASYNC110 - the JobQueue's own timer drives the ticks
            await asyncio.sleep(0.01)


async def test_a_held_renault_skips_ticks_without_a_warning_per_tick(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    options = GraphOptions(max_calls_per_hour=0, poller=PollerSettings(tick_seconds=0.05))
    async with service_stack(tmp_path, options) as stack:
        stack.sim.add_vehicle(stack.sim.add_account("slow@example.com", "pw-123456"), "X102VE")
        assert isinstance(
            await stack.graph.linking.begin(1000, "fr_FR", "slow@example.com", "pw-123456"), LinkResult
        )
        held = stack.sim.inject(RenaultFault.HOLD, endpoint="battery-status", times=None)
        poller = stack.graph.poller
        application = ApplicationBuilder().token("123:TEST").build()
        jobs = application.job_queue
        assert jobs is not None
        register_poller(jobs, poller)
        caplog.set_level(logging.WARNING)
        await jobs.start()
        try:
            # Twenty tick periods while the first sweep waits for Renault (the job's first run is after 1 s).
            await _until(lambda: poller.ticks_skipped >= 20)
            assert stack.sim.log.total >= 1
        finally:
            held.release.set()
            await jobs.stop()
            await poller.shutdown()
    storms = [r for r in caplog.records if STORM in r.getMessage()]
    assert len(storms) <= 1, [r.getMessage() for r in storms]
