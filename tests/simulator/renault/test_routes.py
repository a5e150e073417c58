"""The simulator's own path table: well formed, and covering every model the client knows."""

from __future__ import annotations

from bot.renault.capabilities import MODEL_CODES
from bot.simulator.renault.routes import DEFAULT, FEATURES, MODELS, ROUTES, accepts, find_route, wire_for


def test_every_feature_named_per_model_is_served_by_some_route() -> None:
    wires = {wire for route in ROUTES for wire in route.wire}
    for model, row in MODELS.items():
        assert set(row.off.split()) <= FEATURES, model
        assert set(row.via) <= FEATURES, model
        assert set(row.via.values()) <= wires, model


def test_the_simulator_knows_every_model_of_the_client_table() -> None:
    assert set(MODELS) == set(MODEL_CODES)


def test_shared_urls_are_told_apart_by_the_body() -> None:
    path = "/kca/car-adapter/v1/cars/{vin}/actions/hvac-start"
    bodies = {
        action: {"data": {"type": "HvacStart", "attributes": {"action": action}}}
        for action in ("start", "cancel", "stop")
    }
    names = {action: getattr(find_route("POST", path, body), "name", None) for action, body in bodies.items()}
    assert names == {"start": "hvac-start", "cancel": "hvac-stop", "stop": "hvac-stop/stop"}
    assert find_route("POST", path, {"data": {"attributes": {"action": "launch"}}}) is None
    assert find_route("GET", path, None) is None


def test_an_undocumented_model_gets_every_default_and_a_refused_feature_is_none() -> None:
    assert wire_for("ZZZ9XX", "charge-mode") == DEFAULT
    assert wire_for("R5E1VE", "charge-mode") is None
    assert wire_for("R5E1VE", "charge-start") == "kcm-settings"


def test_pause_resume_exists_where_either_charge_direction_uses_it() -> None:
    resume = find_route(
        "POST", "/kcm/v1/vehicles/{vin}/charge/pause-resume", {"data": {"attributes": {"action": "resume"}}}
    )
    assert resume is not None
    assert accepts("X102VE", resume)  # stop goes through pause-resume, so the URL exists for this car
    assert accepts("XBG1VE", resume)
    assert not accepts("R5E1VE", resume)


def test_a_refused_pause_is_refused_as_a_charge_stop() -> None:
    pause = find_route(
        "POST", "/kcm/v1/vehicles/{vin}/charge/pause-resume", {"data": {"attributes": {"action": "pause"}}}
    )
    assert pause is not None
    assert (pause.name, pause.feature) == ("charge-stop/kcm-pause-resume", "charge-stop")
