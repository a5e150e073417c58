"""Two bot processes in webhook mode on one PostgreSQL, behind a round-robin forwarder of our own; the
Telegram emulator pushes the updates to it and the Renault simulator answers both replicas.

Each replica talks to the simulator under its own path prefix (`/r0`, `/r1`), so the test knows which
process made a Renault call (to kill the one that is polling).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.app.graph import system_clock
from bot.persistence.crypto import generate_key
from bot.simulator.http_server import LoopbackServer
from bot.simulator.renault import RenaultSimulator
from bot.simulator.telegram import EmulatedUser, TelegramEmulator
from bot.simulator.telegram.webhook import WebhookPusher
from tests.e2e.harness import EMAIL, PASSWORD, TFA_EMAIL
from tests.support.chat import texts
from tests.support.forwarder import RoundRobinForwarder, serve_forwarder
from tests.support.replicas import Replica, ReplicaSet, fresh_database, replica_env

pytestmark = pytest.mark.postgres

PG_URL = os.environ.get("TEST_DATABASE_URL", "")
WAIT = 30.0
VIN = "VF1AG000012345678"
# This car (22 kW, 52 kWh) charges from here to its 80 % target in about 4 s.
NEAR_TARGET = 79.95
RenaultHook = Callable[[str, httpx.Request], Awaitable[None]]


@dataclass
class Cluster:
    """The running replicas and everything around them."""

    sim: RenaultSimulator
    emu: TelegramEmulator
    forwarder: RoundRobinForwarder
    pusher: WebhookPusher
    replicas: ReplicaSet
    hooks: list[RenaultHook] = field(default_factory=list)

    def replica(self, index: int) -> Replica:
        """One of the replicas."""
        return self.replicas.replicas[index]


@asynccontextmanager
async def running_cluster(tmp_path: Path, count: int = 2, **env: str) -> AsyncIterator[Cluster]:
    """Start the fakes, the forwarder and `count` replicas (one after the other: each migrates first)."""
    if not PG_URL:
        if os.environ.get("CI"):
            pytest.fail("TEST_DATABASE_URL must be set in CI")
        pytest.skip("TEST_DATABASE_URL not set")
    sim = RenaultSimulator(system_clock)
    emu = TelegramEmulator(system_clock)
    hooks: list[RenaultHook] = []

    async def renault(request: httpx.Request) -> httpx.Response:
        name, _, rest = request.url.path.lstrip("/").partition("/")
        for hook in list(hooks):
            await hook(name, request)
        stripped = httpx.Request(
            request.method,
            request.url.copy_with(path=f"/{rest}"),
            headers=request.headers,
            content=request.content,
        )
        return await sim.handle(stripped)

    forwarder = RoundRobinForwarder([])
    async with (
        LoopbackServer(renault) as renault_server,
        LoopbackServer(emu.handle) as telegram_server,
        fresh_database(PG_URL) as database_url,
    ):
        front = await serve_forwarder(forwarder)
        shared = replica_env(
            database_url=database_url,
            credentials_key=generate_key(),
            token=emu.token,
            telegram_url=telegram_server.url,
            renault_url=renault_server.url,
            webhook_url=f"{front.url}/telegram-hook",
            **env,
        )
        replicas = ReplicaSet(tmp_path, shared)
        try:
            for index in range(count):
                prefix = f"{renault_server.url}/r{index}"
                replicas.add(
                    f"r{index}",
                    RENAULT_GIGYA_URL=f"{prefix}/gigya",
                    RENAULT_KAMEREON_URL=f"{prefix}/kamereon",
                )
            forwarder.backends = [replica.url for replica in replicas.replicas]
            for replica in replicas.replicas:
                await replicas.start(replica)
            async with emu.webhook_pusher() as pusher:
                yield Cluster(sim, emu, forwarder, pusher, replicas, hooks)
        finally:
            replicas.stop_all()
            emu.close()
            await front.stop()
            await forwarder.aclose()


def _complete_the_charge_in_a_new_second(cluster: Cluster) -> None:
    """Bring the car near its target and answer no battery read until it has reached it.

    Renault's report times have whole seconds, and a reading whose report time is the last one's is no news
    (`bot.domain.diff`). The simulated car reports the moment it is read while it charges and the moment it
    reached its target once it did: a read answered less than a second before the target was reached shared
    its report time with the completion, which then never made a ping (1 run in 5 to 10). With the reads
    held meanwhile, the completion comes seconds after the last report the bot saw.
    """
    cluster.sim.set_level(VIN, NEAR_TARGET)

    async def hold_reads(_replica: str, request: httpx.Request) -> None:
        car = cluster.sim.car(VIN)
        if request.url.path.endswith("/battery-status") and car.charging:
            missing_kwh = (car.target_level - car.battery_level) / 100 * car.capacity_kwh
            await asyncio.sleep(missing_kwh / car.power_kw * 3600 + 0.1)  # the car is at its target then

    cluster.hooks.insert(0, hold_reads)  # before any hook that looks at the completed car


def _seen(user: EmulatedUser, fragment: str) -> Callable[[EmulatedUser], bool]:
    return lambda u: any(fragment in t for t in texts(u))


async def _login_until_password(ann: EmulatedUser, email: str) -> None:
    await ann.send("/login")
    countries = await ann.next_message(timeout=WAIT)
    await ann.tap(countries, countries.buttons[0].text)
    await ann.wait_until(_seen(ann, "MyRenault account."), timeout=WAIT)
    await ann.send(email)
    await ann.wait_until(_seen(ann, "password"), timeout=WAIT)


async def _tfa_login_until_code(cluster: Cluster) -> EmulatedUser:
    """Ann, her login answered up to the password, waiting for the code Renault e-mailed."""
    cluster.sim.add_vehicle(cluster.sim.add_account(TFA_EMAIL, PASSWORD, two_factor=True), "XBG1VE")
    ann = cluster.emu.user(1001, "Ann")
    await _login_until_password(ann, TFA_EMAIL)
    await ann.send(PASSWORD)
    await ann.wait_until(_seen(ann, "Renault sent a code"), timeout=WAIT)
    return ann


def _update_ids(cluster: Cluster) -> list[int]:
    """The ids of the updates delivered with a 2xx answer, in delivery order (each test has one user)."""
    ids: list[int] = []
    for delivery in cluster.pusher.deliveries:
        if 200 <= delivery.status < 300 and delivery.update_id not in ids:
            ids.append(delivery.update_id)
    return ids


async def test_a_2fa_login_whose_steps_land_on_alternating_replicas(tmp_path: Path) -> None:
    async with running_cluster(tmp_path) as cluster:
        ann = await _tfa_login_until_code(cluster)
        await ann.send(cluster.sim.last_two_factor_code(TFA_EMAIL))
        await ann.wait_until(_seen(ann, "Linked!"), timeout=WAIT)
        ids = _update_ids(cluster)
        backends = [cluster.forwarder.backend_of(update_id) for update_id in ids]
    assert len(ids) == 5  # /login, the country tap, the e-mail, the password, the code
    email, password, code = backends[2:]
    assert email != password != code  # each step on the other replica than the step before
    assert len(ann.deleted_messages) == 2


async def test_a_replica_killed_between_password_and_code(tmp_path: Path) -> None:
    async with running_cluster(tmp_path) as cluster:
        ann = await _tfa_login_until_code(cluster)
        password_id = _update_ids(cluster)[-1]
        holder = cluster.forwarder.backend_of(password_id)
        assert holder is not None
        cluster.replica(holder).kill()  # the replica that holds nothing but the database's row
        await ann.send(cluster.sim.last_two_factor_code(TFA_EMAIL))
        await ann.wait_until(_seen(ann, "Linked!"), timeout=WAIT)
        code_backend = cluster.forwarder.backend_of(_update_ids(cluster)[-1])
    assert code_backend is not None
    assert code_backend != holder


async def _tap(user: EmulatedUser, message_id: int, label: str, expected: str) -> None:
    await user.tap(message_id, label)

    def shown(u: EmulatedUser) -> bool:
        message = u.message(message_id)
        return message is not None and expected in (message.text or "")

    await user.wait_until(shown, timeout=WAIT)


def _label(user: EmulatedUser, message_id: int, prefix: str) -> str:
    message = user.message(message_id)
    assert message is not None
    return next(b.text for b in message.buttons if b.text.startswith(prefix))


async def _linked(cluster: Cluster, **car: Any) -> EmulatedUser:
    cluster.sim.add_vehicle(cluster.sim.add_account(EMAIL, PASSWORD), "X102VE", vin=VIN, **car)
    ann = cluster.emu.user(1001, "Ann")
    await _login_until_password(ann, EMAIL)
    await ann.send(PASSWORD)
    await ann.wait_until(_seen(ann, "Linked!"), timeout=WAIT)
    return ann


async def test_a_schedule_edit_whose_taps_alternate_replicas(tmp_path: Path) -> None:
    async with running_cluster(tmp_path) as cluster:
        ann = await _linked(cluster)
        await ann.send("/schedule")
        await ann.wait_until(_seen(ann, "charging programs"), timeout=WAIT)
        mid = ann.bot_messages[-1].message_id
        first = len(_update_ids(cluster))
        await _tap(ann, mid, "✏️ Edit", "Which program")
        await _tap(ann, mid, "➕ New program", "tap a day")
        await _tap(ann, mid, _label(ann, mid, "Mon "), "at which hour")
        await _tap(ann, mid, "01", "at which minute")
        await _tap(ann, mid, "01:15", "How long")
        await _tap(ann, mid, "3 h", "(3 h)")
        await _tap(ann, mid, "✅ OK", "tap a day")
        await _tap(ann, mid, "💾 Save", "Saved")
        taps = _update_ids(cluster)[first:]
        backends = [cluster.forwarder.backend_of(update_id) for update_id in taps]
    assert cluster.sim.car(VIN).schedules == [
        {"id": 1, "activated": True, "monday": {"startTime": "T01:15Z", "duration": 180}}
    ]
    assert len(taps) == 8
    assert all(a != b for a, b in itertools.pairwise(backends))


async def test_two_updates_of_one_chat_sent_at_once_are_handled_in_order(tmp_path: Path) -> None:
    async with running_cluster(tmp_path) as cluster:
        cluster.sim.add_vehicle(cluster.sim.add_account(EMAIL, PASSWORD), "X102VE")
        ann = cluster.emu.user(1001, "Ann")
        await ann.send("/login")
        countries = await ann.next_message(timeout=WAIT)
        await ann.tap(countries, countries.buttons[0].text)
        await ann.wait_until(_seen(ann, "MyRenault account."), timeout=WAIT)
        before = len(ann.bot_messages)
        await asyncio.gather(ann.send(EMAIL), ann.send(PASSWORD))  # typed and sent in a hurry
        await ann.wait_until(_seen(ann, "Linked!"), timeout=WAIT)
        answers = texts(ann)[before:]
    assert not any("does not look like an e-mail" in t for t in answers)
    assert answers[0].startswith("Now send your MyRenault password")


async def test_a_burst_of_one_chats_commands_is_answered_in_order(tmp_path: Path) -> None:
    async with running_cluster(tmp_path) as cluster:
        ann = cluster.emu.user(1001, "Ann")
        commands = ["/help", "/cancel"] * 4
        for command in commands:
            await ann.send(command)
        await ann.wait_until(lambda u: len(u.bot_messages) == len(commands), timeout=WAIT)
        routed = {cluster.forwarder.backend_of(d.update_id) for d in cluster.pusher.deliveries}
    kinds = ["/help" if (t.startswith("/status") or "/status" in t[:40]) else "/cancel" for t in texts(ann)]
    assert kinds == commands
    assert routed == {0, 1}


async def test_a_redelivered_update_is_answered_once(tmp_path: Path) -> None:
    async with running_cluster(tmp_path) as cluster:
        ann = cluster.emu.user(1001, "Ann")
        await ann.send("/help")
        await ann.wait_until(lambda u: len(u.bot_messages) == 1, timeout=WAIT)
        first = cluster.pusher.deliveries[-1].update_id
        assert await cluster.pusher.deliver_again(first) == 200  # Telegram never saw the first answer
        await ann.send("/cancel")  # a later update, to know the redelivery was processed (or not)
        await ann.wait_until(lambda u: len(u.bot_messages) >= 2, timeout=WAIT)
        await asyncio.sleep(1.0)
        backends = [r.backend for r in cluster.forwarder.routed if r.update_id == first]
    assert len(backends) == 2
    assert backends[0] != backends[1]  # the redelivery reached the other replica
    assert len(ann.bot_messages) == 2


async def test_a_charge_complete_ping_is_sent_once_when_the_polling_replica_is_killed(
    tmp_path: Path,
) -> None:
    async with running_cluster(tmp_path, POLL_INTERVAL_SECONDS="1", POLL_LEASE_SECONDS="5") as cluster:
        reads = asyncio.Event()
        calls: list[str] = []

        async def count_reads(replica: str, request: httpx.Request) -> None:
            calls.append(f"{replica}:{request.url.path.rsplit('/', 1)[-1]}")
            if request.url.path.endswith("/battery-status"):
                reads.set()

        cluster.hooks.append(count_reads)
        ann = await _linked(cluster, battery_level=79.0, soc_target=80, plugged=True, charging=True)
        reads.clear()
        await asyncio.wait_for(reads.wait(), timeout=WAIT)  # a replica has seen the car charging
        killed: list[str] = []
        killed_at: list[int] = []
        released = asyncio.Event()

        async def kill_mid_poll(replica: str, request: httpx.Request) -> None:
            # The first battery read after the car reached its target: kill the replica that asked for it
            # while its request is in flight, then answer (into a closed socket).
            if killed or not request.url.path.endswith("/battery-status"):
                return
            if not cluster.sim.car(VIN).charge_ended:
                return
            killed.append(replica)
            killed_at.append(len(calls))
            cluster.replica(int(replica.removeprefix("r"))).kill()
            released.set()

        cluster.hooks.append(kill_mid_poll)
        _complete_the_charge_in_a_new_second(cluster)
        await asyncio.wait_for(released.wait(), timeout=WAIT)
        # The survivor waits out the dead replica's lease first; on a loaded machine that takes a while.
        await ann.wait_until(_seen(ann, "charge complete"), timeout=2 * WAIT)
        await asyncio.sleep(3.0)  # any second ping would come within a few polls
        pings = [t for t in texts(ann) if "charge complete" in t]
    assert killed
    survivor = "r1" if killed[0] == "r0" else "r0"
    after_kill = calls[killed_at[0] :]
    assert f"{survivor}:battery-status" in after_kill  # the other replica took the car over
    assert len(pings) == 1, pings


async def test_a_ping_whose_send_hung_when_its_process_was_killed_arrives_once_after_a_restart(
    tmp_path: Path,
) -> None:
    async with running_cluster(tmp_path, count=1, POLL_INTERVAL_SECONDS="1") as cluster:
        read = asyncio.Event()

        async def battery_read(_replica: str, request: httpx.Request) -> None:
            if request.url.path.endswith("/battery-status"):
                read.set()

        cluster.hooks.append(battery_read)
        ann = await _linked(cluster, battery_level=79.0, soc_target=80, plugged=True, charging=True)
        read.clear()
        await asyncio.wait_for(read.wait(), timeout=WAIT)  # the bot has seen the car charging
        held = cluster.emu.hold("sendMessage", chat_id=ann.chat_id)
        _complete_the_charge_in_a_new_second(cluster)
        await asyncio.wait_for(held.reached.wait(), timeout=WAIT)  # the ping's sendMessage hangs
        replica = cluster.replica(0)
        replica.kill()
        held.drop()  # Telegram never processed it
        await cluster.replicas.start(replica)  # the same bot, restarted
        await ann.wait_until(_seen(ann, "charge complete"), timeout=WAIT)
        await asyncio.sleep(3.0)  # a second copy would come with the next ticks
        pings = [t for t in texts(ann) if "charge complete" in t]
        async with httpx.AsyncClient() as client:
            metrics = (await client.get(f"http://127.0.0.1:{replica.health_port}/metrics")).text
    assert len(pings) == 1, pings
    assert 'renault_bot_ping_possible_duplicates_total{cause="takeover"} 1.0' in metrics


async def test_a_bot_killed_mid_poll_and_restarted_polls_every_car_again_within_20_seconds(
    tmp_path: Path,
) -> None:
    # The default lease (30 s) is left as it is: only taking the dead process's leases over at once, not
    # waiting for them to run out, polls the cars in time.
    async with running_cluster(tmp_path, count=1, POLL_INTERVAL_SECONDS="2") as cluster:
        loop = asyncio.get_running_loop()
        vins = [VIN, "VF1AG000012345679", "VF1AG000012345680"]
        account = cluster.sim.add_account(EMAIL, PASSWORD)
        for vin in vins:
            cluster.sim.add_vehicle(account, "X102VE", vin=vin)
        reads: list[tuple[float, str]] = []
        killed_at: list[float] = []
        killed, polled_again = asyncio.Event(), asyncio.Event()
        replica = cluster.replica(0)

        def read_since(moment: float) -> set[str]:
            return {vin for at, vin in reads if at > moment}

        async def battery_reads(_replica: str, request: httpx.Request) -> None:
            if not request.url.path.endswith("/battery-status"):
                return
            reads.append((loop.time(), request.url.path.split("/cars/")[1].split("/")[0]))
            if not killed_at and read_since(0.0) == set(vins):
                # Every car is polled: kill the bot while this read is in flight, its leases held.
                killed_at.append(loop.time())
                replica.kill()
                killed.set()
            elif killed_at and read_since(killed_at[0]) == set(vins):
                polled_again.set()

        cluster.hooks.append(battery_reads)
        ann = cluster.emu.user(1001, "Ann")
        await _login_until_password(ann, EMAIL)
        await ann.send(PASSWORD)
        await ann.wait_until(_seen(ann, "Linked!"), timeout=WAIT)
        await asyncio.wait_for(killed.wait(), timeout=WAIT)
        await cluster.replicas.start(replica)  # the same bot, restarted at once
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(polled_again.wait(), timeout=killed_at[0] + WAIT - loop.time())
        again = read_since(killed_at[0])
        first = {vin: min(at for at, v in reads if v == vin and at > killed_at[0]) for vin in again}
    assert again == set(vins), first
    assert max(first.values()) - killed_at[0] <= 20.0, first


async def test_a_status_whose_replica_was_killed_while_answering_is_answered_by_the_survivor_in_order(
    tmp_path: Path,
) -> None:
    async with running_cluster(tmp_path, UPDATE_TAKEOVER_SECONDS="3") as cluster:
        ann = await _linked(cluster)
        before = len(ann.bot_messages)
        held = cluster.emu.hold("sendMessage", chat_id=ann.chat_id)
        await ann.send("/status")
        await asyncio.wait_for(held.reached.wait(), timeout=WAIT)  # the card's sendMessage hangs
        status_id = _update_ids(cluster)[-1]
        holder = cluster.forwarder.backend_of(status_id)
        assert holder is not None
        cluster.replica(holder).kill()  # with the chat's turn and the update in hand
        held.drop()
        await ann.send("/help")  # the chat's next update reaches the survivor at once
        await ann.wait_until(lambda u: len(u.bot_messages) >= before + 2, timeout=WAIT)
        await asyncio.sleep(2.0)  # a second card would come within a take-over period
        answers = texts(ann)[before:]
    assert len(answers) == 2, answers
    assert "🔋" in answers[0]  # the /status card first: the chat's order is kept
    assert "/status" in answers[1]  # then /help
