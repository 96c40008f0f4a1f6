"""A caller's DNS query budget, across messages (issue 14: DNS amplification).

A message names the domains we look up, so without a budget per caller one client can aim
thousands of queries a minute at a zone of its choosing through us. The per-message cap
(SPAMSCORE_MAX_DNS_QUERIES) bounds one message; an allowance bounds the caller. Before a
message's network checks, the pipeline takes the per-message cap from the caller's allowance
and gives back what the message did not use, so parallel requests cannot overdraw it; when the
allowance cannot cover a message, its DNS checks are "not checked: DNS budget" and the report
says so (DNS_BUDGET). The web service keeps allowances per key or client address
(web.dnsbudget, shared across workers and replicas through Redis when REDIS_URL is set).
"""

from __future__ import annotations

import threading
from typing import Protocol


class DnsAllowance(Protocol):
    """What a caller may still ask: `take(n)` reserves n queries (False: not enough left, and
    nothing was taken); `give_back(n)` returns what a message did not use."""

    def take(self, queries: int) -> bool: ...

    def give_back(self, queries: int) -> None: ...

    @property
    def queries(self) -> int:
        """The budget: this many queries ..."""
        ...

    @property
    def seconds(self) -> int:
        """... per this many seconds."""
        ...


class FixedAllowance:
    """`left` queries and no refill: rule examples, tests and one-off runs."""

    def __init__(self, left: int, seconds: int = 60) -> None:
        self.left = left
        self.queries = left
        self.seconds = seconds
        self._lock = threading.Lock()

    def take(self, queries: int) -> bool:
        with self._lock:
            if queries > self.left:
                return False
            self.left -= queries
            return True

    def give_back(self, queries: int) -> None:
        with self._lock:
            self.left += max(queries, 0)
