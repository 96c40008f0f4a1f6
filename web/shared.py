"""Counters every worker and replica share: named allowances per caller, in Redis.

The rate limit of analyses is Flask-Limiter's; other budgets that must be counted once across
replicas (a DNS query budget per client, upload quotas per key) use the same storage through
`Counters`: Redis when REDIS_URL is set, so N replicas allow N times nothing; without it each
worker counts for itself (the single-process default, where nothing else is running).
Values that are not counters (the resolver's sanity result, the inbox's TLS pair, when a
periodic job last ran) live in the database: web.store's `shared_values`.
"""

from __future__ import annotations

import logging

from limits import parse
from limits.storage import Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter

log = logging.getLogger(__name__)


class Counters:
    """Fixed-window allowances, e.g. `counters.hit("dns", caller, "3000 per minute", cost=n)`.

    If the storage fails (Redis down), a hit is allowed and logged: a budget must not take the
    service down with it (the analyses' rate limit falls back to in-process counting then)."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self._strategy = FixedWindowRateLimiter(storage)

    @classmethod
    def from_url(cls, redis_url: str | None) -> Counters:
        """On Redis (REDIS_URL), else in this process (web.ratelimit's storage)."""
        from web import ratelimit

        return cls(storage_from_string(redis_url or f"{ratelimit.SCHEME}://"))

    def hit(self, name: str, who: str, limit: str, *, cost: int = 1) -> bool:
        """Count `cost` against `who`'s allowance `limit` of `name`; False when that took it
        over (the cost is counted all the same, as limits' fixed window does)."""
        try:
            return self._strategy.hit(parse(limit), "spamscore", name, who, cost=cost)
        except Exception as exc:  # limits raises the storage's own errors
            log.warning("counter %s unavailable (%s); allowing", name, type(exc).__name__)
            return True

    def give_back(self, name: str, who: str, limit: str, amount: int) -> None:
        """Return `amount` that a hit took but did not use (a DNS reservation, say)."""
        if amount <= 0:
            return
        item = parse(limit)
        try:
            self.storage.incr(item.key_for("spamscore", name, who), item.get_expiry(), -amount)
        except Exception as exc:
            log.warning("counter %s unavailable (%s)", name, type(exc).__name__)

    def remaining(self, name: str, who: str, limit: str) -> int:
        """What is left of `who`'s allowance in the current window."""
        try:
            stats = self._strategy.get_window_stats(parse(limit), "spamscore", name, who)
        except Exception as exc:
            log.warning("counter %s unavailable (%s)", name, type(exc).__name__)
            return parse(limit).amount
        return int(stats.remaining)
