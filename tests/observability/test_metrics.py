"""The metrics registry renders valid Prometheus text and refuses misuse."""

from __future__ import annotations

import math

import pytest

from bot.observability.metrics import BotMetrics, MetricError, Registry, status_class
from tests.observability.exposition import parse


def test_counter_series_are_rendered_per_label_value_with_help_and_type() -> None:
    registry = Registry()
    polls = registry.counter("polls_total", "Vehicle polls.", ["outcome"])
    polls.inc(outcome="ok")
    polls.inc(2, outcome="ok")
    polls.inc(outcome="quota")

    scraped = parse(registry.render())

    assert scraped.types["polls_total"] == "counter"
    assert scraped.helps["polls_total"] == "Vehicle polls."
    assert scraped.value("polls_total", outcome="ok") == 3
    assert scraped.value("polls_total", outcome="quota") == 1


def test_unlabelled_metrics_show_zero_before_first_use_and_labelled_ones_show_nothing() -> None:
    registry = Registry()
    registry.counter("cooldowns_total", "Cooldowns.")
    registry.counter("errors_total", "Errors.", ["code"])

    text = registry.render()

    assert parse(text).value("cooldowns_total") == 0
    assert "errors_total{" not in text
    assert parse(text).types["errors_total"] == "counter"


def test_label_values_are_escaped_and_survive_a_round_trip() -> None:
    registry = Registry()
    errors = registry.counter("errors_total", "Errors.", ["code"])
    nasty = 'err.quota "limit"\\n\nnext line'
    errors.inc(code=nasty)

    text = registry.render()

    assert '\\"limit\\"' in text
    assert "\nnext line" not in text  # a raw line feed would split the sample
    assert parse(text).value("errors_total", code=nasty) == 1


def test_help_text_with_line_feeds_stays_on_one_line() -> None:
    registry = Registry()
    registry.gauge("g", "first\nsecond \\ third")

    assert "# HELP g first\\nsecond \\\\ third\n" in registry.render()


def test_gauge_can_be_set_and_moved_both_ways() -> None:
    registry = Registry()
    gauge = registry.gauge("queue_length", "Items waiting.")
    gauge.set(5)
    gauge.inc(2)
    gauge.dec(4)

    assert gauge.value() == 3
    assert parse(registry.render()).value("queue_length") == 3


def test_histogram_buckets_are_cumulative_with_sum_count_and_inf() -> None:
    registry = Registry()
    seconds = registry.histogram("action_seconds", "Action time.", [1, 5], ["action"])
    for value in (0.5, 1.0, 3.0, 7.0):
        seconds.observe(value, action="charge_start")

    scraped = parse(registry.render())

    def bucket(le: str) -> float:
        return scraped.value("action_seconds_bucket", action="charge_start", le=le)

    assert scraped.types["action_seconds"] == "histogram"
    assert (bucket("1"), bucket("5"), bucket("+Inf")) == (2, 3, 4)
    assert scraped.value("action_seconds_sum", action="charge_start") == 11.5
    assert scraped.value("action_seconds_count", action="charge_start") == 4
    assert seconds.count(action="charge_start") == 4


def test_histogram_buckets_render_in_ascending_order_ending_with_inf() -> None:
    registry = Registry()
    registry.histogram("h", "H.", [0.1, 2.5]).observe(1)

    samples = parse(registry.render()).samples.items()  # in the order they were written
    buckets = [(dict(labels)["le"], value) for (name, labels), value in samples if name == "h_bucket"]

    assert buckets == [("0.1", 0), ("2.5", 1), ("inf", 1)]


@pytest.mark.parametrize(
    ("value", "text"),
    [(3.0, "3.0"), (0.25, "0.25"), (math.inf, "+Inf"), (-math.inf, "-Inf"), (math.nan, "NaN")],
)
def test_values_are_written_the_way_prometheus_reads_them(value: float, text: str) -> None:
    registry = Registry()
    registry.gauge("g", "G.").set(value)

    rendered = registry.render()

    assert f"\ng {text}\n" in rendered
    read = parse(rendered).value("g")
    assert read == value or (math.isnan(read) and math.isnan(value))


def test_wrong_label_names_are_refused() -> None:
    counter = Registry().counter("c_total", "C.", ["outcome"])

    with pytest.raises(MetricError):
        counter.inc(status="ok")
    with pytest.raises(MetricError):
        counter.inc()


def test_a_counter_cannot_go_down() -> None:
    with pytest.raises(MetricError):
        Registry().counter("c_total", "C.").inc(-1)


@pytest.mark.parametrize(
    ("name", "labels"), [("bad-name", []), ("ok", ["le"]), ("ok", ["a", "a"]), ("ok", ["1x"])]
)
def test_invalid_names_are_refused(name: str, labels: list[str]) -> None:
    with pytest.raises(MetricError):
        Registry().counter(name, "Bad.", labels)


def test_histogram_buckets_must_increase() -> None:
    with pytest.raises(MetricError):
        Registry().histogram("h", "H.", [5, 1])


def test_a_metric_name_registers_once() -> None:
    registry = Registry()
    registry.counter("c_total", "C.")

    with pytest.raises(MetricError):
        registry.gauge("c_total", "Again.")


