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

from scorer import __version__, patterns
from scorer.causes import load_causes
from scorer.context import Context, Delivery
from scorer.dnsbudget import DnsAllowance
from scorer.errors import MessageTooLargeError
from scorer.fixes import build_fixes
from scorer.i18n import T
from scorer.kind import Kind, applies, decide, load_spec, stated_kind
from scorer.message import Message, parse
from scorer.registry import CheckSpec, Hit, Skip, registered_checks, requirement_builders
from scorer.report import FLOOR_FINDING_ID, Finding, Report, Requirement, Skipped
from scorer.rules import RuleSet, load_rules
from scorer.scoring import category_totals
from scorer.settings import Limits, Settings

log = logging.getLogger(__name__)

_MAX_EVIDENCE_ITEMS = 20
_MAX_EVIDENCE_CHARS = 300
_NETWORK_WORKERS = 8
TIME_BUDGET_ID = "LIMIT_TIME_BUDGET"
INCOMPLETE_ID = FLOOR_FINDING_ID
DNS_BUDGET_ID = "DNS_BUDGET"
PIPELINE_IDS = (TIME_BUDGET_ID, INCOMPLETE_ID, DNS_BUDGET_ID)
_RUNS_PAST_BUDGET = frozenset({"limits"})
"""Checks that cost nothing and must report even after the budget ran out: `limits` says what
parsing cut, which the report needs most when parsing took the whole budget."""


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
        self._offline_checks = [c for c in self.checks if not c.network and not c.late]
        self._late_checks = [c for c in self.checks if not c.network and c.late]
        self._network_checks = [c for c in self.checks if c.network]
        self._pattern_rules = self.rules.pattern_rules()
        emitted = {c.name: c.emits for c in registered_checks()}
        emitted["pipeline"] = PIPELINE_IDS
        complete = rules is None if validate_complete is None else validate_complete
        self.rules.validate_checks(emitted, complete=complete)
        self.kinds = load_spec()
        self._resolver = resolver
        self._resolver_check: Any = None
        self._classifier = classifier
        self.fetcher = fetcher
        """The guarded fetcher for opt-in BIMI fetches (a default one is made on first use)."""
        self.mark_roots = mark_roots
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
            run = _Run(self, msg, ctx)
            run.decide_kind(stated)
            run.execute()
            return run.build(started)
        finally:
            if reserved and dns_allowance is not None:
                used = session.queries if session is not None else 0
                dns_allowance.give_back(reserved - min(used, reserved))

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
        self.unfinished: list[str] = []
        """Checks and pattern rules that started but did not finish (an error, a slow regex)."""
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
            self.skipped.append(Skipped("kind", reason, "error", (("detail", reason),)))
        status["ms"] = round((time.perf_counter() - started) * 1000, 3)
        self.statuses["kind"] = status

    def execute(self) -> None:
        engine = self.engine
        for spec in engine._offline_checks:
            self._run_guarded(spec)
        self._run_patterns()
        self.ctx.offline_hits = tuple(self.hits)
        for spec in engine._late_checks:
            self._run_guarded(spec)
        self._run_network(engine._network_checks)

    def _past_budget(self, name: str) -> bool:
        if self.ctx.time_left() <= 0:
            with self._lock:
                self.over_budget.append(name)
                self.skipped.append(Skipped(name, "time budget exceeded", "time_budget"))
                self.statuses[name] = {"status": "skipped", "ms": 0.0}
            return True
        return False

    def _run_guarded(self, spec: CheckSpec) -> None:
        if spec.name not in _RUNS_PAST_BUDGET and self._past_budget(spec.name):
            return
        started = time.perf_counter()
        status = "ok"
        skipped: Skipped | None = None
        try:
            result = spec.func(self.msg, self.ctx)
            hits = _as_hits(result, spec)
        except Skip as skip:
            hits, status = [], "skipped"
            params = tuple(sorted(skip.params.items()))
            skipped = Skipped(spec.name, skip.reason, skip.code, params)
        except Exception as exc:  # a failing check must not blank the report
            log.exception("check %s failed", spec.name)
            hits, status = [], "error"
            detail = f"{type(exc).__name__}: {exc}"[:300]
            skipped = Skipped(spec.name, f"error: {detail}", "error", (("detail", detail),))
        elapsed = round((time.perf_counter() - started) * 1000, 3)
        with self._lock:
            if status == "error":
                self.unfinished.append(spec.name)
            self.hits.extend(hits)
            self.statuses[spec.name] = {"status": status, "ms": elapsed}
            if skipped is not None:
                self.statuses[spec.name]["reason"] = skipped.reason
                self.skipped.append(skipped)

    def _run_patterns(self) -> None:
        rules = self.engine._pattern_rules
        if not rules:
            return
        started = time.perf_counter()
        for rule in rules:
            if self._past_budget(rule.id):
                continue
            try:
                hit = patterns.evaluate(rule, self.msg)
            except TimeoutError:
                self.skipped.append(
                    Skipped(rule.id, "pattern took too long on this input", "pattern_timeout")
                )
                self.unfinished.append(rule.id)
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
                self._skip(spec.name, Skipped(spec.name, "offline", "offline"))
            else:
                runnable.append(spec)
        if any(spec.dns for spec in runnable) and self.ctx.dns_budget is not None:
            queries, seconds = self.ctx.dns_budget
            budget = (("queries", queries), ("seconds", seconds))
            for spec in [s for s in runnable if s.dns]:
                self._skip(spec.name, Skipped(spec.name, "DNS budget", "dns_budget", budget))
            runnable = [s for s in runnable if not s.dns]
            evidence = T("ev.dns_budget", queries=queries, seconds=seconds)
            with self._lock:
                self.hits.append(
                    Hit(
                        DNS_BUDGET_ID,
                        [evidence],
                        {"max_queries": self.ctx.settings.limits.max_dns_queries},
                    )
                )
        if any(spec.dns for spec in runnable) and not self._resolver_trusted():
            status = self.ctx.dns_status
            for spec in [s for s in runnable if s.dns]:
                self._skip(
                    spec.name,
                    Skipped(
                        spec.name,
                        "the DNS resolver is not answering correctly",
                        "dns_untrusted",
                        (("problem", status.problem),),
                    ),
                )
            runnable = [s for s in runnable if not s.dns]
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
                    self.skipped.append(Skipped(spec.name, "time budget exceeded", "time_budget"))
                    self.statuses[spec.name] = {"status": "skipped", "ms": 0.0}

    def _skip(self, name: str, skipped: Skipped) -> None:
        with self._lock:
            self.skipped.append(skipped)
            self.statuses[name] = {"status": "skipped", "ms": 0.0, "reason": skipped.reason}

    def _resolver_trusted(self) -> bool:
        """Ask the resolver sanity check (cached); an untrusted resolver means no DNS at all for
        this message: checks and the requirement checklist then say why, never judge."""
        check = self.engine.resolver_check if self.ctx.dns is not None else None
        if check is None:
            return True
        status = check.status(lifetime=max(self.ctx.dns.time_left(), 0.0))
        self.ctx.dns_status = status
        if not status.trusted:
            self.ctx.dns = None
        return bool(status.trusted)

    # --- scoring -------------------------------------------------------------------------
    def build(self, started: float) -> Report:
        with self._lock:
            hits = list(self.hits)
            skipped = sorted(set(self.skipped), key=lambda s: (s.check, s.reason))
            statuses = dict(self.statuses)
            over_budget = sorted(set(self.over_budget))
            unfinished = sorted(set(self.unfinished))
        rules = self.engine.rules
        parse_notes = [n.detail for n in self.msg.limit_notes if n.id == TIME_BUDGET_ID]
        if (over_budget or parse_notes) and TIME_BUDGET_ID in rules:
            hits.append(
                Hit(
                    TIME_BUDGET_ID,
                    [*parse_notes, *over_budget],
                    {
                        "budget_ms": self.ctx.settings.limits.time_budget_ms,
                        "count": len(over_budget),
                    },
                )
            )
        kind = self.ctx.kind
        findings, not_applicable = _findings(hits, rules, kind.value if kind else None)
        categories, capped = category_totals(findings, rules)
        score = round(sum(categories.values()), 2)
        threshold = self.ctx.settings.threshold
        incomplete = _incomplete(self.msg, over_budget, unfinished, score)
        if incomplete is not None:
            findings, categories, capped, score = _floor(
                findings, rules, score, threshold, incomplete
            )
        requirements: list[Requirement] = []
        for builder in requirement_builders():
            try:
                requirements.extend(builder(self.msg, self.ctx, findings))
            except Exception:
                log.exception("requirements builder %s failed", builder.__name__)
                skipped.append(
                    Skipped(builder.__name__, "error building requirements", "requirements_error")
                )
        sections = dict(self.ctx.sections)
        sections["fixes"] = build_fixes(findings, requirements, rules, load_causes(), threshold)
        sections["versions"] = self.engine.versions
        sections["dns"] = self._dns_section()
        classifier = sections.pop("classifier", None)
        delivery = self.ctx.delivery.to_dict()
        if delivery:
            sections.setdefault("delivery", delivery)
        report = Report(
            score=score,
            threshold=threshold,
            is_spam=score >= threshold or incomplete is not None,
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
            incomplete=incomplete,
            parsed=self.msg,
        )
        return report

    def _dns_section(self) -> dict[str, Any]:
        """`dns`: ok, untrusted (with the problem) or offline; never absent."""
        if self.ctx.settings.offline:
            return {"status": "offline"}
        if self.ctx.dns_budget is not None:
            queries, seconds = self.ctx.dns_budget
            return {"status": "budget", "queries": queries, "seconds": seconds}
        status = self.ctx.dns_status
        if status is not None:
            return status.to_dict()
        if self.ctx.dns is None:
            return {"status": "unavailable"}
        return {"status": "ok"}


