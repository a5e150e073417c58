"""A tiny Prometheus registry of our own: counters, gauges and histograms in text exposition format 0.0.4.

We only need a handful of series, so a hundred lines of our own beat a dependency. Series are keyed by
their label values; a labelled metric shows nothing until a series is first touched.
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TypeVar

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

_NAME = re.compile(r"^[a-zA-Z_:][a-zA-Z0-9_:]*$")
_LABEL = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")

LabelValues = tuple[str, ...]


class MetricError(ValueError):
    """A metric was declared or used with a bad name, wrong labels or an invalid value."""


def format_value(value: float) -> str:
    """A sample value as Prometheus writes it (`+Inf`, `NaN`, integers without a trailing `.0`)."""
    value = float(value)  # counts arrive as int, which lacks is_integer() before Python 3.12
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def escape_label_value(value: str) -> str:
    """Escape a label value: backslash, double quote and line feed."""
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _escape_help(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n")


def _series(name: str, labels: Iterable[tuple[str, str]], value: float) -> str:
    pairs = ",".join(f'{key}="{escape_label_value(val)}"' for key, val in labels)
    return f"{name}{{{pairs}}} {format_value(value)}" if pairs else f"{name} {format_value(value)}"


class _Metric:
    """Shared bookkeeping: name, help text, label names and a lock (handlers may run in worker threads)."""

    kind = "untyped"

    def __init__(self, name: str, help_text: str, labelnames: Sequence[str] = ()) -> None:
        if not _NAME.match(name):
            raise MetricError(f"invalid metric name {name!r}")
        for label in labelnames:
            if not _LABEL.match(label) or label.startswith("__") or label == "le":
                raise MetricError(f"invalid label name {label!r} on {name}")
        if len(set(labelnames)) != len(labelnames):
            raise MetricError(f"duplicate label names on {name}")
        self.name = name
        self.help = help_text
        self.labelnames = tuple(labelnames)
        self._lock = threading.Lock()

    def _key(self, labels: dict[str, str]) -> LabelValues:
        if set(labels) != set(self.labelnames):
            raise MetricError(f"{self.name} takes labels {list(self.labelnames)}, got {sorted(labels)}")
        return tuple(str(labels[name]) for name in self.labelnames)

    def _pairs(self, key: LabelValues) -> list[tuple[str, str]]:
        return list(zip(self.labelnames, key, strict=True))

    def header(self) -> list[str]:
        """The HELP and TYPE lines."""
        return [f"# HELP {self.name} {_escape_help(self.help)}", f"# TYPE {self.name} {self.kind}"]

    def samples(self) -> list[str]:
        """The sample lines, one per series."""
        raise NotImplementedError


class _ScalarMetric(_Metric):
    """A metric whose series each hold one number (counters and gauges)."""

    def __init__(self, name: str, help_text: str, labelnames: Sequence[str] = ()) -> None:
        super().__init__(name, help_text, labelnames)
        # An unlabelled metric always has its one series, so it shows as 0 from the start.
        self._values: dict[LabelValues, float] = {} if labelnames else {(): 0.0}

    def value(self, **labels: str) -> float:
        """The current value of one series (0 when it was never touched)."""
        key = self._key(labels)
        with self._lock:
            return self._values.get(key, 0.0)

    def _add(self, amount: float, labels: dict[str, str]) -> None:
        key = self._key(labels)
        with self._lock:
            self._values[key] = self._values.get(key, 0.0) + amount

    def samples(self) -> list[str]:
        """One line per series, in the order the series first appeared."""
        with self._lock:
            items = list(self._values.items())
        return [_series(self.name, self._pairs(key), value) for key, value in items]


class Counter(_ScalarMetric):
    """A value that only goes up (name it `..._total`)."""

    kind = "counter"

    def inc(self, amount: float = 1.0, **labels: str) -> None:
        """Add `amount` (zero or more) to the series named by `labels`."""
        if amount < 0 or math.isnan(amount):
            raise MetricError(f"{self.name}: a counter cannot go down")
        self._add(amount, labels)


class Gauge(_ScalarMetric):
    """A value that goes up and down, or is set outright (a timestamp, a queue length)."""

    kind = "gauge"

    def set(self, value: float, **labels: str) -> None:
        """Set the series named by `labels` to `value`."""
        key = self._key(labels)
        with self._lock:
            self._values[key] = float(value)

    def inc(self, amount: float = 1.0, **labels: str) -> None:
        """Add `amount` to the series."""
        self._add(amount, labels)

    def dec(self, amount: float = 1.0, **labels: str) -> None:
        """Subtract `amount` from the series."""
        self._add(-amount, labels)


@dataclass
class _HistogramSeries:
    counts: list[int]
    total: float = 0.0
    count: int = 0


class Histogram(_Metric):
    """Observations counted into fixed, cumulative buckets, plus their sum and count."""

    kind = "histogram"

    def __init__(
        self, name: str, help_text: str, buckets: Sequence[float], labelnames: Sequence[str] = ()
    ) -> None:
        super().__init__(name, help_text, labelnames)
        bounds = [float(b) for b in buckets if not math.isinf(b)]
        if not bounds or bounds != sorted(set(bounds)):
            raise MetricError(f"{name}: buckets must be a non-empty, strictly increasing list")
        self.buckets = (*bounds, math.inf)
        self._series: dict[LabelValues, _HistogramSeries] = {}
        if not labelnames:
            self._series[()] = self._empty()

    def _empty(self) -> _HistogramSeries:
        return _HistogramSeries(counts=[0] * len(self.buckets))

    def observe(self, value: float, **labels: str) -> None:
        """Record one observation (a duration in seconds, a size) in the series named by `labels`."""
        if math.isnan(value):
            raise MetricError(f"{self.name}: cannot observe NaN")
        key = self._key(labels)
        with self._lock:
            series = self._series.setdefault(key, self._empty())
            for index, bound in enumerate(self.buckets):
                if value <= bound:
                    series.counts[index] += 1
            series.total += value
            series.count += 1

    def count(self, **labels: str) -> int:
        """How many observations one series holds."""
        key = self._key(labels)
        with self._lock:
            series = self._series.get(key)
            return series.count if series else 0

    def samples(self) -> list[str]:
        """`_bucket` lines (cumulative, `le` last), then `_sum` and `_count`, for each series."""
        with self._lock:
            items = [(key, list(s.counts), s.total, s.count) for key, s in self._series.items()]
        lines: list[str] = []
        for key, counts, total, count in items:
            pairs = self._pairs(key)
            for bound, hits in zip(self.buckets, counts, strict=True):
                lines.append(_series(f"{self.name}_bucket", [*pairs, ("le", format_value(bound))], hits))
            lines.append(_series(f"{self.name}_sum", pairs, total))
            lines.append(_series(f"{self.name}_count", pairs, count))
        return lines


_M = TypeVar("_M", bound=_Metric)


@dataclass
class Registry:
    """The set of metrics one process exposes on /metrics."""

    _metrics: dict[str, _Metric] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def register(self, metric: _M) -> _M:
        """Add a metric; a second metric with the same name is refused."""
        with self._lock:
            if metric.name in self._metrics:
                raise MetricError(f"metric {metric.name} is already registered")
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

    def __iter__(self) -> Iterator[_Metric]:
        with self._lock:
            return iter(list(self._metrics.values()))

    def render(self) -> str:
        """Every metric in text exposition format 0.0.4, ending with a line feed."""
        lines: list[str] = []
        for metric in self:
            lines.extend(metric.header())
            lines.extend(metric.samples())
        return "\n".join(lines) + "\n" if lines else ""


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
    action_seconds: Histogram
    poller_last_tick: Gauge

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
