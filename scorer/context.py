"""What a check may know beyond the message: settings, delivery facts, DNS, the classifier."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from scorer.kind import Kind
from scorer.rules import RuleSet
from scorer.settings import Settings

T = TypeVar("T")


@dataclass(frozen=True)
class Delivery:
    """Facts from the wire or the caller: all optional; checks that need one absent say so."""

    sender_ip: str | None = None
    helo: str | None = None
    mail_from: str | None = None
    dkim_selector: str | None = None
    tls: bool | None = None
    tls_version: str | None = None
    message_id_copies: int | None = None
    """How many messages of the caller's batch carry this message's Message-ID (None: no batch)."""
    bimi_svg: str | None = None
    """A BIMI logo (SVG text) the caller uploaded to be checked."""
    bimi_certificate: str | None = None
    """A mark certificate chain (PEM) the caller uploaded to be checked."""
    bimi_fetch: bool | None = None
    """Opt-in: fetch the logo and certificate the BIMI record points to (guarded fetcher)."""

    def to_dict(self) -> dict[str, Any]:
        # Every field is a plain value, so this is asdict() without its deep copy (asdict was
        # ~20 us of every analysis).
        out = {
            name: value
            for name in self.__dataclass_fields__
            if (value := getattr(self, name)) is not None
        }
        for name in ("bimi_svg", "bimi_certificate"):  # large uploads: say that, not what
            if name in out:
                out[name] = f"({len(out[name].encode('utf-8'))} bytes uploaded)"
        return out

    @classmethod
    def from_mapping(cls, data: dict[str, Any] | None) -> Delivery:
        if not data:
            return cls()
        known = {f: data.get(f) for f in cls.__dataclass_fields__ if data.get(f) not in (None, "")}
        return cls(**known)


class Memo:
    """Per-message results shared between checks (SPF for DMARC, ...); computed once."""

    def __init__(self) -> None:
        self._values: dict[str, Any] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def get(self, key: str, compute: Callable[[], T]) -> T:
        if key in self._values:
            return self._values[key]
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            if key not in self._values:
                self._values[key] = compute()
            return self._values[key]

    def peek(self, key: str, default: Any = None) -> Any:
        return self._values.get(key, default)


@dataclass
class Context:
    """Everything a check reads besides the Message. One per analysis; never shared."""

    settings: Settings
    rules: RuleSet
    delivery: Delivery = field(default_factory=Delivery)
    now: datetime | None = None
    deadline: float = 0.0
    """time.monotonic() value by which the analysis must end."""
    dns: Any = None
    """A per-message DNS session (scorer.dns), or None when offline."""
    classifier: Any = None
    fetcher: Any = None
    """The guarded HTTPS fetcher (scorer.fetch) for opt-in fetches."""
    mark_roots: Any = None
    """Trust anchors for mark certificates; None means the rule set's (`rules.lists.mark_roots`)."""
    memo: Memo = field(default_factory=Memo)
    sections: dict[str, Any] = field(default_factory=dict)
    """Extra report sections a check contributes (`classifier`, `engines`, ...)."""
    offline_hits: tuple[Any, ...] = ()
    """Hits of the offline checks and pattern rules, for `late` checks (set by the pipeline)."""
    kind: Kind | None = None
    """What the message is (scorer.kind), decided by the pipeline before any check runs."""
    assumed_missing: frozenset[str] = frozenset()
    """Header fields (lower case) the input could not have: a pasted body has no From, a
    composed draft no Date or Message-ID (the sending platform adds them). Checks of those
    fields do not judge their absence."""
    dns_status: Any = None
    """The resolver sanity check's outcome (scorer.dnscheck.ResolverStatus), once asked."""
    dns_budget: tuple[int, int] | None = None
    """Set when the caller's DNS budget (scorer.dnsbudget) could not cover this message: the
    budget as (queries, seconds); the DNS checks are then not run."""

    def assumes_missing(self, header: str) -> bool:
        """True when `header` is absent because of what the input is, not the sender's doing."""
        return header.lower() in self.assumed_missing

    @property
    def offline(self) -> bool:
        return self.settings.offline

    @property
    def limits(self):  # type: ignore[no-untyped-def]
        return self.settings.limits

    def time_left(self) -> float:
        return self.deadline - time.monotonic()
