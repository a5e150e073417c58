"""Metrics and the health endpoint."""
