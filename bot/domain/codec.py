"""Plain-JSON encoding of domain dataclasses, driven by their type hints (stored memory, outbox payloads).

Only the shapes the domain uses are supported: dataclasses, enums, datetime/date/time, timedelta (seconds),
tuples, frozensets, str-keyed dicts, optionals and primitives. Anything that does not fit raises `CodecError`,
so a corrupt stored value is detected instead of half-loaded.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from enum import Enum
from typing import Any


class CodecError(ValueError):
    """A stored value does not match the shape its type expects."""


def encode(value: Any) -> Any:
    """Turn a domain value into JSON-compatible data."""
    kind = type(value)
    # Most values are scalars: answered before any dataclass check (every poll encodes each chat's state,
    # and `dataclasses.is_dataclass` on each of its fields was a visible share of a poll's CPU).
    if kind in _SCALARS:
        return value
    names = _FIELD_NAMES.get(kind)
    if names is None and kind not in _NOT_DATACLASSES:
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            names = _FIELD_NAMES[kind] = tuple(f.name for f in dataclasses.fields(value))
        else:
            _NOT_DATACLASSES.add(kind)
    if names is not None:
        return {name: encode(getattr(value, name)) for name in names}
    if isinstance(value, Enum):
        return value.value
    if value is None or isinstance(value, str | int | float):  # bool is an int
        return value
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
        return _decoder(kind)(data)
    except CodecError:
        raise
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        raise CodecError(f"cannot decode {kind!r}: {type(exc).__name__}") from None


# Decoding is compiled once per type into a function (the poller decodes every vehicle's memory on every
# poll; walking the type hints each time was a measurable share of a poll's CPU).
Decoder = Callable[[Any], Any]
_DECODERS: dict[Any, Decoder] = {}
_FIELD_NAMES: dict[type[Any], tuple[str, ...]] = {}
_NOT_DATACLASSES: set[type[Any]] = set()
_SCALARS = frozenset({str, int, float, bool, type(None)})


def _decoder(kind: Any) -> Decoder:
    found = _DECODERS.get(kind)
    if found is None:
        found = _DECODERS[kind] = _compile(kind)
    return found


def _compile(kind: Any) -> Decoder:
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        return _union_decoder(typing.get_args(kind))
    if origin in (tuple, frozenset, list):
        return _sequence_decoder(origin, typing.get_args(kind))
    if origin is dict:
        item = _lazy(typing.get_args(kind)[1])
        return lambda data: {str(key): item(value) for key, value in _expect(data, dict).items()}
    if kind is Any:
        return lambda data: data
    if dataclasses.is_dataclass(kind) and isinstance(kind, type):
        return _dataclass_decoder(kind)
    return _scalar_decoder(kind)


def _lazy(kind: Any) -> Decoder:
    # Resolved on first use, so that a type may refer to itself (or to one defined later), then kept: looking
    # it up on every call hashed the type (an Optional[...] hashes its arguments each time), a visible share
    # of a poll's CPU when each chat's state is decoded.
    resolved: Decoder | None = None

    def decode_item(data: Any) -> Any:
        nonlocal resolved
        if resolved is None:
            resolved = _decoder(kind)
        return resolved(data)

    return decode_item


def _union_decoder(options: tuple[Any, ...]) -> Decoder:
    optional = type(None) in options
    choices = [_lazy(option) for option in options if option is not type(None)]

    def decode_union(data: Any) -> Any:
        if data is None and optional:
            return None
        for choice in choices:
            try:
                return choice(data)
            except (CodecError, TypeError, ValueError, KeyError):
                continue
        raise CodecError(f"no option of {options!r} fits")

    return decode_union


def _sequence_decoder(origin: Any, args: tuple[Any, ...]) -> Decoder:
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        each = _lazy(args[0])
        return lambda data: tuple(each(item) for item in _expect(data, list))
    if origin is tuple:
        parts = [_lazy(arg) for arg in args]

        def decode_tuple(data: Any) -> Any:
            items = _expect(data, list)
            if len(parts) != len(items):
                raise CodecError("tuple length mismatch")
            return tuple(part(item) for part, item in zip(parts, items, strict=True))

        return decode_tuple
    each = _lazy(args[0])
    if origin is frozenset:
        return lambda data: frozenset(each(item) for item in _expect(data, list))
    return lambda data: [each(item) for item in _expect(data, list)]


def _dataclass_decoder(kind: type[Any]) -> Decoder:
    fields: list[tuple[str, Decoder, bool]] | None = None

    def decode_dataclass(data: Any) -> Any:
        nonlocal fields
        if fields is None:
            # Type hints are resolved on first use, once per class (string annotations are evaluated).
            hints = typing.get_type_hints(kind)
            fields = [
                (
                    field.name,
                    _lazy(hints[field.name]),
                    field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING,
                )
                for field in dataclasses.fields(kind)
                if field.init
            ]
        mapping = _expect(data, dict)
        values: dict[str, Any] = {}
        for name, decode_field, required in fields:
            if name in mapping:
                values[name] = decode_field(mapping[name])
            elif required:
                raise CodecError(f"{kind.__name__}.{name} is missing")
        return kind(**values)

    return decode_dataclass


def _scalar_decoder(kind: Any) -> Decoder:
    if isinstance(kind, type) and issubclass(kind, Enum):
        return kind
    if kind is datetime:
        return lambda data: datetime.fromisoformat(_expect(data, str))
    if kind is date:
        return lambda data: date.fromisoformat(_expect(data, str))
    if kind is time:
        return lambda data: time.fromisoformat(_expect(data, str))
    if kind is timedelta:
        return lambda data: timedelta(seconds=_expect_number(data))
    if kind is float:
        return lambda data: float(_expect_number(data))
    if kind is bool:
        return lambda data: _expect(data, bool)
    if kind is int:
        return _int
    if kind is str:
        return lambda data: _expect(data, str)
    raise CodecError(f"unsupported type {kind!r}")


def _int(data: Any) -> int:
    if isinstance(data, bool) or not isinstance(data, int):
        raise CodecError("expected an int")
    return data


def _expect(data: Any, kind: type[Any]) -> Any:
    if not isinstance(data, kind):
        raise CodecError(f"expected {kind.__name__}, got {type(data).__name__}")
    return data


def _expect_number(data: Any) -> float:
    if isinstance(data, bool) or not isinstance(data, int | float):
        raise CodecError("expected a number")
    return float(data)
