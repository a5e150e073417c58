"""Every read of the car's position, and every place derived from one, is behind the location right.

A viewer has the right only when the owner shares the location; a driver and the owner always have it. The
position is read only through `LinkingService.locate` (a `Located` proof the gateway's `read_location`
demands), in handlers and jobs alike; a chat without the right gets place "unknown" in /history, /costs and
/export. The last test enumerates every use case and job that reads or derives a position, so one added
later fails it until it is listed here with the test that proves it respects the right.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.domain.history import ChargeSession
from bot.domain.vehicle import Role
from bot.features.costs.logic import Place
from bot.features.history.store import SqlHistoryRepository
from bot.features.linking.ports import LinkResult
from bot.renault.capabilities import capabilities_for
from bot.services.access import Located
from bot.services.errors import NotPermitted
from tests.support.stack import Stack, service_stack

pytestmark = pytest.mark.slow  # measured: most of its tests take over a second

EMAIL, PASSWORD = "owner@example.com", "s3cret-Pass"
OWNER, VIEWER, DRIVER = 1001, 2002, 3003
VIN = "VF1RCB00012345678"
MODEL = "XCB1VE"
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
HOME = (48.8566, 2.3522)  # where the simulated car stands
ROOT = Path(__file__).resolve().parents[2]


async def _shared_car(stack: Stack) -> int:
    """An owner's car, a viewer (location not shared) and a driver; every chat set a home by hand."""
    assert "location" in capabilities_for(MODEL).supported
    stack.clock.set(NOW)
    account = stack.sim.add_account(EMAIL, PASSWORD)
    stack.sim.add_vehicle(account, MODEL, vin=VIN, plugged=True, battery_level=50)
    await stack.graph.settings.chat(OWNER, "en")
    linked = await stack.graph.linking.begin(OWNER, "fr_FR", EMAIL, PASSWORD)
    assert isinstance(linked, LinkResult)
    assert linked.active_vehicle_id is not None
    for chat, role in ((VIEWER, Role.VIEWER), (DRIVER, Role.DRIVER)):
        await stack.graph.settings.chat(chat, "en")
        invite = await stack.graph.sharing.invite(OWNER, role, "Ann")
        await stack.graph.sharing.join(chat, invite.token, "Bob", private=True)
    for chat in (OWNER, VIEWER, DRIVER):
        await stack.graph.costs.set_home(chat, *HOME)
    return linked.active_vehicle_id


async def _no_home(stack: Stack, chat: int) -> None:
    settings = await stack.graph.costs.settings(chat)
    await stack.graph.costs.save_settings(dataclasses.replace(settings, home=None))


def _position_reads(stack: Stack) -> int:
    return stack.sim.log.count(key="location")


async def _charging_now(stack: Stack, vehicle_id: int) -> datetime:
    start = NOW - timedelta(hours=1)
    await SqlHistoryRepository(stack.db).add_session(ChargeSession(vehicle_id, start, None, 20, 30, None))
    return start


async def _charged(stack: Stack, start: datetime, vehicle_id: int) -> None:
    end = start + timedelta(hours=1)
    await SqlHistoryRepository(stack.db).add_session(ChargeSession(vehicle_id, start, end, 20, 60, 20.8))


async def test_where_needs_the_location_right(tmp_path: Path) -> None:
    async with service_stack(tmp_path) as stack:
        await _shared_car(stack)
        with pytest.raises(NotPermitted):
            await stack.graph.status.location(VIEWER)
        assert _position_reads(stack) == 0
        assert (await stack.graph.status.location(DRIVER)).point.latitude == pytest.approx(HOME[0])
        await stack.graph.sharing.set_location_shared(OWNER, True)
        assert (await stack.graph.status.location(VIEWER)).point.longitude == pytest.approx(HOME[1])
        assert _position_reads(stack) == 2


async def test_car_position_as_home_needs_the_location_right(tmp_path: Path) -> None:
    async with service_stack(tmp_path) as stack:
        await _shared_car(stack)
        with pytest.raises(NotPermitted):
            await stack.graph.costs.set_home_from_car(VIEWER)
        assert _position_reads(stack) == 0
        home = await stack.graph.costs.set_home_from_car(OWNER)
        assert (home.latitude, home.longitude) == pytest.approx(HOME)
        assert _position_reads(stack) == 1


