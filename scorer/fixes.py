"""Fixes first: the report's findings grouped by root cause, each with the score the message
would have without them, in the order that gains most.

`score_if_fixed` is a what-if of the scoring layer (scorer.scoring.score_without: the same sums,
caps and floors, over the findings that would be left), never a second analysis. The order is
greedy: each next fix is the one that lowers the score most given the fixes before it, so caps
are honoured (a fix in a category that stays over its cap gains nothing until the others in it
are fixed too); `score_after` is the score once it and every fix above it are done, and
`gain_in_order` what it takes off at that point. A cause
that only makes provider requirements fail (a missing DMARC record, no TLS) is a fix too, after
the scored ones: a provider refuses such mail whatever its score.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from scorer.causes import Causes
from scorer.report import Finding, Requirement
from scorer.rules import RuleSet
from scorer.scoring import WhatIf

_BAD = ("fail", "warn")


def build_fixes(
    findings: Sequence[Finding],
    requirements: Iterable[Requirement],
    rules: RuleSet,
    causes: Causes,
    threshold: float,
) -> list[dict[str, Any]]:
    """The fixes, best first; language-neutral (texts are added when the report is shown)."""
    groups: dict[str, dict[str, Any]] = {}
    for finding in findings:
        if finding.score <= 0:
            continue
        cause = causes.of_finding(finding.id)
        groups.setdefault(cause, {"ids": [], "requirements": []})["ids"].append(finding.id)
    for req in requirements:
        if req.status in _BAD and req.cause:
            group = groups.setdefault(req.cause, {"ids": [], "requirements": []})
            group["requirements"].append(req.id)
    # failing requirements' causes also own the zero-score findings of that cause (so a fix
    # names the finding that explains it, e.g. DMARC_MISSING at 0 points for a draft)
    for finding in findings:
        cause = causes.of_finding(finding.id)
        if cause in groups and finding.id not in groups[cause]["ids"]:
            groups[cause]["ids"].append(finding.id)
    whatif = WhatIf(findings, rules, threshold)
    score = whatif.score_without(())
    items = []
    for cause, group in groups.items():
        alone = whatif.score_without(group["ids"])
        failing = [
            r.id for r in requirements if r.id in group["requirements"] and r.status == "fail"
        ]
        items.append(
            {
                "cause": cause,
                "ids": group["ids"],
                "requirements": group["requirements"],
                "failing_requirements": len(failing),
                "score_if_fixed": alone,
                "gain": round(score - alone, 2),
            }
        )
    ordered: list[dict[str, Any]] = []
    done: list[str] = []
    current = score
    pending = sorted(items, key=lambda item: item["cause"])  # ties: a stable, readable order
    while pending:
        best = max(
            pending,
            key=lambda item: (
                round(current - whatif.score_without([*done, *item["ids"]]), 2),
                item["failing_requirements"],
                len(item["requirements"]),
                -len(item["ids"]),
            ),
        )
        pending.remove(best)
        done.extend(best["ids"])
        after = whatif.score_without(done)
        best["score_after"] = after
        best["gain_in_order"] = round(current - after, 2)
        current = after
        ordered.append(best)
    under = score < threshold
    for item in ordered:
        # what the headline counts: the fixes that bring the score under the threshold, then
        # every fix that clears a provider refusal
        item["needed"] = (not under) or item["failing_requirements"] > 0
        if not under and item["score_after"] < threshold:
            under = True
    return ordered


def changes_needed(fixes: Iterable[dict[str, Any]]) -> int:
    return sum(1 for item in fixes if item.get("needed"))
