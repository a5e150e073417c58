"""A tiny, strict parser of the Prometheus text format 0.0.4: tests read /metrics as a scraper would.

Like Prometheus 3, it reads a bucket bound (`le`) as a number, so `le="1"` and `le="1.0"` name one series.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

_SAMPLE = re.compile(r"^(?P<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?P<labels>.*)\})? (?P<value>\S+)$")
_PAIR = re.compile(r'\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*(?:,|$)')
_UNESCAPE = {"\\\\": "\\", '\\"': '"', "\\n": "\n"}

Labels = frozenset[tuple[str, str]]


@dataclass
class Exposition:
    """What a scrape found: HELP and TYPE per metric family, and every sample's value."""

    helps: dict[str, str] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)
    samples: dict[tuple[str, Labels], float] = field(default_factory=dict)

    def value(self, name: str, **labels: str) -> float:
        """One sample's value; KeyError when it is absent."""
        return self.samples[(name, frozenset(_normalised(key, val) for key, val in labels.items()))]


def _normalised(key: str, value: str) -> tuple[str, str]:
    return (key, repr(_number(value))) if key == "le" else (key, value)


def _labels(text: str) -> Labels:
    pairs: list[tuple[str, str]] = []
    position = 0
    while position < len(text):
        match = _PAIR.match(text, position)
        if match is None:
            raise ValueError(f"malformed labels: {text!r}")
        raw = match.group(2)
        value = re.sub(r"\\[\\\"n]", lambda m: _UNESCAPE[m.group(0)], raw)
        pairs.append(_normalised(match.group(1), value))
        position = match.end()
    return frozenset(pairs)


def _number(text: str) -> float:
    special = {"+Inf": math.inf, "-Inf": -math.inf, "NaN": math.nan}
    return special[text] if text in special else float(text)


def parse(text: str) -> Exposition:
    """Parse an exposition; raises ValueError on any line a scraper would reject."""
    result = Exposition()
    if text and not text.endswith("\n"):
        raise ValueError("an exposition ends with a line feed")
    for line in text.splitlines():
        if line.startswith("# HELP "):
            name, _, help_text = line[7:].partition(" ")
            result.helps[name] = help_text
        elif line.startswith("# TYPE "):
            name, _, kind = line[7:].partition(" ")
            if kind not in ("counter", "gauge", "histogram", "summary", "untyped"):
                raise ValueError(f"unknown type in {line!r}")
            result.types[name] = kind
        elif line and not line.startswith("#"):
            match = _SAMPLE.match(line)
            if match is None:
                raise ValueError(f"malformed sample {line!r}")
            key = (match.group("name"), _labels(match.group("labels") or ""))
            if key in result.samples:
                raise ValueError(f"duplicate sample {line!r}")
            result.samples[key] = _number(match.group("value"))
    return result
