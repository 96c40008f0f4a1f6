"""Scores from findings: per-category sums with the rule set's caps and floors, and the total.

One function decides what a set of findings scores (`category_totals`), so the report's score,
its `capped` notes and every what-if score in `fixes` are worked out the same way: a what-if
is the same sum over fewer findings, never a second analysis.
"""

from __future__ import annotations

from collections.abc import Iterable

from scorer.report import Finding
from scorer.rules import RuleSet


def category_totals(
    findings: Iterable[Finding], rules: RuleSet
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


def total(findings: Iterable[Finding], rules: RuleSet) -> float:
    """The message's score for these findings (caps and floors applied)."""
    totals, _capped = category_totals(findings, rules)
    return round(sum(totals.values()), 2)


def score_without(findings: Iterable[Finding], ids: Iterable[str], rules: RuleSet) -> float:
    """What-if: the score with the findings `ids` gone, everything else as it is."""
    gone = set(ids)
    return total((f for f in findings if f.id not in gone), rules)
