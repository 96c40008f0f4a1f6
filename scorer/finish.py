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

from scorer.findings import findings as findings_of
from scorer.fixes import build_fixes
from scorer.registry import Hit, requirement_builders
from scorer.report import Report, Requirement, Skipped
from scorer.scoring import category_totals

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
            skipped.append(
                Skipped(builder.__name__, "error building requirements", "requirements_error")
            )
    sections = dict(run.ctx.sections)
    causes = rules.lists.causes
    sections["fixes"] = build_fixes(findings, requirements, rules, causes, threshold)
    sections["versions"] = run.engine.versions
    sections["dns"] = _dns_section(run)
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


def _dns_section(run: Run) -> dict[str, Any]:
    """`dns`: ok, untrusted (with the problem) or offline; never absent."""
    if run.ctx.settings.offline:
        return {"status": "offline"}
    status = run.ctx.dns_status
    if status is not None:
        return status.to_dict()
    if run.ctx.dns is None:
        return {"status": "unavailable"}
    return {"status": "ok"}
