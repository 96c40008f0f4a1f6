"""CPU time and process trees from /proc, for the benchmarks that measure what a server spent
(load, http_api, scale, inbox): one reader, so every script counts CPU the same way."""

from __future__ import annotations

import os
from pathlib import Path


def cpu_seconds(pid: int, *, reaped_children: bool = True) -> float:
    """User + system CPU of one process, from /proc (0 when it is gone); with its reaped
    children's unless told not to (a gunicorn master counts the workers it replaced)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    columns = (11, 12, 13, 14) if reaped_children else (11, 12)
    return sum(int(fields[i]) for i in columns) / os.sysconf("SC_CLK_TCK")


def process_tree(pid: int) -> list[int]:
    """`pid` and every process below it, looked up now."""
    pids = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for child in children:
            pids.extend(process_tree(int(child)))
    return pids
