"""One DNS resolver for every lookup the checks make (SPF, DKIM, DMARC, MX, PTR, blocklists).

Built on dnspython. A `Resolver` lives as long as the Engine: it holds the nameservers, an
in-process TTL cache (thread-safe, bounded) and a small thread pool for parallel lookups. Each
message gets a `DnsSession` with its own deadline and query cap, so a slow nameserver or an SPF
record with a hundred includes cannot stall the caller. A lookup never raises: it returns an
`Answer` whose `status` is `ok`, `nxdomain`, `nodata`, `invalid` or `temperror` (timeout,
SERVFAIL, deadline passed, query cap reached, offline). Checks turn a temperror into a
zero-score `*_TEMPERROR` finding, never into "clean".
"""

from __future__ import annotations

import ipaddress
import re
import socket
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

import dns.exception
import dns.message
import dns.name
import dns.nameserver
import dns.rcode
import dns.rdatatype
import dns.resolver
import dns.reversename

from scorer.errors import SettingsError
from scorer.settings import Settings

OK = "ok"
NXDOMAIN = "nxdomain"
NODATA = "nodata"
INVALID = "invalid"
TEMPERROR = "temperror"

CACHE_ENTRIES = 20_000
"""Answers kept in the in-process cache (least recently used are dropped first)."""
MAX_TTL_S = 3_600
NEGATIVE_TTL_S = 300
"""Upper bound for caching NXDOMAIN/NODATA when the SOA gives no smaller value."""
POOL_WORKERS = 16
"""Lookups running at once in one process (parallel blocklist queries share this pool)."""

_SUPPORTED = {"A", "AAAA", "MX", "TXT", "PTR", "CNAME", "NS", "SPF"}


@dataclass(frozen=True)
class Nameserver:
    host: str
    port: int = 53

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"


def parse_nameserver(text: str) -> Nameserver:
    """`1.2.3.4`, `1.2.3.4:5353`, `[::1]:5353`, `::1`, or a host name (resolved once now)."""
    value = text.strip()
    if not value:
        raise SettingsError("empty nameserver")
    host, port = value, 53
    if value.startswith("["):
        host, _, rest = value[1:].partition("]")
        if rest:
            if not rest.startswith(":"):
                raise SettingsError(f"bad nameserver {text!r} (use [v6]:port)")
            port = _port(rest[1:], text)
    elif value.count(":") == 1:
        host, _, port_text = value.partition(":")
        port = _port(port_text, text)
    try:
        ipaddress.ip_address(host)
    except ValueError:
        try:
            host = socket.getaddrinfo(host, port, proto=socket.IPPROTO_UDP)[0][4][0]
        except OSError:
            raise SettingsError(f"nameserver {text!r} is not an IP address or known host") from None
    return Nameserver(host, port)


