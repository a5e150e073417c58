"""Renault responses are counted by an httpx hook, grouped by status class and endpoint kind."""

from __future__ import annotations

import json

import httpx
import pytest

from bot.app.http import BUILT_IN_HOSTS
from bot.observability.http_metrics import KNOWN_ERROR_CODES, OTHER, endpoint_kind, error_label, response_hook
from bot.observability.metrics import BotMetrics, Registry
from bot.renault.locales import LocaleOverrides, renault_hosts
from tests.observability.exposition import parse

HOSTS = frozenset({"kamereon.test"})
ACCOUNT = "/commerce/v1/accounts/acc-1"
CAR = f"{ACCOUNT}/kamereon/kca/car-adapter/v2/cars/VF1AAAAA555777999"


@pytest.mark.parametrize(
    ("method", "path", "kind"),
    [
        ("POST", "/accounts.login", "gigya"),
        ("POST", "/accounts.tfa.email.completeVerification", "gigya"),
        ("GET", f"{CAR}/battery-status", "kca_read"),
        ("POST", f"{CAR}/actions/charging-start", "kca_action"),
        ("GET", f"{ACCOUNT}/kamereon/kcm/v1/vehicles/VF1AAAAA555777999/charge/pause-resume", "kcm_read"),
        ("POST", f"{ACCOUNT}/kamereon/kcm/v1/vehicles/VF1AAAAA555777999/charge/pause-resume", "kcm_action"),
        ("GET", f"{ACCOUNT}/vehicles", "commerce"),
        ("GET", "/commerce/v1/persons/p-1", "commerce"),
        ("GET", "/somewhere/else", "other"),
    ],
)
def test_urls_map_to_a_small_set_of_endpoint_kinds(method: str, path: str, kind: str) -> None:
    assert endpoint_kind(method, path) == kind


async def test_hook_counts_each_response_by_status_class_and_kind() -> None:
    metrics = BotMetrics.create(Registry())

    def backend(request: httpx.Request) -> httpx.Response:
        return httpx.Response(429 if request.url.path.endswith("charging-start") else 200, json={})

    transport = httpx.MockTransport(backend)
    hooks = {"response": [response_hook(metrics, HOSTS)]}
    async with httpx.AsyncClient(
        transport=transport, base_url="https://kamereon.test", event_hooks=hooks
    ) as http:
        await http.get(f"{CAR}/battery-status")
        await http.get(f"{CAR}/cockpit")
        await http.post(f"{CAR}/actions/charging-start", json={})

    responses = metrics.renault_responses
    assert responses.value(status_class="2xx", endpoint_kind="kca_read") == 2
    assert responses.value(status_class="4xx", endpoint_kind="kca_action") == 1
    assert responses.value(status_class="2xx", endpoint_kind="kca_action") == 0


async def test_hook_counts_error_responses_by_their_kamereon_code_or_http_status() -> None:
    metrics = BotMetrics.create(Registry())

    def backend(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("charging-start"):
            return httpx.Response(400, json={"errors": [{"errorCode": "err.func.wired.overloaded"}]})
        if request.url.path.endswith("cockpit"):
            return httpx.Response(502, text="<html>bad gateway</html>")
        return httpx.Response(200, json={"errors": [{"errorCode": "not.an.error"}]})

    hooks = {"response": [response_hook(metrics, HOSTS)]}
    async with httpx.AsyncClient(
        transport=httpx.MockTransport(backend), base_url="https://kamereon.test", event_hooks=hooks
    ) as http:
        await http.post(f"{CAR}/actions/charging-start", json={})
        await http.get(f"{CAR}/cockpit")
        await http.get(f"{CAR}/battery-status")

    errors = metrics.renault_errors
    assert errors.value(code="err.func.wired.overloaded") == 1
    assert errors.value(code="http_502") == 1
    assert errors.value(code="not.an.error") == 0


async def test_a_feed_or_any_other_host_creates_no_series_whatever_it_answers() -> None:
    registry = Registry()
    metrics = BotMetrics.create(registry)

    def backend(request: httpx.Request) -> httpx.Response:
        code = f"feed-error-{request.url.path}"  # a hostile server names a new code each time
        return httpx.Response(500, json={"errors": [{"errorCode": code}]})

    hooks = {"response": [response_hook(metrics, BUILT_IN_HOSTS)]}
    async with httpx.AsyncClient(transport=httpx.MockTransport(backend), event_hooks=hooks) as http:
        for n in range(20):
            await http.get(f"https://prices.feed.example/{n}")
            await http.get(f"https://prices.feed.example{CAR}/battery-status")  # a Renault-like path

    names = {name for name, _ in parse(registry.render()).samples}
    assert not any(
        name.startswith(("renault_bot_renault_errors", "renault_bot_renault_responses")) for name in names
    )


async def test_arbitrary_error_bodies_from_renault_get_labels_from_a_fixed_set() -> None:
    registry = Registry()
    metrics = BotMetrics.create(registry)
    bodies = [
        *(json.dumps({"errors": [{"errorCode": f"err.made.up.{n}"}]}).encode() for n in range(30)),
        json.dumps({"errors": [{"errorCode": "x" * 10_000}]}).encode(),
        json.dumps({"errors": [{"errorCode": {"nested": ["object"]}}]}).encode(),
        b"<html>not json</html>",
        json.dumps({"errors": [{"errorCode": "err.func.wired.overloaded"}]}).encode(),
    ]

    def backend(request: httpx.Request) -> httpx.Response:
        return httpx.Response(400, content=bodies[int(request.url.params["n"])])

    hooks = {"response": [response_hook(metrics, HOSTS)]}
    async with httpx.AsyncClient(
        transport=httpx.MockTransport(backend), base_url="https://kamereon.test", event_hooks=hooks
    ) as http:
        for n in range(len(bodies)):
            await http.get(f"{CAR}/battery-status", params={"n": n})

    codes = {
        dict(labels)["code"]
        for name, labels in parse(registry.render()).samples
        if name == "renault_bot_renault_errors_total"
    }
    assert codes == {OTHER, "http_400", "err.func.wired.overloaded"}
    assert metrics.renault_errors.value(code=OTHER) == 32


@pytest.mark.parametrize("status", [100, 200, 302, 400, 503, 599, 700, 99999])
def test_every_error_label_is_from_the_fixed_set(status: int) -> None:
    labels = {error_label(status, b"garbage"), error_label(status, b'{"errors": [{"errorCode": "zzz"}]}')}
    allowed = KNOWN_ERROR_CODES | {OTHER} | {f"http_{code}" for code in range(400, 600)}
    assert labels <= allowed


def test_renault_hosts_are_the_built_in_ones_and_the_overrides() -> None:
    assert {"accounts.eu1.gigya.com", "api-wired-prod-1-euw1.wrd-aws.com"} <= BUILT_IN_HOSTS
    overridden = renault_hosts(LocaleOverrides(gigya_url="http://127.0.0.1:8081/gigya"))
    assert overridden == BUILT_IN_HOSTS | {"127.0.0.1"}
