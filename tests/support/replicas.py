"""Bot replicas as real processes (`python -m bot` in webhook mode) on one PostgreSQL database, for the
multi-replica end-to-end test and the replicas benchmark."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

SECRET = "replica-webhook-secret-1"
READY_TIMEOUT = 60.0


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def run_as_admin(pg_url: str, sql: str) -> None:
    """Run one statement as the server's test user outside a transaction (databases, roles, connections)."""
    engine = create_async_engine(
        make_url(pg_url).set(drivername="postgresql+asyncpg"), isolation_level="AUTOCOMMIT"
    )
    async with engine.connect() as conn:
        await conn.exec_driver_sql(sql)
    await engine.dispose()


@asynccontextmanager
async def fresh_database(pg_url: str, prefix: str = "bot_replicas") -> AsyncIterator[str]:
    """A uniquely named empty PostgreSQL database, dropped afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    await run_as_admin(pg_url, f'CREATE DATABASE "{name}"')
    try:
        yield make_url(pg_url).set(database=name).render_as_string(hide_password=False)
    finally:
        await run_as_admin(pg_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class Replica:
    """One `python -m bot` process: its webhook port, its health port and its log file."""

    name: str
    port: int
    health_port: int
    log_path: Path
    extra_env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """Where its webhook listens."""
        return f"http://127.0.0.1:{self.port}"

    def kill(self) -> None:
        """SIGKILL: no shutdown, no lease given back, whatever was in flight is lost."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def terminate(self) -> None:
        """SIGTERM and wait (the graceful stop)."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def log(self) -> str:
        """What the process wrote so far."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


@dataclass
class ReplicaSet:
    """Replicas sharing one database, key, webhook URL (the forwarder's) and Telegram/Renault fakes."""

    folder: Path
    env: dict[str, str]
    replicas: list[Replica] = field(default_factory=list)

    def add(self, name: str, **extra: str) -> Replica:
        """Describe a replica (not started yet)."""
        replica = Replica(name, free_port(), free_port(), self.folder / f"{name}.log", dict(extra))
        self.replicas.append(replica)
        return replica

    async def start(self, replica: Replica) -> None:
        """Start the process and wait until its health endpoint and its webhook answer."""
        env = {
            **self.env,
            **replica.extra_env,
            "PORT": str(replica.port),
            "HEALTH_PORT": str(replica.health_port),
        }
        replica.process = _spawn(env, self.folder, replica.log_path)
        await _wait_ready(replica)

    def stop_all(self) -> None:
        """Terminate every replica still running."""
        for replica in self.replicas:
            replica.terminate()


def _spawn(env: dict[str, str], folder: Path, log_path: Path) -> subprocess.Popen[bytes]:
    with log_path.open("ab") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "bot"], cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT
        )


async def _wait_ready(replica: Replica) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + READY_TIMEOUT
    async with httpx.AsyncClient(timeout=2.0) as client:
        while loop.time() < deadline:
            assert replica.process is not None
            if replica.process.poll() is not None:
                raise RuntimeError(f"replica {replica.name} exited:\n{replica.log()[-4000:]}")
            try:
                health = await client.get(f"http://127.0.0.1:{replica.health_port}/healthz")
                hook = await client.get(f"{replica.url}/")
                if health.status_code == 200 and hook.status_code in (404, 405):
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
    raise TimeoutError(f"replica {replica.name} did not get ready:\n{replica.log()[-4000:]}")


def replica_env(
    *,
    database_url: str,
    credentials_key: str,
    token: str,
    telegram_url: str,
    renault_url: str,
    webhook_url: str,
    **extra: str,
) -> dict[str, str]:
    """The environment every replica shares (no .env file: the folder is a fresh temporary one)."""
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "PYTHONPATH", "SYSTEMROOT")}
    return {
        **keep,
        "PYTHONUNBUFFERED": "1",
        "TELEGRAM_BOT_TOKEN": token,
        "TELEGRAM_API_URL": telegram_url,
        "DATABASE_URL": database_url,
        "CREDENTIALS_KEY": credentials_key,
        "RENAULT_GIGYA_URL": f"{renault_url}/gigya",
        "RENAULT_KAMEREON_URL": f"{renault_url}/kamereon",
        "RENAULT_MAX_CALLS_PER_HOUR": "0",
        "WEBHOOK_URL": webhook_url,
        "WEBHOOK_SECRET_TOKEN": SECRET,
        "LOG_LEVEL": "INFO",
        **extra,
    }
