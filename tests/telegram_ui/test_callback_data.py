"""The callback codec: compact, versioned, within 64 bytes, and suspicious of everything it reads."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.app.parts import TELEGRAM_PARTS
from bot.features.actions.telegram.menus import PRECONDITION_AT_TEMP_VERB
from bot.features.linking.render import LOCALE_VERB
from bot.features.schedule.telegram.view import SCHEDULE_VERB
from bot.telegram_ui.callback_data import (
    MAX_BYTES,
    Callback,
    CallbackTooLong,
    Verb,
    VerbConflict,
    decode,
    verbs_by_code,
)
from bot.telegram_ui.parts import verbs_of

# Every verb the parts declare (and the kernel's), by wire code: what the front-end decodes.
VERBS = verbs_of(TELEGRAM_PARTS)


def test_round_trip_keeps_verb_vehicle_and_argument() -> None:
    payload = Callback(PRECONDITION_AT_TEMP_VERB, 12, "21.5")
    assert payload.encode() == "1.pt.12.21.5"
    assert decode(payload.encode(), VERBS) == payload


def test_payload_without_vehicle_round_trips() -> None:
    assert decode(Callback(LOCALE_VERB, None, "fr_FR").encode(), VERBS) == Callback(
        LOCALE_VERB, None, "fr_FR"
    )


@given(
    verb=st.sampled_from(list(VERBS.values())),
    vehicle=st.one_of(st.none(), st.integers(min_value=0, max_value=10**12 - 1)),
    arg=st.text(alphabet="ABCxyz019_:+-.", max_size=30),
)
def test_any_valid_payload_round_trips_within_64_bytes(verb: Verb, vehicle: int | None, arg: str) -> None:
    encoded = Callback(verb, vehicle, arg).encode()
    assert len(encoded.encode()) <= MAX_BYTES
    assert decode(encoded, VERBS) == Callback(verb, vehicle, arg)


def test_encoding_refuses_payloads_over_64_bytes() -> None:
    with pytest.raises(CallbackTooLong):
        Callback(SCHEDULE_VERB, 1, "x" * 60).encode()


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
    assert decode(data, VERBS) is None


def test_every_verb_keeps_its_wire_code() -> None:
    # Buttons already sent carry these codes: a verb may move between parts, never change its code.
    assert {verb.name: code for code, verb in VERBS.items()} == {
        "ACTION": "a",
        "PRECONDITION_AT_TEMP": "pt",
        "PRECONDITION_AT_TIME": "ph",
        "CHARGE_MODE": "cm",
        "CHARGE_LIMIT": "cl",
        "MENU": "m",
        "SCHEDULE": "s",
        "SELECT_VEHICLE": "v",
        "LOCALE": "lc",
        "LOGOUT": "lo",
        "SETTINGS": "st",
        "SMART": "sc",
        "SHARE": "sh",
        "LEAVE": "lv",
        "TARIFF": "tf",
        "COSTS": "co",
    }


def test_two_verbs_of_one_code_are_refused() -> None:
    with pytest.raises(VerbConflict, match="share the code"):
        verbs_by_code([LOCALE_VERB, Verb(LOCALE_VERB.value, "MINE")])
