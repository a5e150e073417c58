"""The poll batch is an explicit unit of work: its own reads, one commit, and Renault errors met only at the
gateway."""

from __future__ import annotations

import ast
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from bot.features.linking.ports import LinkResult
from bot.persistence.engine import Database
from tests.support.stack import Stack, service_stack

pytestmark = pytest.mark.slow  # measured: most of its tests take over a second

BOT = Path(__file__).resolve().parents[3] / "bot"


class Statements:
    """Every SQL statement the engine runs, with the transaction (BEGIN) it ran in."""

    def __init__(self) -> None:
        self.seen: list[tuple[int, str]] = []
        self._transactions = itertools.count(1)

    def on_begin(self, conn: Any) -> None:
        conn.info["tx"] = next(self._transactions)

    def on_execute(self, conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        self.seen.append((conn.info.get("tx", 0), " ".join(statement.split())))

    def matching(self, *fragments: str) -> list[tuple[int, str]]:
        """The statements containing any of the fragments (case-insensitive)."""
        wanted = [f.lower() for f in fragments]
        return [(tx, sql) for tx, sql in self.seen if any(f in sql.lower() for f in wanted)]

    def clear(self) -> None:
        """Forget what was seen so far."""
        self.seen.clear()


@contextmanager
def recorded(db: Database) -> Iterator[Statements]:
    """Record the engine's statements inside the block."""
    log = Statements()
    engine = db.engine.sync_engine
    event.listen(engine, "begin", log.on_begin)
    event.listen(engine, "before_cursor_execute", log.on_execute)
    try:
        yield log
    finally:
        event.remove(engine, "before_cursor_execute", log.on_execute)
        event.remove(engine, "begin", log.on_begin)


async def _fleet(stack: Stack, accounts: int, cars_each: int) -> list[str]:
    vins: list[str] = []
    for n in range(accounts):
        email = f"owner{n}@example.com"
        account = stack.sim.add_account(email, "pw-123456")
        vins += [stack.sim.add_vehicle(account, "X102VE", battery_level=40).vin for _ in range(cars_each)]
        linked = await stack.graph.linking.begin(1000 + n, "fr_FR", email, "pw-123456")
        assert isinstance(linked, LinkResult)
    return vins


async def test_two_batches_in_flight_keep_their_own_resolved_accounts(tmp_path: Path) -> None:
    async with service_stack(tmp_path) as stack:
        await _fleet(stack, accounts=1, cars_each=2)
        first, second = await stack.graph.stores.vehicles.all_vehicle_ids()
        polling = stack.graph.polling
        # Two batches of the same account at once (two lanes of one tick): the first ends before the second
        # polls. Before, the first's end dropped the account the second had resolved too.
        one = await polling.open_batch([first])
        two = await polling.open_batch([second])
        assert (await polling.poll(first, one)).problem is None
        await polling.close_batch(one)
        with recorded(stack.db) as sql:
            outcome = await polling.poll(second, two)
        assert outcome.problem is None
        assert sql.matching("accounts.secrets_enc") == []  # the second batch's own resolved account was used
        await polling.close_batch(two)
        assert all(
            state.read_at is not None
            for state in (await stack.graph.stores.states.load_many([first, second])).values()
        )


async def test_a_batch_commits_its_pings_and_states_in_one_transaction_then_delivers(tmp_path: Path) -> None:
    async with service_stack(tmp_path) as stack:
        vins = await _fleet(stack, accounts=4, cars_each=1)
        ids = await stack.graph.stores.vehicles.all_vehicle_ids()
        polling = stack.graph.polling
        async with polling.batch(ids) as first:  # the first reading only initialises
            for vehicle_id in ids:
                await polling.poll(vehicle_id, first)
        for vin in vins:
            stack.sim.plug(vin)
        stack.clock.advance(minutes=20)
        batch = await polling.open_batch(ids)
        for vehicle_id in ids:
            await polling.poll(vehicle_id, batch)
        assert stack.notifier.sent == []  # nothing is stored nor sent before the batch's end
        with recorded(stack.db) as sql:
            report = await polling.close_batch(batch)
        writes = sql.matching("insert into notification_log", "update vehicle_states set snapshot")
        assert len({tx for tx, _ in writes}) == 1, writes  # one transaction for the whole batch
        assert sql.matching("insert into notification_log")
        # Each car was plugged in and started charging: two pings per chat, each delivered once.
        pings = [(chat, sent.kind.value) for chat, sent in stack.notifier.sent]
        assert report.sent == len(pings) == len(set(pings)) == 8
        assert {kind for _, kind in pings} == {"plugged", "charge_started"}


async def test_a_polls_reading_is_stored_at_the_batchs_end_not_while_it_holds_a_slot(tmp_path: Path) -> None:
    async with service_stack(tmp_path) as stack:
        await _fleet(stack, accounts=2, cars_each=1)
        ids = await stack.graph.stores.vehicles.all_vehicle_ids()
        polling = stack.graph.polling
        batch = await polling.open_batch(ids)
        with recorded(stack.db) as sql:
            for vehicle_id in ids:
                assert (await polling.poll(vehicle_id, batch)).problem is None
        assert sql.matching("insert into battery_readings") == []  # no wait for a transaction in the poll
        since = stack.clock() - timedelta(days=1)
        assert [await stack.graph.stores.history.readings(v, since) for v in ids] == [[], []]
        with recorded(stack.db) as sql:
            await polling.close_batch(batch)
        assert len({tx for tx, _ in sql.matching("insert into battery_readings")}) == 1  # both in one
        assert [len(await stack.graph.stores.history.readings(v, since)) for v in ids] == [1, 1]


async def test_a_batch_reads_account_sizes_from_the_database(tmp_path: Path) -> None:
    async with service_stack(tmp_path) as stack:
        await _fleet(stack, accounts=2, cars_each=2)
        vehicles = stack.graph.stores.vehicles
        ids = await vehicles.all_vehicle_ids()
        batch = await stack.graph.polling.open_batch(ids[:3])
        accounts = {vehicle.account_id for vehicle in batch.vehicles.values()}
        assert batch.account_sizes == dict.fromkeys(accounts, 2)  # the fourth car counts, unclaimed
        await stack.graph.polling.close_batch(batch)


def _renault_error_names(tree: ast.Module) -> set[str]:
    """Names bound in a module to bot.renault.errors or one of its classes."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "bot.renault.errors":
            names |= {alias.asname or alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module == "bot.renault":
            names |= {alias.asname or alias.name for alias in node.names if alias.name == "errors"}
        elif isinstance(node, ast.Import):
            names |= {
                alias.asname or alias.name for alias in node.names if alias.name == "bot.renault.errors"
            }
    return names


def _catches(tree: ast.Module, names: set[str]) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.ExceptHandler) and node.type is not None:
            for part in ast.walk(node.type):
                if isinstance(part, ast.Name) and part.id in names:
                    return True
                if (
                    isinstance(part, ast.Attribute)
                    and isinstance(part.value, ast.Name)
                    and part.value.id in names
                ):
                    return True
    return False


def test_renault_errors_are_caught_only_at_the_gateway() -> None:
    catching = []
    for path in sorted(BOT.rglob("*.py")):
        relative = path.relative_to(BOT).as_posix()
        if relative.startswith(("renault/", "simulator/")):
            continue  # the client library and the fake backend are Renault's side of the boundary
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = _renault_error_names(tree)
        if names and _catches(tree, names):
            catching.append(relative)
    assert catching == ["services/gateway.py"]
