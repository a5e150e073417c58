"""The bot's metrics on prometheus-client: counters, gauges and histograms in text exposition format 0.0.4.

Thin wrappers keep the calls the rest of the bot makes (`inc(outcome="ok")`, `value()`, `observe()`), while
prometheus-client keeps the series and writes the exposition. Each `Registry` owns its own
`CollectorRegistry`, never the library's global one, so tests and several bots in one process do not collide.
A labelled metric shows nothing until a series is first touched; an unlabelled one shows 0 from the start.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import prometheus_client
from prometheus_client import CONTENT_TYPE_PLAIN_0_0_4, CollectorRegistry, generate_latest
from prometheus_client.metrics import MetricWrapperBase

# What generate_latest writes, whatever the library's newest content type is.
CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4

# The library would add a `<name>_created` series beside every counter and histogram series: series we never
# exposed, and more to scrape. The switch is process-wide, not per registry.
prometheus_client.disable_created_metrics()  # type: ignore[no-untyped-call]  # unannotated upstream

# Legacy (pre-UTF-8) names only: the library would also take names that older scrapers reject.
_NAME = re.compile(r"^[a-zA-Z_:][a-zA-Z0-9_:]*$")
_LABEL = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")


class MetricError(ValueError):
    """A metric was declared or used with a bad name, wrong labels or an invalid value."""


def _validate(name: str, labelnames: Sequence[str]) -> None:
    if not _NAME.match(name):
        raise MetricError(f"invalid metric name {name!r}")
    for label in labelnames:
        if not _LABEL.match(label) or label.startswith("__") or label == "le":
            raise MetricError(f"invalid label name {label!r} on {name}")
    if len(set(labelnames)) != len(labelnames):
        raise MetricError(f"duplicate label names on {name}")


_Inner = TypeVar("_Inner", bound=MetricWrapperBase)


class _Metric(Generic[_Inner]):
    """Name, help text and label names over one prometheus-client metric (which does its own locking)."""

    kind = "untyped"

    def __init__(self, name: str, help_text: str, labelnames: Sequence[str], inner: _Inner) -> None:
        self.name = name
        self.help = help_text
        self.labelnames = tuple(labelnames)
        self.inner = inner
        self._children: dict[tuple[tuple[str, str], ...], _Inner] = {}

    def _wrong_labels(self, labels: Mapping[str, str]) -> MetricError:
        return MetricError(f"{self.name} takes labels {list(self.labelnames)}, got {sorted(labels)}")

    def _child(self, labels: Mapping[str, str]) -> _Inner:
        """The series named by `labels` (the metric itself when it has none); the library checks the names."""
        if not self.labelnames:
            if labels:
                raise self._wrong_labels(labels)
            return self.inner
        # Every poll and Renault response lands here: one dict look-up instead of the library's sort and lock.
        key = tuple(labels.items())
        child = self._children.get(key)
        if child is None:
            try:
                child = self._children[key] = self.inner.labels(**labels)
            except ValueError as exc:
                raise self._wrong_labels(labels) from exc
        return child

    def _read(self, sample_name: str, labels: Mapping[str, str]) -> float:
        """One sample's value through the library's public collect(); 0 for a series never touched."""
        if set(labels) != set(self.labelnames):
            raise self._wrong_labels(labels)
        wanted = {key: str(value) for key, value in labels.items()}
        for family in self.inner.collect():
            for sample in family.samples:
                if sample.name == sample_name and sample.labels == wanted:
                    return sample.value
        return 0.0


class Counter(_Metric[prometheus_client.Counter]):
    """A value that only goes up; its name ends in `_total` (the library would otherwise append one)."""

    kind = "counter"

    def __init__(self, name: str, help_text: str, labelnames: Sequence[str] = ()) -> None:
        _validate(name, labelnames)
        if not name.endswith("_total"):
            raise MetricError(f"counter {name!r} must end in _total")
        inner = prometheus_client.Counter(name, help_text, labelnames, registry=None)
        super().__init__(name, help_text, labelnames, inner)

    def inc(self, amount: float = 1.0, **labels: str) -> None:
        """Add `amount` (zero or more) to the series named by `labels`."""
        if amount < 0 or math.isnan(amount):
            raise MetricError(f"{self.name}: a counter cannot go down")
        self._child(labels).inc(amount)

    def value(self, **labels: str) -> float:
        """The current value of one series (0 when it was never touched)."""
        return self._read(self.name, labels)


class Gauge(_Metric[prometheus_client.Gauge]):
    """A value that goes up and down, or is set outright (a timestamp, a queue length)."""

    kind = "gauge"

    def __init__(self, name: str, help_text: str, labelnames: Sequence[str] = ()) -> None:
        _validate(name, labelnames)
        inner = prometheus_client.Gauge(name, help_text, labelnames, registry=None)
        super().__init__(name, help_text, labelnames, inner)

    def set(self, value: float, **labels: str) -> None:
        """Set the series named by `labels` to `value`."""
        self._child(labels).set(value)

    def inc(self, amount: float = 1.0, **labels: str) -> None:
        """Add `amount` to the series."""
        self._child(labels).inc(amount)

    def dec(self, amount: float = 1.0, **labels: str) -> None:
        """Subtract `amount` from the series."""
        self._child(labels).dec(amount)

    def value(self, **labels: str) -> float:
        """The current value of one series (0 when it was never touched)."""
        return self._read(self.name, labels)


class Histogram(_Metric[prometheus_client.Histogram]):
    """Observations counted into fixed, cumulative buckets, plus their sum and count."""

    kind = "histogram"

    def __init__(
        self, name: str, help_text: str, buckets: Sequence[float], labelnames: Sequence[str] = ()
    ) -> None:
        _validate(name, labelnames)
        bounds = [float(b) for b in buckets if not math.isinf(b)]
        if not bounds or bounds != sorted(set(bounds)):
            raise MetricError(f"{name}: buckets must be a non-empty, strictly increasing list")
        self.buckets = (*bounds, math.inf)
        inner = prometheus_client.Histogram(name, help_text, labelnames, registry=None, buckets=self.buckets)
        super().__init__(name, help_text, labelnames, inner)

    def observe(self, value: float, **labels: str) -> None:
        """Record one observation (a duration in seconds, a size) in the series named by `labels`."""
        if math.isnan(value):
            raise MetricError(f"{self.name}: cannot observe NaN")
        self._child(labels).observe(value)

    def count(self, **labels: str) -> int:
        """How many observations one series holds."""
        return int(self._read(f"{self.name}_count", labels))


_M = TypeVar("_M", bound="_Metric[Any]")


class Registry:
    """The set of metrics one process (or one bot in a test) exposes on /metrics."""

    def __init__(self) -> None:
        self.collectors = CollectorRegistry()
        self._metrics: dict[str, _Metric[Any]] = {}

    def register(self, metric: _M) -> _M:
        """Add a metric; one whose name (or one of its series' names) is taken is refused."""
        try:
            self.collectors.register(metric.inner)
        except ValueError as exc:  # the library checks under its own lock
            raise MetricError(f"metric {metric.name} is already registered") from exc
        self._metrics[metric.name] = metric
        return metric

    def counter(self, name: str, help_text: str, labelnames: Sequence[str] = ()) -> Counter:
        """Create and register a counter."""
        return self.register(Counter(name, help_text, labelnames))

    def gauge(self, name: str, help_text: str, labelnames: Sequence[str] = ()) -> Gauge:
        """Create and register a gauge."""
        return self.register(Gauge(name, help_text, labelnames))

    def histogram(
        self, name: str, help_text: str, buckets: Sequence[float], labelnames: Sequence[str] = ()
    ) -> Histogram:
        """Create and register a histogram with fixed buckets."""
        return self.register(Histogram(name, help_text, buckets, labelnames))

    def __iter__(self) -> Iterator[_Metric[Any]]:
        return iter(list(self._metrics.values()))

    def render(self) -> str:
        """Every metric in text exposition format 0.0.4, ending with a line feed."""
        return generate_latest(self.collectors).decode("utf-8")


# Renault actions take from under a second (a refused call) to half a minute (a slow car wake-up).
ACTION_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 30.0, 60.0)


