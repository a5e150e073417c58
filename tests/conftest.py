"""Fixtures every test folder may use; each is defined in tests/support/, imported here to be found."""

from tests.support.logs import restored_logging

__all__ = ["restored_logging"]
