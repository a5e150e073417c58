"""Lease owner names: unique per process, and a dead process on this host is known to be gone."""

from __future__ import annotations

import os
import subprocess
import sys

from bot.poller.owners import new_owner, owner_gone


def _with_pid(owner: str, pid: int) -> str:
    host, namespace, _pid, suffix = owner.split(":")
    return f"{host}:{namespace}:{pid}:{suffix}"


def test_each_owner_name_is_new_and_names_this_process() -> None:
    first, second = new_owner(), new_owner()
    assert first != second
    assert first.split(":")[2] == str(os.getpid())


def test_a_process_of_this_host_that_exited_is_gone() -> None:
    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, check=True
    )
    dead = _with_pid(new_owner(), int(child.stdout))
    assert owner_gone(dead)


def test_a_running_process_ourselves_and_other_hosts_are_not_gone() -> None:
    mine = new_owner()
    parent = _with_pid(mine, os.getppid())
    other_host = "elsewhere:" + mine.partition(":")[2]
    assert not owner_gone(parent)
    assert not owner_gone(new_owner())  # this very process, under another name
    assert not owner_gone(other_host)
    assert not owner_gone("host:1234:abcd")  # the older name format: only the lease decides
