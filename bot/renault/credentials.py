"""Credential values of a linked MyRenault account, with reprs that never show secrets."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DeviceIds:
    """The Gigya 'remember this device' identifiers (cookies from accounts.webSdkBootstrap)."""

    gmid: str = field(repr=False)
    ucid: str = field(repr=False)

    def __repr__(self) -> str:
        return "DeviceIds(gmid=<redacted>, ucid=<redacted>)"

    def cookie_header(self) -> str:
        """The Cookie header value Gigya expects on login and the TFA calls."""
        return f"gmid={self.gmid}; ucid={self.ucid}"


@dataclass(frozen=True)
class RenaultCredentials:
    """What is stored for an account instead of the password: the Gigya login token and device ids."""

    locale: str
    login_token: str = field(repr=False)
    person_id: str | None = None
    device: DeviceIds | None = None

    def __repr__(self) -> str:
        return (
            f"RenaultCredentials(locale={self.locale!r}, login_token=<redacted>, "
            f"person_id={self.person_id!r}, device={self.device!r})"
        )
