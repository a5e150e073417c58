"""The container recipe: structure checks (no container engine here), and its health check run for real."""

from __future__ import annotations

import asyncio
import fnmatch
import json
import re
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

from bot.observability.health import HealthCheck, HealthServer
from bot.observability.metrics import Registry

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Instruction:
    """One Dockerfile instruction with its continuation lines joined."""

    keyword: str
    args: str


def _instructions() -> list[Instruction]:
    result: list[Instruction] = []
    pending = ""
    for raw in (ROOT / "Dockerfile").read_text().splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        keyword, _, args = (pending + line).partition(" ")
        result.append(Instruction(keyword.upper(), args.strip()))
        pending = ""
    return result


def _stages() -> list[list[Instruction]]:
    stages: list[list[Instruction]] = []
    for instruction in _instructions():
        if instruction.keyword == "FROM":
            stages.append([])
        stages[-1].append(instruction)
    return stages


def _last(stage: list[Instruction], keyword: str) -> Instruction:
    return [i for i in stage if i.keyword == keyword][-1]


def _healthcheck_command() -> str:
    args = _last(_stages()[-1], "HEALTHCHECK").args
    return args[args.index("CMD ") + len("CMD ") :]


PINNED_IMAGE = re.compile(r"^[a-z0-9./-]+:[\w.-]*\d[\w.-]*@sha256:[0-9a-f]{64}$")


def test_image_is_built_in_two_stages_from_python_slim() -> None:
    builder, runtime = _stages()

    assert re.fullmatch(r"python:3\.12\.\d+-slim\S*@sha256:[0-9a-f]{64} AS builder", builder[0].args)
    assert runtime[0].args.split()[0] == builder[0].args.split()[0]
    assert any(i.keyword == "RUN" and "pip wheel" in i.args for i in builder)
    assert any(i.keyword == "COPY" and i.args.startswith("--from=builder") for i in runtime)


def test_every_base_image_is_pinned_by_digest_under_an_exact_release_tag() -> None:
    images = [stage[0].args.split()[0] for stage in _stages()]

    assert images
    for image in images:
        assert PINNED_IMAGE.match(image), image


def test_every_dependency_is_installed_from_the_lock_with_its_hash() -> None:
    builder, runtime = _stages()
    builder_runs = " ".join(i.args for i in builder if i.keyword == "RUN")

    assert "pip wheel --require-hashes --wheel-dir /wheels -r requirements.lock" in builder_runs
    # The bot's own wheel resolves nothing and fetches no build backend: both came from the lock.
    assert "pip wheel --no-deps --no-build-isolation --wheel-dir /wheels ." in builder_runs
    assert builder_runs.count("pip ") == 3
    assert "--no-index" in " ".join(i.args for i in builder if "pip install" in i.args)
    runtime_installs = [i.args for i in runtime if i.keyword == "RUN" and "pip install" in i.args]
    assert runtime_installs
    assert all("--no-index" in args for args in runtime_installs)
    copy_lock = [i for i in builder if i.keyword == "COPY" and "requirements.lock" in i.args]
    first_pip = next(n for n, i in enumerate(builder) if i.keyword == "RUN" and "pip" in i.args)
    assert copy_lock
    assert builder.index(copy_lock[0]) < first_pip


def test_runtime_runs_as_the_non_root_bot_user() -> None:
    runtime = _stages()[-1]
    keywords = [i.keyword for i in runtime]

    assert _last(runtime, "USER").args == "bot"
    assert keywords.index("USER") < keywords.index("CMD")
    assert any(
        i.keyword == "RUN" and "useradd" in i.args and i.args.rstrip().endswith("/data") for i in runtime
    )


def test_data_volume_holds_the_default_sqlite_database() -> None:
    runtime = _stages()[-1]
    env = " ".join(i.args for i in runtime if i.keyword == "ENV")

    assert json.loads(_last(runtime, "VOLUME").args) == ["/data"]
    assert "DATABASE_URL=sqlite:////data/bot.db" in env.split()
    assert _last(runtime, "EXPOSE").args.split() == ["8080", "8443"]


def _image_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for instruction in _stages()[-1]:
        if instruction.keyword == "ENV":
            for pair in shlex.split(instruction.args):
                name, _, value = pair.partition("=")
                env[name] = value
    return env


def test_the_image_turns_the_health_endpoint_on_for_every_interface_and_the_readme_says_so() -> None:
    env = _image_env()
    readme = (ROOT / "README.md").read_text()
    rows = {line.split("|")[1].strip(): line for line in readme.splitlines() if line.startswith("| `")}

    assert (env["HEALTH_PORT"], env["HEALTH_HOST"]) == ("8080", "0.0.0.0")  # noqa: S104 - the image's choice
    assert "the image: `8080`" in rows["`HEALTH_PORT`"]
    assert "`127.0.0.1` (the image: `0.0.0.0`)" in rows["`HEALTH_HOST`"]
    assert "HEALTH_PORT=8080" in readme
    assert "HEALTH_HOST=0.0.0.0" in readme


def test_command_runs_the_bot_in_exec_form() -> None:
    assert json.loads(_last(_stages()[-1], "CMD").args) == ["python", "-m", "bot"]


def test_copied_sources_exist_and_are_not_ignored() -> None:
    ignored = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    copied = [
        source
        for i in _stages()[0]
        if i.keyword == "COPY" and not i.args.startswith("--")
        for source in i.args.split()[:-1]
    ]

    assert set(copied) == {"requirements.lock", "pyproject.toml", "README.md", "alembic", "bot"}
    for source in copied:
        assert (ROOT / source).exists()
        assert not any(fnmatch.fnmatch(source, pattern) for pattern in ignored)
    assert {".env", ".venv", ".git", "tests", "data"} <= set(ignored)


async def _run_healthcheck(port: int) -> int:
    # The image's own check, with `python` pointing at this interpreter (sh expands ${HEALTH_PORT}).
    command = _healthcheck_command().replace("python ", f"{shlex.quote(sys.executable)} ", 1)
    process = await asyncio.create_subprocess_exec(
        "/bin/sh", "-c", command, env={"HEALTH_PORT": str(port), "PATH": "/usr/bin:/bin"}
    )
    return await asyncio.wait_for(process.wait(), 60)


async def test_healthcheck_passes_on_a_healthy_bot_and_fails_on_a_degraded_one() -> None:
    state = {"ok": True}

    async def database() -> bool:
        return state["ok"]

    server = HealthServer(Registry(), [HealthCheck("database", database)], host="127.0.0.1", port=0)
    async with server:
        healthy = await _run_healthcheck(server.port)
        state["ok"] = False
        degraded = await _run_healthcheck(server.port)

    assert healthy == 0
    assert degraded != 0
