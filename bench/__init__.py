"""Benchmark scripts that print figures: `python -m bench` runs them all."""
