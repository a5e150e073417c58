"""deploy/compose.yaml and its Caddyfile hang together (no container engine here: structure checks)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from bot.config import Settings

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
BOTS = ("bot-1", "bot-2")


def _compose() -> dict[str, Any]:
    loaded = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    assert isinstance(loaded, dict)
    return loaded


def _service(name: str) -> dict[str, Any]:
    service = _compose()["services"][name]
    assert isinstance(service, dict)
    return service


def test_the_stack_has_postgres_two_webhook_replicas_a_worker_and_a_proxy() -> None:
    services = _compose()["services"]
    assert {"postgres", "migrate", *BOTS, "worker", "proxy"} <= set(services)
    for name in BOTS:
        env = _service(name)["environment"]
        assert env["DATABASE_URL"].startswith("postgresql://")
        assert env["WEBHOOK_URL"].endswith("/telegram-hook")
        assert env["WEBHOOK_SECRET_TOKEN"].startswith("${WEBHOOK_SECRET_TOKEN")
        assert (env["PORT"], env["HEALTH_PORT"]) == ("8443", "8080")
        assert _service(name)["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert _service("worker")["command"][-1] == "worker"
    assert _service("migrate")["command"][-1] == "migrate"
    assert _service("proxy")["image"].startswith("caddy:2")
    assert _service("postgres")["image"].startswith("postgres:16")


def test_every_bot_variable_is_a_setting() -> None:
    fields = {name.upper() for name in Settings.model_fields}
    for name in (*BOTS, "worker", "migrate"):
        assert set(_service(name)["environment"]) <= fields


def test_every_variable_the_compose_file_needs_is_in_its_example() -> None:
    wanted = set(re.findall(r"\$\{([A-Z_]+)", (DEPLOY / "compose.yaml").read_text()))
    example = {
        line.split("=", 1)[0]
        for line in (DEPLOY / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    }
    assert wanted <= example


def test_the_proxy_spreads_the_webhook_over_every_replica_and_checks_their_health() -> None:
    caddyfile = (DEPLOY / "Caddyfile").read_text()
    upstreams = re.search(r"reverse_proxy ([^{]+)\{", caddyfile)
    assert upstreams is not None
    assert upstreams.group(1).split() == [f"{name}:8443" for name in BOTS]
    assert "handle /telegram-hook" in caddyfile
    assert "lb_policy round_robin" in caddyfile
    assert "health_uri /healthz" in caddyfile
    assert "health_port 8080" in caddyfile
    assert "./Caddyfile:/etc/caddy/Caddyfile:ro" in _service("proxy")["volumes"]


def test_the_proxy_caps_the_webhook_body_before_it_reaches_a_replica() -> None:
    caddyfile = (DEPLOY / "Caddyfile").read_text()
    hook = caddyfile[caddyfile.index("handle /telegram-hook") : caddyfile.index("reverse_proxy")]
    assert re.search(r"request_body\s*\{\s*max_size 1MB\s*\}", hook)


def test_every_image_is_pinned_by_digest_under_an_exact_release_tag() -> None:
    services = _compose()["services"].items()
    images = {name: service["image"] for name, service in services if "image" in service}
    pulled = {name: image for name, image in images.items() if not image.startswith("renault-bot:")}

    assert set(pulled) == {"postgres", "proxy"}
    for image in pulled.values():
        assert re.fullmatch(r"[a-z0-9./-]+:[\w.-]*\d[\w.-]*@sha256:[0-9a-f]{64}", image), image


def test_the_bots_connect_as_their_own_role_not_the_superuser() -> None:
    postgres = _service("postgres")["environment"]
    assert postgres["POSTGRES_USER"] == "postgres"
    assert "BOT_DB_PASSWORD" in postgres["BOT_DB_PASSWORD"]
    for name in (*BOTS, "worker", "migrate"):
        url = _service(name)["environment"]["DATABASE_URL"]
        assert url.startswith("postgresql://bot:${BOT_DB_PASSWORD")
        assert url.endswith("@postgres:5432/bot")
        # The superuser's password goes to the postgres container only.
        assert "POSTGRES_PASSWORD" not in str(_service(name))


def test_the_init_script_creates_a_role_that_owns_only_the_bot_database() -> None:
    assert "./postgres-init:/docker-entrypoint-initdb.d:ro" in _service("postgres")["volumes"]
    script = (DEPLOY / "postgres-init" / "10-bot-role.sh").read_text()
    create_role = re.search(r"CREATE ROLE bot ([^;]+);", script)

    assert create_role is not None
    attributes = create_role.group(1).split()
    wanted = {"LOGIN", "NOSUPERUSER", "NOCREATEDB", "NOCREATEROLE", "NOREPLICATION", "NOBYPASSRLS"}
    assert wanted <= set(attributes)
    assert "CREATE DATABASE bot OWNER bot;" in script
    assert "REVOKE ALL ON DATABASE bot FROM PUBLIC;" in script
    assert re.findall(r"GRANT [^;]+;", script) == ["GRANT CONNECT, TEMPORARY ON DATABASE bot TO bot;"]
    assert "BOT_DB_PASSWORD" in script
    assert (DEPLOY / "postgres-init" / "10-bot-role.sh").stat().st_mode & 0o111