def status_class(status_code: int) -> str:
    """An HTTP status code as its class label (`2xx`, `4xx`, ...), so label sets stay small."""
    return f"{status_code // 100}xx" if 100 <= status_code <= 599 else "other"


@dataclass(frozen=True)
class BotMetrics:
    """The bot's own metrics, built once by the composition root and handed to whoever records them."""

    polls: Counter
    renault_responses: Counter
    renault_errors: Counter
    quota_cooldowns: Counter
    notifications: Counter
    possible_duplicates: Counter
    action_seconds: Histogram
    poller_last_tick: Gauge
    unreadable_secrets: Counter

    @classmethod
    def create(cls, registry: Registry, namespace: str = "renault_bot") -> BotMetrics:
        """Register every bot metric in `registry`, names prefixed with `namespace_`."""
        prefix = f"{namespace}_" if namespace else ""
        return cls(
            polls=registry.counter(f"{prefix}polls_total", "Vehicle polls by outcome.", ["outcome"]),
            renault_responses=registry.counter(
                f"{prefix}renault_responses_total",
                "HTTP responses from the Renault APIs by status class and endpoint kind.",
                ["status_class", "endpoint_kind"],
            ),
            renault_errors=registry.counter(
                f"{prefix}renault_errors_total", "Renault API errors by error code.", ["code"]
            ),
            quota_cooldowns=registry.counter(
                f"{prefix}quota_cooldowns_total", "Times an account entered a cooldown after a quota error."
            ),
            notifications=registry.counter(
                f"{prefix}notifications_total", "Telegram notifications by delivery status.", ["status"]
            ),
            possible_duplicates=registry.counter(
                f"{prefix}ping_possible_duplicates_total",
                "Pings sent again though an earlier send may have reached Telegram: a claim taken over "
                "from a dead or late sender, or a send that timed out.",
                ["cause"],
            ),
            action_seconds=registry.histogram(
                f"{prefix}action_seconds",
                "Duration of user-requested vehicle actions.",
                ACTION_BUCKETS,
                ["action"],
            ),
            poller_last_tick=registry.gauge(
                f"{prefix}poller_last_tick_timestamp_seconds",
                "Unix time of the poller's last completed tick.",
            ),
            unreadable_secrets=registry.counter(
                f"{prefix}unreadable_secrets_total",
                "Stored values no configured CREDENTIALS_KEY key decrypts (read and left as they are).",
            ),
        )

    def record_renault_response(self, status_code: int, endpoint_kind: str) -> None:
        """Count one Renault HTTP response under its status class."""
        self.renault_responses.inc(status_class=status_class(status_code), endpoint_kind=endpoint_kind)

    @contextmanager
    def timed(self, action: str, clock: Callable[[], float] = time.perf_counter) -> Iterator[None]:
        """Observe the duration of the `with` block in action_seconds, also when it raises."""
        started = clock()
        try:
            yield
        finally:
            self.action_seconds.observe(max(0.0, clock() - started), action=action)

    def last_tick(self) -> float | None:
        """When the poller last ticked (Unix seconds), or None before its first tick; for the health check."""
        value = self.poller_last_tick.value()
        return value if value > 0 else None
