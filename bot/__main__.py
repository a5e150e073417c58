"""Command line entry point: `python -m bot`."""

from __future__ import annotations


def main() -> None:
    """Run the command line interface."""
    raise SystemExit("not wired yet")


if __name__ == "__main__":
    main()
