"""Which URLs and addresses a user-given feed may reach: https, no credentials, public addresses only.

Pure rules (standard library only) shared by the tariff set-up (a clear message at once) and the guarded
fetcher (`bot.tariffs.outbound`), which checks every address again when it connects, on every redirect.
"""

from __future__ import annotations

import ipaddress
from enum import Enum
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

MAX_URL_LENGTH = 2048
# Names that only ever mean something inside a network (RFC 6761, 6762, 8375 and common practice).
_INTERNAL_SUFFIXES = (".localhost", ".local", ".internal", ".intranet", ".lan", ".home.arpa", ".corp")
# IPv6 prefixes that carry an IPv4 address the traffic ends up at (NAT64, RFC 6052 and RFC 8215).
_NAT64 = (ipaddress.IPv6Network("64:ff9b::/96"), ipaddress.IPv6Network("64:ff9b:1::/48"))


class UrlProblem(Enum):
    """Why a feed URL is refused before anything is fetched."""

    MALFORMED = "malformed"
    NOT_HTTPS = "not_https"
    CREDENTIALS = "credentials"
    INTERNAL_HOST = "internal_host"
    TOO_LONG = "too_long"


def url_problem(url: str) -> UrlProblem | None:
    """Why `url` may not be fetched (None when it may: https, a host, no credentials, not inside)."""
    if len(url) > MAX_URL_LENGTH:
        return UrlProblem.TOO_LONG
    try:
        parts = urlsplit(url.strip())
        port = parts.port  # raises on a malformed port
    except ValueError:
        return UrlProblem.MALFORMED
    if parts.scheme.lower() != "https":
        return UrlProblem.NOT_HTTPS
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        return UrlProblem.CREDENTIALS
    host = (parts.hostname or "").rstrip(".").lower()
    if not host or (port is not None and not 0 < port < 65536):
        return UrlProblem.MALFORMED
    return UrlProblem.INTERNAL_HOST if _internal_host(host) else None


def _internal_host(host: str) -> bool:
    literal = ip_literal(host)
    if literal is not None:
        return not is_public(literal)
    # A name without a dot (`postgres`, `bot-1`) is resolved inside the operator's network.
    return "." not in host or host == "localhost" or host.endswith(_INTERNAL_SUFFIXES)


def ip_literal(host: str) -> IPAddress | None:
    """The address when `host` is an IP literal (`127.0.0.1`, `::1`, `[::1]`), else None."""
    try:
        return ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return None


def is_public(address: IPAddress) -> bool:
    """Whether an address is on the public internet (loopback, private, link-local, shared, reserved,
    multicast and the IPv6 forms that carry such an IPv4 address all are not)."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.teredo is not None:
            return False  # a tunnel to wherever its embedded addresses say: never a feed's address
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            return is_public(embedded)
    if address.is_multicast or address.is_unspecified or address.is_reserved:
        return False
    return address.is_global


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    for network in _NAT64:
        if address in network:
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    # Deprecated IPv4-compatible form ::a.b.c.d (but not :: or ::1, which are handled as IPv6).
    if int(address) >> 32 == 0 and int(address) > 1:
        return ipaddress.IPv4Address(int(address))
    return None
