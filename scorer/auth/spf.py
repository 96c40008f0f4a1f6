"""SPF (RFC 7208): the result for a known sending IP (pyspf), and what a domain's record costs.

pyspf evaluates `check_host()`; its DNS goes through our per-message `DnsSession` via pyspf's
module-level `DNSLookup` hook, which we replace once with a dispatcher that reads the session bound
to the current thread (so concurrent messages never see each other's DNS). Without a bound session
the original pyspf lookup is used, so other users of pyspf in the process are unaffected.

`analyse_record()` walks a domain's record and its includes/redirects without an IP, so a draft
can be checked before it is sent: one record, syntax (pyspf's own mechanism validation), the
DNS-lookup terms (limit 10) and void lookups (limit 2) of RFC 7208 §4.6.4, and a permissive `all`.
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import spf

from scorer.dns import DnsSession

MAX_LOOKUPS = spf.MAX_LOOKUP
MAX_VOID_LOOKUPS = spf.MAX_VOID_LOOKUPS
_WALK_LOOKUP_CAP = 60
"""The record walk stops counting here: far past the limit, the exact number no longer helps."""
_MAX_DEPTH = 10
_SPF_VERSION = re.compile(r"^v=spf1(?: |$)", re.IGNORECASE)
_MODIFIER = re.compile(r"^([a-z][a-z0-9_\-.]*)=(.*)$", re.IGNORECASE)
_LOOKUP_MECHANISMS = ("include", "a", "mx", "ptr", "exists")

_bound = threading.local()
_original_lookup = spf.DNSLookup


class _SessionTempError(Exception):
    """Raised inside the walk when a lookup could not be answered."""


def _dns_lookup(name: str, qtype: str, strict: Any = True, timeout: Any = None) -> list[Any]:
    session: DnsSession | None = getattr(_bound, "session", None)
    if session is None:
        return _original_lookup(name, qtype, strict, timeout)
    answer = session.lookup(name, qtype)
    if answer.temperror:
        raise spf.TempError(f"DNS {answer.error or 'error'}")
    key = (name, qtype)
    return [(key, record) for record in answer.records]


spf.DNSLookup = _dns_lookup


@contextlib.contextmanager
def bound(session: DnsSession) -> Iterator[None]:
    """Route pyspf's DNS through `session` for the current thread."""
    previous = getattr(_bound, "session", None)
    _bound.session = session
    try:
        yield
    finally:
        _bound.session = previous


class _Query(spf.query):  # type: ignore[misc]
    """pyspf's query with RFC 7208 §5.5 for `ptr`: a DNS error on one name skips that name."""

    def validated_ptrs(self) -> list[str]:
        limit = spf.MAX_PTR if self.strict else spf.MAX_PTR * 4
        names = self.dns_ptr(self.i)[:limit]
        confirmed = []
        for name in names:
            try:
                addresses = self.dns_a(name, self.A)
            except spf.TempError:
                continue
            if self.cidrmatch(addresses, self.cidrmax):
                confirmed.append(name)
        return confirmed


@dataclass(frozen=True)
class SpfResult:
    """check_host() for one IP and identity."""

    result: str
    """pass, fail, softfail, neutral, none, permerror or temperror."""
    domain: str
    explanation: str = ""
    mechanism: str | None = None
    problem: str = ""


def check_host(
    session: DnsSession,
    ip: str,
    sender: str | None,
    helo: str | None,
    *,
    default_explanation: str | None = None,
    strict: bool | int = True,
) -> SpfResult:
    """The SPF result for `ip` sending as `sender` (empty: postmaster@helo), per RFC 7208.

    `strict` is pyspf's: True follows the RFC; False (lax) and 2 (harsh) exist for its own tests.
    """
    try:
        query = _Query(i=ip, s=sender or "", h=helo or "unknown", strict=strict)
    except (ValueError, OSError, spf.PermError) as exc:  # an IP pyspf cannot parse
        return SpfResult("permerror", "", problem=f"bad IP address {ip!r}: {exc}")
    if default_explanation is not None:
        query.set_default_explanation(default_explanation)
    with bound(session):
        try:
            result, _code, explanation = query.check()
        except (spf.TempError, RecursionError) as exc:
            result, explanation = "temperror", str(exc)
        except (AssertionError, spf.PermError) as exc:
            result, explanation = "permerror", str(exc)
    result = spf.RESULTS.get(result, result)
    if result == "ambiguous" and strict is True:  # harsh mode only
        result = "permerror"
    return SpfResult(
        result=result,
        domain=str(query.o or "").lower(),
        explanation=explanation or "",
        mechanism=getattr(query, "mechanism", None),
        problem=str(getattr(query, "prob", "") or ""),
    )


@dataclass
class TermCost:
    term: str
    lookups: int
    note: str = ""


@dataclass
class SpfRecordReport:
    """What a domain's SPF record is and costs, found without a sending IP."""

    domain: str
    status: str = "ok"
    """ok, none (no record), permerror (broken) or temperror (DNS failed)."""
    record: str | None = None
    records_found: int = 0
    error: str = ""
    lookups: int = 0
    void_lookups: int = 0
    costs: list[TermCost] = field(default_factory=list)
    all_qualifier: str | None = None
    """The qualifier of the record's final `all` (following redirects): + ? ~ -."""
    void_names: list[str] = field(default_factory=list)

    @property
    def too_many_lookups(self) -> bool:
        return self.lookups > MAX_LOOKUPS

    @property
    def too_many_void_lookups(self) -> bool:
        return self.void_lookups > MAX_VOID_LOOKUPS

    @property
    def permissive_all(self) -> bool:
        return self.all_qualifier in ("+", "?")


