"""Thin handlers: parse the update, call one service, render the result."""