def test_bot_metrics_register_every_series_with_the_namespace() -> None:
    registry = Registry()
    metrics = BotMetrics.create(registry)
    metrics.polls.inc(outcome="ok")
    metrics.record_renault_response(429, "kca")
    metrics.renault_errors.inc(code="err.func.wired.overloaded")
    metrics.quota_cooldowns.inc()
    metrics.notifications.inc(status="sent")
    metrics.action_seconds.observe(2.0, action="hvac_start")
    metrics.poller_last_tick.set(1_790_000_000)

    scraped = parse(registry.render())

    assert scraped.value("renault_bot_polls_total", outcome="ok") == 1
    assert scraped.value("renault_bot_renault_responses_total", status_class="4xx", endpoint_kind="kca") == 1
    assert scraped.value("renault_bot_renault_errors_total", code="err.func.wired.overloaded") == 1
    assert scraped.value("renault_bot_quota_cooldowns_total") == 1
    assert scraped.value("renault_bot_notifications_total", status="sent") == 1
    assert scraped.value("renault_bot_action_seconds_count", action="hvac_start") == 1
    assert scraped.value("renault_bot_poller_last_tick_timestamp_seconds") == 1_790_000_000
    assert scraped.types["renault_bot_poller_last_tick_timestamp_seconds"] == "gauge"


def test_last_tick_is_none_until_the_poller_ticks() -> None:
    metrics = BotMetrics.create(Registry())
    assert metrics.last_tick() is None

    metrics.poller_last_tick.set(1_790_000_000.5)

    assert metrics.last_tick() == 1_790_000_000.5


def test_two_registries_hold_independent_bot_metrics() -> None:
    first, second = BotMetrics.create(Registry()), BotMetrics.create(Registry())
    first.quota_cooldowns.inc()

    assert second.quota_cooldowns.value() == 0


@pytest.mark.parametrize(
    ("code", "label"), [(200, "2xx"), (204, "2xx"), (401, "4xx"), (503, "5xx"), (0, "other")]
)
def test_status_codes_are_grouped_by_class(code: int, label: str) -> None:
    assert status_class(code) == label


def test_timed_block_is_observed_in_action_seconds_even_when_it_raises() -> None:
    registry = Registry()
    metrics = BotMetrics.create(registry)
    now = [100.0]

    def clock() -> float:
        return now[0]

    with metrics.timed("charge_start", clock=clock):
        now[0] += 3.0

    def refused_action() -> None:
        with metrics.timed("charge_start", clock=clock):
            now[0] += 0.5
            raise RuntimeError("refused")

    with pytest.raises(RuntimeError):
        refused_action()

    scraped = parse(registry.render())
    assert scraped.value("renault_bot_action_seconds_count", action="charge_start") == 2
    assert scraped.value("renault_bot_action_seconds_sum", action="charge_start") == 3.5
    assert scraped.value("renault_bot_action_seconds_bucket", action="charge_start", le="1") == 1


def test_bot_metrics_expose_exactly_their_own_families_and_series() -> None:
    registry = Registry()
    metrics = BotMetrics.create(registry)
    metrics.polls.inc(outcome="ok")
    metrics.record_renault_response(200, "kca_read")
    metrics.action_seconds.observe(2.0, action="hvac_start")

    scraped = parse(registry.render())

    prefix = "renault_bot_"
    assert scraped.types == {
        f"{prefix}polls_total": "counter",
        f"{prefix}renault_responses_total": "counter",
        f"{prefix}renault_errors_total": "counter",
        f"{prefix}quota_cooldowns_total": "counter",
        f"{prefix}notifications_total": "counter",
        f"{prefix}ping_possible_duplicates_total": "counter",
        f"{prefix}action_seconds": "histogram",
        f"{prefix}poller_last_tick_timestamp_seconds": "gauge",
        f"{prefix}unreadable_secrets_total": "counter",
    }
    assert {name for name, _labels in scraped.samples} == {  # no `_created` series beside them
        f"{prefix}polls_total",
        f"{prefix}renault_responses_total",
        f"{prefix}quota_cooldowns_total",
        f"{prefix}action_seconds_bucket",
        f"{prefix}action_seconds_sum",
        f"{prefix}action_seconds_count",
        f"{prefix}poller_last_tick_timestamp_seconds",
        f"{prefix}unreadable_secrets_total",
    }


def test_a_counter_name_must_end_in_total() -> None:
    # prometheus-client would expose `polls` as `polls_total`: a name other than the one declared.
    with pytest.raises(MetricError, match="_total"):
        Registry().counter("polls", "Polls.")


def test_a_label_set_is_checked_on_every_use_not_only_the_first() -> None:
    counter = Registry().counter("c_total", "C.", ["outcome", "kind"])
    counter.inc(outcome="ok", kind="a")
    counter.inc(kind="a", outcome="ok")  # the same series, named in another order

    with pytest.raises(MetricError):
        counter.inc(outcome="ok")
    with pytest.raises(MetricError):
        counter.value(outcome="ok")
    assert counter.value(outcome="ok", kind="a") == 2
