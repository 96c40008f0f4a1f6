"""Scores and the Report of a finished run.

The run's hits become findings (scorer.findings: merging, replaces, refinements, the kind's
applies_to); the time budget, when it cut checks short, is a finding too; each category sums
its findings within the cap and floor of the rule data; then the providers' requirement
checklist and the sections checks contributed complete the Report.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from scorer.findings import findings as findings_of
from scorer.registry import Hit, requirement_builders
from scorer.report import Finding, Report, Requirement, Skipped
from scorer.rules import RuleSet

if TYPE_CHECKING:
    from scorer.schedule import Run

log = logging.getLogger(__name__)

TIME_BUDGET_ID = "LIMIT_TIME_BUDGET"
PIPELINE_IDS = (TIME_BUDGET_ID,)
"""Finding ids the pipeline itself emits (declared like any check's)."""


def build_report(run: Run, started: float) -> Report:
    """The Report of a finished run: its findings scored, the checklist, the sections."""
    hits, skipped, statuses, over_budget = run.collected()
    rules = run.engine.rules
    if over_budget and TIME_BUDGET_ID in rules:
        hits.append(
            Hit(
                TIME_BUDGET_ID,
                over_budget,
                {
                    "budget_ms": run.ctx.settings.limits.time_budget_ms,
                    "count": len(over_budget),
                },
            )
        )
    kind = run.ctx.kind
    findings, not_applicable = findings_of(hits, rules, kind.value if kind else None)
    categories, capped = category_totals(findings, rules)
    score = round(sum(categories.values()), 2)
    threshold = run.ctx.settings.threshold
    requirements: list[Requirement] = []
    for builder in requirement_builders():
        try:
            requirements.extend(builder(run.msg, run.ctx, findings))
        except Exception:
            log.exception("requirements builder %s failed", builder.__name__)
            skipped.append(Skipped(builder.__name__, "error building requirements"))
    sections = dict(run.ctx.sections)
    classifier = sections.pop("classifier", None)
    if run.ctx.delivery.to_dict():
        sections.setdefault("delivery", run.ctx.delivery.to_dict())
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
        message=run.msg.summary(),
        lang=run.ctx.settings.lang,
        capped=capped,
        extra=sections,
        rules=rules,
        kind=kind,
        not_applicable=not_applicable,
    )
    return report


def category_totals(
    findings: list[Finding], rules: RuleSet
) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """(total per category, {category: {raw, cap|floor}} for each category a bound changed)."""
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
