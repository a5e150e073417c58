"""The health endpoint over loopback: /healthz answers 200 or 503 with per-check detail, /metrics scrapes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

import httpx
import pytest

from bot.observability.health import HealthCheck, HealthServer, tick_freshness
from bot.observability.metrics import BotMetrics, Registry
from tests.observability.exposition import parse
from tests.support.clock import FakeClock


async def _ok() -> bool:
    return True


async def _down() -> bool:
    return False


async def _raises() -> bool:
    raise RuntimeError("postgresql://bot:hunter2@db/bot refused")


@asynccontextmanager
async def _serve(
    checks: Sequence[HealthCheck], registry: Registry | None = None, check_timeout: float = 5.0
) -> AsyncIterator[httpx.AsyncClient]:
    server = HealthServer(
        registry or Registry(), checks, host="127.0.0.1", port=0, check_timeout_seconds=check_timeout
    )
    async with server, httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as client:
        yield client


async def test_all_checks_passing_answers_200_ok() -> None:
    checks = [HealthCheck("database", _ok), HealthCheck("telegram", _ok)]
    async with _serve(checks) as client:
        response = await client.get("/healthz")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "telegram": "ok"}}


async def test_a_failing_check_answers_503_naming_it() -> None:
    checks = [HealthCheck("database", _ok), HealthCheck("telegram", _down)]
    async with _serve(checks) as client:
        response = await client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "degraded", "checks": {"database": "ok", "telegram": "failing"}}


async def test_a_check_that_raises_counts_as_failing_without_leaking_its_message(
    caplog: pytest.LogCaptureFixture,
) -> None:
    checks = [HealthCheck("database", _raises), HealthCheck("telegram", _ok)]
    async with _serve(checks) as client:
        response = await client.get("/healthz")
        again = await client.get("/healthz")  # the server survived

    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "failing", "telegram": "ok"}
    assert again.status_code == 503
    assert "hunter2" not in response.text
    assert "hunter2" not in caplog.text
    assert "database" in caplog.text


async def test_a_hanging_check_times_out_as_failing() -> None:
    never = asyncio.Event()

    async def hangs() -> bool:
        await never.wait()
        return True

    async with _serve([HealthCheck("telegram", hangs)], check_timeout=0.01) as client:
        response = await client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"] == {"telegram": "failing"}


async def test_no_checks_means_healthy() -> None:
    async with _serve([]) as client:
        response = await client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {}}


async def test_metrics_endpoint_serves_the_registry_in_prometheus_text() -> None:
    registry = Registry()
    metrics = BotMetrics.create(registry)
    metrics.polls.inc(outcome="ok")
    metrics.action_seconds.observe(1.5, action="charge_start")
    async with _serve([], registry) as client:
        response = await client.get("/metrics")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    scraped = parse(response.text)
    assert scraped.value("renault_bot_polls_total", outcome="ok") == 1
    assert scraped.value("renault_bot_action_seconds_bucket", action="charge_start", le="2.5") == 1


async def test_metrics_reflect_changes_between_scrapes() -> None:
    registry = Registry()
    counter = registry.counter("polls_total", "Polls.")
    async with _serve([], registry) as client:
        before = parse((await client.get("/metrics")).text).value("polls_total")
        counter.inc()
        after = parse((await client.get("/metrics")).text).value("polls_total")

    assert (before, after) == (0, 1)


async def test_unknown_path_is_404() -> None:
    async with _serve([]) as client:
        response = await client.get("/admin")

    assert response.status_code == 404


async def test_query_strings_are_ignored() -> None:
    async with _serve([HealthCheck("database", _ok)]) as client:
        response = await client.get("/healthz?verbose=1")

    assert response.status_code == 200


async def test_writes_are_refused() -> None:
    async with _serve([]) as client:
        response = await client.post("/metrics", content=b"x")

    assert response.status_code == 405


async def test_a_garbage_request_line_gets_400_and_the_server_keeps_serving() -> None:
    server = HealthServer(Registry(), [], host="127.0.0.1", port=0)
    async with server:
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(b"NONSENSE\r\n\r\n")
        answer = await reader.read()
        writer.close()
        await writer.wait_closed()
        async with httpx.AsyncClient() as client:
            healthy = await client.get(f"http://127.0.0.1:{server.port}/healthz")

    assert answer.startswith(b"HTTP/1.1 400 ")
    assert healthy.status_code == 200


async def test_stop_releases_the_port() -> None:
    server = HealthServer(Registry(), [], host="127.0.0.1", port=0)
    async with server:
        port = server.port

    async with httpx.AsyncClient() as client:
        with pytest.raises(httpx.ConnectError):
            await client.get(f"http://127.0.0.1:{port}/healthz")


def test_duplicate_check_names_are_refused() -> None:
    with pytest.raises(ValueError, match="unique"):
        HealthServer(Registry(), [HealthCheck("db", _ok), HealthCheck("db", _ok)])


async def test_tick_freshness_tracks_the_age_of_the_last_tick() -> None:
    clock = FakeClock()
    last: list[float | None] = [clock.timestamp()]
    probe = tick_freshness(lambda: last[0], max_age_seconds=300, clock=clock.timestamp)

    assert await probe()
    clock.advance(301)
    assert not await probe()
    last[0] = clock.timestamp()
    assert await probe()


async def test_tick_freshness_gives_a_fresh_start_a_grace_period() -> None:
    clock = FakeClock()
    probe = tick_freshness(lambda: None, max_age_seconds=300, clock=clock.timestamp)

    assert await probe()
    clock.advance(301)
    assert not await probe()


async def test_poller_check_reads_the_bot_metrics_gauge_over_http() -> None:
    clock = FakeClock()
    registry = Registry()
    metrics = BotMetrics.create(registry)
    metrics.poller_last_tick.set(clock.timestamp())
    check = HealthCheck("poller", tick_freshness(metrics.last_tick, 120, clock.timestamp))
    async with _serve([check], registry) as client:
        fresh = await client.get("/healthz")
        clock.advance(600)
        stale = await client.get("/healthz")

    assert fresh.status_code == 200
    assert stale.status_code == 503
    assert stale.json()["checks"] == {"poller": "failing"}


async def test_head_answers_like_get_without_a_body() -> None:
    async with _serve([HealthCheck("database", _down)]) as client:
        got = await client.get("/healthz")
        head = await client.head("/healthz")

    assert head.status_code == 503
    assert head.content == b""
    assert head.headers["content-length"] == str(len(got.content))


async def test_answers_are_never_cached() -> None:
    async with _serve([]) as client:
        first = await client.get("/metrics")
        second = await client.get("/metrics", headers={"if-none-match": first.headers.get("etag", "*")})

    assert first.headers["cache-control"] == "no-store"
    assert "etag" not in first.headers
    assert second.status_code == 200


def _held_check() -> tuple[HealthCheck, asyncio.Event, asyncio.Event]:
    """A check that says when it has started (`entered`) and answers ok only once `release` is set."""
    entered, release = asyncio.Event(), asyncio.Event()

    async def held() -> bool:
        entered.set()
        await release.wait()
        return True

    return HealthCheck("telegram", held), entered, release


async def test_a_client_that_leaves_during_a_check_does_not_break_the_server(
    caplog: pytest.LogCaptureFixture,
) -> None:
    check, entered, release = _held_check()
    server = HealthServer(Registry(), [check], host="127.0.0.1", port=0)
    async with server:
        _reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(b"GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n")
        await writer.drain()
        await entered.wait()
        writer.close()
        await writer.wait_closed()
        release.set()
        async with httpx.AsyncClient() as client:
            after = await client.get(f"http://127.0.0.1:{server.port}/healthz")

    assert after.status_code == 200
    assert not [record for record in caplog.records if record.levelname == "ERROR"]


async def test_stop_does_not_wait_for_a_check_in_flight() -> None:
    check, entered, release = _held_check()
    server = HealthServer(Registry(), [check], host="127.0.0.1", port=0)
    await server.start()
    async with httpx.AsyncClient() as client:
        request = asyncio.create_task(client.get(f"http://127.0.0.1:{server.port}/healthz"))
        await entered.wait()
        await asyncio.wait_for(server.stop(), 30)  # far longer than it takes; the check never returns
        with pytest.raises(httpx.HTTPError):
            await request
    release.set()


async def test_a_cached_check_runs_once_per_period_however_often_healthz_is_asked() -> None:
    clock = FakeClock()
    calls: list[int] = []

    async def get_me() -> bool:
        calls.append(1)
        return True

    server = HealthServer(
        Registry(),
        [HealthCheck("telegram", get_me, cache_seconds=60)],
        port=0,
        clock=clock.timestamp,
    )
    async with server, httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as client:
        together = await asyncio.gather(*(client.get("/healthz") for _ in range(5)))
        clock.advance(59)
        within = await client.get("/healthz")
        after_one_period = len(calls)
        clock.advance(2)
        later = await client.get("/healthz")

    assert [r.status_code for r in [*together, within, later]] == [200] * 7
    assert after_one_period == 1
    assert len(calls) == 2


async def test_a_cached_failure_is_reported_until_the_period_ends() -> None:
    clock = FakeClock()
    state = {"ok": False}

    async def probe() -> bool:
        return state["ok"]

    server = HealthServer(
        Registry(), [HealthCheck("database", probe, cache_seconds=10)], port=0, clock=clock.timestamp
    )
    async with server, httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as client:
        first = await client.get("/healthz")
        state["ok"] = True
        still = await client.get("/healthz")
        clock.advance(10)
        recovered = await client.get("/healthz")

    assert (first.status_code, still.status_code, recovered.status_code) == (503, 503, 200)


async def test_an_uncached_check_runs_on_every_request() -> None:
    calls: list[int] = []

    async def probe() -> bool:
        calls.append(1)
        return True

    async with _serve([HealthCheck("poller", probe)]) as client:
        for _ in range(3):
            await client.get("/healthz")

    assert len(calls) == 3


async def test_the_server_listens_on_loopback_only_unless_told_otherwise() -> None:
    # 127.0.0.2 is another loopback address: a server bound to every interface answers there too.
    async with HealthServer(Registry(), [], port=0) as server, httpx.AsyncClient() as client:
        on_loopback = await client.get(f"http://127.0.0.1:{server.port}/healthz")
        with pytest.raises(httpx.ConnectError):
            await client.get(f"http://127.0.0.2:{server.port}/healthz")

    assert on_loopback.status_code == 200
