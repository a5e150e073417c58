"""The simulated car (demo, RENAULT_BACKEND=simulator) never runs out of calls; a quota fault still shows."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from bot.app.graph import system_clock
from bot.app.run import Running, open_bot
from bot.config import Settings
from bot.features.linking.ports import LinkResult
from bot.persistence.crypto import CredentialCipher, generate_key
from bot.services.errors import RenaultBusy
from bot.services.ports import LimitReached
from bot.simulator.demo import DEMO_EMAIL, DEMO_PASSWORD, demo_simulator
from bot.simulator.renault import RenaultSimulator
from bot.simulator.renault.faults import RenaultFault

CHAT = 77
# A few minutes of tapping: each round is a refreshed status card (three calls) and a /where (one).
ROUNDS = 40


def _settings(tmp_path: Path, how: str) -> Settings:
    database = f"sqlite:///{tmp_path / 'bot.db'}"
    if how == "simulator backend":
        return Settings(_env_file=None, database_url=database, renault_backend="simulator")
    plain = Settings(_env_file=None, database_url=database)
    # The offline demo points the real Renault client at the simulator with this copy (bot.app.run.demo).
    return plain.simulated() if how == "demo" else plain


@asynccontextmanager
async def _linked(settings: Settings, sim: RenaultSimulator) -> AsyncIterator[Running]:
    async with open_bot(
        settings, CredentialCipher.from_setting(generate_key()), "1:token", transport=sim.transport()
    ) as opened:
        assert isinstance(
            await opened.graph.linking.begin(CHAT, "fr_FR", DEMO_EMAIL, DEMO_PASSWORD), LinkResult
        )
        yield opened


async def _explore(opened: Running) -> list[str]:
    """What went wrong: 'quota' for every card shown stale or /where refused for the budget, the limit's
    name for a Refresh or /where refused by a per-chat limit."""
    problems: list[str] = []
    for _ in range(ROUNDS):
        try:
            view = await opened.graph.status.status(CHAT, refresh=True)
        except LimitReached as limit:
            problems.append(limit.limit)
        else:
            if view.stale_reason is not None:
                problems.append(view.stale_reason)
        try:
            await opened.graph.status.location(CHAT)
        except RenaultBusy:
            problems.append("quota")
        except LimitReached as limit:
            problems.append(limit.limit)
    return problems


@pytest.mark.parametrize("how", ["simulator backend", "demo"])
async def test_minutes_of_tapping_the_simulated_car_never_hit_the_budget(tmp_path: Path, how: str) -> None:
    sim = demo_simulator(system_clock)
    async with _linked(_settings(tmp_path, how), sim) as opened:
        assert await _explore(opened) == []
    assert sim.log.count(key="battery-status") >= ROUNDS  # every card really asked the car


async def test_the_real_budget_would_stop_the_same_session(tmp_path: Path) -> None:
    async with _linked(_settings(tmp_path, "real"), demo_simulator(system_clock)) as opened:
        # The per-chat Refresh limit (10 an hour) stops it before the account's 60 calls run out.
        assert "refresh" in await _explore(opened)


@pytest.mark.parametrize("how", ["simulator backend", "demo"])
async def test_an_injected_quota_fault_still_shows_the_budget_message(tmp_path: Path, how: str) -> None:
    sim = demo_simulator(system_clock)
    async with _linked(_settings(tmp_path, how), sim) as opened:
        await opened.graph.status.status(CHAT)  # a card was shown before: the stale one has data
        sim.inject(RenaultFault.QUOTA, times=1, path_contains="battery-status")
        view = await opened.graph.status.status(CHAT, refresh=True)
        assert view.stale_reason == "quota"  # "Renault is limiting requests; this is the last known data."
        with pytest.raises(RenaultBusy) as refused:  # and the account cools down: /where is refused too
            await opened.graph.status.location(CHAT)
    assert refused.value.retry_at is not None
