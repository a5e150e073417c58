"""Plain-JSON encoding of domain dataclasses, driven by their type hints (stored memory, outbox payloads).

Only the shapes the domain uses are supported: dataclasses, enums, datetime/date/time, timedelta (seconds),
tuples, frozensets, str-keyed dicts, optionals and primitives. Anything that does not fit raises `CodecError`,
so a corrupt stored value is detected instead of half-loaded.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import date, datetime, time, timedelta
from enum import Enum
from typing import Any


class CodecError(ValueError):
    """A stored value does not match the shape its type expects."""


def encode(value: Any) -> Any:
    """Turn a domain value into JSON-compatible data."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, tuple | list | frozenset | set):
        items = [encode(item) for item in value]
        return sorted(items, key=repr) if isinstance(value, frozenset | set) else items
    if isinstance(value, dict):
        return {str(key): encode(item) for key, item in value.items()}
    return value


def decode(kind: Any, data: Any) -> Any:
    """Rebuild a value of type `kind` from JSON data made by `encode`; raises CodecError on a mismatch."""
    try:
        return _decode(kind, data)
    except CodecError:
        raise
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        raise CodecError(f"cannot decode {kind!r}: {type(exc).__name__}") from None


def _decode(kind: Any, data: Any) -> Any:
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        return _decode_union(typing.get_args(kind), data)
    if origin in (tuple, frozenset, list):
        return _decode_sequence(origin, typing.get_args(kind), data)
    if origin is dict:
        _, item_kind = typing.get_args(kind)
        return {str(key): _decode(item_kind, item) for key, item in _expect(data, dict).items()}
    if kind is Any:
        return data
    if dataclasses.is_dataclass(kind) and isinstance(kind, type):
        return _decode_dataclass(kind, data)
    return _decode_scalar(kind, data)


def _decode_union(options: tuple[Any, ...], data: Any) -> Any:
    if data is None and type(None) in options:
        return None
    for option in options:
        if option is type(None):
            continue
        try:
            return _decode(option, data)
        except (CodecError, TypeError, ValueError, KeyError):
            continue
    raise CodecError(f"no option of {options!r} fits")


def _decode_sequence(origin: Any, args: tuple[Any, ...], data: Any) -> Any:
    items = _expect(data, list)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        return tuple(_decode(args[0], item) for item in items)
    if origin is tuple:
        if len(args) != len(items):
            raise CodecError("tuple length mismatch")
        return tuple(_decode(arg, item) for arg, item in zip(args, items, strict=True))
    decoded = [_decode(args[0], item) for item in items]
    return frozenset(decoded) if origin is frozenset else decoded


def _decode_dataclass(kind: type[Any], data: Any) -> Any:
    mapping = _expect(data, dict)
    hints = _hints(kind)
    values: dict[str, Any] = {}
    for field in dataclasses.fields(kind):
        if not field.init:
            continue
        if field.name in mapping:
            values[field.name] = _decode(hints[field.name], mapping[field.name])
        elif field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING:
            raise CodecError(f"{kind.__name__}.{field.name} is missing")
    return kind(**values)


_HINTS: dict[type[Any], dict[str, Any]] = {}


def _hints(kind: type[Any]) -> dict[str, Any]:
    # Resolving string annotations compiles and evaluates them: once per class, not once per stored value.
    hints = _HINTS.get(kind)
    if hints is None:
        hints = _HINTS[kind] = typing.get_type_hints(kind)
    return hints


def _decode_scalar(kind: Any, data: Any) -> Any:
    if isinstance(kind, type) and issubclass(kind, Enum):
        return kind(data)
    if kind is datetime:
        return datetime.fromisoformat(_expect(data, str))
    if kind is date:
        return date.fromisoformat(_expect(data, str))
    if kind is time:
        return time.fromisoformat(_expect(data, str))
    if kind is timedelta:
        return timedelta(seconds=_expect_number(data))
    if kind is float:
        return float(_expect_number(data))
    if kind is bool:
        return _expect(data, bool)
    if kind is int:
        if isinstance(data, bool) or not isinstance(data, int):
            raise CodecError("expected an int")
        return data
    if kind is str:
        return _expect(data, str)
    raise CodecError(f"unsupported type {kind!r}")


def _expect(data: Any, kind: type[Any]) -> Any:
    if not isinstance(data, kind):
        raise CodecError(f"expected {kind.__name__}, got {type(data).__name__}")
    return data


def _expect_number(data: Any) -> float:
    if isinstance(data, bool) or not isinstance(data, int | float):
        raise CodecError("expected a number")
    return float(data)
