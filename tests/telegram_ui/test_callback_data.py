"""The callback codec: compact, versioned, within 64 bytes, and suspicious of everything it reads."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.telegram_ui.callback_data import MAX_BYTES, Callback, CallbackTooLong, Verb, decode


def test_round_trip_keeps_verb_vehicle_and_argument() -> None:
    payload = Callback(Verb.PRECONDITION_AT_TEMP, 12, "21.5")
    assert payload.encode() == "1.pt.12.21.5"
    assert decode(payload.encode()) == payload


def test_payload_without_vehicle_round_trips() -> None:
    assert decode(Callback(Verb.LOCALE, None, "fr_FR").encode()) == Callback(Verb.LOCALE, None, "fr_FR")


@given(
    verb=st.sampled_from(list(Verb)),
    vehicle=st.one_of(st.none(), st.integers(min_value=0, max_value=10**12 - 1)),
    arg=st.text(alphabet="ABCxyz019_:+-.", max_size=30),
)
def test_any_valid_payload_round_trips_within_64_bytes(verb: Verb, vehicle: int | None, arg: str) -> None:
    encoded = Callback(verb, vehicle, arg).encode()
    assert len(encoded.encode()) <= MAX_BYTES
    assert decode(encoded) == Callback(verb, vehicle, arg)


def test_encoding_refuses_payloads_over_64_bytes() -> None:
    with pytest.raises(CallbackTooLong):
        Callback(Verb.SCHEDULE, 1, "x" * 60).encode()


@pytest.mark.parametrize(
    "data",
    [
        None,
        "",
        "0.a.12.REFRESH",  # an older codec version: stale
        "2.a.12.REFRESH",  # a newer one we do not know
        "1.zz.12.REFRESH",  # unknown verb
        "1.a.-3.REFRESH",  # negative id
        "1.a.1e3.REFRESH",
        "1.a.١٢.REFRESH",  # non-ASCII digits
        "1.a.12",  # missing field
        "1.a.12.REF RESH",  # characters outside the alphabet
        "1.a.1234567890123.X",  # id longer than we ever issue
        "1.a.12." + "x" * 70,  # over Telegram's limit
        "garbage",
    ],
)
def test_stale_unknown_or_malformed_payloads_decode_to_none(data: str | None) -> None:
    assert decode(data) is None