def _incomplete(
    msg: Message, over_budget: list[str], unfinished: list[str], score: float
) -> dict[str, Any] | None:
    """What was not read or not checked, when anything was: the report is then inconclusive.

    A limit the parser reached (part of the message was not examined), a check or pattern
    cut by the time budget, one that failed with an error or a regex that took too long: each
    leaves part of the message unjudged, so the verdict cannot be "clean"."""
    limits = sorted({n.id for n in msg.limit_notes} | ({TIME_BUDGET_ID} if over_budget else set()))
    checks = sorted(set(over_budget) | set(unfinished))
    if not limits and not checks:
        return None
    return {"limits": limits, "checks": checks, "score_before_floor": score}


def _floor(
    findings: list[Finding],
    rules: RuleSet,
    score: float,
    threshold: float,
    incomplete: dict[str, Any],
) -> tuple[list[Finding], dict[str, float], dict[str, dict[str, float]], float]:
    """An inconclusive report never reads as clean: LIMIT_INCOMPLETE lifts the score to the
    threshold (it adds nothing when the score is there already), so `is_spam` holds and the
    categories still add up to the score."""
    rule = rules.get(INCOMPLETE_ID)
    if rule is None:  # a rule set without it (tests): is_spam still holds
        categories, capped = category_totals(findings, rules)
        return findings, categories, capped, score
    lift = max(0.0, round(threshold - score, 2))
    reasons = [*incomplete["limits"], *incomplete["checks"]]
    finding = Finding(
        id=INCOMPLETE_ID,
        category=rule.category,
        score=lift,
        severity="error",
        evidence=_clip(reasons),
        params={"floor": threshold, "score_before": score, "count": len(reasons)},
    )
    findings = sorted([*findings, finding], key=lambda f: (-f.score, f.category, f.id))
    categories, capped = category_totals(findings, rules)
    return findings, categories, capped, max(round(sum(categories.values()), 2), threshold)


