"""Renault responses are counted by an httpx hook, grouped by status class and endpoint kind."""

from __future__ import annotations

import httpx
import pytest

from bot.observability.http_metrics import endpoint_kind, response_hook
from bot.observability.metrics import BotMetrics, Registry

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
    hooks = {"response": [response_hook(metrics)]}
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

    hooks = {"response": [response_hook(metrics)]}
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
