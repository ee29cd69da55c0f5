"""A process's memory as Linux reports it in /proc/PID/status.

VmHWM is the peak resident set size of the process's own memory map. ru_maxrss is not the
same: Linux carries it across execve, so a child spawned (vfork + exec) by a large parent
starts with the parent's RSS as its "peak", and RUSAGE_CHILDREN has the same flaw.
"""

from __future__ import annotations

FIELDS = ("VmHWM", "VmRSS")


def status_mb(pid: int) -> dict[str, float]:
    """Peak (VmHWM) and current (VmRSS) resident set size of a process, in MB."""
    figures: dict[str, float] = {}
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            name, _, value = line.partition(":")
            if name in FIELDS:
                figures[name] = int(value.split()[0]) / 1024
    return figures
