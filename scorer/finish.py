"""The Report of a finished run.

The run's hits become findings (scorer.findings: merging, replaces, refinements, the kind's
applies_to); the time budget, when it cut checks short, is a finding too; the findings are
scored (scorer.scoring: category sums within the rule data's caps and floors); then the
providers' requirement checklist, the fixes by root cause (scorer.fixes), the versions, the
DNS status and the sections checks contributed complete the Report.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from scorer.findings import clip_evidence
from scorer.findings import findings as findings_of
from scorer.fixes import build_fixes
from scorer.message import Message
from scorer.registry import Hit, requirement_builders
from scorer.report import FLOOR_FINDING_ID, Finding, Report, Requirement, Skipped
from scorer.rules import RuleSet
from scorer.schedule import DNS_BUDGET_ID
from scorer.scoring import category_totals

if TYPE_CHECKING:
    from scorer.schedule import Run

log = logging.getLogger(__name__)

TIME_BUDGET_ID = "LIMIT_TIME_BUDGET"
INCOMPLETE_ID = FLOOR_FINDING_ID
PIPELINE_IDS = (TIME_BUDGET_ID, INCOMPLETE_ID, DNS_BUDGET_ID)
"""Finding ids the pipeline itself emits (declared like any check's)."""


def build_report(run: Run, started: float) -> Report:
    """The Report of a finished run: its findings scored, the checklist, the sections."""
    hits, skipped, statuses, over_budget, unfinished = run.collected()
    rules = run.engine.rules
    parse_notes = [n.detail for n in run.msg.limit_notes if n.id == TIME_BUDGET_ID]
    if (over_budget or parse_notes) and TIME_BUDGET_ID in rules:
        hits.append(
            Hit(
                TIME_BUDGET_ID,
                [*parse_notes, *over_budget],
                {
                    "budget_ms": run.ctx.settings.limits.time_budget_ms,
                    "count": len(over_budget),
                },
            )
        )
    kind = run.ctx.kind
    findings, not_applicable = findings_of(hits, rules, kind.value if kind else None)
    categories, capped = category_totals(findings, rules, run.ctx.settings.threshold)
    score = round(sum(categories.values()), 2)
    threshold = run.ctx.settings.threshold
    incomplete = _incomplete(run.msg, over_budget, unfinished, score)
    if incomplete is not None:
        findings, categories, capped, score = _floor(findings, rules, score, threshold, incomplete)
    requirements: list[Requirement] = []
    for builder in requirement_builders():
        try:
            requirements.extend(builder(run.msg, run.ctx, findings))
        except Exception:
            log.exception("requirements builder %s failed", builder.__name__)
            skipped.append(
                Skipped(builder.__name__, "error building requirements", "requirements_error")
            )
    sections = dict(run.ctx.sections)
    causes = rules.lists.causes
    sections["fixes"] = build_fixes(findings, requirements, rules, causes, threshold)
    sections["versions"] = run.engine.versions
    sections["dns"] = _dns_section(run)
    classifier = sections.pop("classifier", None)
    delivery = run.ctx.delivery.to_dict()
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
        message=run.msg.summary(),
        lang=run.ctx.settings.lang,
        capped=capped,
        extra=sections,
        rules=rules,
        kind=kind,
        not_applicable=not_applicable,
        incomplete=incomplete,
        parsed=run.msg,
    )
    return report


def _dns_section(run: Run) -> dict[str, Any]:
    """`dns`: ok, untrusted (with the problem) or offline; never absent."""
    if run.ctx.settings.offline:
        return {"status": "offline"}
    if run.ctx.dns_budget is not None:
        queries, seconds = run.ctx.dns_budget
        return {"status": "budget", "queries": queries, "seconds": seconds}
    status = run.ctx.dns_status
    if status is not None:
        return status.to_dict()
    if run.ctx.dns is None:
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
        evidence=clip_evidence(reasons),
        params={"floor": threshold, "score_before": score, "count": len(reasons)},
    )
    findings = sorted([*findings, finding], key=lambda f: (-f.score, f.category, f.id))
    categories, capped = category_totals(findings, rules)
    return findings, categories, capped, max(round(sum(categories.values()), 2), threshold)
