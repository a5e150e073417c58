"""Which feed URLs and addresses are public: https, no credentials, no inside host, no inward address."""

from __future__ import annotations

import ipaddress

import pytest

from bot.domain.feed_url import UrlProblem, is_public, url_problem


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://prices.example.com/p.json", UrlProblem.NOT_HTTPS),
        ("ftp://prices.example.com/p.json", UrlProblem.NOT_HTTPS),
        ("https://user@prices.example.com/p.json", UrlProblem.CREDENTIALS),
        ("https://user:pw@prices.example.com/p.json", UrlProblem.CREDENTIALS),
        ("https://127.0.0.1/p.json", UrlProblem.INTERNAL_HOST),
        ("https://169.254.169.254/latest/meta-data/", UrlProblem.INTERNAL_HOST),
        ("https://10.1.2.3/", UrlProblem.INTERNAL_HOST),
        ("https://[::1]/p.json", UrlProblem.INTERNAL_HOST),
        ("https://[fc00::1]/", UrlProblem.INTERNAL_HOST),
        ("https://[fe80::1]/", UrlProblem.INTERNAL_HOST),
        ("https://[::ffff:127.0.0.1]/", UrlProblem.INTERNAL_HOST),
        ("https://postgres:5432/", UrlProblem.INTERNAL_HOST),
        ("https://bot-1:8080/healthz", UrlProblem.INTERNAL_HOST),
        ("https://localhost/p.json", UrlProblem.INTERNAL_HOST),
        ("https://printer.local/", UrlProblem.INTERNAL_HOST),
        ("https://db.internal/", UrlProblem.INTERNAL_HOST),
        ("https:///p.json", UrlProblem.MALFORMED),
        ("https://prices.example.com:99999/", UrlProblem.MALFORMED),
        ("https://prices.example.com/" + "a" * 3000, UrlProblem.TOO_LONG),
    ],
)
def test_refused_urls_say_why(url: str, problem: UrlProblem) -> None:
    assert url_problem(url) is problem


@pytest.mark.parametrize(
    "url",
    [
        "https://api.octopus.energy/v1/products/AGILE-24-10-01/",
        "https://prices.example.com:8443/feed.csv?token=abc",
        "https://93.184.216.34/feed.json",
        "HTTPS://Prices.Example.COM./feed.json",
    ],
)
def test_public_https_urls_pass(url: str) -> None:
    assert url_problem(url) is None


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.0.0.1",
        "172.31.255.255",
        "192.168.0.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",  # noqa: S104 - an address under test, nothing binds
        "255.255.255.255",
        "224.0.0.1",
        "240.0.0.1",
        "::",
        "::1",
        "fc00::1",
        "fdff::1",
        "fe80::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:192.168.1.1",
        "::127.0.0.1",
        "64:ff9b::7f00:1",
        "64:ff9b:1::a00:1",
        "2002:7f00:1::",
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",
    ],
)
def test_inward_addresses_are_not_public(address: str) -> None:
    assert not is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    "address",
    ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111", "::ffff:93.184.216.34", "64:ff9b::5db8:d822"],
)
def test_public_addresses_are_public(address: str) -> None:
    assert is_public(ipaddress.ip_address(address))
