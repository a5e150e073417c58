"""The loopback server serves an httpx handler over a real socket."""

from __future__ import annotations

import httpx

from bot.simulator.http_server import DropConnection, LoopbackServer


async def _echo(request: httpx.Request) -> httpx.Response:
    if request.url.path == "/drop":
        raise DropConnection
    body = await request.aread()
    return httpx.Response(
        201, json={"method": request.method, "path": request.url.path, "body": body.decode()}
    )


async def test_handler_answers_over_loopback() -> None:
    async with LoopbackServer(_echo) as server, httpx.AsyncClient(base_url=server.url) as client:
        response = await client.post("/hello?x=1", content=b"payload")
        again = await client.get("/second")
    assert response.status_code == 201
    assert response.json() == {"method": "POST", "path": "/hello", "body": "payload"}
    assert again.json()["path"] == "/second"


async def test_dropped_connection_surfaces_as_transport_error() -> None:
    async with LoopbackServer(_echo) as server, httpx.AsyncClient(base_url=server.url) as client:
        try:
            await client.get("/drop")
        except httpx.TransportError:
            dropped = True
        else:
            dropped = False
    assert dropped


async def _two_cookies(request: httpx.Request) -> httpx.Response:
    return httpx.Response(
        200, headers=[("set-cookie", "gmid=one; Path=/"), ("set-cookie", "ucid=two; Path=/")]
    )


async def test_repeated_headers_such_as_set_cookie_stay_separate() -> None:
    async with LoopbackServer(_two_cookies) as server, httpx.AsyncClient(base_url=server.url) as client:
        response = await client.get("/")
    assert response.headers.get_list("set-cookie") == ["gmid=one; Path=/", "ucid=two; Path=/"]
    assert client.cookies.get("ucid") == "two"
