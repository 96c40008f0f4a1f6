"""The Engine: one rule set, its settings and the resources analyses share.

An Engine holds the rules (and their lists), the settings, the checks the rule set declares,
and what is costly to build: the DNS resolver, the classifier model, the worker threads of the
network checks. `analyze()` parses one message, runs it (scorer.schedule) and scores it
(scorer.finish). "Engine" means this and nothing else in the code.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from scorer import __version__
from scorer.context import Context, Delivery
from scorer.dnsbudget import DnsAllowance
from scorer.errors import MessageTooLargeError
from scorer.finish import PIPELINE_IDS, build_report
from scorer.kind import stated_kind
from scorer.message import parse
from scorer.registry import registered_checks, requirement_tests
from scorer.report import Report
from scorer.rules import RuleSet, load_rules
from scorer.schedule import Run
from scorer.settings import Limits, Settings

_NETWORK_WORKERS = 8


class Engine:
    """Rules, settings and shared resources (resolver, model) for many analyses.

    Thread-safe: the web service shares one Engine between requests.
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        rules: RuleSet | None = None,
        resolver: Any = None,
        classifier: Any = None,
        validate_complete: bool | None = None,
        fetcher: Any = None,
        mark_roots: Any = None,
    ) -> None:
        self.settings = settings or Settings.from_env()
        self.rules = rules or load_rules()
        # A check runs when the rule set declares one of its ids; a check that emits no finding
        # (it only contributes a report section, like other engines' opinions) always runs.
        self.checks = [
            c for c in registered_checks() if not c.emits or any(i in self.rules for i in c.emits)
        ]
        # The three phases' checks and the pattern rules, worked out once, not per message.
        self.offline_checks = [c for c in self.checks if not c.network and not c.late]
        self.late_checks = [c for c in self.checks if not c.network and c.late]
        self.network_checks = [c for c in self.checks if c.network]
        self.pattern_rules = self.rules.pattern_rules()
        emitted = {c.name: c.emits for c in registered_checks()}
        emitted["pipeline"] = PIPELINE_IDS
        complete = rules is None if validate_complete is None else validate_complete
        self.rules.validate_checks(
            emitted, complete=complete, requirement_tests=requirement_tests()
        )
        self.kinds = self.rules.lists.kinds
        self._resolver = resolver
        self._resolver_check: Any = None
        self._classifier = classifier
        self.fetcher = fetcher
        """The guarded fetcher for opt-in BIMI fetches (a default one is made on first use)."""
        self.mark_roots = mark_roots
        """Trust anchors for mark certificates; None: the rule set's (`rules.lists.mark_roots`)."""
        self._lock = threading.Lock()
        self.pool = ThreadPoolExecutor(max_workers=_NETWORK_WORKERS, thread_name_prefix="netcheck")
        """The worker threads network checks run on (scorer.schedule)."""

    # Resources are created on first use so that an offline CLI run never builds a resolver.
    @property
    def resolver(self) -> Any:
        if self._resolver is None:
            with self._lock:
                if self._resolver is None:
                    self._resolver = _default_resolver(self.settings)
        return self._resolver

    @property
    def resolver_check(self) -> Any:
        """The resolver sanity check (scorer.dnscheck), for resolvers of our own kind."""
        if self._resolver_check is None:
            from scorer.dns import Resolver
            from scorer.dnscheck import ResolverCheck

            resolver = self.resolver
            with self._lock:
                if self._resolver_check is None:
                    self._resolver_check = (
                        ResolverCheck(
                            resolver,
                            exists=self.settings.dns_check_name,
                            absent=self.settings.dns_check_absent_name,
                            ttl_s=self.settings.dns_check_seconds,
                        )
                        if isinstance(resolver, Resolver)
                        else False
                    )
        return self._resolver_check or None

    @property
    def versions(self) -> dict[str, Any]:
        """What a report was scored with: the engine, the rule set and the model."""
        model = self.classifier if self.settings.use_classifier else None
        return {
            "spamscore": __version__,
            "rules": self.rules.version,
            "model": getattr(model, "version", None),
        }

    @property
    def classifier(self) -> Any:
        if self._classifier is None and self.settings.use_classifier:
            with self._lock:
                if self._classifier is None:
                    self._classifier = _default_classifier(self.settings)
        return self._classifier or None

    def analyze(
        self,
        raw: bytes | str,
        *,
        offline: bool | None = None,
        lang: str | None = None,
        threshold: float | None = None,
        delivery: Delivery | Mapping[str, Any] | None = None,
        now: datetime | None = None,
        limits: Limits | None = None,
        kind: str | None = None,
        draft: Mapping[str, Any] | None = None,
        dns_allowance: DnsAllowance | None = None,
    ) -> Report:
        """Analyse one raw message. Raises MessageTooLargeError over the size limit, KindError
        for a `kind` that is not auto, marketing, transactional or personal, else never.

        `kind` is what the caller states the message is (None or "auto": decide it from the
        message); it decides which bulk and marketing obligations are judged. `draft` describes
        input that is not a whole message (scorer.draft.DraftInfo.to_dict): the header fields
        it could not have are listed, and not judged, in the report. `dns_allowance` is the
        caller's DNS budget (scorer.dnsbudget): the message's query cap is taken from it and
        what was not used given back; when it cannot cover the cap, DNS checks do not run.
        """
        started = time.monotonic()
        stated = stated_kind(kind)
        settings = self.settings
        changes: dict[str, Any] = {}
        if offline is not None:
            changes["offline"] = offline
        if lang is not None:
            changes["lang"] = lang
        if threshold is not None:
            changes["threshold"] = threshold
        if limits is not None:
            changes["limits"] = limits
        if changes:
            settings = settings.replace(**changes)
        size = len(raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else raw)
        if size > settings.limits.max_message_bytes:
            raise MessageTooLargeError(size, settings.limits.max_message_bytes)
        if not isinstance(delivery, Delivery):
            delivery = Delivery.from_mapping(dict(delivery) if delivery else None)
        deadline = started + settings.limits.time_budget_ms / 1000.0
        msg = parse(raw, settings.limits, deadline=deadline)
        ctx = Context(
            settings=settings,
            rules=self.rules,
            delivery=delivery,
            now=now or datetime.now(UTC),
            deadline=deadline,
            classifier=self.classifier if settings.use_classifier else None,
            fetcher=self.fetcher,
            mark_roots=self.mark_roots,
        )
        if draft:
            ctx.assumed_missing = frozenset(h.lower() for h in draft.get("assumed_missing", ()))
            ctx.sections["draft"] = {
                "input": draft.get("input"),
                "assumed_missing": list(draft.get("assumed_missing", ())),
            }
        reserved = 0
        session = None
        if not settings.offline and self.resolver is not None:
            cap = settings.limits.max_dns_queries
            if dns_allowance is not None and not dns_allowance.take(cap):
                ctx.dns_budget = (dns_allowance.queries, dns_allowance.seconds)
            else:
                reserved = cap if dns_allowance is not None else 0
                session = ctx.dns = self.resolver.session(
                    deadline=min(deadline, started + settings.limits.dns_deadline_ms / 1000.0),
                    max_queries=cap,
                )
        try:
            run = Run(self, msg, ctx)
            run.decide_kind(stated)
            run.execute()
            return build_report(run, started)
        finally:
            if reserved and dns_allowance is not None:
                used = session.queries if session is not None else 0
                dns_allowance.give_back(reserved - min(used, reserved))

    def close(self) -> None:
        """Stop the worker threads (network checks, the resolver's lookups)."""
        self.pool.shutdown(wait=False, cancel_futures=True)
        resolver = self._resolver
        if resolver is not None and hasattr(resolver, "close"):
            resolver.close()


def _default_resolver(settings: Settings) -> Any:
    try:
        from scorer.dns import Resolver  # type: ignore[attr-defined]
    except ImportError:
        return None
    # The engine's resolver serves the runs that go online, whatever the default is: a caller
    # may ask `analyze(offline=False)` of an engine whose settings say offline.
    return Resolver.from_settings(settings.replace(offline=False))


def _default_classifier(settings: Settings) -> Any:
    try:
        from scorer.ml.classifier import load_default  # type: ignore[attr-defined]
    except ImportError:
        return False
    return load_default(settings) or False