def _as_hits(result: Hit | Iterable[Hit] | None, spec: CheckSpec) -> list[Hit]:
    if result is None:
        return []
    items = [result] if isinstance(result, Hit) else list(result)
    hits = []
    for hit in items:
        if hit.id is None:
            if len(spec.emits) != 1:
                raise ValueError(f"check {spec.name} emits several ids; a Hit must name its id")
            hit = Hit(spec.emits[0], hit.evidence, hit.params, hit.value)
        elif hit.id not in spec.emits:
            raise ValueError(f"check {spec.name} returned {hit.id}, which it does not declare")
        hits.append(hit)
    return hits


def _clip(evidence: Iterable[str | T]) -> tuple[str | T, ...]:
    """At most 20 distinct items; long quotes (and long text inside a T) cut at 300 characters."""
    items: list[str | T] = []
    for item in evidence:
        if isinstance(item, T):
            clipped: str | T = T(item.key, **{k: _cut(v) for k, v in item.params})
        else:
            clipped = _cut(str(item))
        if clipped not in items:
            items.append(clipped)
        if len(items) >= _MAX_EVIDENCE_ITEMS:
            break
    return tuple(items)


def _cut(value: Any) -> Any:
    if isinstance(value, str) and len(value) > _MAX_EVIDENCE_CHARS:
        return value[: _MAX_EVIDENCE_CHARS - 1] + "…"
    return value


