"""Each caller's DNS budget (SPAMSCORE_DNS_BUDGET, e.g. "3000 per minute"), kept in the shared
counters (web.shared: Redis with REDIS_URL, so every worker and replica draws on one budget;
without it each worker process counts for itself). The engine reserves a message's query cap
from it and gives back what the message did not use (scorer.dnsbudget)."""

from __future__ import annotations

from limits import parse

from web.shared import Counters

NAME = "dns"


class CallerDnsBudget:
    """scorer.dnsbudget.DnsAllowance for one caller (a key, or a client address)."""

    def __init__(self, counters: Counters, caller: str, limit: str) -> None:
        self.counters = counters
        self.caller = caller
        self.limit = limit
        item = parse(limit)
        self.queries = item.amount
        self.seconds = int(item.get_expiry())

    def take(self, queries: int) -> bool:
        if self.counters.hit(NAME, self.caller, self.limit, cost=queries):
            return True
        self.counters.give_back(NAME, self.caller, self.limit, queries)  # nothing was taken
        return False

    def give_back(self, queries: int) -> None:
        self.counters.give_back(NAME, self.caller, self.limit, queries)
