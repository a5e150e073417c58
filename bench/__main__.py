"""Every benchmark in sequence, each in its own process: `python -m bench [--quick] [--only NAME ...]`.

A process per benchmark keeps the figures independent: the poller's peak RSS is its own, and no benchmark
inherits another's warm connections or caches.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Step:
    """One benchmark run: its name and the arguments after `python -m`."""

    name: str
    args: tuple[str, ...]


# Full sizes finish in a few minutes on a laptop; --quick in well under a minute. The 10,000-vehicle
# poller target is `python -m bench.poll` on its own (it takes several minutes just to link the accounts).
SIZES = {
    False: {"poll_vehicles": 2000, "status_repetitions": 20, "export_days": 365},
    True: {"poll_vehicles": 100, "status_repetitions": 5, "export_days": 30},
}


def plan(quick: bool = False) -> list[Step]:
    """The benchmarks to run, in order, at full or quick size."""
    sizes = SIZES[quick]
    return [
        Step("client", ("bench.client",)),
        Step("poll", ("bench.poll", "--vehicles", str(sizes["poll_vehicles"]))),
        Step("status", ("bench.status", "--repetitions", str(sizes["status_repetitions"]))),
        Step("export", ("bench.export", "--days", str(sizes["export_days"]))),
    ]


def run_step(step: Step) -> int:
    """Run one benchmark with this interpreter, its output going straight to ours; its exit code."""
    command = [sys.executable, "-m", *step.args]
    print(f"== {step.name}: python -m {' '.join(step.args)}", flush=True)
    started = time.perf_counter()
    # A fixed module list and our own interpreter: nothing here comes from outside input.
    code = subprocess.run(command, check=False).returncode  # noqa: S603
    print(
        f"== {step.name}: {'done' if code == 0 else f'FAILED (exit {code})'} in "
        f"{time.perf_counter() - started:.0f} s",
        flush=True,
    )
    return code


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments, run the chosen benchmarks in sequence; non-zero when any failed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="smaller sizes (well under a minute)")
    names = [step.name for step in plan()]
    parser.add_argument("--only", action="append", choices=names, help="run only this benchmark (repeatable)")
    args = parser.parse_args(argv)
    chosen = [step for step in plan(args.quick) if not args.only or step.name in args.only]
    failures = [step.name for step in chosen if run_step(step) != 0]
    if failures:
        print(f"failed: {', '.join(failures)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