def _port(text: str, original: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise SettingsError(f"bad port in nameserver {original!r}") from None
    if not 0 < port < 65536:
        raise SettingsError(f"bad port in nameserver {original!r}")
    return port


@dataclass(frozen=True)
class Answer:
    """The outcome of one lookup. `records` depend on the type:

    A/AAAA: address strings; MX: (preference, host) pairs; PTR/CNAME/NS: host names (no trailing
    dot); TXT/SPF: one tuple of byte strings per record (the character-strings, unjoined).
    """

    name: str
    rdtype: str
    status: str
    records: tuple[Any, ...] = ()
    error: str = ""
    ttl: int = 0
    cached: bool = False

    @property
    def ok(self) -> bool:
        return self.status == OK

    @property
    def void(self) -> bool:
        """No answer: NXDOMAIN or an empty answer (RFC 7208 §4.6.4 "void lookup")."""
        return self.status in (NXDOMAIN, NODATA, INVALID)

    @property
    def temperror(self) -> bool:
        return self.status == TEMPERROR

    def texts(self) -> list[str]:
        """TXT records joined and decoded (bytes outside ASCII become U+FFFD)."""
        return [b"".join(parts).decode("utf-8", "replace") for parts in self.records]

    def raw_texts(self) -> list[bytes]:
        return [b"".join(parts) for parts in self.records]

    def describe(self) -> str:
        what = f"{self.rdtype} {self.name}"
        return f"{what}: {self.error}" if self.error else f"{what}: {self.status}"

    def describe_text(self) -> Any:
        """`describe()` as a translatable text (scorer.i18n), for reports."""
        from scorer.i18n import T

        return T("ev.dns_answer", question=f"{self.rdtype} {self.name}", problem=error_text(self))


_TIMED_OUT = re.compile(r"^timed out after ([0-9.]+) s$")
_QUERY_LIMIT = re.compile(r"^DNS query limit of (\d+) reached$")


def error_text(answer: Answer) -> Any:
    """What went wrong with a lookup, in words a report can show in either language."""
    from scorer.i18n import T

    error = answer.error
    if not error:
        return T(f"dns.answer.{answer.status}")
    if match := _TIMED_OUT.match(error):
        return T("dns.answer.timeout", seconds=match.group(1))
    if match := _QUERY_LIMIT.match(error):
        return T("dns.answer.query_limit", count=match.group(1))
    known = {
        "DNS deadline passed": "dns.answer.deadline",
        "offline": "dns.answer.offline",
        "not a valid DNS name": "dns.answer.invalid_name",
        "no nameserver answered": "dns.answer.no_answer",
    }
    if error in known:
        return T(known[error])
    if error.startswith("nameserver answered "):
        return T("dns.answer.rcode", rcode=error.removeprefix("nameserver answered "))
    return error


class _Cache:
    """Bounded LRU of answers with expiry times; thread-safe."""

    def __init__(self, max_entries: int) -> None:
        self._items: OrderedDict[tuple[str, str], tuple[float, Answer]] = OrderedDict()
        self._lock = threading.Lock()
        self._max = max_entries

    def get(self, key: tuple[str, str]) -> Answer | None:
        now = time.monotonic()
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            expires, answer = item
            if expires <= now:
                del self._items[key]
                return None
            self._items.move_to_end(key)
            return answer

    def put(self, key: tuple[str, str], answer: Answer, ttl: float) -> None:
        if ttl <= 0 or self._max <= 0:
            return
        with self._lock:
            self._items[key] = (time.monotonic() + ttl, answer)
            self._items.move_to_end(key)
            while len(self._items) > self._max:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


def normalise_name(name: str) -> str | None:
    """Lower-case ASCII form of `name` without the trailing dot, or None if it is no DNS name."""
    text = name.strip().rstrip(".").lower()
    if not text or len(text) > 253:
        return None
    if not text.isascii():
        try:
            text = text.encode("idna").decode("ascii")
        except UnicodeError:
            return None
    labels = text.split(".")
    if any(not label or len(label) > 63 for label in labels):
        return None
    return text


class Resolver:
    """Nameservers, cache and pool shared by every message of one Engine. Thread-safe."""

    def __init__(
        self,
        nameservers: Sequence[str | Nameserver] = (),
        *,
        timeout_ms: int = 1_500,
        offline: bool = False,
        cache_entries: int = CACHE_ENTRIES,
        workers: int = POOL_WORKERS,
    ) -> None:
        self.nameservers = tuple(
            ns if isinstance(ns, Nameserver) else parse_nameserver(ns) for ns in nameservers
        )
        self.timeout = timeout_ms / 1000.0
        self.offline = offline
        self.cache = _Cache(cache_entries)
        self._workers = workers
        self._pool: ThreadPoolExecutor | None = None
        self._pool_lock = threading.Lock()
        self._setup_error = ""
        self._dns = self._build()

    @classmethod
    def from_settings(cls, settings: Settings) -> Resolver:
        """The resolver the settings describe (SPAMSCORE_NAMESERVERS / --nameserver, timeouts)."""
        return cls(
            settings.nameservers,
            timeout_ms=settings.limits.dns_timeout_ms,
            offline=settings.offline,
        )

    def _build(self) -> dns.resolver.Resolver | None:
        try:
            resolver = dns.resolver.Resolver(configure=not self.nameservers)
        except (dns.resolver.NoResolverConfiguration, OSError) as exc:
            self._setup_error = f"no resolver configuration: {exc}"
            return None
        if self.nameservers:
            resolver.nameservers = [
                dns.nameserver.Do53Nameserver(ns.host, ns.port) for ns in self.nameservers
            ]
        resolver.cache = None  # ours is shared across messages and bounded
        resolver.timeout = self.timeout
        resolver.lifetime = self.timeout
        resolver.retry_servfail = False
        resolver.use_edns(0, 0, 1232)
        return resolver

    @property
    def pool(self) -> ThreadPoolExecutor:
        if self._pool is None:
            with self._pool_lock:
                if self._pool is None:
                    self._pool = ThreadPoolExecutor(
                        max_workers=self._workers, thread_name_prefix="dns"
                    )
        return self._pool

    def session(self, *, deadline: float, max_queries: int) -> DnsSession:
        """A per-message view: answers memoised, at most `max_queries`, all ending by `deadline`."""
        return DnsSession(self, deadline=deadline, max_queries=max_queries)

    def clear_cache(self) -> None:
        self.cache.clear()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)

    # --- one lookup ----------------------------------------------------------------------
    def lookup(self, name: str, rdtype: str, *, lifetime: float, cache: bool = True) -> Answer:
        """Cached lookup of `name`/`rdtype` that gives up after `lifetime` seconds.

        `cache=False` asks the nameserver even when the answer is cached, and keeps nothing
        (the resolver sanity check must see what the nameserver says now)."""
        rdtype = rdtype.upper()
        if rdtype not in _SUPPORTED:
            raise ValueError(f"unsupported record type {rdtype}")
        qname = normalise_name(name)
        if qname is None:
            return Answer(name, rdtype, INVALID, error="not a valid DNS name")
        key = (qname, rdtype)
        cached = self.cache.get(key) if cache else None
        if cached is not None:
            return Answer(
                cached.name,
                rdtype,
                cached.status,
                cached.records,
                cached.error,
                cached.ttl,
                cached=True,
            )
        if self.offline:
            return Answer(qname, rdtype, TEMPERROR, error="offline")
        if self._dns is None:
            return Answer(qname, rdtype, TEMPERROR, error=self._setup_error)
        lifetime = min(lifetime, self.timeout)
        if lifetime <= 0:
            return Answer(qname, rdtype, TEMPERROR, error="DNS deadline passed")
        answer = self._query(qname, rdtype, lifetime)
        if cache and answer.status in (OK, NXDOMAIN, NODATA):
            self.cache.put(key, answer, answer.ttl)
        return answer

    def _query(self, qname: str, rdtype: str, lifetime: float) -> Answer:
        assert self._dns is not None
        try:
            result = self._dns.resolve(
                qname, rdtype, raise_on_no_answer=False, lifetime=lifetime, search=False
            )
        except dns.resolver.NXDOMAIN as exc:
            return Answer(qname, rdtype, NXDOMAIN, ttl=_negative_ttl(exc))
        except dns.resolver.LifetimeTimeout:
            return Answer(qname, rdtype, TEMPERROR, error=f"timed out after {lifetime:.2f} s")
        except dns.exception.Timeout:
            return Answer(qname, rdtype, TEMPERROR, error=f"timed out after {lifetime:.2f} s")
        except dns.resolver.NoNameservers as exc:
            return Answer(qname, rdtype, TEMPERROR, error=_servfail_text(exc))
        except dns.resolver.YXDOMAIN:
            return Answer(qname, rdtype, TEMPERROR, error="YXDOMAIN")
        except (dns.exception.DNSException, OSError, ValueError) as exc:
            return Answer(qname, rdtype, TEMPERROR, error=f"{type(exc).__name__}: {exc}"[:200])
        rrset = result.rrset
        if rrset is None:
            return Answer(qname, rdtype, NODATA, ttl=_negative_ttl_response(result.response))
        records = tuple(_convert(rdtype, rdata) for rdata in rrset)
        return Answer(qname, rdtype, OK, records, ttl=min(int(rrset.ttl), MAX_TTL_S))


