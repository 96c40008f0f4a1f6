"""In-process rate-limit counters for flask-limiter, without a thread per request.

`limits`' own memory storage expires keys from a 10 ms `threading.Timer` that it starts again
on the next hit once the last one has fired: under steady traffic that is a new thread for
nearly every request (about 0.5-3 ms each on the 2-core machine). Fixed-window counters also
expire lazily when read, so this storage drops the timer and sweeps stale keys itself, at most
once a minute, on the request path. `REDIS_URL` replaces it for limits shared across replicas.
"""

from __future__ import annotations

import time

from limits.storage import MemoryStorage

SCHEME = "spamscore-memory"
_SWEEP_EVERY_S = 60.0


class SweepingMemoryStorage(MemoryStorage):
    STORAGE_SCHEME = [SCHEME]  # noqa: RUF012 (the registry reads the class attribute)

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: str):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.timer.cancel()
        self._next_sweep = time.monotonic() + _SWEEP_EVERY_S

    # Replaces MemoryStorage's private timer restart (name-mangled in the base class).
    def _MemoryStorage__schedule_expiry(self) -> None:
        now = time.monotonic()
        if now >= self._next_sweep:
            self._next_sweep = now + _SWEEP_EVERY_S
            self._MemoryStorage__expire_events()  # type: ignore[attr-defined]