async def test_capture_places_reads_no_position_for_a_chat_without_the_right(tmp_path: Path) -> None:
    async with service_stack(tmp_path) as stack:
        vehicle_id = await _shared_car(stack)
        start = await _charging_now(stack, vehicle_id)
        # The owner and the driver have the right: one read of the car serves both.
        assert await stack.graph.costs.capture_places() == 3
        assert _position_reads(stack) == 1
        places = {
            chat: (await stack.graph.stores.costs.costs(chat, start, NOW))[0].place
            for chat in (OWNER, VIEWER, DRIVER)
        }
        assert places == {OWNER: Place.HOME, DRIVER: Place.HOME, VIEWER: Place.UNKNOWN}


async def test_the_capture_job_reads_nothing_when_only_a_chat_without_the_right_has_a_home(
    tmp_path: Path,
) -> None:
    async with service_stack(tmp_path) as stack:
        vehicle_id = await _shared_car(stack)
        for chat in (OWNER, DRIVER):
            await _no_home(stack, chat)
        await _charging_now(stack, vehicle_id)
        assert await stack.graph.costs.capture_places() == 1
        assert _position_reads(stack) == 0


async def test_history_costs_and_export_show_unknown_place_without_the_right(tmp_path: Path) -> None:
    async with service_stack(tmp_path) as stack:
        vehicle_id = await _shared_car(stack)
        await stack.graph.sharing.set_location_shared(OWNER, True)
        stack.sim.move(VIN, 48.99, 2.5)  # charging 20 km from every home
        start = await _charging_now(stack, vehicle_id)
        await stack.graph.costs.capture_places()
        await _charged(stack, start, vehicle_id)
        since = start - timedelta(days=1)
        assert [c.place for c in await stack.graph.costs.session_costs(VIEWER, since)] == [Place.AWAY]
        # The owner stops sharing: what the viewer learnt while it could is hidden too.
        await stack.graph.sharing.set_location_shared(OWNER, False)
        assert [c.place for c in await stack.graph.costs.session_costs(VIEWER, since)] == [Place.UNKNOWN]
        rows = [row async for row in await stack.graph.costs.export(VIEWER, since, NOW + timedelta(hours=2))]
        assert [r.cost.place for r in rows if r.cost is not None] == [Place.UNKNOWN]
        assert [c.place for c in await stack.graph.costs.session_costs(OWNER, since)] == [Place.AWAY]


async def test_without_a_home_a_chat_without_the_right_gets_unknown_not_home(tmp_path: Path) -> None:
    async with service_stack(tmp_path) as stack:
        vehicle_id = await _shared_car(stack)
        for chat in (OWNER, VIEWER):
            await _no_home(stack, chat)
        await _charged(stack, NOW - timedelta(hours=3), vehicle_id)
        since = NOW - timedelta(days=1)
        assert [c.place for c in await stack.graph.costs.session_costs(OWNER, since)] == [Place.HOME]
        assert [c.place for c in await stack.graph.costs.session_costs(VIEWER, since)] == [Place.UNKNOWN]
        stored = await stack.graph.stores.costs.costs(VIEWER, since, NOW)
        assert [c.place for c in stored] == [Place.UNKNOWN]


async def test_marking_where_a_charge_was_needs_the_location_right(tmp_path: Path) -> None:
    async with service_stack(tmp_path) as stack:
        vehicle_id = await _shared_car(stack)
        start = NOW - timedelta(hours=3)
        await _charged(stack, start, vehicle_id)
        await stack.graph.costs.session_costs(VIEWER, start - timedelta(days=1))
        with pytest.raises(NotPermitted):
            await stack.graph.costs.ask_away_price(VIEWER, vehicle_id, start)
        with pytest.raises(NotPermitted):
            await stack.graph.costs.mark_home(VIEWER, vehicle_id, start)
        await stack.graph.costs.ask_away_price(DRIVER, vehicle_id, start)