def _convert(rdtype: str, rdata: Any) -> Any:
    if rdtype in ("A", "AAAA"):
        return rdata.address
    if rdtype == "MX":
        return (int(rdata.preference), rdata.exchange.to_text(omit_final_dot=True).lower())
    if rdtype in ("PTR", "CNAME", "NS"):
        return rdata.target.to_text(omit_final_dot=True)
    if rdtype in ("TXT", "SPF"):
        return tuple(rdata.strings)
    return rdata.to_text()  # pragma: no cover - every supported type is handled above


def _negative_ttl_response(response: dns.message.Message | None) -> int:
    if response is not None:
        for rrset in response.authority:
            if rrset.rdtype == dns.rdatatype.SOA:
                return int(min(rrset.ttl, rrset[0].minimum, NEGATIVE_TTL_S))
    return 60


def _negative_ttl(exc: dns.resolver.NXDOMAIN) -> int:
    try:
        responses = exc.responses()
    except Exception:
        return 60
    for response in responses.values():
        return _negative_ttl_response(response)
    return 60


def _servfail_text(exc: dns.resolver.NoNameservers) -> str:
    errors = exc.kwargs.get("errors") or []
    for error in errors:
        answer = error[-1] if error else None
        if isinstance(answer, dns.message.Message):
            return f"nameserver answered {dns.rcode.to_text(answer.rcode())}"
        if answer is not None:
            return f"nameserver error: {answer}"[:200]
    return "no nameserver answered"


