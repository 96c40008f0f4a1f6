"""One analysis run: the kind first, then every check under the message's time budget.

Offline checks run in order, then the pattern rules, then the `late` checks (which read the
offline hits); network checks run concurrently on the Engine's workers, each ending by the
per-message deadline. A check that cannot run, raises, or is past the budget is listed in
`skipped` with the reason; it never blanks the report. Scoring the run is scorer.finish's job.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from concurrent.futures import FIRST_COMPLETED, Future, wait
from typing import TYPE_CHECKING, Any

from scorer import patterns
from scorer.context import Context
from scorer.i18n import T
from scorer.kind import Kind, decide
from scorer.message import Message
from scorer.registry import CheckSpec, Hit, Skip
from scorer.report import Skipped

if TYPE_CHECKING:
    from scorer.engine import Engine

log = logging.getLogger(__name__)

DNS_BUDGET_ID = "DNS_BUDGET"
"""The finding a run emits when the caller's DNS budget could not cover this message."""
_RUNS_PAST_BUDGET = frozenset({"limits"})
"""Checks that cost nothing and must report even after the budget ran out: `limits` says what
parsing cut, which the report needs most when parsing took the whole budget."""


class Run:
    """One analysis: runs the checks under the budget and collects hits, statuses and skips."""

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

    def collected(
        self,
    ) -> tuple[list[Hit], list[Skipped], dict[str, dict[str, Any]], list[str], list[str]]:
        """What the run collected, copied under its lock: the hits, the skips (distinct, by
        check), each check's status, the checks the time budget cut, and those that started but
        did not finish."""
        with self._lock:
            return (
                list(self.hits),
                sorted(set(self.skipped), key=lambda s: (s.check, s.reason)),
                dict(self.statuses),
                sorted(set(self.over_budget)),
                sorted(set(self.unfinished)),
            )

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
        for spec in engine.offline_checks:
            self._run_guarded(spec)
        self._run_patterns()
        self.ctx.offline_hits = tuple(self.hits)
        for spec in engine.late_checks:
            self._run_guarded(spec)
        self._run_network(engine.network_checks)

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
        rules = self.engine.pattern_rules
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
            self.engine.pool.submit(self._run_guarded, spec): spec for spec in runnable
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
