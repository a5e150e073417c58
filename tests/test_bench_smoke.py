"""Smoke tests of the benchmarks: each runs at a tiny size and prints its figure lines (no timing checks)."""

from __future__ import annotations

import os

import pytest

from bench import __main__ as runner
from bench import bot_poll, bot_updates, claim, client, export, poll, replicas, scale, status
from bench.pgwire import FrontendParser, WireCounts

pytestmark = pytest.mark.slow  # measured: most of its tests take over a second

STATUS_LABELS = (
    "includes the bot's long-poll pick-up",
    "/status warm, cached reading",
    "/status warm, Refresh button",
    "/status cold (fresh process, JWT minted)",
    "/status after a restart (fresh process, stored JWT)",
)


async def test_status_benchmark_prints_cached_refresh_and_cold_figures(
    capsys: pytest.CaptureFixture[str],
) -> None:
    await status.run(repetitions=2, latency_ms=0)
    out = capsys.readouterr().out
    for label in STATUS_LABELS:
        assert label in out
    lines = {line.split(":")[0]: line for line in out.splitlines()}
    # A cached reading spares Renault; a Refresh reads it; a fresh process also mints a JWT.
    assert "0 Renault requests each" in lines["/status warm, cached reading (< 60 s old)"]
    assert "battery-status" in lines["/status warm, Refresh button (reads Renault)"]
    assert "accounts.getJWT" in lines["/status cold (fresh process, JWT minted)"]
    # A restart within the JWT's 15 minutes takes the one the process before stored: the car's reads only.
    restart = lines["/status after a restart (fresh process, stored JWT)"]
    assert "accounts.getJWT" not in restart
    assert "battery-status" in restart


async def test_poll_benchmark_prints_both_sweeps_and_peak_rss(capsys: pytest.CaptureFixture[str]) -> None:
    await poll.run(vehicles=3, latency_ms=0, concurrency=4, database_url=None)
    out = capsys.readouterr().out
    for label in ("linked 3 accounts", "warm-up sweep: 3 vehicles polled", "steady sweep: 3", "peak RSS"):
        assert label in out


async def test_client_benchmark_prints_its_three_figures(capsys: pytest.CaptureFixture[str]) -> None:
    # bench.client has no size knobs: this runs its fixed 1,000-vehicle read at 100 ms (tens of seconds).
    await client.main()
    out = capsys.readouterr().out
    for label in ("(a) warm status read", "(b) cold login + status", "(c) 1,000 vehicles battery-status"):
        assert label in out


def test_quick_plan_runs_every_benchmark_at_smaller_sizes() -> None:
    full, quick = runner.plan(), runner.plan(quick=True)
    assert (
        [step.name for step in quick]
        == [step.name for step in full]
        == ["client", "poll", "status", "export"]
    )
    assert quick != full
    assert all(step.args[0] == f"bench.{step.name}" for step in quick)


def test_runner_runs_the_chosen_benchmark_in_its_own_process(capfd: pytest.CaptureFixture[str]) -> None:
    code = runner.main(["--quick", "--only", "status"])
    out = capfd.readouterr().out
    assert code == 0
    assert "== status: python -m bench.status --repetitions 5" in out
    assert "== status: done" in out
    for label in STATUS_LABELS:
        assert label in out
    assert "== client" not in out


async def test_export_benchmark_prints_rows_time_and_peak_allocations(
    capsys: pytest.CaptureFixture[str],
) -> None:
    await export.run(days=2, every_minutes=60)
    out = capsys.readouterr().out
    assert "stored: 48 readings and 2 sessions" in out
    assert "second export (already priced): 50 rows" in out
    assert "peak Python allocations" in out