@dataclass
class QueryLog:
    name: str
    rdtype: str
    status: str
    ms: float


@dataclass
class DnsSession:
    """DNS for one message: memoised answers, a query cap and a deadline (monotonic seconds)."""

    resolver: Resolver
    deadline: float
    max_queries: int
    queries: int = 0
    log: list[QueryLog] = field(default_factory=list)
    _answers: dict[tuple[str, str], Answer] = field(default_factory=dict)
    _locks: dict[tuple[str, str], threading.Lock] = field(default_factory=dict)
    _guard: threading.Lock = field(default_factory=threading.Lock)

    def time_left(self) -> float:
        return self.deadline - time.monotonic()

    def lookup(self, name: str, rdtype: str) -> Answer:
        """Answer for `name`/`rdtype`; the same question in one message is asked once."""
        rdtype = rdtype.upper()
        key = ((normalise_name(name) or name), rdtype)
        with self._guard:
            if key in self._answers:
                return self._answers[key]
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            if key in self._answers:
                return self._answers[key]
            answer = self._ask(name, rdtype)
            with self._guard:
                self._answers[key] = answer
            return answer

    def _ask(self, name: str, rdtype: str) -> Answer:
        left = self.time_left()
        if left <= 0:
            return Answer(name, rdtype, TEMPERROR, error="DNS deadline passed")
        with self._guard:
            if self.queries >= self.max_queries:
                return Answer(
                    name,
                    rdtype,
                    TEMPERROR,
                    error=f"DNS query limit of {self.max_queries} reached",
                )
            self.queries += 1
        started = time.perf_counter()
        answer = self.resolver.lookup(name, rdtype, lifetime=left)
        with self._guard:
            self.log.append(
                QueryLog(
                    answer.name,
                    rdtype,
                    answer.status,
                    round((time.perf_counter() - started) * 1000, 2),
                )
            )
        return answer

    def lookup_many(self, questions: Iterable[tuple[str, str]]) -> list[Answer]:
        """Ask several questions in parallel (bounded pool); all done by the deadline."""
        items = list(questions)
        if len(items) <= 1:
            return [self.lookup(n, t) for n, t in items]
        futures = [self.resolver.pool.submit(self.lookup, n, t) for n, t in items]
        wait(futures, timeout=max(self.time_left(), 0) + 0.05)
        answers = []
        for (name, rdtype), future in zip(items, futures, strict=True):
            if future.done() and not future.cancelled() and future.exception() is None:
                answers.append(future.result())
            else:
                future.cancel()
                answers.append(Answer(name, rdtype, TEMPERROR, error="DNS deadline passed"))
        return answers

    # --- conveniences --------------------------------------------------------------------
    def txt(self, name: str) -> Answer:
        return self.lookup(name, "TXT")

    def addresses(self, name: str) -> tuple[Answer, Answer]:
        """A and AAAA of `name`, asked in parallel."""
        a, aaaa = self.lookup_many([(name, "A"), (name, "AAAA")])
        return a, aaaa

    def ptr(self, ip: str) -> Answer:
        try:
            name = dns.reversename.from_address(ip).to_text(omit_final_dot=True)
        except (dns.exception.SyntaxError, ValueError):
            return Answer(ip, "PTR", INVALID, error="not an IP address")
        return self.lookup(name, "PTR")


__all__ = [
    "INVALID",
    "NODATA",
    "NXDOMAIN",
    "OK",
    "TEMPERROR",
    "Answer",
    "DnsSession",
    "Nameserver",
    "Resolver",
    "parse_nameserver",
]
