"""Is the resolver telling the truth? A sanity check before the first network check.

Behind a captive portal, a broken VPN or a sandboxed CI runner, a resolver may answer NXDOMAIN
for every name, answer every name with the portal's address, or not answer at all. Every
network check would then report the sender's DNS as broken ("gmail.com does not exist") when it
is our view of DNS that is broken. So before the first network check of a message, the resolver
is asked for one name that must exist and one that must not (both settings); if either answer is
wrong, every check that needs DNS is listed as "not checked" with that reason, and the report
carries a `dns` section instead of findings.

The outcome is kept for a while (`Settings.dns_check_seconds`; a failure for a tenth of that) in
a `StatusStore`. The default store lives in this process; the interface is two methods so a
shared store (Redis, say) can hold it for every replica.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from scorer.dns import NODATA, NXDOMAIN, OK, TEMPERROR, Answer, Resolver

TRUSTED = "ok"
UNTRUSTED = "untrusted"
OFFLINE = "offline"
NO_ANSWER = "no_answer"
"""The resolver did not answer in time (or could not be set up)."""
DENIES_EXISTING = "denies_existing"
"""It says a name that exists does not (NXDOMAIN for everything)."""
ANSWERS_MISSING = "answers_missing"
"""It gives an answer for a name that cannot exist (NXDOMAIN rewriting)."""


@dataclass(frozen=True)
class ResolverStatus:
    """The outcome of one sanity check."""

    trusted: bool
    problem: str | None = None
    detail: str = ""
    """What was asked and answered, e.g. `A example.com: nxdomain` (technical, not translated)."""
    checked_at: float = 0.0
    """Unix time of the check."""
    nameservers: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The report's `dns` section (language-neutral; the report adds its texts)."""
        return {
            "status": TRUSTED if self.trusted else UNTRUSTED,
            "problem": self.problem,
            "detail": self.detail,
            "nameservers": list(self.nameservers) or ["system"],
            "checked_at": datetime.fromtimestamp(self.checked_at, UTC).isoformat(
                timespec="seconds"
            ),
        }


class StatusStore(Protocol):
    """Where sanity-check outcomes are kept between messages (process memory by default)."""

    def get(self, key: str) -> ResolverStatus | None: ...

    def put(self, key: str, status: ResolverStatus, ttl_s: float) -> None: ...


class LocalStatusStore:
    """Outcomes in this process's memory, each until its expiry. Thread-safe."""

    def __init__(self) -> None:
        self._items: dict[str, tuple[float, ResolverStatus]] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> ResolverStatus | None:
        with self._lock:
            item = self._items.get(key)
            if item is None or item[0] <= time.monotonic():
                self._items.pop(key, None)
                return None
            return item[1]

    def put(self, key: str, status: ResolverStatus, ttl_s: float) -> None:
        with self._lock:
            self._items[key] = (time.monotonic() + ttl_s, status)


class ResolverCheck:
    """Asks `resolver` for `exists` (must resolve) and `absent` (must be NXDOMAIN), at most once
    per `ttl_s` seconds per set of nameservers; concurrent messages wait for one probe."""

    def __init__(
        self,
        resolver: Resolver,
        *,
        exists: str = "example.com",
        absent: str = "spamscore-check.invalid",
        ttl_s: float = 300.0,
        store: StatusStore | None = None,
    ) -> None:
        self.resolver = resolver
        self.exists = exists
        self.absent = absent
        self.ttl_s = ttl_s
        self.store: StatusStore = store if store is not None else LocalStatusStore()
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return bool(self.exists or self.absent)

    def key(self) -> str:
        return "dns-check:" + (",".join(str(ns) for ns in self.resolver.nameservers) or "system")

    def status(self, *, lifetime: float) -> ResolverStatus:
        """The resolver's status now: from the store, else by asking (within `lifetime` s)."""
        if not self.enabled:
            return ResolverStatus(True, checked_at=time.time())
        key = self.key()
        known = self.store.get(key)
        if known is not None:
            return known
        with self._lock:
            known = self.store.get(key)
            if known is not None:
                return known
            status = self.probe(lifetime=lifetime)
            if status.problem != NO_ANSWER or lifetime >= self.resolver.timeout:
                # a probe cut short by this message's deadline proves nothing for the next one
                ttl = self.ttl_s if status.trusted else max(self.ttl_s / 10, 1.0)
                self.store.put(key, status, ttl)
            return status

    def probe(self, *, lifetime: float) -> ResolverStatus:
        """Ask both names now, in parallel, bypassing the answer cache."""
        lifetime = max(min(lifetime, self.resolver.timeout), 0.05)
        questions = [(name, "A") for name in (self.exists, self.absent) if name]
        futures = [
            self.resolver.pool.submit(self.resolver.lookup, n, t, lifetime=lifetime, cache=False)
            for n, t in questions
        ]
        answers: dict[str, Answer] = {}
        for (name, rdtype), future in zip(questions, futures, strict=True):
            try:
                answers[name] = future.result(timeout=lifetime + 1.0)
            except Exception as exc:  # a probe must never break the analysis
                answers[name] = Answer(name, rdtype, TEMPERROR, error=type(exc).__name__)
        return self.judge(answers.get(self.exists), answers.get(self.absent))

    def judge(self, exists: Answer | None, absent: Answer | None) -> ResolverStatus:
        """Trusted only when the existing name exists and the absent one is NXDOMAIN."""
        servers = tuple(str(ns) for ns in self.resolver.nameservers)
        now = time.time()
        for answer in (exists, absent):
            if answer is not None and answer.status == TEMPERROR:
                return ResolverStatus(False, NO_ANSWER, answer.describe(), now, servers)
        if exists is not None and exists.status not in (OK, NODATA):
            return ResolverStatus(False, DENIES_EXISTING, exists.describe(), now, servers)
        if absent is not None and absent.status != NXDOMAIN:
            shown = ", ".join(str(r) for r in absent.records[:3]) or absent.status
            detail = f"{absent.rdtype} {absent.name}: {shown}"
            return ResolverStatus(False, ANSWERS_MISSING, detail, now, servers)
        return ResolverStatus(True, None, "", now, servers)


__all__ = [
    "ANSWERS_MISSING",
    "DENIES_EXISTING",
    "NO_ANSWER",
    "OFFLINE",
    "TRUSTED",
    "UNTRUSTED",
    "LocalStatusStore",
    "ResolverCheck",
    "ResolverStatus",
    "StatusStore",
]
