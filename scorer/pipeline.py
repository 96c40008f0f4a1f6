"""Run every check on a parsed message under a time budget, then score and build the Report.

Offline checks run in order; network checks run concurrently (bounded) once they are done, each
ending by the per-message deadline. A check that cannot run, raises, or is past the budget is
listed in `skipped` with the reason; it never blanks the report.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from datetime import UTC, datetime
from typing import Any

from scorer import patterns
from scorer.context import Context, Delivery
from scorer.errors import MessageTooLargeError
from scorer.findings import findings as findings_of
from scorer.kind import Kind, decide, stated_kind
from scorer.message import Message, parse
from scorer.registry import (
    CheckSpec,
    Hit,
    Skip,
    registered_checks,
    requirement_builders,
    requirement_tests,
)
from scorer.report import Finding, Report, Requirement, Skipped
from scorer.rules import RuleSet, load_rules
from scorer.settings import Limits, Settings

log = logging.getLogger(__name__)

_NETWORK_WORKERS = 8
TIME_BUDGET_ID = "LIMIT_TIME_BUDGET"
PIPELINE_IDS = (TIME_BUDGET_ID,)


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
        emitted = {c.name: c.emits for c in registered_checks()}
        emitted["pipeline"] = PIPELINE_IDS
        complete = rules is None if validate_complete is None else validate_complete
        self.rules.validate_checks(
            emitted, complete=complete, requirement_tests=requirement_tests()
        )
        self.kinds = self.rules.lists.kinds
        self._resolver = resolver
        self._classifier = classifier
        self.fetcher = fetcher
        """The guarded fetcher for opt-in BIMI fetches (a default one is made on first use)."""
        self.mark_roots = mark_roots
        """Trust anchors for mark certificates; None: the rule set's (`rules.lists.mark_roots`)."""
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=_NETWORK_WORKERS, thread_name_prefix="netcheck")

    # Resources are created on first use so that an offline CLI run never builds a resolver.
    @property
    def resolver(self) -> Any:
        if self._resolver is None:
            with self._lock:
                if self._resolver is None:
                    self._resolver = _default_resolver(self.settings)
        return self._resolver

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
    ) -> Report:
        """Analyse one raw message. Raises MessageTooLargeError over the size limit, KindError
        for a `kind` that is not auto, marketing, transactional or personal, else never.

        `kind` is what the caller states the message is (None or "auto": decide it from the
        message); it decides which bulk and marketing obligations are judged.
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
        msg = parse(raw, settings.limits)
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
        if not settings.offline and self.resolver is not None:
            ctx.dns = self.resolver.session(
                deadline=min(deadline, started + settings.limits.dns_deadline_ms / 1000.0),
                max_queries=settings.limits.max_dns_queries,
            )
        run = _Run(self, msg, ctx)
        run.decide_kind(stated)
        run.execute()
        return run.build(started)

    def close(self) -> None:
        """Stop the worker threads (network checks, the resolver's lookups)."""
        self._pool.shutdown(wait=False, cancel_futures=True)
        resolver = self._resolver
        if resolver is not None and hasattr(resolver, "close"):
            resolver.close()


def _default_resolver(settings: Settings) -> Any:
    try:
        from scorer.dns import Resolver  # type: ignore[attr-defined]
    except ImportError:
        return None
    return Resolver.from_settings(settings)


def _default_classifier(settings: Settings) -> Any:
    try:
        from scorer.classifier import load_default  # type: ignore[attr-defined]
    except ImportError:
        return False
    return load_default(settings) or False


class _Run:
    """One analysis: collects hits, statuses and skips, then scores."""

    def __init__(self, engine: Engine, msg: Message, ctx: Context) -> None:
        self.engine = engine
        self.msg = msg
        self.ctx = ctx
        self.hits: list[Hit] = []
        self.skipped: list[Skipped] = []
        self.statuses: dict[str, dict[str, Any]] = {}
        self.over_budget: list[str] = []
        self._lock = threading.Lock()

    # --- running -------------------------------------------------------------------------
    def decide_kind(self, stated: str | None) -> None:
        """What the message is (scorer.kind), before any check: it never raises here."""
        started = time.perf_counter()
        try:
            self.ctx.kind = decide(self.msg, stated, self.engine.kinds)
            status: dict[str, Any] = {"status": "ok"}
        except Exception as exc:  # a failing decider must not blank the report
            log.exception("kind decider failed")
            fallback = stated or self.engine.kinds.default
            self.ctx.kind = Kind(fallback, "caller" if stated else "auto", fallback, {})
            reason = f"error: {type(exc).__name__}: {exc}"[:300]
            status = {"status": "error", "reason": reason}
            self.skipped.append(Skipped("kind", reason))
        status["ms"] = round((time.perf_counter() - started) * 1000, 3)
        self.statuses["kind"] = status

    def execute(self) -> None:
        offline_checks = [c for c in self.engine.checks if not c.network and not c.late]
        late_checks = [c for c in self.engine.checks if not c.network and c.late]
        network_checks = [c for c in self.engine.checks if c.network]
        for spec in offline_checks:
            self._run_guarded(spec)
        self._run_patterns()
        self.ctx.offline_hits = tuple(self.hits)
        for spec in late_checks:
            self._run_guarded(spec)
        self._run_network(network_checks)

    def _past_budget(self, name: str) -> bool:
        if self.ctx.time_left() <= 0:
            with self._lock:
                self.over_budget.append(name)
                self.skipped.append(Skipped(name, "time budget exceeded"))
                self.statuses[name] = {"status": "skipped", "ms": 0.0}
            return True
        return False

    def _run_guarded(self, spec: CheckSpec) -> None:
        if self._past_budget(spec.name):
            return
        started = time.perf_counter()
        status = "ok"
        reason = None
        try:
            result = spec.func(self.msg, self.ctx)
            hits = _as_hits(result, spec)
        except Skip as skip:
            hits, status, reason = [], "skipped", skip.reason
        except Exception as exc:  # a failing check must not blank the report
            log.exception("check %s failed", spec.name)
            hits, status, reason = [], "error", f"error: {type(exc).__name__}: {exc}"[:300]
        elapsed = round((time.perf_counter() - started) * 1000, 3)
        with self._lock:
            self.hits.extend(hits)
            self.statuses[spec.name] = {"status": status, "ms": elapsed}
            if reason is not None:
                self.statuses[spec.name]["reason"] = reason
                self.skipped.append(Skipped(spec.name, reason))

    def _run_patterns(self) -> None:
        rules = self.engine.rules.pattern_rules()
        if not rules:
            return
        started = time.perf_counter()
        for rule in rules:
            if self._past_budget(rule.id):
                continue
            try:
                hit = patterns.evaluate(rule, self.msg)
            except TimeoutError:
                self.skipped.append(Skipped(rule.id, "pattern took too long on this input"))
                continue
            if hit is not None:
                self.hits.append(hit)
        self.statuses["patterns"] = {
            "status": "ok",
            "ms": round((time.perf_counter() - started) * 1000, 3),
        }

    def _run_network(self, specs: list[CheckSpec]) -> None:
        if not specs:
            return
        runnable = []
        for spec in specs:
            if self.ctx.settings.offline:
                self.skipped.append(Skipped(spec.name, "offline"))
                self.statuses[spec.name] = {"status": "skipped", "ms": 0.0, "reason": "offline"}
            else:
                runnable.append(spec)
        if not runnable:
            return
        futures: dict[Future[None], CheckSpec] = {
            self.engine._pool.submit(self._run_guarded, spec): spec for spec in runnable
        }
        pending = set(futures)
        while pending:
            remaining = self.ctx.time_left()
            if remaining <= 0:
                break
            _done, pending = wait(pending, timeout=remaining, return_when=FIRST_COMPLETED)
        for future in pending:
            spec = futures[future]
            future.cancel()
            with self._lock:
                if spec.name not in self.statuses:
                    self.over_budget.append(spec.name)
                    self.skipped.append(Skipped(spec.name, "time budget exceeded"))
                    self.statuses[spec.name] = {"status": "skipped", "ms": 0.0}

    # --- scoring -------------------------------------------------------------------------
    def build(self, started: float) -> Report:
        with self._lock:
            hits = list(self.hits)
            skipped = sorted(set(self.skipped), key=lambda s: (s.check, s.reason))
            statuses = dict(self.statuses)
            over_budget = sorted(set(self.over_budget))
        rules = self.engine.rules
        if over_budget and TIME_BUDGET_ID in rules:
            hits.append(
                Hit(
                    TIME_BUDGET_ID,
                    over_budget,
                    {
                        "budget_ms": self.ctx.settings.limits.time_budget_ms,
                        "count": len(over_budget),
                    },
                )
            )
        kind = self.ctx.kind
        findings, not_applicable = findings_of(hits, rules, kind.value if kind else None)
        categories, capped = _category_totals(findings, rules)
        score = round(sum(categories.values()), 2)
        threshold = self.ctx.settings.threshold
        requirements: list[Requirement] = []
        for builder in requirement_builders():
            try:
                requirements.extend(builder(self.msg, self.ctx, findings))
            except Exception:
                log.exception("requirements builder %s failed", builder.__name__)
                skipped.append(Skipped(builder.__name__, "error building requirements"))
        sections = dict(self.ctx.sections)
        classifier = sections.pop("classifier", None)
        if self.ctx.delivery.to_dict():
            sections.setdefault("delivery", self.ctx.delivery.to_dict())
        report = Report(
            score=score,
            threshold=threshold,
            is_spam=score >= threshold,
            categories=categories,
            findings=findings,
            requirements=requirements,
            classifier=classifier,
            skipped=skipped,
            elapsed_ms=round((time.monotonic() - started) * 1000, 2),
            checks=statuses,
            message=self.msg.summary(),
            lang=self.ctx.settings.lang,
            capped=capped,
            extra=sections,
            rules=rules,
            kind=kind,
            not_applicable=not_applicable,
        )
        return report


def _as_hits(result: Hit | Iterable[Hit] | None, spec: CheckSpec) -> list[Hit]:
    if result is None:
        return []
    items = [result] if isinstance(result, Hit) else list(result)
    hits = []
    for hit in items:
        if hit.id is None:
            if len(spec.emits) != 1:
                raise ValueError(f"check {spec.name} emits several ids; a Hit must name its id")
            hit = Hit(spec.emits[0], hit.evidence, hit.params, hit.value, hit.level)
        elif hit.id not in spec.emits:
            raise ValueError(f"check {spec.name} returned {hit.id}, which it does not declare")
        hits.append(hit)
    return hits


def _category_totals(
    findings: list[Finding], rules: RuleSet
) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    raw: dict[str, float] = {name: 0.0 for name in rules.categories}
    for finding in findings:
        raw[finding.category] = raw.get(finding.category, 0.0) + finding.score
    totals: dict[str, float] = {}
    capped: dict[str, dict[str, float]] = {}
    for name, value in raw.items():
        category = rules.categories.get(name)
        total = value
        if category is not None and category.cap is not None and total > category.cap:
            capped[name] = {"raw": round(value, 2), "cap": category.cap}
            total = category.cap
        if category is not None and category.floor is not None and total < category.floor:
            capped[name] = {"raw": round(value, 2), "floor": category.floor}
            total = category.floor
        totals[name] = round(total, 2)
    return totals, capped


_DEFAULT_ENGINE: Engine | None = None
_DEFAULT_LOCK = threading.Lock()


def default_engine() -> Engine:
    """The process-wide engine on `Settings.from_env()` and the shipped rules and model."""
    global _DEFAULT_ENGINE
    if _DEFAULT_ENGINE is None:
        with _DEFAULT_LOCK:
            if _DEFAULT_ENGINE is None:
                _DEFAULT_ENGINE = Engine()
    return _DEFAULT_ENGINE


def analyze(raw: bytes | str, *, offline: bool | None = None, **options: Any) -> Report:
    """Analyse one raw message with the default engine (see `Engine.analyze` for options).

    `offline` is the caller's choice when given; otherwise the settings decide
    (`SPAMSCORE_OFFLINE`)."""
    return default_engine().analyze(raw, offline=offline, **options)
