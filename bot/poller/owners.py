"""Who holds a lease: a name unique to this process, and whether the process behind another name is gone.

Leases (a vehicle's poll, an outbox ping's send) name their owner; a lease runs out by itself, but a
process restarted on the same machine may also take over at once what its dead predecessor held. The name
says where the process runs (host and PID namespace) and which process it is (PID and a random part), so
the check is only ever made on the same host and PID namespace, where `os.kill(pid, 0)` tells the truth.
"""

from __future__ import annotations

import os
import socket
import uuid


def _pid_namespace() -> str:
    # Two containers on one host may share a hostname (host networking) but never a PID namespace.
    try:
        return os.readlink("/proc/self/ns/pid").removeprefix("pid:").strip("[]")
    except OSError:
        return "-"


def new_owner() -> str:
    """A lease owner name unique to this process: host, PID namespace, PID and a random suffix."""
    return f"{socket.gethostname()}:{_pid_namespace()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def owner_gone(owner: str) -> bool:
    """Whether `owner` names a process of this host and PID namespace that no longer runs.

    False whenever it cannot be known (another host, an older name format, a PID now reused): the lease
    then simply runs out.
    """
    host, sep, rest = owner.partition(":")
    namespace, sep2, rest = rest.partition(":")
    pid_text, sep3, _ = rest.partition(":")
    if not (sep and sep2 and sep3) or not pid_text.isdigit():
        return False
    if host != socket.gethostname() or namespace != _pid_namespace() or namespace == "-":
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False  # ourselves, or a predecessor whose PID we got again: let the lease run out
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # a process of another user runs under that PID
    return False
