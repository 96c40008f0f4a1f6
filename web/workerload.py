"""How many analyses each worker of one `spamscore serve` is running now, in memory the
workers share (an anonymous mapping made before gunicorn forks them).

A keep-alive connection stays with the worker that accepted it, so two clients can both sit
on one worker while the other idles. A worker that sees it runs two analyses more than the
least busy worker closes the connection after its answer (web.commands), and the client
reconnects to whichever worker accepts first, mostly an idle one. Comparing with the other
workers, not only counting its own, keeps connections open when every worker is busy: with
8 clients on 2 workers, closing on "more than one" reconnected 9 requests in 10 for nothing
(0.45 ms more CPU per request, bench/http_api.py --clients 8).
"""

from __future__ import annotations

import ctypes
import mmap


class WorkerLoads:
    """A slot per worker: whether it is in use (the master's) and its running analyses (the
    worker's own). Each slot has one writer; a reader may see a count a moment old."""

    def __init__(self, slots: int) -> None:
        self.slots = slots
        self._memory = mmap.mmap(-1, 2 * slots * ctypes.sizeof(ctypes.c_long))
        self._used = (ctypes.c_long * slots).from_buffer(self._memory, 0)
        self._running = (ctypes.c_long * slots).from_buffer(
            self._memory, slots * ctypes.sizeof(ctypes.c_long)
        )

    def claim(self) -> int | None:
        """A free slot for a worker about to be forked (in the master), or None if all are
        taken (the worker then never closes a connection for balance)."""
        for slot in range(self.slots):
            if not self._used[slot]:
                self._used[slot] = 1
                self._running[slot] = 0
                return slot
        return None

    def release(self, slot: int | None) -> None:
        """A worker exited (in the master)."""
        if slot is not None:
            self._running[slot] = 0
            self._used[slot] = 0

    def set_running(self, slot: int | None, count: int) -> None:
        if slot is not None:
            self._running[slot] = count

    def should_move(self, slot: int | None) -> bool:
        """Whether this worker runs at least two analyses more than another worker does."""
        if slot is None:
            return False
        mine = self._running[slot]
        others = [
            self._running[other]
            for other in range(self.slots)
            if other != slot and self._used[other]
        ]
        return bool(others) and mine >= min(others) + 2
