"""The bot's shared HTTP client: the lean transport by default, httpx's own when a proxy is configured."""

from __future__ import annotations

import os

import pytest

from bot.app.http import default_transport
from bot.renault.http11 import LeanTransport


@pytest.fixture
def no_proxy_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in list(os.environ):
        if name.lower().endswith("_proxy"):
            monkeypatch.delenv(name)
    return monkeypatch


def test_without_a_proxy_the_lean_transport_is_used(no_proxy_env: pytest.MonkeyPatch) -> None:
    assert isinstance(default_transport(), LeanTransport)


def test_a_configured_proxy_keeps_httpx_transport_which_honours_it(no_proxy_env: pytest.MonkeyPatch) -> None:
    no_proxy_env.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    assert default_transport() is None