def _findings(
    hits: list[Hit], rules: RuleSet, kind: str | None = None
) -> tuple[list[Finding], list[Finding]]:
    """The scored findings, and those of rules that do not bind this kind of message.

    A rule's `applies_to` names the kinds it binds (scorer.kind.applies). A finding for another
    kind is not scored but listed as not applicable, so it never silently disappears. A finding
    that `replaces` others hides them only where it is itself scored (or among the not
    applicable), so a rule that does not apply never hides one that does.
    """
    merged: dict[str, Hit] = {}
    for hit in hits:
        assert hit.id is not None
        if hit.id not in rules:
            continue
        previous = merged.get(hit.id)
        if previous is None:
            merged[hit.id] = Hit(hit.id, list(hit.evidence), dict(hit.params), hit.value)
        else:
            previous.evidence = [*previous.evidence, *hit.evidence]
            if hit.value is not None:
                previous.value = max(previous.value or 0.0, hit.value)
    binding = {
        rule_id
        for rule_id in merged
        if kind is None or applies(rules.get(rule_id).applies_to, kind)  # type: ignore[union-attr]
    }
    replaced_by_binding = {
        other
        for rid in binding
        for other in rules.get(rid).replaces  # type: ignore[union-attr]
    }
    replaced_by_any = {
        other
        for rid in merged
        for other in rules.get(rid).replaces  # type: ignore[union-attr]
    }
    findings: list[Finding] = []
    not_applicable: list[Finding] = []
    for rule_id, hit in merged.items():
        scored = rule_id in binding
        if rule_id in (replaced_by_binding if scored else replaced_by_any):
            continue
        rule = rules.get(rule_id)
        assert rule is not None
        score = rule.score_for(hit.value)
        if score is None:
            continue
        (findings if scored else not_applicable).append(
            Finding(
                id=rule.id,
                category=rule.category,
                score=score,
                severity=rule.severity_for(score),
                evidence=_clip(hit.evidence),
                params={k: _jsonable(v) for k, v in hit.params.items()},
            )
        )
    findings.sort(key=lambda f: (-f.score, f.category, f.id))
    not_applicable.sort(key=lambda f: (-f.score, f.category, f.id))
    return findings, not_applicable


def _jsonable(value: Any) -> Any:
    if isinstance(value, str | int | float | bool | T) or value is None:
        return value
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)


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


def analyze(raw: bytes | str, *, offline: bool = False, **options: Any) -> Report:
    """Analyse one raw message with the default engine (see `Engine.analyze` for options)."""
    return default_engine().analyze(raw, offline=offline, **options)
