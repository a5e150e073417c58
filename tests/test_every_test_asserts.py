"""No test without an assertion: every test under tests/ states what it proves.

What counts as asserting is written in tests/support/asserting.py: an `assert`, `pytest.raises`/`warns`/
`fail`, a call to an `assert*`/`expect*` name, or a statement calling a helper (same file, or imported from
tests/) that asserts by the same rules. Waiting until something holds is not asserting it: a test that
waits says afterwards what it waited for.
"""

from __future__ import annotations

from pathlib import Path

from tests.support.asserting import offenders_under, without_assertions


def test_every_test_under_tests_asserts_something() -> None:
    offenders = offenders_under(Path(__file__).parent)
    assert offenders == [], "tests that assert nothing:\n" + "\n".join(offenders)


def _offenders(source: str, **others: str) -> list[str]:
    return without_assertions({"tests.test_x": source, **others})


def test_a_test_that_only_calls_is_an_offender() -> None:
    source = (
        "async def test_quiet(user):\n    await user.wait_until(lambda u: True)\n\ndef helper():\n    pass\n"
    )
    assert _offenders(source) == ["tests.test_x::test_quiet"]


def test_test_methods_of_a_class_are_read_too() -> None:
    source = "class TestThing:\n    def test_quiet(self):\n        self.x = 1\n"
    assert _offenders(source) == ["tests.test_x::test_quiet"]


def test_assert_statements_and_pytest_checks_count() -> None:
    source = (
        "import pytest\n"
        "def test_a():\n    assert 1\n"
        "def test_b():\n    with pytest.raises(ValueError):\n        int('x')\n"
        "def test_c():\n    pytest.fail('never')\n"
        "def test_d(mock):\n    mock.assert_called_once()\n"
        "def test_e(card):\n    expect_card(card)\n"
        "def test_f():\n    def inner():\n        assert 1\n    inner()\n"
    )
    assert _offenders(source) == []


def test_a_statement_calling_an_asserting_helper_counts_through_helpers_and_imports() -> None:
    helpers = "def check(x):\n    assert x\n\ndef check_twice(x):\n    check(x)\n    check(x)\n"
    source = (
        "from tests.helpers import check_twice\n"
        "def _local(x):\n    check_twice(x)\n"
        "def test_imported():\n    check_twice(1)\n"
        "async def test_local():\n    await _local(1)\n"
    )
    assert _offenders(source, **{"tests.helpers": helpers}) == []


def test_a_helper_whose_value_the_test_uses_is_set_up_not_an_assertion() -> None:
    source = (
        "async def _linked(s):\n    assert s\n    return s\n"
        "async def test_linked_only(s):\n    ann = await _linked(s)\n    await ann.send('/status')\n"
        "async def test_in_a_with():\n    async with _linked(1) as s:\n        s.go()\n"
    )
    assert _offenders(source) == ["tests.test_x::test_linked_only", "tests.test_x::test_in_a_with"]


def test_a_helper_module_is_not_a_test_file() -> None:
    assert without_assertions({"tests.harness": "def test_like_name():\n    pass\n"}) == []