def test_a_location_proof_is_made_only_by_the_door() -> None:
    with pytest.raises(TypeError):
        Located(VIEWER, None, object())  # type: ignore[arg-type]


# Every function of the use cases and jobs that reads the car's position or derives a place from one, and
# the test above that proves a chat without the location right gets nothing from it.
_CAPTURE = "test_capture_places_reads_no_position_for_a_chat_without_the_right"
_NO_HOME = "test_without_a_home_a_chat_without_the_right_gets_unknown_not_home"
_MARKING = "test_marking_where_a_charge_was_needs_the_location_right"
_DOOR = "test_a_location_proof_is_made_only_by_the_door"
_HOME_FROM_CAR = "test_car_position_as_home_needs_the_location_right"
POSITION_USES: dict[str, str] = {
    "bot.services.gateway:RenaultGateway.read_location": _DOOR,
    "bot.features.status.use_cases:StatusService.location": "test_where_needs_the_location_right",
    "bot.features.costs.use_cases.sessions:CostService.set_home_from_car": _HOME_FROM_CAR,
    "bot.features.costs.use_cases.sessions:CostService._position": _CAPTURE,
    "bot.features.costs.use_cases.sessions:CostService._place": _CAPTURE,
    "bot.features.costs.use_cases.sessions:CostService._price": _NO_HOME,
    "bot.features.costs.use_cases.sessions:CostService.set_away_price": _MARKING,
    "bot.features.costs.use_cases.sessions:CostService.mark_home": _MARKING,
    # Pure mapping of a position Renault sent, reached only from read_location (and merging its result).
    "bot.services.snapshot_mapping:with_location": _DOOR,
    "bot.services.snapshot_mapping:merge_known": _DOOR,
}
# What reads or derives a position: the gateway's reader, the place rule, a home/away place, a position.
_READERS = {"read_location", "place_of"}
_PLACES = {"HOME", "AWAY"}


def _position_uses(package: str) -> set[str]:
    found: set[str] = set()
    where = ROOT / package.replace(".", "/")
    for path in sorted(where.rglob("*.py")) if where.is_dir() else [where.with_suffix(".py")]:
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        tree = ast.parse(path.read_text())
        _scan(tree, module, [], found)
    return found


def _scan(node: ast.AST, module: str, scope: list[str], found: set[str]) -> None:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            _scan(child, module, [*scope, child.name], found)
            continue
        if _uses_position(child) and scope:
            found.add(f"{module}:{'.'.join(scope)}")
        _scan(child, module, scope, found)


def _uses_position(node: ast.AST) -> bool:
    if isinstance(node, ast.Call):
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        return name in _READERS
    if isinstance(node, ast.keyword):
        return node.arg == "location"
    if isinstance(node, ast.Attribute):
        if node.attr == "location":
            return True
        return node.attr in _PLACES and isinstance(node.value, ast.Name) and node.value.id == "Place"
    return False


def test_every_use_case_and_job_that_reads_or_derives_a_position_is_listed_with_its_test() -> None:
    # The features' use cases and jobs too (bot/features/<name>/use_cases.py or use_cases/, jobs.py).
    features = [
        f"bot.features.{p.parent.name}.{p.stem}"
        for pattern in ("*/use_cases*", "*/jobs.py")
        for p in sorted((ROOT / "bot" / "features").glob(pattern))
        if p.is_dir() or p.suffix == ".py"
    ]
    found = set().union(*(_position_uses(p) for p in ("bot.services", "bot.app", "bot.poller", *features)))
    unlisted = sorted(found - POSITION_USES.keys())
    # A new one: list it with a test that a chat without the location right gets nothing from it.
    assert not unlisted, f"reads or derives a position, not listed: {unlisted}"
    assert sorted(POSITION_USES.keys() - found) == [], "listed but no longer reads a position: drop it"
    here = sys.modules[__name__]
    for use, test in POSITION_USES.items():
        assert callable(getattr(here, test, None)), f"{use}: no test named {test}"
        importlib.import_module(use.split(":")[0])
