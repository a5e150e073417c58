"""Async client for MyRenault (Gigya + Kamereon) on httpx; a standalone library."""

from __future__ import annotations

from bot.renault.account import KamereonAccount, RenaultAccount, VehicleDescription
from bot.renault.client import RenaultClient
from bot.renault.credentials import DeviceIds, RenaultCredentials
from bot.renault.gate import RequestGate
from bot.renault.gigya import LoginResult, TwoFactorChallenge
from bot.renault.locales import LocaleConfig, LocaleOverrides, resolve_locale
from bot.renault.tokens import StoredJwt, TokenStore
from bot.renault.vehicle import RenaultVehicle

__all__ = [
    "DeviceIds",
    "KamereonAccount",
    "LocaleConfig",
    "LocaleOverrides",
    "LoginResult",
    "RenaultAccount",
    "RenaultClient",
    "RenaultCredentials",
    "RenaultVehicle",
    "RequestGate",
    "StoredJwt",
    "TokenStore",
    "TwoFactorChallenge",
    "VehicleDescription",
    "resolve_locale",
]
