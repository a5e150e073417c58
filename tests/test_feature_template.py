"""Every feature package follows the template (docs/architecture.md, "A feature's package").

Its files carry the template's names, and the import-linter contracts that layer a feature name it: a
feature package added later fails here until it is laid out and checked like the others.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil
import tomllib
from pathlib import Path

import bot.features
from bot.app.parts import CATALOGS, EVENT_TYPES, TELEGRAM_PARTS
from bot.telegram_ui.callback_data import Verb
from bot.telegram_ui.conversation.names import StateName
from bot.telegram_ui.parts import verbs_of

ROOT = Path(__file__).resolve().parent.parent
FEATURES = ROOT / "bot" / "features"
# The template's modules; a large one may be a package of the same name.
TEMPLATE = {"logic", "events", "ports", "use_cases", "store", "render", "telegram", "jobs", "catalog"}


def _features() -> list[str]:
    return sorted(p.name for p in FEATURES.iterdir() if p.is_dir() and (p / "__init__.py").exists())


def _contracts() -> list[dict[str, object]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts: list[dict[str, object]] = config["tool"]["importlinter"]["contracts"]
    return contracts


def test_there_is_a_feature_package() -> None:
    assert "sharing" in _features()


def test_every_feature_module_has_a_template_name() -> None:
    strays = {
        f"{feature}/{path.name}"
        for feature in _features()
        for path in (FEATURES / feature).iterdir()
        if path.name not in {"__init__.py", "__pycache__"} and path.name.removesuffix(".py") not in TEMPLATE
    }
    assert sorted(strays) == []


def test_every_feature_is_layered_by_the_contracts() -> None:
    # The feature contracts name features by wildcard, so a package added later is checked without an edit
    # (import-linter's module expressions: `*` is one package, whichever it is).
    layered = next(c for c in _contracts() if c["type"] == "layers" and "containers" in c)
    assert layered["containers"] == ["bot.features.*"]
    kinds: set[str] = set()
    for contract in _contracts():
        if contract["type"] != "forbidden" or not str(contract["name"]).startswith("a feature's"):
            continue
        sources = contract["source_modules"]
        assert isinstance(sources, list)
        assert all(source.startswith("bot.features.*.") for source in sources), contract["name"]
        assert "bot.features.*.store" in contract["forbidden_modules"], contract["name"]  # type: ignore[operator]
        kinds |= {source.removeprefix("bot.features.*.") for source in sources}
    # Every kind of module but the store and the catalog (pure data) is kept from the stores and the database.
    assert kinds == TEMPLATE - {"store", "catalog"}


def test_a_feature_with_a_telegram_part_declares_it_and_the_composition_root_lists_it() -> None:
    parts = (ROOT / "bot" / "app" / "parts.py").read_text(encoding="utf-8")
    for feature in _features():
        telegram = FEATURES / feature / "telegram.py"
        if telegram.exists():
            assert "\nPART = TelegramPart(" in telegram.read_text(encoding="utf-8"), feature
            assert f"from bot.features.{feature} import telegram as" in parts, feature


def test_every_feature_has_its_tests_beside_its_name() -> None:
    tests = ROOT / "tests" / "features"
    folders = {p.name for p in tests.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert sorted(set(_features()) - folders) == []
    for feature in _features():
        assert any((tests / feature).glob("test_*.py")), feature


def test_every_feature_event_is_registered_with_the_outbox() -> None:
    # A feature's events are the outbox's only through the composition root (its part renders them).
    unregistered = [
        f"{feature}.{name}"
        for feature in _features()
        if (FEATURES / feature / "events.py").exists()
        for name, cls in inspect.getmembers(importlib.import_module(f"bot.features.{feature}.events"))
        if inspect.isclass(cls) and dataclasses.is_dataclass(cls) and hasattr(cls, "dedup_key")
        if cls not in EVENT_TYPES
    ]
    assert any(True for _ in EVENT_TYPES), "no event type registered"
    assert unregistered == []


def test_every_feature_catalog_is_declared_by_its_part() -> None:
    # A feature's strings reach the translators only through its part (`TelegramPart.catalog`).
    missing = {}
    for feature in _features():
        if not (FEATURES / feature / "catalog.py").exists():
            continue
        module = importlib.import_module(f"bot.features.{feature}.catalog")
        by_language = [
            value
            for value in vars(module).values()
            if isinstance(value, dict) and value and set(value) == set(CATALOGS)
        ]
        assert by_language, f"{feature}: its catalog has no messages by language"
        for messages in by_language:
            for language, texts in messages.items():
                unknown = sorted(set(texts) - set(CATALOGS[language]))
                if unknown:
                    missing[f"{feature}/{language}"] = unknown[:3]
    assert missing == {}


def test_every_feature_verb_is_answered_by_a_part() -> None:
    # A verb a feature declares decodes only when a part answers it (`TelegramPart.taps`), checked unique.
    declared = {
        f"{info.name}.{name}": value
        for info in pkgutil.walk_packages(bot.features.__path__, "bot.features.")
        for name, value in vars(importlib.import_module(info.name)).items()
        if isinstance(value, Verb) and not name.startswith("_")
    }
    assert declared, "the scan found no verb"
    answered = set(verbs_of(TELEGRAM_PARTS).values())
    assert sorted(name for name, verb in declared.items() if verb not in answered) == []


def test_every_feature_state_name_is_declared_by_a_part() -> None:
    # A chat's stored screen is found again only when a part declares its state (`TelegramPart.states`).
    names = {
        f"{info.name}.{name}": value
        for info in pkgutil.walk_packages(bot.features.__path__, "bot.features.")
        for name, value in vars(importlib.import_module(info.name)).items()
        if isinstance(value, StateName) and not name.startswith("_")
    }
    assert names, "the scan found no state name"
    declared = {state.name for part in TELEGRAM_PARTS for state in part.states}
    assert sorted(name for name, state in names.items() if state not in declared) == []
