"""Reading the message templates of the translations in tests."""

from __future__ import annotations

import string


def placeholders(template: str) -> set[str]:
    """The names of the `{placeholders}` a format template fills in."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}
