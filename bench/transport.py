"""HTTP transports side by side: CPU per request of the bot's client on each, with NO_PROXY set and unset.

A server process answers every request after a fixed latency (100 ms, as the Renault simulator does) with a
battery-status-sized JSON body. For each transport and environment a fresh client process keeps
`--in-flight` requests going until `--requests` are done, and reports the CPU it spent per request (its own
process, read with `time.process_time`) and the requests per second. Every configuration runs `--rounds`
times, interleaved, so the machine's load falls on all of them alike; min and median are printed.

- `aiohttp`: the bot's client, `bot.app.http.new_http_client()` (httpx on httpx-aiohttp), as the bot runs.
- `httpx`: httpx's own transport (httpcore), with the same limits.
- `lean`: the bot's former h11 transport (`bench/lean_transport.py`), kept for the record.

    python -m bench.transport [--requests 5000] [--in-flight 100] [--latency-ms 100] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass

import httpx

from bench.lean_transport import LeanTransport
from bot.app.http import HTTP_TIMEOUT, MAX_CONNECTIONS, new_http_client
from bot.simulator.http_server import LoopbackServer

TRANSPORTS = ("aiohttp", "httpx", "lean")
NO_PROXY = "127.0.0.1,localhost"
BODY = json.dumps({"data": {"type": "Car", "id": "VF1AAAAA555777999", "attributes": {"x": "y" * 700}}})


@dataclass(frozen=True, slots=True)
class Result:
    """One client run: CPU milliseconds per request and requests per second."""

    transport: str
    no_proxy: bool
    cpu_ms: float
    per_second: float


def client_for(transport: str) -> httpx.AsyncClient:
    """The client under test, built as the bot builds its own (limits, timeouts)."""
    if transport == "aiohttp":
        return new_http_client()
    limits = httpx.Limits(max_connections=MAX_CONNECTIONS, max_keepalive_connections=50)
    if transport == "httpx":
        return httpx.AsyncClient(timeout=HTTP_TIMEOUT, limits=limits)
    return httpx.AsyncClient(transport=LeanTransport(MAX_CONNECTIONS), timeout=HTTP_TIMEOUT, limits=limits)


async def drive(url: str, transport: str, requests: int, in_flight: int) -> tuple[float, float]:
    """Warm up, then run `requests` requests `in_flight` at a time; (CPU ms per request, requests/s)."""
    async with client_for(transport) as client:

        async def lane(count: int) -> None:
            for _ in range(count):
                response = await client.get(f"{url}/battery-status")
                response.raise_for_status()

        await asyncio.gather(*(lane(2) for _ in range(in_flight)))  # connections open, code paths warm
        cpu, wall = time.process_time(), time.perf_counter()
        await asyncio.gather(*(lane(requests // in_flight) for _ in range(in_flight)))
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    done = requests // in_flight * in_flight
    return cpu * 1000 / done, done / wall


async def serve(latency_s: float) -> None:
    """The server process: answer every request after the latency; print the URL, run until killed."""

    async def answer(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(latency_s)
        return httpx.Response(200, content=BODY, headers={"content-type": "application/json"})

    async with LoopbackServer(answer) as server:
        print(server.url, flush=True)
        await asyncio.Event().wait()


def run_client(url: str, transport: str, no_proxy: bool, args: argparse.Namespace) -> Result:
    """One client process for one configuration; its printed figures."""
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    if no_proxy:
        env["NO_PROXY"] = NO_PROXY
    command = [sys.executable, "-m", "bench.transport", "--client", transport, "--url", url]
    command += ["--requests", str(args.requests), "--in-flight", str(args.in_flight)]
    output = subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout  # noqa: S603
    cpu_ms, per_second = (float(x) for x in output.split())
    return Result(transport, no_proxy, cpu_ms, per_second)


def report(results: list[Result]) -> None:
    """Min and median per configuration."""
    for transport in TRANSPORTS:
        for no_proxy in (False, True):
            mine = [r for r in results if r.transport == transport and r.no_proxy == no_proxy]
            if not mine:
                continue
            cpu = [r.cpu_ms for r in mine]
            rate = statistics.median(r.per_second for r in mine)
            label = f"NO_PROXY={NO_PROXY}" if no_proxy else "no proxy variable"
            print(
                f"{transport:8} {label:32} CPU per request: min {min(cpu):.3f} ms, median "
                f"{statistics.median(cpu):.3f} ms over {len(cpu)} runs; {rate:.0f} requests/s"
            )


def main() -> None:
    """Parse the arguments; run as the coordinator, the server or one client."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--in-flight", type=int, default=100)
    parser.add_argument("--latency-ms", type=float, default=100.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--transports", nargs="+", choices=TRANSPORTS, default=list(TRANSPORTS))
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--client", choices=TRANSPORTS, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        asyncio.run(serve(args.latency_ms / 1000))
        return
    if args.client:
        cpu_ms, per_second = asyncio.run(drive(args.url, args.client, args.requests, args.in_flight))
        print(f"{cpu_ms} {per_second}")
        return
    print(
        f"python -m bench.transport --requests {args.requests} --in-flight {args.in_flight} "
        f"--latency-ms {args.latency_ms:g} --rounds {args.rounds}"
    )
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "bench.transport", "--serve", "--latency-ms", str(args.latency_ms)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        url = server.stdout.readline().strip()
        results = [
            run_client(url, transport, no_proxy, args)
            for _ in range(args.rounds)
            for transport in args.transports
            for no_proxy in (False, True)
        ]
    finally:
        server.terminate()
        server.wait()
    report(results)


if __name__ == "__main__":
    main()
