"""Typed keys under which a feature's use case is handed to the front-ends (docs/architecture.md).

The front-end's container holds each feature's use case under the key its package declares in its
`ports.py`, so the container names no feature and a feature added later needs no field of its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Generic, TypeVar, cast

T = TypeVar("T")


class FeatureKey(Generic[T]):
    """The key of one feature's use case, typed by the port the front-ends call."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"FeatureKey({self.name!r})"


class FeatureMissing(LookupError):
    """A front-end asked for a feature whose use case was not built."""


class Features:
    """The use cases of the features that were built, by key."""

    __slots__ = ("_by_key",)

    def __init__(self, by_key: Mapping[FeatureKey[Any], object] | None = None) -> None:
        self._by_key = dict(by_key or {})

    def get(self, key: FeatureKey[T]) -> T | None:
        """The feature's use case, None when it was not built."""
        return cast("T | None", self._by_key.get(key))

    def of(self, key: FeatureKey[T]) -> T:
        """The feature's use case; `FeatureMissing` when it was not built (its part is then not wired)."""
        found = self._by_key.get(key)
        if found is None:
            raise FeatureMissing(key.name)
        return cast("T", found)

    def has(self, key: FeatureKey[Any]) -> bool:
        """Whether the feature's use case was built."""
        return key in self._by_key
