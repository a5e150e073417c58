"""wire.send: the request carries the client's defaults and timeouts, never a cookie from its jar."""

from __future__ import annotations

import httpx

from bot.renault.wire import send


async def test_send_keeps_client_defaults_and_never_sends_jar_cookies() -> None:
    seen: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={})

    client = httpx.AsyncClient(
        transport=httpx.MockTransport(record), headers={"User-Agent": "ours"}, timeout=httpx.Timeout(7.0)
    )
    client.cookies.set("gmid", "another-users-device", domain="gigya.test")
    async with client:
        await send(client, "GET", "https://gigya.test/accounts.getJWT", params={"a": "1"}, headers={"x": "y"})
        await send(client, "POST", "https://gigya.test/accounts.login", data={"b": "2"}, cookie="gmid=mine")
    first, second = seen
    assert "cookie" not in first.headers
    assert second.headers["cookie"] == "gmid=mine"
    assert (first.url.params["a"], first.headers["x"], first.headers["user-agent"]) == ("1", "y", "ours")
    assert first.extensions["timeout"]["read"] == 7.0
    assert second.content == b"b=2"