class _Walk:
    def __init__(self, session: DnsSession, report: SpfRecordReport) -> None:
        self.session = session
        self.report = report
        self.visiting: list[str] = []

    def records(self, domain: str, *, top: bool) -> list[str]:
        answer = self.session.txt(domain)
        if answer.temperror:
            raise _SessionTempError(answer.describe())
        if answer.void:
            self.void(domain)
        found = []
        for text in answer.raw_texts():
            decoded = text.decode("utf-8", "replace")
            if _SPF_VERSION.match(decoded):
                if not text.isascii():
                    raise spf.PermError(f"non-ASCII characters in the SPF record of {domain}")
                found.append(decoded)
        if top:
            self.report.records_found = len(found)
        return found

    def void(self, name: str) -> None:
        self.report.void_lookups += 1
        self.report.void_names.append(name)

    def lookup(self, count: int = 1) -> None:
        self.report.lookups += count

    def walk(self, domain: str, depth: int, *, top: bool = False) -> tuple[int, str | None]:
        """Lookups below `domain` (its own terms) and the qualifier of its final `all`."""
        if depth > _MAX_DEPTH:
            raise spf.PermError("includes nested too deeply")
        if domain in self.visiting:
            raise spf.PermError(f"include/redirect loop at {domain}")
        records = self.records(domain, top=top)
        if not records:
            if top:
                return 0, None
            raise spf.PermError(f"{domain} has no SPF record (include/redirect target)")
        if len(records) > 1:
            raise spf.PermError(
                f"{domain} publishes {len(records)} SPF records; only one is allowed"
            )
        record = records[0]
        if top:
            self.report.record = record
        self.visiting.append(domain)
        try:
            return self._terms(domain, record, depth, top=top)
        finally:
            self.visiting.pop()

    def _terms(self, domain: str, record: str, depth: int, *, top: bool) -> tuple[int, str | None]:
        validator = spf.query(i="192.0.2.1", s=f"postmaster@{domain}", h=domain)
        validator.d = domain
        terms = [t for t in record.split(" ")[1:] if t]
        total = 0
        all_qualifier = None
        redirect = None
        seen_modifiers: set[str] = set()
        includes: list[str] = []
        parsed: list[tuple[str, str, str]] = []
        for term in terms:
            modifier = _MODIFIER.match(term)
            if modifier:
                name, value = modifier.group(1).lower(), modifier.group(2)
                if name in seen_modifiers and name in ("redirect", "exp"):
                    raise spf.PermError(f"{name}= appears more than once", term)
                seen_modifiers.add(name)
                if name == "redirect":
                    if not value:
                        raise spf.PermError("redirect= has an empty domain", term)
                    redirect = value
                elif name == "exp" and not value:
                    raise spf.PermError("exp= has an empty domain", term)
                continue
            _mech, kind, arg, _cidr, result = validator.validate_mechanism(term)
            if isinstance(result, spf.PermError):  # pragma: no cover - strict mode raises
                raise result
            qualifier = term[0] if term[0] in "+-?~" else "+"
            parsed.append((term, kind, arg))
            if kind == "all":
                all_qualifier = qualifier
            if kind == "include" and "%" not in term:
                includes.append(arg)
        if includes:  # fetch every include target at once; the walk below reads the answers
            self.session.lookup_many([(target, "TXT") for target in includes])
        for term, kind, arg in parsed:
            if kind not in _LOOKUP_MECHANISMS:
                continue
            cost = 1
            note = ""
            self.lookup()
            if self.report.lookups > _WALK_LOOKUP_CAP:
                raise _CapReached()
            if "%" in term:
                note = "macro: depends on the sender, not followed"
            elif kind == "include":
                below, _ = self.walk(arg.lower(), depth + 1)
                cost += below
            elif kind == "a":
                a, aaaa = self.session.addresses(arg)
                if a.temperror or aaaa.temperror:
                    raise _SessionTempError((a if a.temperror else aaaa).describe())
                if a.void and aaaa.void:
                    self.void(arg)
            elif kind == "mx":
                mx = self.session.lookup(arg, "MX")
                if mx.temperror:
                    raise _SessionTempError(mx.describe())
                if mx.void:
                    self.void(arg)
            total += cost
            if top:
                self.report.costs.append(TermCost(term, cost, note))
        if redirect is not None and all_qualifier is None:
            self.lookup()
            if "%" in redirect:
                total += 1
                if top:
                    self.report.costs.append(TermCost(f"redirect={redirect}", 1, "macro"))
                return total, None
            below, all_qualifier = self.walk(redirect.lower(), depth + 1)
            total += 1 + below
            if top:
                self.report.costs.append(TermCost(f"redirect={redirect}", 1 + below))
        return total, all_qualifier


class _CapReached(Exception):
    pass


def analyse_record(session: DnsSession, domain: str) -> SpfRecordReport:
    """Fetch and check `domain`'s SPF record and everything it includes (no IP needed)."""
    report = SpfRecordReport(domain=domain.lower().rstrip("."))
    walk = _Walk(session, report)
    try:
        with bound(session):
            _total, report.all_qualifier = walk.walk(report.domain, 0, top=True)
    except _CapReached:
        pass
    except _SessionTempError as exc:
        report.status = "temperror"
        report.error = str(exc)
        return report
    except spf.TempError as exc:
        report.status = "temperror"
        report.error = str(exc)
        return report
    except spf.PermError as exc:
        report.status = "permerror"
        report.error = str(exc)
        return report
    if report.records_found == 0:
        report.status = "none"
    return report