def postgres_url() -> str:
    """TEST_DATABASE_URL, or a skip (a failure in CI)."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("TEST_DATABASE_URL must be set in CI")
        pytest.skip("TEST_DATABASE_URL not set")
    return url


@pytest.mark.postgres
async def test_scale_benchmark_sweeps_every_car_once_with_one_and_two_workers(
    capsys: pytest.CaptureFixture[str],
) -> None:
    results = await scale.run(cars=4, latency_ms=0, counts=(1, 2), admin_url=postgres_url())
    out = capsys.readouterr().out
    for count in (1, 2):
        sweep = results[count]
        assert (sweep.polled_once, sweep.polled_twice, sweep.not_polled) == (4, 0, 0)
        assert len(sweep.workers) == count
        assert sum(w.polls for w in sweep.workers) == 4
        assert sum(w.wire.statements for w in sweep.workers) > 0  # the relay saw the workers' statements
        assert f"{count} worker(s):" in out
    for label in ("polls per worker:", "ms per poll", "statements,", "scaling 1 -> 2 workers", "command:"):
        assert label in out


@pytest.mark.postgres
async def test_claim_benchmark_times_each_shape_and_explains_the_claims_statements(
    capsys: pytest.CaptureFixture[str],
) -> None:
    claimed = await claim.run(cars=300, batch=20, repetitions=2, needs_login=0.1, admin_url=postgres_url())
    out = capsys.readouterr().out
    # No car polled yet: a full batch, past the 30 cars whose accounts wait for a login.
    assert claimed["new"] == 20
    for label in ("steady: claim_due of", "new: claim_due of 20 cars", "Index Cond", "Execution Time"):
        assert label in out
    assert "park_unclaimable parked 30 cars" in out  # the stale accounts' cars, out of the claims' way
    assert "parked: claim_due of" in out
    assert "command: python -m bench.claim --cars 300" in out


def _message(kind: bytes, payload: bytes = b"") -> bytes:
    return kind + (4 + len(payload)).to_bytes(4, "big") + payload


def test_wire_parser_counts_executes_and_syncs_after_the_start_up_messages_split_anywhere() -> None:
    ssl_request = (8).to_bytes(4, "big") + (80877103).to_bytes(4, "big")
    startup = (9).to_bytes(4, "big") + (196608).to_bytes(4, "big") + b"\0"
    # An extended-protocol statement (Parse, Bind, Execute, Sync), an executemany of three, a simple query.
    stream = ssl_request + startup + _message(b"P", b"SELECT 1\0") + _message(b"B") + _message(b"E")
    stream += _message(b"S") + (_message(b"B") + _message(b"E")) * 3 + _message(b"S")
    stream += _message(b"Q", b"COMMIT\0")
    counts = WireCounts()
    parser = FrontendParser(counts)
    for at in range(0, len(stream), 3):  # the bytes arrive in pieces that cut messages anywhere
        parser.feed(stream[at : at + 3])
    assert (counts.statements, counts.round_trips) == (5, 3)


@pytest.mark.postgres
async def test_replicas_benchmark_prints_updates_per_second_and_latency(
    capsys: pytest.CaptureFixture[str],
) -> None:
    await replicas.run(chats=3, latency_ms=0, counts=[1, 2], admin_url=postgres_url())
    out = capsys.readouterr().out
    for label in ("1 replica(s), 3 chats", "2 replica(s), 3 chats", "/status warm:", "scaling 1 -> 2"):
        assert label in out


def test_transport_benchmark_prints_each_transport_with_and_without_no_proxy(
    capfd: pytest.CaptureFixture[str],
) -> None:
    code = runner.run_step(
        runner.Step(
            "transport",
            ("bench.transport", "--requests", "20", "--in-flight", "4", "--latency-ms", "0", "--rounds", "1"),
        )
    )
    out = capfd.readouterr().out
    assert code == 0
    for transport in ("aiohttp", "httpx", "lean"):
        assert f"{transport:8} no proxy variable" in out
        assert f"{transport:8} NO_PROXY=127.0.0.1,localhost" in out


async def test_bot_updates_benchmark_prints_the_bot_and_the_floor_in_both_environments(
    capsys: pytest.CaptureFixture[str],
) -> None:
    await bot_updates.run(chats=3, bursts=1, latency_ms=0, cold=1)
    out = capsys.readouterr().out
    assert "python -m bench.bot_updates --chats 3 --bursts 1" in out
    for subject in bot_updates.SUBJECTS:
        for proxy in ("NO_PROXY=127.0.0.1,localhost", "no proxy variable"):
            assert f"{subject:11} {proxy:28} 3 updates:" in out
            assert f"{subject:11} {proxy:28} CPU/update median" in out
    # Warm: the readings the warm-up stored are under a minute old, so the bursts spare Renault.
    assert "bot         no proxy variable            3 updates:" in out
    assert out.count("0.00 Renault requests/update") == 2 * len(bot_updates.SUBJECTS) * 2
    assert "bot / bare PTB on httpx-aiohttp, no proxy variable: x" in out
    assert "bot / the same rate-limited, no proxy variable: x" in out
    # Cold: the first /status after a restart reads the car with the JWT the process before stored (no mint).
    cold = next(line for line in out.splitlines() if line.startswith("cold /status"))
    assert "accounts.getJWT" not in cold
    assert "battery-status 1" in cold


async def test_bot_poll_benchmark_prints_polls_per_car_and_cpu_per_poll_with_and_without_no_proxy(
    capsys: pytest.CaptureFixture[str],
) -> None:
    await bot_poll.run(cars=2, interval_s=2, window_s=2, latency_ms=0)
    out = capsys.readouterr().out
    assert "linked 2 accounts" in out
    for label in ("NO_PROXY=127.0.0.1,localhost: polls per car", "no proxy variable: polls per car"):
        line = next(line for line in out.splitlines() if line.startswith(label))
        assert "ms per poll" in line
    assert "command: python -m bench.bot_poll --cars 2" in out


def test_bot_updates_summary_warns_when_a_warm_burst_asked_renault() -> None:
    warm = bot_updates.Burst("bot", True, 200, 6.6, 0.7, 0, 3000.0, 6000.0)
    asked = bot_updates.Burst("bot", True, 200, 6.6, 0.9, 17, 3000.0, 6000.0, "battery-status 17")
    assert not any(line.startswith("warning:") for line in bot_updates.summary([warm, warm]))
    warning = [line for line in bot_updates.summary([warm, asked]) if line.startswith("warning:")]
    expected = "warning: 1 of 2 warm bursts asked Renault (17 requests): their CPU includes the reads"
    assert warning == [expected]
